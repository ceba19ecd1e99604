"""Probe (twenty-fifth stop, not shipped: level): train on the single channels of stereo samples as augmentation
(each draw hears the mono mix with probability P_MIX, env, default 0.5, else the left or the right channel alone),
everything else as bench/tagger_accuracy.py, whose options it takes; the test side is unchanged.

    .venv/bin/python bench/tagger_channels_probe.py --seed S --threads 1 --no-shots --minutes 10 --save-probs \
        --name tagger_accuracy_p25_chan_sS
"""
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import tagger_accuracy as ta  # noqa: E402
import torch  # noqa: E402
from trainer.tagger import data as D  # noqa: E402
from trainer.tagger import train as T  # noqa: E402
from trainer.tagger.augment import augment  # noqa: E402

VIEWS: dict[int, np.ndarray] = {}
P_MIX = float(__import__("os").environ.get("P_MIX", "0.5"))
orig_load = ta.load_clips


def channel_clips(items, rate, n):
    out = np.zeros((len(items), 2, n), np.float32)
    stereo = 0
    for i, it in enumerate(items):
        ch, src = D._read_head(it.path, rate, n)
        need = -(-(n + 64) * src // rate)
        if ch.shape[0] >= 2 and np.max(np.abs(ch[0] - ch[1])) > 1e-4:
            stereo += 1
            for c in range(2):
                out[i, c] = D.tagger_clip(ch[c][:need].astype(np.float32), src, rate, n)
        else:
            out[i, :] = D._fit(ch, src, rate, n)
    print(f"probe: {stereo} of {len(items)} training items have two different channels", flush=True)
    return out


def load_clips(items, rate, n):
    clips = orig_load(items, rate, n)
    if rate == ta.TaggerConfig().spec.rate and n > ta.TaggerConfig().clip_samples and not VIEWS:
        VIEWS[id(clips)] = channel_clips(items, rate, n)
        VIEWS["keep"] = clips
    return clips


def make_batch(clips, y, idx, n, rate, rng):
    views = VIEWS.get(id(clips))
    rows = []
    for i in idx:
        src = clips[i]
        if views is not None and rng.random() >= P_MIX:
            src = views[i, int(rng.integers(2))]
        rows.append(augment(src, n, rng, rate=rate))
    return torch.from_numpy(np.stack(rows)), torch.from_numpy(y[idx])


ta.load_clips = load_clips
T.make_batch = make_batch
if __name__ == "__main__":
    ta.main()
