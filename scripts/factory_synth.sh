#!/usr/bin/env bash
# Build the factory synth: render the NSynth-like note set from FluidR3 GM with fluidsynth
# (flute, trumpet, violin, clarinet; MIDI 55..84; velocities 70 and 110; 1.5 s notes) into
# data/synth/fluid, then train a 4-instrument model and write factory/synth-gm4.hatpack, levelled so a note at
# velocity 100 peaks at -6 dBFS, among the kit's hits (trainer/synth/level.py, docs/synth.md "Playing level").
# The levelled pack gets VERSION (default 0.1.2, the factory synth's as shipped: give the next one for a new build).
#   scripts/factory_synth.sh [MINUTES] [VERSION]     (default 15; logs to runs/synth/factory.log)
set -euo pipefail
cd "$(dirname "$0")/.."
MINUTES="${1:-15}"
VERSION="${2:-0.1.2}"
PY=.venv/bin/python
if [ ! -d data/synth/fluid/flute ]; then
  $PY -c "from trainer.synth.data import build_fluid_set; print(build_fluid_set('data/synth/fluid'), 'notes')"
fi
mkdir -p runs/synth factory
.venv/bin/hatbox train synth data/synth/fluid --out factory/synth-gm4.hatpack --name synth-gm4 \
  --minutes "$MINUTES" --report runs/synth/factory_report
$PY -m trainer.synth.level factory/synth-gm4.hatpack --version "$VERSION"
