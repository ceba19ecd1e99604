"""Probe (seventeenth stop): the statistics head with a temporal envelope added, judged beside saved CNNs.

The envelope: the level-normalised log-mel's bands averaged in G equal groups, then over log-spaced time
spans (frames 0-1, 1-2, 2-4, ... 32-62 of the 1 s clip): G x 7 numbers, how each part of the spectrum
decays (a closed hat, an open hat and a crash differ mostly in that).  Each variant is scored as
bench/tagger_head_refit.py scores a head (``across``: leave-one-kit-out over the fixed split's training
kits, the criterion that looks at no test kit; ``fixed`` and ``loko``: averaged with each saved CNN run).

    .venv/bin/python bench/tagger_head_envelope.py        (about 6 minutes; prints, writes bench/results/tagger_head_envelope.json)
"""
import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import tagger_head_refit as R  # noqa: E402
from trainer.tagger.model import TaggerConfig, FftLogMel, LOG_RANGE  # noqa: E402
from trainer.tagger.train import STATS_C  # noqa: E402

SPANS = [(0, 1), (1, 2), (2, 4), (4, 8), (8, 16), (16, 32), (32, 62)]


def envelope(mel: torch.Tensor, groups: int, spans=SPANS) -> torch.Tensor:
    """Log-mel [B, M, T] -> [B, groups x len(spans)]: mean level of each band group over each span."""
    x = torch.clamp(mel - mel.amax(dim=(1, 2), keepdim=True), min=-LOG_RANGE)   # [B, M, T]
    m = x.shape[1]
    edges = np.linspace(0, m, groups + 1).astype(int)
    g = torch.stack([x[:, a:b].mean(dim=1) for a, b in zip(edges[:-1], edges[1:])], dim=1)  # [B, G, T]
    return torch.cat([g[..., a:b].mean(dim=-1) for a, b in spans], dim=1)


def main() -> None:
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args()
    cfg = TaggerConfig()
    fixed, loko, tags = R.saved_runs()
    side = R.side(tags)
    clips, base = side.clips, side.x
    front = FftLogMel(cfg.spec)
    with torch.no_grad():
        mel = torch.cat([front(torch.from_numpy(np.ascontiguousarray(clips[s:s+64, :cfg.clip_samples]))) for s in range(0, len(clips), 64)])
    variants = {"shipped": base}
    for g in (8, 16, 32):
        variants[f"+env{g}"] = np.concatenate([base, envelope(mel, g).double().numpy()], axis=1)
    results = R.score_variants(variants, side, fixed, loko, len(tags), STATS_C)
    out = Path(__file__).resolve().parent / "results" / "tagger_head_envelope.json"
    out.write_text(json.dumps({"spans": SPANS, "heads": results}, indent=1))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
