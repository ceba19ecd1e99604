"""Tagger accuracy on drum kits never seen in training, against MFCC statistics + logistic regression.

Run: .venv/bin/python bench/tagger_accuracy.py [--minutes 4.5] [--steps 900] [--shots 5] [--name NAME]
(needs data/tagger-drums/, built by `.venv/bin/python -m trainer.tagger.hydrogen`).

Kits are split into train and test sets (whole kits; the Millo/Audiophob family shares a template
and sits wholly on the test side).  Both systems see the same clips (mono, onset-aligned 1 s).  The
baseline's MFCCs come from the same numpy mel front-end (device.audio.mel.mfcc): mean/std/min/max of 20
MFCCs and of their deltas -> standardised -> logistic regression with balanced class weights.  It is
scored twice, on the tagger's front-end (32 kHz, 96 bands) and on the earlier 16 kHz / 64-band one
(``baseline_16k_*``); the margin printed is over the better of the two.  The tagger is what
`hatbox train tagger` ships: the CNN plus its MFCC-statistics head (trainer/tagger/model.StatsHead: MFCC
and mel-band statistics, chosen by bench/tagger_head_cv.py on the training kits), scored also without the
head (``cnn_only_*``); ``probe_mean_cnn_baseline`` averages the CNN's and the baseline's probabilities,
outside the graph.  Few-shot: 5 training examples per tag for both systems, same test kits.  Prints
figures; writes bench/results/NAME.json and NAME_confusion.png (NAME: tagger_accuracy).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from device.audio.mel import MelSpec, mfcc  # noqa: E402
from trainer.tagger.data import Item, few_shot, load_clips, load_items, tag_list, targets  # noqa: E402
from trainer.tagger.model import TaggerConfig  # noqa: E402
from trainer.tagger.report import evaluate, format_report, report_png  # noqa: E402
from trainer.tagger.train import LOAD_MARGIN, TrainOptions, _loop, fit_stats_head, is_exclusive, predict  # noqa: E402
from trainer.tagger.model import TaggerNet  # noqa: E402

BASELINE_16K = MelSpec()          # the 16 kHz / 64-band front-end the tagger used before 2026-12-01
# a probe: the air above 16 kHz that the tagger's 32 kHz front-end never hears (16 ms frames, 62 a second, as it)
FRONT_48K = MelSpec(rate=48000, n_fft=1152, hop=768, n_mels=96, fmin=30.0, fmax=20000.0)
DATA = Path("data/tagger-drums")
DEBIAN = Path("data/tagger-debian")      # Sonic Pi / LMMS / freepats one-shots (trainer.tagger.debian_samples)
OUT = Path("bench/results")
TEST_KITS = ("The_Black_Pearl_1.0", "Millo_MultiLayered2", "Millo_MultiLayered3", "Millo-Drums_v.1",
             "Audiophob", "ElectricEmpireKit", "circAfrique_v4")


def split() -> tuple[list[Item], list[Item], list[str], list[str]]:
    """(train items, test items, train kit names, test kit names) of the Hydrogen kits."""
    train_items, test_items, train_kits = [], [], []
    for csv in sorted(DATA.glob("*.csv")):
        if csv.stem == "all":
            continue
        if csv.stem in TEST_KITS:
            test_items += load_items(csv)
        else:
            train_items += load_items(csv)
            train_kits.append(csv.stem)
    return train_items, test_items, train_kits, list(TEST_KITS)


def extra_sets(args: argparse.Namespace) -> list[Path]:
    """The CSVs added to the training side: data/tagger-debian/*.csv unless --no-debian, then --extra."""
    found = [] if args.no_debian else sorted(DEBIAN.glob("*.csv"))
    if not args.no_debian and not found:
        raise SystemExit(f"no {DEBIAN}/*.csv: run `.venv/bin/python -m trainer.tagger.debian_samples` "
                         "(or pass --no-debian)")
    return found + [Path(c) for c in args.extra]


def mfcc_stats(clips: np.ndarray, spec: MelSpec) -> np.ndarray:
    """[I, N] -> [I, 160]: mean/std/min/max of 20 MFCCs and their deltas."""
    c = mfcc(clips, spec)                         # [I, 20, T]
    d = np.diff(c, axis=-1)
    return np.concatenate([f(a, axis=-1) for a in (c, d) for f in (np.mean, np.std, np.min, np.max)], axis=1)


def features_16k(items: list[Item], cfg: TaggerConfig, feats: np.ndarray) -> np.ndarray:
    """[I, 160] :func:`mfcc_stats` of the items on the 16 kHz front-end (BASELINE_16K), clips as long
    in seconds as ``cfg``'s.  ``feats``: the items' statistics on ``cfg``'s own front-end, returned as
    they are when that front-end is BASELINE_16K (``--front-end 16k``), so no clip is decoded twice."""
    if cfg.spec == BASELINE_16K:
        return feats
    n16 = int(round(cfg.clip_samples * BASELINE_16K.rate / cfg.spec.rate))
    return mfcc_stats(load_clips(items, BASELINE_16K.rate, n16), BASELINE_16K)


def baseline_model(train_x: np.ndarray, train_y: np.ndarray) -> Any:
    """MFCC + LR: standardisation + balanced logistic regression fitted on [I, F] features, targets [I, T]."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    clf = make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000, C=1.0, class_weight="balanced"))
    return clf.fit(train_x, train_y.argmax(axis=1))


def baseline_probs(clf: Any, test_x: np.ndarray, n_tags: int) -> np.ndarray:
    """[I, n_tags] probabilities of :func:`baseline_model`'s classifier (0 for tags it never saw)."""
    probs = np.zeros((len(test_x), n_tags))
    probs[:, clf.classes_] = clf.predict_proba(test_x)
    return probs


def baseline(train_x: np.ndarray, train_y: np.ndarray, test_x: np.ndarray, n_tags: int) -> np.ndarray:
    return baseline_probs(baseline_model(train_x, train_y), test_x, n_tags)


def cnn(clips: np.ndarray, y: np.ndarray, tags: list[str], opts: TrainOptions,
        cfg: TaggerConfig) -> tuple[TaggerNet, float, int]:
    import torch
    torch.manual_seed(opts.seed)
    res = _loop(TaggerNet(replace(cfg, exclusive=is_exclusive(y)), len(tags)), clips, y, tags, opts)
    return res.net, res.seconds, res.steps


def front_end_args(p: argparse.ArgumentParser) -> None:
    """The options :func:`config` reads (this benchmark's and bench/tagger_kit_cv.py's)."""
    p.add_argument("--front-end", choices=("tagger", "16k", "48k"), default="tagger",
                   help="the tagger's front-end (32 kHz, 96 bands; default), the earlier 16 kHz / 64-band one, "
                        "for both systems, or a 48 kHz one to 20 kHz (the twenty-first stop's probe: FRONT_48K)")
    p.add_argument("--n-mels", type=int, default=None, help="mel bands (default: the front-end's)")
    p.add_argument("--n-fft", type=int, default=None, help="frame length in samples (default: the front-end's)")
    p.add_argument("--band-norm", action="store_true",
                   help="one input normalisation per mel band (model.BandNorm; the default from the fourth to the "
                        "fifth stop of 2026-12-01) instead of one for the whole log-mel")
    p.add_argument("--no-stats-low", action="store_true",
                   help="the statistics head without the low-end spectrum (as packs before 2026-12-02)")
    p.add_argument("--freq-norm-blocks", type=int, default=None, metavar="N",
                   help="how many convolution blocks end in model.FreqNorm (default: the tagger's, 0; the nineteenth "
                        "stop's probe is 2)")
    p.add_argument("--level-norm", action=argparse.BooleanOptionalAction, default=None,
                   help="each clip scaled to a peak of 1 before the network and the head hear it "
                        "(model.peak_normalised; default: the tagger's, on since the twenty-ninth stop); "
                        "--no-level-norm: raw levels, as packs before it")
    p.add_argument("--band-limit", type=float, default=None, metavar="P",
                   help="chance that a training clip is heard as a 22.05 / 16 / 11.025 kHz file (default: "
                        "TrainOptions.band_limit, 0.3 since the twenty-ninth stop; 0: none, as before it)")
    p.add_argument("--quantise", type=float, default=None, metavar="P",
                   help="chance that a training clip is heard as a quiet 16-bit (or 8-bit) file (TrainOptions.quantise)")
    p.add_argument("--head-band-copies", default=None, metavar="RATE,RATE",
                   help="fit the statistics head on copies band-limited to these rates too, e.g. 22050,11025 "
                        "(TrainOptions.head_band_copies); '' for none")
    p.add_argument("--channels", default=None, metavar="C1,C2,...",
                   help="the CNN's channels per block (default: the tagger's 16,32,48,64; the fifth and "
                        "twenty-seventh stops' wider probe is 24,48,72,96)")
    p.add_argument("--aug-strength", type=float, default=None, metavar="S",
                   help="how often each training augmentation is applied, times its chance (TrainOptions.aug_strength, "
                        "default 1.0; the fifty-fourth stop's probes 0.5 and 1.5)")
    p.add_argument("--optimizer", choices=("adamw", "sgd"), default=None,
                   help="TrainOptions.optimizer (default adamw; the fifty-fourth stop's probe: sgd with --lr 0.05)")
    p.add_argument("--lr", type=float, default=None, help="peak learning rate (TrainOptions.lr, default 3e-3)")
    p.add_argument("--batch", type=int, default=None, metavar="B",
                   help="training clips per step (TrainOptions.batch, default 32; the fifty-fourth stop's probe 64)")
    p.add_argument("--dropout", type=float, default=None, metavar="P",
                   help="dropout before the network's last layer (default: the tagger's, TaggerConfig.dropout; "
                        "the thirty-seventh stop's probe is 0.1)")


def config(args: argparse.Namespace) -> TaggerConfig:
    """The tagger's configuration, or the front-end / band normalisation the arguments ask for instead."""
    base = TaggerConfig()
    spec = base.spec
    if args.front_end == "16k":
        spec = BASELINE_16K
    elif args.front_end == "48k":
        spec = FRONT_48K
    if getattr(args, "n_mels", None):
        spec = replace(spec, n_mels=args.n_mels)
    if args.n_fft:
        spec = replace(spec, n_fft=args.n_fft)
    cfg = replace(base, spec=spec, band_norm=args.band_norm, stats_low=not args.no_stats_low)
    if getattr(args, "freq_norm_blocks", None) is not None:
        cfg = replace(cfg, freq_norm_blocks=args.freq_norm_blocks)
    if getattr(args, "level_norm", None) is not None:
        cfg = replace(cfg, level_norm=args.level_norm)
    if getattr(args, "channels", None):
        cfg = replace(cfg, channels=tuple(int(c) for c in args.channels.split(",")))
    if getattr(args, "dropout", None) is not None:
        cfg = replace(cfg, dropout=args.dropout)
    seconds = getattr(args, "clip_seconds", None) or base.clip_samples / base.spec.rate
    return replace(cfg, clip_samples=int(round(seconds * spec.rate)))


def with_band_limit(opts: TrainOptions, args: argparse.Namespace) -> TrainOptions:
    """``opts`` with the training options given (``--band-limit``, ``--quantise``, ``--head-band-copies``,
    ``--aug-strength``, ``--batch``, ``--optimizer``, ``--lr``; else TrainOptions' defaults)."""
    if getattr(args, "band_limit", None) is not None:
        opts = replace(opts, band_limit=args.band_limit)
    if getattr(args, "quantise", None) is not None:
        opts = replace(opts, quantise=args.quantise)
    if getattr(args, "head_band_copies", None) is not None:
        opts = replace(opts, head_band_copies=tuple(int(r) for r in args.head_band_copies.split(",") if r))
    if getattr(args, "aug_strength", None) is not None:
        opts = replace(opts, aug_strength=args.aug_strength)
    if getattr(args, "batch", None) is not None:
        opts = replace(opts, batch=args.batch)
    if getattr(args, "optimizer", None) is not None:
        opts = replace(opts, optimizer=args.optimizer)
    if getattr(args, "lr", None) is not None:
        opts = replace(opts, lr=args.lr)
    return opts


def run(args: argparse.Namespace) -> dict:
    cfg = config(args)
    rate, n = cfg.spec.rate, cfg.clip_samples
    tr, te, train_kits, test_kits = split()
    extra_csvs = extra_sets(args)
    extra = [it for csv in extra_csvs for it in load_items(csv)]   # joins the full-data training set
    shots = few_shot(tr, args.shots, seed=args.seed)                  # 5 per tag from the train kits, nothing else
    tr = tr + extra
    tags = tag_list(tr + te)
    t0 = time.monotonic()
    tr_clips, te_clips = load_clips(tr, rate, int(n * LOAD_MARGIN)), load_clips(te, rate, n)
    load_s = time.monotonic() - t0
    tr_y, te_y = targets(tr, tags), targets(te, tags)
    shot_idx = np.array([tr.index(it) for it in shots])
    out = {"train_kits": train_kits, "test_kits": test_kits, "tags": tags, "train_items": len(tr),
           "extra_items": len(extra), "extra": [str(c) for c in extra_csvs],
           "test_items": len(te), "decode_seconds": round(load_s, 1), "load": _load()}
    feats_tr, feats_te = mfcc_stats(tr_clips[:, :n], cfg.spec), mfcc_stats(te_clips, cfg.spec)
    base_clf = baseline_model(feats_tr, tr_y)
    base_probs = baseline_probs(base_clf, feats_te, len(tags))
    out["baseline_full"] = evaluate(base_probs, te_y, tags)
    f16_tr, f16_te = features_16k(tr, cfg, feats_tr), features_16k(te, cfg, feats_te)
    out["baseline_16k_full"] = evaluate(baseline(f16_tr, tr_y, f16_te, len(tags)), te_y, tags)
    if not args.no_shots:
        out["baseline_5shot"] = evaluate(baseline(feats_tr[shot_idx], tr_y[shot_idx], feats_te, len(tags)), te_y, tags)
        out["baseline_16k_5shot"] = evaluate(baseline(f16_tr[shot_idx], tr_y[shot_idx], f16_te, len(tags)), te_y, tags)
    opts = with_band_limit(TrainOptions(steps=args.steps, minutes=args.minutes, seed=args.seed, threads=args.threads),
                           args)
    net, secs, steps = cnn(tr_clips, tr_y, tags, opts, cfg)
    cnn_probs = predict(net, te_clips)[0]
    out["cnn_only_full"] = evaluate(cnn_probs, te_y, tags)
    t0 = time.monotonic()
    fit_stats_head(net, tr_clips, tr_y, band_copies=opts.head_band_copies)     # what `hatbox train tagger` ships
    tag_probs = predict(net, te_clips)[0]
    out["cnn_full"] = evaluate(tag_probs, te_y, tags)
    out["cnn_full"].update(train_seconds=round(secs + time.monotonic() - t0, 1), steps=steps)
    out["probe_mean_cnn_baseline"] = evaluate(0.5 * (cnn_probs + base_probs), te_y, tags)
    if getattr(args, "conditions", False):
        from tagger_conditions import score
        out["conditions"] = score(te_clips, rate, te_y, tags, {
            "tagger": lambda c: predict(net, c)[0],
            "baseline": lambda c: baseline_probs(base_clf, mfcc_stats(c, cfg.spec), len(tags))})
    if args.save_probs:
        save_probs(args, te, te_y, tags, baseline=base_probs, cnn_only=cnn_probs, tagger=tag_probs)
    report_png(out["cnn_full"], tags, OUT / f"{args.name}_confusion.png",
                  f"unseen kits, tagger macro-F1 {out['cnn_full']['macro_f1']:.2f}")
    if args.no_shots:
        return out
    few = TrainOptions(steps=args.shot_steps, minutes=args.minutes, seed=args.seed, threads=args.threads)
    net5, secs5, steps5 = cnn(tr_clips[shot_idx], tr_y[shot_idx], tags, few, cfg)
    out["cnn_only_5shot"] = evaluate(predict(net5, te_clips)[0], te_y, tags)
    fit_stats_head(net5, tr_clips[shot_idx], tr_y[shot_idx])
    out["cnn_5shot"] = evaluate(predict(net5, te_clips)[0], te_y, tags)
    out["cnn_5shot"].update(train_seconds=round(secs5, 1), steps=steps5)
    return out


def _load() -> str:
    import os
    return "load average %.1f %.1f %.1f on %d cores" % (*os.getloadavg(), os.cpu_count())


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--minutes", type=float, default=4.5)
    p.add_argument("--steps", type=int, default=900)
    p.add_argument("--shot-steps", type=int, default=300)
    p.add_argument("--shots", type=int, default=5)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--extra", action="append", default=[], metavar="CSV",
                   help="more training data (path,tag CSV), e.g. data/tagger-gm/all_gm.csv; repeatable")
    p.add_argument("--no-debian", action="store_true",
                   help="train on the Hydrogen train kits only, without data/tagger-debian/*.csv")
    p.add_argument("--clip-seconds", type=float, default=None,
                   help="clip length for both systems (default: the tagger's 1 s)")
    p.add_argument("--no-shots", action="store_true", help="skip the few-shot runs (tagger and baselines)")
    p.add_argument("--save-probs", action="store_true",
                   help="also write the full-data systems' test probabilities as bench/results/NAME_probs.npz")
    p.add_argument("--conditions", action="store_true",
                   help="also score the test kits quieter (-30, -60 dB) and band-limited (as 22.05 / 11.025 kHz files): "
                        "bench/tagger_conditions.py")
    front_end_args(p)
    p.add_argument("--name", default="tagger_accuracy", help="results file stem under bench/results/")
    args = p.parse_args()
    out = run(args)
    for key in ("baseline_full", "baseline_16k_full", "cnn_only_full", "cnn_full", "baseline_5shot", "baseline_16k_5shot",
                "cnn_only_5shot", "cnn_5shot"):
        if key in out:
            print(f"\n== {key}\n{format_report(out[key])}")
    full, base = out["cnn_full"]["macro_f1"], best_baseline(out, "_full")
    shots = (f"5-shot tagger {out['cnn_5shot']['macro_f1']:.3f} (CNN alone {out['cnn_only_5shot']['macro_f1']:.3f}) "
             f"vs MFCC+LR {best_baseline(out, '_5shot'):.3f}; " if "cnn_5shot" in out else "")
    print(f"\nunseen kits: tagger (CNN + stats head) macro-F1 {full:.3f} (CNN alone {out['cnn_only_full']['macro_f1']:.3f}) "
          f"vs MFCC+LR {base:.3f} (the better of {out['baseline_full']['macro_f1']:.3f} on the tagger's front-end and "
          f"{out['baseline_16k_full']['macro_f1']:.3f} at 16 kHz; {100 * (full - base):+.1f} points); "
          f"{shots}training {out['cnn_full']['train_seconds']:.0f} s ({out['load']} at the end)")
    for name, figures in out.get("conditions", {}).items():
        print(f"  {name:>22}: " + ", ".join(f"{k} {v:.3f}" for k, v in figures.items()))
    print("wrote", save(out, args))


def best_baseline(out: dict, suffix: str) -> float:
    """The better baseline macro-F1 of the two front-ends: ``out["baseline<suffix>"]`` or
    ``out["baseline_16k<suffix>"]`` (suffix "_full", "_5shot", or "" in bench/tagger_kit_cv.py)."""
    return max(out[f"baseline{suffix}"]["macro_f1"], out[f"baseline_16k{suffix}"]["macro_f1"])


def save_probs(args: argparse.Namespace, items: list[Item], y: np.ndarray, tags: list[str],
               **probs: np.ndarray) -> Path:
    """Write the test items' probabilities ([I, T] per system) as bench/results/NAME_probs.npz, with
    their paths, targets [I, T] and the tag order, for combining runs afterwards (e.g. two front-ends)."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{args.name}_probs.npz"
    np.savez_compressed(path, paths=np.array([str(it.path) for it in items]), y=y, tags=np.array(tags),
                        **{k: v.astype(np.float32) for k, v in probs.items()})
    return path


def save(out: dict, args: argparse.Namespace) -> Path:
    """Write ``out`` (with the arguments) as bench/results/NAME.json."""
    OUT.mkdir(parents=True, exist_ok=True)
    out["args"] = vars(args)
    path = OUT / f"{args.name}.json"
    path.write_text(json.dumps(out, indent=2))
    return path


if __name__ == "__main__":
    main()
