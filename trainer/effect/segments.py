"""The effect trainer's batches: random training segments and fixed validation windows over the data's pairs
(split from trainer/effect/train.py).  Shapes: B segments of S samples, K knobs, P pairs."""
from __future__ import annotations

import numpy as np
import torch

from trainer.effect import data as datamod
from trainer.effect.config import TrainConfig
from trainer.effect.data import EffectData
from trainer.effect.split import held_out, signal_start, train_pieces


class Segments:
    """Random training segments and fixed validation windows over the data's pairs.

    Each pair's held-out stretch is :func:`trainer.effect.split.held_out` (its tail unless the output is silent
    there); segments are drawn from the training pieces around it that are long enough for one."""

    def __init__(self, data: EffectData, cfg: TrainConfig, rng: np.random.Generator) -> None:
        self.data, self.rng = data, rng
        self.knobs = [data.knob_vector(p) for p in data.pairs]
        self.held = [held_out(p.output, cfg.val_fraction) for p in data.pairs]
        pieces = [train_pieces(p.output.shape[0], h) for p, h in zip(data.pairs, self.held)]
        longest = [max((b - a for a, b in ps), default=0) for ps in pieces]
        shortest = min(longest)
        scale = min(1.0, shortest / (cfg.warmup + cfg.chunk * cfg.chunks))
        self.chunk = max(32, int(cfg.chunk * scale))
        self.warmup = int(cfg.warmup * scale)
        self.length = self.warmup + self.chunk * cfg.chunks
        if self.length > shortest:
            raise datamod.DataError(f"recordings are too short to train on ({shortest} samples "
                                    f"outside the held-out part; need {self.length})")
        # the training pieces that hold a segment, and how many segment starts each has
        self.pieces = [[(a, b) for a, b in ps if b - a >= self.length] for ps in pieces]
        self.starts = [[b - a - self.length + 1 for a, b in ps] for ps in self.pieces]
        usable = [sum(b - a for a, b in ps) for ps in self.pieces]
        self.weights = np.array(usable, np.float64) / sum(usable)
        self.power = np.array([max(float(np.mean(np.square(self._training(p.output, i), dtype=np.float64))), 1e-10)
                               for i, p in enumerate(data.pairs)], np.float32)

    def _training(self, audio: np.ndarray, i: int) -> np.ndarray:
        """Pair ``i``'s ``audio`` [N] over its training pieces, joined -> [M]."""
        return np.concatenate([audio[a:b] for a, b in self.pieces[i]])

    def scales(self) -> tuple[float, float]:
        """(1 / std of training input, std of training output - input), for EffectModel.set_scales."""
        xs = np.concatenate([self._training(p.input, i) for i, p in enumerate(self.data.pairs)])
        rs = np.concatenate([self._training(p.output - p.input, i) for i, p in enumerate(self.data.pairs)])
        return 1.0 / max(float(np.std(xs)), 1e-4), max(float(np.std(rs)), 1e-4)

    def _start(self, i: int) -> int:
        """A random segment start in pair ``i``'s training pieces (uniform over every valid start)."""
        u = int(self.rng.integers(0, sum(self.starts[i])))
        for (a, _b), count in zip(self.pieces[i], self.starts[i]):
            if u < count:
                return a + u
            u -= count
        raise AssertionError("unreachable")

    def batch(self, size: int) -> tuple[torch.Tensor, ...]:
        """x [B, S], y [B, S], k [B, S, K], recording power [B]; S = warmup + chunks * chunk.  With the data's
        ``level_range_db`` (a denoiser's set) each segment's x and y are scaled together by a gain drawn from it
        (:func:`level_gains`; its power by the gain squared, so the loss weighs it as it did)."""
        idx = self.rng.choice(len(self.pieces), size=size, p=self.weights)
        xs, ys, ks = [], [], []
        for i in idx:
            a = self._start(i)
            p = self.data.pairs[i]
            xs.append(p.input[a:a + self.length])
            ys.append(p.output[a:a + self.length])
            ks.append(np.broadcast_to(self.knobs[i], (self.length, len(self.knobs[i]))))
        x, y, power = np.stack(xs), np.stack(ys), self.power[idx]
        if self.data.level_range_db is not None:
            gain = level_gains(self.rng, self.data.level_range_db, np.maximum(_peaks(x), _peaks(y)))
            x, y, power = x * gain[:, None], y * gain[:, None], power * np.square(gain)
        return (torch.from_numpy(x), torch.from_numpy(y), torch.from_numpy(np.stack(ks)), torch.from_numpy(power))

    def validation(self, seconds: float) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, int]:
        """Held-out windows of ``seconds`` (where the output has signal: split.signal_start), each after up to
        ``warmup`` samples of context -> x [P, C + n], y [P, C + n], k [P, C + n, K], C (context length)."""
        n = min(int(seconds * self.data.rate), min(b - a for a, b in self.held))
        starts = [signal_start(p.output, h, n) for p, h in zip(self.data.pairs, self.held)]
        ctx = min(self.warmup, min(starts))
        xs, ys, ks = [], [], []
        for p, s, k in zip(self.data.pairs, starts, self.knobs):
            xs.append(p.input[s - ctx:s + n])
            ys.append(p.output[s - ctx:s + n])
            ks.append(np.broadcast_to(k, (ctx + n, len(k))))
        return torch.from_numpy(np.stack(xs)), torch.from_numpy(np.stack(ys)), torch.from_numpy(np.stack(ks)), ctx


def _peaks(audio: np.ndarray) -> np.ndarray:
    """The peak |sample| of each row of ``audio`` [B, S] -> [B]."""
    return np.max(np.abs(audio), axis=1)


def level_gains(rng: np.random.Generator, range_db: tuple[float, float], peaks: np.ndarray) -> np.ndarray:
    """A gain per segment [B] float32, drawn uniformly in dB over ``range_db`` (lowest, highest) and lowered where it
    would take the segment's peak (``peaks`` [B], the louder of its input and output, full scale 1.0) over 0 dBFS: a
    denoiser hears the same voice at every mic level it meets, never a level the box could not take in."""
    gain = 10.0 ** (rng.uniform(range_db[0], range_db[1], size=peaks.shape[0]) / 20.0)
    headroom = 1.0 / np.maximum(peaks, 1e-12)          # never under 1: a take recorded over full scale stays so
    return np.minimum(gain, np.maximum(headroom, 1.0)).astype(np.float32)
