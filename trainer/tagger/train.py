"""Training loop for the tagger: balanced sampling, augmentation, BCE per tag, progress (hatbox.progress; over the
steps or the time budget, whichever ends first).

Class imbalance: batches are drawn with probability inversely proportional to tag frequency; for
multi-label data each tag's positive term is also re-weighted (``pos_weight``) by its
negative/positive ratio.  Single-label data trains a softmax (cross-entropy), multi-label a sigmoid per tag.
Few shots: the number of optimisation steps does not shrink with the data, so a handful of
examples per tag is seen many times, each time differently augmented.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

import numpy as np
import torch
from torch import nn

from trainer.early_stop import NoStop
from trainer.tagger.augment import augment
from trainer.tagger.data import Item, load_clips, tag_list, targets
from trainer.tagger.model import StatsHead, TaggerConfig, TaggerNet, probabilities

LOAD_MARGIN = 1.3        # clips are decoded this much longer than the pack's window (for speed-ups)
# Inverse regularisation of the statistics head, and its features (MFCC + mel-band statistics), chosen by
# leave-one-kit-out cross-validation on the accuracy benchmark's training kits only (docs/tagger.md).
STATS_C = 0.03


@dataclass
class TrainOptions:
    steps: int = 900
    batch: int = 32
    lr: float = 3e-3
    minutes: float = 4.5          # wall-clock cap
    seed: int = 0
    threads: int = 2              # cores to use: torch gets threads - 1 (at least 1), augmentation one thread
    progress: bool = True
    # chance that a training clip is heard as a lower-rate file (augment.band_limit): a producer's 22.05 kHz and
    # 11 kHz samples lack the top octaves the training kits have (twenty-ninth stop; 0 before it)
    band_limit: float = 0.3
    quantise: float = 0.0         # chance that a training clip is heard as a quiet 16-bit (or 8-bit) file (a probe)
    # the statistics head is fitted on the clips and on copies of them band-limited to these rates (Hz; a probe)
    head_band_copies: tuple[int, ...] = ()
    # how often each augmentation of augment.augment is applied (its chances times this, at most 1; a probe)
    aug_strength: float = 1.0
    # "adamw" (weight decay 1e-3), or "sgd" (Nesterov momentum 0.9, the same decay; a probe)
    optimizer: str = "adamw"
    # a first Ctrl-C (trainer.early_stop.StopRequest) ends training after the current step: the result is kept
    stop: Any = field(default_factory=NoStop)


@dataclass
class TrainResult:
    net: TaggerNet
    tags: list[str]
    seconds: float
    steps: int
    losses: list[float] = field(default_factory=list)
    stopped_early: bool = False   # a first Ctrl-C ended training before its step and time budgets


def sample_weights(y: np.ndarray) -> np.ndarray:
    """Per-item draw probability [I]: mean inverse frequency of its tags, normalised; the files with none of the
    words (an all-zero row) are drawn as one more tag would be (each 1 / their count: they were never drawn)."""
    freq = y.sum(axis=0).clip(min=1)
    w = (y / freq).sum(axis=1) / y.sum(axis=1).clip(min=1)
    none = y.sum(axis=1) == 0
    w[none] = 1.0 / max(int(none.sum()), 1)
    return w / w.sum()


def pos_weight(y: np.ndarray) -> torch.Tensor:
    """Per-tag BCE weight of a positive [T]: negatives over positives among the files that have a word, 1..20.  The
    files with none of the words are left out of the count: counted, many of them pushed every tag towards "yes"
    (200 of them: unseen sounds 0.05-0.32; forty-ninth stop's review); data without them is weighted as before."""
    y = y[y.sum(axis=1) > 0]
    pos = y.sum(axis=0).clip(min=1)
    return torch.from_numpy(((len(y) - pos) / pos).clip(1.0, 20.0).astype(np.float32))


def is_exclusive(y: np.ndarray) -> bool:
    """True when every sample carries exactly one tag (then tags are mutually exclusive classes)."""
    return bool(np.all(y.sum(axis=1) == 1))


def loss_function(y: np.ndarray, exclusive: bool):
    """Cross-entropy (label smoothing 0.05) for exclusive tags, else BCE with per-tag pos_weight."""
    if exclusive:
        ce = nn.CrossEntropyLoss(label_smoothing=0.05)
        return lambda logits, yb: ce(logits, yb.argmax(dim=1))
    return nn.BCEWithLogitsLoss(pos_weight=pos_weight(y))


def make_batch(clips: np.ndarray, y: np.ndarray, idx: np.ndarray, n: int, rate: int,
               rng: np.random.Generator, band_limit: float = 0.0,
               quantise: float = 0.0, strength: float = 1.0) -> tuple[torch.Tensor, torch.Tensor]:
    """Augmented clips [B, n] at ``rate`` Hz and their targets [B, n_tags] for the rows ``idx``; ``band_limit``:
    :attr:`TrainOptions.band_limit`; ``strength``: :attr:`TrainOptions.aug_strength`."""
    x = np.stack([augment(clips[i], n, rng, strength=strength, rate=rate, band_limit_p=band_limit,
                          quantise_p=quantise) for i in idx])
    return torch.from_numpy(x), torch.from_numpy(y[idx])


def train(items: list[Item], cfg: TaggerConfig | None = None, opts: TrainOptions | None = None,
          tags: list[str] | None = None, init: Callable[[TaggerNet], object] | None = None,
          clips: np.ndarray | None = None, exclusive: bool | None = None) -> TrainResult:
    """Train a tagger on ``items``; returns the network (eval mode, FFT front-end) and its tags.
    ``init`` is called on the fresh network before training (bench/tagger_transfer.py starts it from a
    pack's network with trainer.tagger.transfer.start_from).  ``clips``: the items already decoded
    ([I, >= clip_samples * LOAD_MARGIN] at the front-end's rate, as :func:`load_clips` gives them);
    decoded here when not given.  ``exclusive``: whether the tags are one per file (a softmax) or any number (a
    yes or no per tag), decided by the caller from every item, held-out ones too (the pipeline: the one file with
    two tags, held out, made a one-tag pack depending on --seed, p44 terminal QA); None: from ``items``."""
    cfg, opts = cfg or TaggerConfig(), opts or TrainOptions()
    torch.manual_seed(opts.seed)
    tags = tags or tag_list(items)
    if clips is None:
        clips = load_clips(items, cfg.spec.rate, int(cfg.clip_samples * LOAD_MARGIN))
    elif len(clips) != len(items) or clips.shape[1] < cfg.clip_samples:
        raise ValueError(f"clips {clips.shape} do not match {len(items)} items of {cfg.clip_samples} samples")
    y = targets(items, tags)
    cfg = replace(cfg, exclusive=is_exclusive(y) if exclusive is None else exclusive)
    net = TaggerNet(cfg, len(tags))
    if init is not None:
        init(net)
    res = _loop(net, clips, y, tags, opts)
    if cfg.exclusive and cfg.stats_head:
        fit_stats_head(res.net, clips, y, band_copies=opts.head_band_copies)
    return res


def new_stats_head(cfg: TaggerConfig, n_tags: int) -> StatsHead:
    """An unfitted model.StatsHead for ``cfg`` (with the low-end statistics when ``cfg.stats_low``): its
    standardisation is still mean 0 / scale 1, so its ``features`` are the raw statistics."""
    from device.audio.mel import LowSpec
    return StatsHead(cfg.spec.n_mels, n_tags, low=LowSpec() if cfg.stats_low else None, rate=cfg.spec.rate)


@torch.no_grad()
def raw_stats_features(head: StatsHead, front: nn.Module, clips: np.ndarray, n: int, batch: int = 64,
                       level: Callable[[torch.Tensor], torch.Tensor] = lambda a: a) -> np.ndarray:
    """The statistics of clips [I, >= n] (their first ``n`` samples, as ``level`` scales them: TaggerNet.levelled)
    that ``head`` (from :func:`new_stats_head`) standardises and classifies, on the log-mel of ``front``: [I, F]
    float64."""
    chunks = [level(torch.from_numpy(np.ascontiguousarray(clips[s:s + batch, :n])))
              for s in range(0, len(clips), batch)]
    return torch.cat([head.features(front(a), a) for a in chunks]).double().numpy()


@torch.no_grad()
def fit_stats_head(net: TaggerNet, clips: np.ndarray, y: np.ndarray, c: float = STATS_C, batch: int = 64,
                   band_copies: tuple[int, ...] = ()) -> None:
    """Fit ``net.stats`` (model.StatsHead; with the low-end statistics when ``net.cfg.stats_low``) on the
    un-augmented training clips [I, >=N] and their one-hot tags [I, n_tags]: standardisation + multinomial
    logistic regression (scikit-learn, balanced class weights, inverse regularisation ``c``).  Exclusive
    taggers only.  ``band_copies``: the head also learns from copies of every clip band-limited to these rates
    (Hz; augment.band_limit), so that it knows lower-rate files as the network does."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    if not net.cfg.exclusive:
        raise ValueError("the MFCC-statistics head is for exclusive (one tag per sample) taggers")
    n_tags = y.shape[1]
    head = new_stats_head(net.cfg, n_tags).to(next(net.parameters()).device)
    feats = raw_stats_features(head, net.front, clips, net.cfg.clip_samples, batch, level=net.levelled)
    if band_copies:
        from trainer.tagger.augment import band_limit
        n, rate = net.cfg.clip_samples, net.cfg.spec.rate
        copies = [np.stack([band_limit(c[:n], low, rate) for c in clips]) for low in band_copies if low < rate]
        feats = np.concatenate([feats] + [raw_stats_features(head, net.front, c, n, batch, level=net.levelled)
                                          for c in copies])
        y = np.concatenate([y] * (1 + len(copies)))
    scaler = StandardScaler().fit(feats)
    clf = LogisticRegression(max_iter=5000, C=c, class_weight="balanced").fit(scaler.transform(feats), y.argmax(axis=1))
    weight, bias = np.zeros((n_tags, feats.shape[1])), np.full(n_tags, -30.0)   # tags never seen: never chosen
    if len(clf.classes_) == 2:            # scikit-learn keeps one row for two classes: class 1 against class 0
        weight[clf.classes_[1]], bias[clf.classes_[1]], bias[clf.classes_[0]] = clf.coef_[0], clf.intercept_[0], 0.0
    else:
        weight[clf.classes_], bias[clf.classes_] = clf.coef_, clf.intercept_
    for name, value in (("mean", scaler.mean_), ("scale", scaler.scale_), ("weight", weight), ("bias", bias)):
        getattr(head, name).copy_(torch.from_numpy(np.asarray(value, np.float32)))
    net.stats = head


def make_optimizer(net: nn.Module, opts: TrainOptions) -> torch.optim.Optimizer:
    """The optimiser :attr:`TrainOptions.optimizer` names, at ``opts.lr`` (the schedule sets it every step)."""
    if opts.optimizer == "sgd":
        return torch.optim.SGD(net.parameters(), lr=opts.lr, momentum=0.9, nesterov=True, weight_decay=1e-3)
    if opts.optimizer != "adamw":
        raise ValueError(f"no optimizer {opts.optimizer!r}: adamw or sgd")
    return torch.optim.AdamW(net.parameters(), lr=opts.lr, weight_decay=1e-3)


def schedule(progress: float, peak: float, warmup: float = 0.1) -> float:
    """Learning rate at ``progress`` in [0, 1]: linear warm-up, then cosine down to 2 % of ``peak``."""
    if progress < warmup:
        return peak * (0.1 + 0.9 * progress / warmup)
    x = (progress - warmup) / (1 - warmup)
    return peak * (0.02 + 0.98 * 0.5 * (1 + np.cos(np.pi * min(1.0, x))))


def _loop(net: TaggerNet, clips: np.ndarray, y: np.ndarray, tags: list[str], opts: TrainOptions) -> TrainResult:
    """Train until ``opts.steps`` or ``opts.minutes``, whichever comes first; the learning-rate
    schedule follows whichever is further along, so a slow (loaded) machine still anneals.
    The next batch is drawn and augmented (numpy, which releases the GIL) in a worker thread while
    the network trains on the current one (torch gets ``opts.threads - 1`` threads, at least 1); the
    worker alone uses ``rng``, so runs stay reproducible."""
    from hatbox.progress import progress_bar
    torch.set_num_threads(max(1, opts.threads - 1))
    rng = np.random.default_rng(opts.seed)
    probs = sample_weights(y)
    opt = make_optimizer(net, opts)
    loss_fn = loss_function(y, net.cfg.exclusive)
    n, rate = net.cfg.clip_samples, net.cfg.spec.rate

    def draw() -> tuple[torch.Tensor, torch.Tensor]:
        return make_batch(clips, y, rng.choice(len(y), size=opts.batch, p=probs), n, rate, rng, opts.band_limit,
                          opts.quantise, opts.aug_strength)

    start, losses, budget = time.monotonic(), [], max(1.0, opts.minutes * 60)
    net.train()
    bar = progress_bar(total=opts.steps, desc="training tagger", kind="budget", disable=not opts.progress)
    progress = 0.0
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="tagger-augment") as pool:
        pending = pool.submit(draw)
        while progress < 1.0 and not (opts.stop.asked and losses):
            for group in opt.param_groups:
                group["lr"] = schedule(progress, opts.lr)
            xb, yb = pending.result()
            # draw ahead only when the step count leaves another step (a time-budget stop still
            # throws one prepared batch away)
            pending = pool.submit(draw) if len(losses) + 1 < opts.steps else None
            loss = loss_fn(net(xb)[0], yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            losses.append(loss.item())
            progress = max(len(losses) / opts.steps, (time.monotonic() - start) / budget)
            _show(bar, progress, len(losses), opts.steps, float(np.mean(losses[-20:])))
        if pending is not None:
            pending.cancel()
    bar.close()
    net.eval()
    return TrainResult(net, tags, time.monotonic() - start, len(losses), losses, stopped_early=progress < 1.0)


def _show(bar, progress: float, steps: int, total: int, loss: float) -> None:
    """Move ``bar`` (hatbox.progress.progress_bar, kind "budget", ``total`` steps long) to ``progress`` (the loop's,
    in [0, 1]: the further along of steps and time budget) so the time it says is left is the budget's when that
    ends first, and say the steps done and the mean recent ``loss``: "N of TOTAL steps" while the steps lead, "N steps
    in the time budget (at most TOTAL)" while the budget does (p49 loops QA: "100%, 265 of 900 steps" read as a
    contradiction: the percentage was the budget's)."""
    counted = (f"{steps} of {total} steps" if progress <= steps / total + 1e-9
               else f"{steps} steps in the time budget (at most {total})")
    bar.set_postfix_str(f"{counted}, loss={loss:.3f}", refresh=False)
    bar.update(min(1.0, progress) * total - bar.n)


@torch.no_grad()
def predict(net: TaggerNet, clips: np.ndarray, batch: int = 64) -> tuple[np.ndarray, np.ndarray]:
    """clips [I, >=N] -> (probs [I, n_tags], embeddings [I, E]) in eval mode."""
    net.eval()
    n = net.cfg.clip_samples
    probs, embs = [], []
    for s in range(0, len(clips), batch):
        logits, emb = net(torch.from_numpy(np.ascontiguousarray(clips[s:s + batch, :n])))
        probs.append(probabilities(net, logits).numpy())
        embs.append(emb.numpy())
    return np.concatenate(probs), np.concatenate(embs)
