#!/usr/bin/env bash
# Build the drum library from Debian's hydrogen-drumkits / hydrogen-data kits and the Sonic Pi, LMMS and
# freepats one-shots, and train the factory drum tagger on all of it.
# Usage: bash scripts/factory_tagger.sh [extra `hatbox train tagger` args]
# Output: factory/tagger-drums.hatpack (+ its held-out .report.json / .confusion.png beside it).
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python -m trainer.tagger.hydrogen --out data/tagger-drums
.venv/bin/python -m trainer.tagger.debian_samples --out data/tagger-debian
cat data/tagger-drums/all.csv data/tagger-debian/*.csv > data/tagger-factory.csv
.venv/bin/hatbox train tagger data/tagger-factory.csv --out factory/tagger-drums.hatpack \
    --name tagger-drums --holdout 0.15 --minutes 4.5 "$@"
.venv/bin/hatbox pack inspect factory/tagger-drums.hatpack
