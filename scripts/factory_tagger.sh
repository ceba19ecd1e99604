#!/usr/bin/env bash
# Build the drum library from Debian's hydrogen-drumkits and train the factory drum tagger.
# Usage: bash scripts/factory_tagger.sh [extra `hatbox train tagger` args]
# Output: factory/tagger-drums.hatpack (+ its held-out .report.json / .confusion.png beside it).
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python -m trainer.tagger.hydrogen --out data/tagger-drums
.venv/bin/hatbox train tagger data/tagger-drums/all.csv --out factory/tagger-drums.hatpack \
    --name tagger-drums --holdout 0.15 --minutes 4.5 "$@"
.venv/bin/hatbox pack inspect factory/tagger-drums.hatpack
