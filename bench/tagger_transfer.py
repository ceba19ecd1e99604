"""A producer's own words with a handful of examples each: a tagger started from a pack
(trainer/tagger/transfer.py; `hatbox train tagger` does not offer it, see docs/tagger.md) against one
started from scratch and against MFCC statistics + logistic regression, on kits none of them heard.

Run: .venv/bin/python bench/tagger_transfer.py [--shots 5] [--draws 3] [--steps 300] [--name tagger_transfer]
(needs data/tagger-drums/ and data/tagger-debian/, and hydrogen-drumkits installed for the instrument names).

The pack: trained as `hatbox train tagger` trains (CNN + statistics head, 900 steps) on the fixed split's
training side of bench/tagger_accuracy.py (the Hydrogen training kits and the Debian one-shots) with the six
drum tags, written as a .hatpack to a temporary folder and read back, as a producer's pack would be.  (The
factory pack has heard the test kits, so it is not used.)  The new words are finer than the pack's, taken from the
Hydrogen instrument names (:data:`WORD_RULES`): closed hat, open hat, pedal hat, crash, ride, splash,
clap, cowbell.  Each word tagger trains on ``--shots`` examples per word from the training kits (``--draws``
draws) and, beside that, on every training-kit example of those words; it is tested on every sample of
those words in the test kits.  The three systems see the same clips.  Prints figures; writes
bench/results/NAME.json.
"""
from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tagger_accuracy import TEST_KITS, _load, baseline, extra_sets, mfcc_stats, save, split  # noqa: E402
from hatbox.text import count_words  # noqa: E402
from trainer.tagger.data import Item, few_shot, load_clips, load_items, tag_list, targets  # noqa: E402
from trainer.tagger.report import evaluate, format_report  # noqa: E402
from trainer.tagger.train import TrainOptions, predict, train  # noqa: E402
from trainer.tagger.transfer import FINE_TUNE_LR, config_for, read_backbone, start_from  # noqa: E402

# (word, coarse tag of the recipe, pattern searched in the lower-cased Hydrogen instrument name); first match
# wins.  Instruments that fit none ("hi hat free", "crash/ride", "hat ring", djembes...) are left out.
WORD_RULES: tuple[tuple[str, str, str], ...] = (
    ("pedal hat", "hihat", r"pedal|\bpd\b"),
    ("open hat", "hihat", r"open|\bop\b|\bohh\b"),
    ("closed hat", "hihat", r"closed|\bcl\b"),
    ("ride", "cymbal", r"^(?!.*crash).*(ride|paiste bell)"),
    ("crash", "cymbal", r"^(?!.*ride).*crash"),
    ("splash", "cymbal", r"splash|china"),
    ("clap", "percussion", r"clap"),
    ("cowbell", "percussion", r"cowbell"),
)


def word_for(tag: str, instrument: str) -> str | None:
    """The finer word for a Hydrogen instrument of recipe tag ``tag``, or None."""
    name = instrument.lower()
    for word, coarse, pattern in WORD_RULES:
        if coarse == tag and re.search(pattern, name):
            return word
    return None


def word_items(items: list[Item], kits_dir: Path) -> list[Item]:
    """``items`` (recipe samples) that have a word, re-tagged with it; the instrument names come from the kits'
    drumkit.xml files."""
    from trainer.tagger.hydrogen import kit_dirs, kit_samples
    words: dict[Path, str] = {}
    for d in kit_dirs(kits_dir):
        for s in kit_samples(d / "drumkit.xml"):
            w = word_for(s.tag, s.instrument)
            if w:
                words[s.path.resolve()] = w
    return [Item(it.path, (words[it.path.resolve()],)) for it in items if it.path.resolve() in words]


def run(args: argparse.Namespace) -> dict:
    from trainer.tagger.onnx_export import export_tagger
    from trainer.tagger.hydrogen import KITS_DIR
    tr, te, train_kits, _ = split()
    tr_words, te_words = word_items(tr, KITS_DIR), word_items(te, KITS_DIR)
    words = tag_list(tr_words + te_words)
    opts = TrainOptions(steps=args.pack_steps, minutes=args.minutes, seed=args.seed, threads=args.threads,
                        progress=False)
    t0 = time.monotonic()
    if args.pack:
        bb, pack_items, steps = read_backbone(args.pack), None, None
    else:
        pack_items = tr + [it for csv in extra_sets(args) for it in load_items(csv)]
        res = train(pack_items, opts=opts, tags=tag_list(pack_items))
        steps = res.steps
        with tempfile.TemporaryDirectory() as tmp:
            path = export_tagger(res.net, res.tags, Path(args.keep_pack or Path(tmp) / "drums.hatpack"), name="drums")
            bb = read_backbone(path)
    out = {"train_kits": train_kits, "test_kits": list(TEST_KITS), "words": words, "load": _load(),
           "pack": {"items": len(pack_items) if pack_items else None, "steps": steps, "from": args.pack,
                    "seconds": round(time.monotonic() - t0, 1)},
           "word_train_items": len(tr_words), "word_test_items": len(te_words),
           "test_support": {w: sum(it.tags[0] == w for it in te_words) for w in words}}
    cfg = config_for(bb)
    run_opts = replace(opts, steps=args.steps)
    start_opts = replace(run_opts, lr=args.lr or FINE_TUNE_LR)

    def start(net) -> None:
        start_from(net, bb, embed=not args.convs_only, keep_norms=not args.train_norms)
    te_clips, te_y = load_clips(te_words, cfg.spec.rate, cfg.clip_samples), targets(te_words, words)
    feats_te = mfcc_stats(te_clips, cfg.spec)
    sets = [(f"{args.shots}shot_d{d}", few_shot(tr_words, args.shots, seed=args.seed + d)) for d in range(args.draws)]
    sets.append(("all", tr_words))
    for name, items in sets:
        scratch = train(items, cfg, run_opts, tags=words)
        started = train(items, cfg, start_opts, tags=words, init=start)
        clips = load_clips(items, cfg.spec.rate, cfg.clip_samples)
        y = targets(items, words)
        out[name] = {"items": len(items),
                     "scratch": evaluate(predict(scratch.net, te_clips)[0], te_y, words),
                     "from_pack": evaluate(predict(started.net, te_clips)[0], te_y, words),
                     "scratch_cnn_only": evaluate(cnn_only(scratch.net, te_clips), te_y, words),
                     "from_pack_cnn_only": evaluate(cnn_only(started.net, te_clips), te_y, words),
                     "baseline": evaluate(baseline(mfcc_stats(clips, cfg.spec), y, feats_te, len(words)), te_y, words),
                     "seconds": {"scratch": round(scratch.seconds, 1), "from_pack": round(started.seconds, 1)}}
        print(f"{name}: {len(items)} examples; macro-F1 from the pack {out[name]['from_pack']['macro_f1']:.3f}, "
              f"from scratch {out[name]['scratch']['macro_f1']:.3f}, MFCC+LR {out[name]['baseline']['macro_f1']:.3f}; "
              f"CNN alone {out[name]['from_pack_cnn_only']['macro_f1']:.3f} / {out[name]['scratch_cnn_only']['macro_f1']:.3f}",
              flush=True)
    shot_keys = [k for k, _ in sets[:-1]]
    out["summary"] = {s: {"shots_mean": float(np.mean([out[k][s]["macro_f1"] for k in shot_keys])),
                          "all": out["all"][s]["macro_f1"]} for s in ("from_pack", "scratch", "baseline")}
    return out


def cnn_only(net, clips: np.ndarray) -> np.ndarray:
    """Test probabilities [I, T] of ``net``'s CNN without its statistics head."""
    stats, net.stats = net.stats, None
    try:
        return predict(net, clips)[0]
    finally:
        net.stats = stats


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--shots", type=int, default=5, help="examples per word (default 5)")
    p.add_argument("--draws", type=int, default=3, help="draws of --shots examples (default 3)")
    p.add_argument("--steps", type=int, default=300, help="training steps of each word tagger (default 300)")
    p.add_argument("--pack-steps", type=int, default=900, help="training steps of the drum pack (default 900)")
    p.add_argument("--minutes", type=float, default=10.0, help="wall-clock cap of each training run")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-debian", action="store_true", help="the pack trains on the Hydrogen training kits only")
    p.add_argument("--pack", default=None, help="start from this pack instead of training one (it must not have "
                   "heard the test kits)")
    p.add_argument("--keep-pack", default=None, metavar="PATH", help="also write the trained drum pack here")
    p.add_argument("--convs-only", action="store_true", help="take the pack's convolutions only, not its embedding layer")
    p.add_argument("--train-norms", action="store_true",
                   help="let the started net's batch norms re-estimate their statistics (the pack as an initialisation only)")
    p.add_argument("--lr", type=float, default=None, help="learning rate of the started net (default FINE_TUNE_LR)")
    p.add_argument("--name", default="tagger_transfer", help="results file stem under bench/results/")
    args = p.parse_args()
    args.extra = []
    out = run(args)
    print(f"\n== all {out['word_train_items']} training examples, from the pack\n{format_report(out['all']['from_pack'])}")
    s = out["summary"]
    print(f"\nnew words on unseen kits ({out['word_test_items']} test samples, {count_words(len(out['words']), 'word')}): "
          f"{count_words(args.shots, 'example')} per word (mean of {count_words(args.draws, 'draw')}): "
          f"from the pack {s['from_pack']['shots_mean']:.3f}, "
          f"from scratch {s['scratch']['shots_mean']:.3f}, MFCC+LR {s['baseline']['shots_mean']:.3f}; "
          f"all {out['word_train_items']}: {s['from_pack']['all']:.3f} / {s['scratch']['all']:.3f} / "
          f"{s['baseline']['all']:.3f}; pack trained in {out['pack']['seconds']:.0f} s ({out['load']})")
    print("wrote", save(out, args))


if __name__ == "__main__":
    main()
