"""Causal streaming effect models with knob conditioning (FiLM) and explicit state.

Every model is a function ``(x [B, T], k [B, T, K] | None, state) -> (y [B, T], state')``
with no lookahead: y[t] depends on x[..t] and k[..t] only.  ``state`` is a list of tensors
whose batch-1 shapes are :meth:`EffectModel.state_shapes`; feeding a signal in pieces while
carrying the state gives the same result as feeding it whole (this is what the ONNX export
and the box rely on).  Knobs are normalised to [0, 1], one value per sample.

Registry (``ARCHS``):

- ``gru`` / ``lstm``: recurrent cell on [x, knobs], FiLM on its output, linear head, + x.
- ``tcn``: dilated causal convolutions with per-layer input caches as state, FiLM per layer.
- ``tcn_gru``: a small cached TCN front (short-term features) feeding a small GRU (long-term
  dynamics such as a compressor's envelope).
"""
from __future__ import annotations

from typing import Any

import torch
from torch import Tensor, nn

State = list[Tensor]


class KnobEmbedding(nn.Module):
    """Knobs [B, T, K] -> tanh(linear) embedding [B, T, E] (or [B, E, T] with ``channels_first``)."""

    def __init__(self, knobs: int, embed: int, channels_first: bool = False) -> None:
        super().__init__()
        self.net = nn.Conv1d(knobs, embed, 1) if channels_first else nn.Linear(knobs, embed)
        self.channels_first = channels_first

    def forward(self, k: Tensor) -> Tensor:
        return torch.tanh(self.net(k.transpose(1, 2) if self.channels_first else k))


class FiLM(nn.Module):
    """Feature-wise affine modulation h * gamma(e) + beta(e) from a knob embedding ``e``.

    ``h`` [B, T, C] with ``e`` [B, T, E]; or, ``channels_first``, [B, C, T] with [B, E, T].
    Starts as the identity (gamma = 1, beta = 0).
    """

    def __init__(self, embed: int, channels: int, channels_first: bool = False) -> None:
        super().__init__()
        make = (lambda: nn.Conv1d(embed, channels, 1)) if channels_first else (lambda: nn.Linear(embed, channels))
        self.gamma, self.beta = make(), make()
        for layer, bias in ((self.gamma, 1.0), (self.beta, 0.0)):
            nn.init.zeros_(layer.weight)
            nn.init.constant_(layer.bias, bias)

    def forward(self, h: Tensor, e: Tensor) -> Tensor:
        return h * self.gamma(e) + self.beta(e)


class EffectModel(nn.Module):
    """Base: subclasses set ``arch`` and implement ``forward`` and ``state_shapes``."""

    arch = ""

    def __init__(self, knobs: int, **config: Any) -> None:
        super().__init__()
        self.knobs = knobs
        self._config = dict(config)
        self.register_buffer("in_scale", torch.tensor(1.0))
        self.register_buffer("out_scale", torch.tensor(1.0))

    def set_scales(self, in_scale: float, out_scale: float) -> None:
        """Fixed data scaling: the network sees ``x * in_scale`` and its head is ``* out_scale``.

        The trainer sets them from the data (1 / input std, std of output - input) so the
        network starts in its useful range instead of spending steps growing its weights.
        """
        self.in_scale.fill_(float(in_scale))
        self.out_scale.fill_(float(out_scale))

    def config(self) -> dict[str, Any]:
        """Everything needed to rebuild this model with :func:`build`."""
        return {"arch": self.arch, "knobs": self.knobs, **self._config}

    def state_shapes(self) -> list[tuple[int, ...]]:
        raise NotImplementedError

    def initial_state(self, batch: int, device: torch.device | str = "cpu") -> State:
        """Zero state for ``batch`` streams (batch is dimension 1 for RNN states, 0 for caches)."""
        return [torch.zeros(_with_batch(s, batch, self._rnn_state(i)), device=device)
                for i, s in enumerate(self.state_shapes())]

    def _rnn_state(self, index: int) -> bool:
        return False


def _with_batch(shape: tuple[int, ...], batch: int, rnn: bool) -> tuple[int, ...]:
    return (shape[0], batch, *shape[2:]) if rnn else (batch, *shape[1:])


# --------------------------------------------------------------------------- recurrent
class RNNEffect(EffectModel):
    """GRU or LSTM on [x, knobs] -> FiLM(knobs) -> linear -> + x.  State: h (and c) [1, B, H]."""

    def __init__(self, knobs: int, hidden: int = 32, cell: str = "gru", film_hidden: int = 16) -> None:
        super().__init__(knobs, hidden=hidden, cell=cell, film_hidden=film_hidden)
        self.arch = cell
        rnn = nn.GRU if cell == "gru" else nn.LSTM
        self.rnn = rnn(1 + knobs, hidden, batch_first=True)
        self.embed = KnobEmbedding(knobs, film_hidden) if knobs else None
        self.film = FiLM(film_hidden, hidden) if knobs else None
        self.head = nn.Linear(hidden, 1)
        self.hidden = hidden

    def state_shapes(self) -> list[tuple[int, ...]]:
        n = 1 if self.arch == "gru" else 2
        return [(1, 1, self.hidden)] * n

    def _rnn_state(self, index: int) -> bool:
        return True

    def forward(self, x: Tensor, k: Tensor | None, state: State) -> tuple[Tensor, State]:
        xs = (x * self.in_scale).unsqueeze(-1)
        inp = xs if k is None else torch.cat([xs, k], dim=-1)
        if self.arch == "gru":
            h, s = self.rnn(inp, state[0])
            new = [s]
        else:
            h, (hs, cs) = self.rnn(inp, (state[0], state[1]))
            new = [hs, cs]
        if self.film is not None and k is not None:
            h = self.film(h, self.embed(k))
        return self.head(h).squeeze(-1) * self.out_scale + x, new


# --------------------------------------------------------------------------- convolutional
class CachedConv(nn.Module):
    """Causal dilated Conv1d whose past input is an explicit cache [B, C_in, (kernel-1)*dilation]."""

    def __init__(self, cin: int, cout: int, kernel: int, dilation: int) -> None:
        super().__init__()
        self.conv = nn.Conv1d(cin, cout, kernel, dilation=dilation)
        self.past = (kernel - 1) * dilation

    def forward(self, h: Tensor, cache: Tensor) -> tuple[Tensor, Tensor]:
        z = torch.cat([cache, h], dim=2)
        return self.conv(z), z[:, :, z.shape[2] - self.past:]


class TCNStack(nn.Module):
    """1x1 in -> [cached dilated conv -> FiLM -> tanh -> 1x1, residual] * L.  [B, T] -> [B, C, T]."""

    def __init__(self, knobs: int, channels: int, dilations: list[int], kernel: int,
                 film_hidden: int) -> None:
        super().__init__()
        self.inp = nn.Conv1d(1, channels, 1)
        self.convs = nn.ModuleList(CachedConv(channels, channels, kernel, d) for d in dilations)
        self.mix = nn.ModuleList(nn.Conv1d(channels, channels, 1) for _ in dilations)
        self.embed = KnobEmbedding(knobs, film_hidden, channels_first=True) if knobs else None
        self.films = (nn.ModuleList(FiLM(film_hidden, channels, channels_first=True) for _ in dilations)
                      if knobs else None)
        self.channels = channels

    def cache_shapes(self) -> list[tuple[int, ...]]:
        return [(1, self.channels, c.past) for c in self.convs]

    def forward(self, x: Tensor, k: Tensor | None, caches: State) -> tuple[Tensor, State]:
        h = self.inp(x.unsqueeze(1))
        e = self.embed(k) if self.embed is not None and k is not None else None
        new: State = []
        for i, conv in enumerate(self.convs):
            z, c = conv(h, caches[i])
            if self.films is not None and e is not None:
                z = self.films[i](z, e)
            h = h + self.mix[i](torch.tanh(z))
            new.append(c)
        return h, new


def _dilations(layers: int, cycle: int) -> list[int]:
    return [2 ** (i % cycle) for i in range(layers)]


class TCNEffect(EffectModel):
    """Cached dilated TCN -> 1x1 head -> + x.  State: one input cache per layer."""

    arch = "tcn"

    def __init__(self, knobs: int, channels: int = 12, layers: int = 10, cycle: int = 10,
                 kernel: int = 3, film_hidden: int = 16) -> None:
        super().__init__(knobs, channels=channels, layers=layers, cycle=cycle, kernel=kernel,
                         film_hidden=film_hidden)
        self.tcn = TCNStack(knobs, channels, _dilations(layers, cycle), kernel, film_hidden)
        self.head = nn.Conv1d(channels, 1, 1)

    def state_shapes(self) -> list[tuple[int, ...]]:
        return self.tcn.cache_shapes()

    def forward(self, x: Tensor, k: Tensor | None, state: State) -> tuple[Tensor, State]:
        h, new = self.tcn(x * self.in_scale, k, state)
        return self.head(h).squeeze(1) * self.out_scale + x, new


class TCNGRUEffect(EffectModel):
    """Cached TCN front -> GRU on [features, knobs] -> FiLM -> linear -> + x."""

    arch = "tcn_gru"

    def __init__(self, knobs: int, channels: int = 8, layers: int = 6, cycle: int = 6,
                 kernel: int = 3, hidden: int = 24, film_hidden: int = 16) -> None:
        super().__init__(knobs, channels=channels, layers=layers, cycle=cycle, kernel=kernel,
                         hidden=hidden, film_hidden=film_hidden)
        self.tcn = TCNStack(knobs, channels, _dilations(layers, cycle), kernel, film_hidden)
        self.rnn = nn.GRU(channels + knobs, hidden, batch_first=True)
        self.embed = KnobEmbedding(knobs, film_hidden) if knobs else None
        self.film = FiLM(film_hidden, hidden) if knobs else None
        self.head = nn.Linear(hidden, 1)
        self.hidden = hidden

    def state_shapes(self) -> list[tuple[int, ...]]:
        return [*self.tcn.cache_shapes(), (1, 1, self.hidden)]

    def _rnn_state(self, index: int) -> bool:
        return index == len(self.tcn.convs)

    def forward(self, x: Tensor, k: Tensor | None, state: State) -> tuple[Tensor, State]:
        feats, caches = self.tcn(x * self.in_scale, k, state[:-1])
        inp = feats.transpose(1, 2)
        inp = inp if k is None else torch.cat([inp, k], dim=-1)
        h, s = self.rnn(inp, state[-1])
        if self.film is not None and k is not None:
            h = self.film(h, self.embed(k))
        return self.head(h).squeeze(-1) * self.out_scale + x, [*caches, s]


ARCHS = {
    "gru": lambda knobs, **kw: RNNEffect(knobs, cell="gru", **kw),
    "lstm": lambda knobs, **kw: RNNEffect(knobs, cell="lstm", **kw),
    "tcn": TCNEffect,
    "tcn_gru": TCNGRUEffect,
}
DEFAULT_ARCH = "gru"


def build(arch: str, knobs: int, **config: Any) -> EffectModel:
    """Instantiate a registered architecture (``config`` overrides its defaults)."""
    from hatbox.errors import HatboxError
    if arch not in ARCHS:
        raise HatboxError(f"unknown architecture '{arch}' (choose from {', '.join(ARCHS)})")
    config = {k: v for k, v in config.items() if k not in ("arch", "knobs", "cell")}
    return ARCHS[arch](knobs, **config)


def count_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
