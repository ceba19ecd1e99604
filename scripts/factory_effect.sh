#!/usr/bin/env bash
# Rebuild the factory effect pack (factory/effect-drive.hatpack) from synthetic pedalboard data.
# Usage: bash scripts/factory_effect.sh [--minutes N] [--seconds S]   (data goes to data/factory_effect/)
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python -m trainer.effect.factory --out factory/effect-drive.hatpack \
  --report runs/factory_effect_report "$@"
