#!/usr/bin/env bash
# Set up a fresh machine for hatbox: Debian packages, a virtualenv in .venv, the project and its extras.
# Idempotent and quick when everything is already there.  Usage: bash scripts/setup.sh
set -euo pipefail
cd "$(dirname "$0")/.."

# The panel's fonts (device/ui/fonts.py) beyond its built-in Latin/Greek/Cyrillic one: fonts-dejavu-core for
# Hebrew and Arabic, fonts-droid-fallback (about 7 MB) for Japanese, Chinese and Korean, fonts-symbola (about
# 3 MB) for emoji in file names.  Without them the panel still runs and draws those characters as boxes.
DEBS=(libasound2-dev libasound2-plugins alsa-utils libsndfile1 sox fluidsynth fluid-soundfont-gm
      hydrogen-drumkits hydrogen-data sonic-pi-samples lmms-common freepats lilv-utils guitarix-lv2 swh-lv2
      fonts-dejavu-core fonts-droid-fallback fonts-symbola)

missing=()
for p in "${DEBS[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "==> installing Debian packages: ${missing[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
  echo "==> creating .venv"
  "$PY" -m venv .venv
fi
stamp=.venv/.hatbox-installed
want=$(cat pyproject.toml | sha256sum | cut -c1-16)
if [[ ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
  echo "==> installing hatbox and its dependencies into .venv (torch is the CPU build)"
  .venv/bin/python -m pip install -q --upgrade pip
  # the CPU build: from a wheel pip already has at hand (a --find-links cache, as on the CI machines), else from
  # PyTorch's CPU index (PyPI's own Linux wheel is the CUDA build, with gigabytes of NVIDIA libraries)
  if .venv/bin/python -m pip install -q --dry-run --no-index --no-deps "torch==2.13.0" >/dev/null 2>&1; then
    .venv/bin/python -m pip install -q "torch==2.13.0"
  else
    .venv/bin/python -m pip install -q "torch==2.13.0" --index-url https://download.pytorch.org/whl/cpu \
      --extra-index-url https://pypi.org/simple
  fi
  .venv/bin/python -m pip install -q -e ".[device,train,dev]"
  echo "$want" > "$stamp"
fi
echo "==> hatbox is set up in .venv"
