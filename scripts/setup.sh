#!/usr/bin/env bash
# Set up a fresh machine for hatbox: Debian packages, a virtualenv in .venv, the project and its extras.
# Idempotent and quick when everything is already there.  Usage: bash scripts/setup.sh
# A rented GPU machine, to train on (docs/cloud.md): bash scripts/setup.sh --train-only
#   no Debian packages, hatbox with its training extras only, torch==2.13.0 from PyPI (its Linux wheel is the
#   CUDA build).  HATBOX_TORCH=cuda (or cpu) picks torch's build either way; --dry-run says what it would do.
set -euo pipefail

TRAIN_ONLY=0; DRY_RUN=0
for arg in "$@"; do
  case $arg in
    --train-only) TRAIN_ONLY=1 ;;
    --dry-run) DRY_RUN=1 ;;
    -h|--help) sed -n '2,6p' "$0" | cut -c3-; exit 0 ;;
    *) echo "setup.sh: unknown option $arg (it takes --train-only, --dry-run)" >&2; exit 2 ;;
  esac
done
TORCH_BUILD=${HATBOX_TORCH:-cpu}
((TRAIN_ONLY)) && TORCH_BUILD=${HATBOX_TORCH:-cuda}
if [[ $TORCH_BUILD != cpu && $TORCH_BUILD != cuda ]]; then
  echo "setup.sh: HATBOX_TORCH must be cpu or cuda, not '$TORCH_BUILD'" >&2; exit 2
fi
EXTRAS=".[device,train,dev]"
((TRAIN_ONLY)) && EXTRAS=".[train]"
if ((DRY_RUN)); then
  echo "Debian packages: $( ((TRAIN_ONLY)) && echo "skipped (--train-only)" || echo "installed where missing")"
  echo "torch: 2.13.0, the $TORCH_BUILD build$( [[ $TORCH_BUILD == cuda ]] && echo " (PyPI's wheel)")"
  echo "hatbox: pip install -e \"$EXTRAS\"$( ((TRAIN_ONLY)) && echo " cryptography")"
  exit 0
fi

cd "$(dirname "$0")/.."

# The panel's fonts (device/ui/fonts.py) beyond its built-in Latin/Greek/Cyrillic one: fonts-dejavu-core for
# Hebrew and Arabic, fonts-droid-fallback (about 7 MB) for Japanese, Chinese and Korean, fonts-symbola (about
# 3 MB) for emoji in file names.  Without them the panel still runs and draws those characters as boxes.
DEBS=(libasound2-dev libasound2-plugins alsa-utils libsndfile1 sox fluidsynth fluid-soundfont-gm
      hydrogen-drumkits hydrogen-data sonic-pi-samples lmms-common freepats lilv-utils guitarix-lv2 swh-lv2
      fonts-dejavu-core fonts-droid-fallback fonts-symbola)

missing=()
((TRAIN_ONLY)) || for p in "${DEBS[@]}"; do
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
# torch's CPU build: from a wheel pip already has at hand (a --find-links cache, as on the CI machines), else from
# PyTorch's CPU index (PyPI's own Linux wheel is the CUDA build, with gigabytes of NVIDIA libraries)
torch_cpu() {
  if .venv/bin/python -m pip install -q --dry-run --no-index --no-deps "torch==2.13.0" >/dev/null 2>&1; then
    .venv/bin/python -m pip install -q "torch==2.13.0"
  else
    .venv/bin/python -m pip install -q "torch==2.13.0" --index-url https://download.pytorch.org/whl/cpu \
      --extra-index-url https://pypi.org/simple
  fi
}
# torch's CUDA build, PyPI's wheel: "===" takes the version as written, never a local "2.13.0+cpu" that a
# --find-links cache or an earlier setup holds (PEP 440's arbitrary equality; "==" would keep a CPU build)
torch_cuda() {
  .venv/bin/python -m pip install -q "torch===2.13.0" --index-url https://pypi.org/simple
}

want=$(cat pyproject.toml | sha256sum | cut -c1-16)
[[ $TRAIN_ONLY$TORCH_BUILD == 0cpu ]] || want="$want $EXTRAS $TORCH_BUILD"    # another mode: install again
if [[ ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
  if [[ $TORCH_BUILD == cpu ]]; then
    echo "==> installing hatbox and its dependencies into .venv (torch is the CPU build)"
  else
    echo "==> installing hatbox ($EXTRAS) into .venv (torch is the CUDA build, from PyPI)"
  fi
  .venv/bin/python -m pip install -q --upgrade pip
  "torch_$TORCH_BUILD"
  # --train-only: cryptography too, for `hatbox pack inspect` and `pack sign` (the rest of [device] is the box's)
  .venv/bin/python -m pip install -q -e "$EXTRAS" $( ((TRAIN_ONLY)) && echo "cryptography>=42")
  echo "$want" > "$stamp"
fi
if [[ $TORCH_BUILD == cuda ]]; then        # what a training will find (docs/cloud.md)
  .venv/bin/python -c 'import torch
n = torch.cuda.device_count() if torch.cuda.is_available() else 0
print(f"==> torch {torch.__version__}, CUDA {torch.version.cuda}: {n} GPU" + ("" if n == 1 else "s") + " seen"
      + ("" if torch.version.cuda else " (a CPU-only build: see docs/cloud.md)"))'
fi
echo "==> hatbox is set up in .venv"
