"""Probe (twenty-fifth stop, not shipped: level / lower): the tagger's peak learning rate from the LR environment
variable (the shipped 3e-3 otherwise), everything else as bench/tagger_accuracy.py, whose options it takes.

    LR=1.5e-3 .venv/bin/python bench/tagger_lr_probe.py --seed S --threads 1 --no-shots --minutes 10 --save-probs \
        --name tagger_accuracy_p25_lr1.5e-3_sS
"""
import functools
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import tagger_accuracy as ta  # noqa: E402

ta.TrainOptions = functools.partial(ta.TrainOptions, lr=float(os.environ.get("LR", "3e-3")))
if __name__ == "__main__":
    ta.main()
