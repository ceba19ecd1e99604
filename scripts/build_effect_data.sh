#!/usr/bin/env bash
# Build the effect benchmark data from Debian packages (fluidsynth + fluid-soundfont-gm,
# lilv-utils + guitarix-lv2) and pedalboard into data/effect/{chain,ds1,compressor,denoise}.
# Usage: bash scripts/build_effect_data.sh [chain|ds1|compressor|denoise|all] [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-all}"
out="${2:-data/effect}"
exec .venv/bin/python -m trainer.data "$what" --out "$out"
