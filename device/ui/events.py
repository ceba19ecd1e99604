"""What pages react to: encoder turns and presses, touches in panel coordinates.

Pages never see pins: the input layer (device/ui/inputs.py) turns driver events into these,
with the board's rotation already applied to touch positions.  Panel pixels: (0, 0) is the
panel's top-left as the user sees it; x to the right, y down.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Union


@dataclass(frozen=True)
class EncoderTurn:
    """Encoder ``index`` (0-based, the board's order) turned by ``delta`` detents (+ clockwise);
    ``steps`` is the accelerated amount with the same sign."""

    index: int
    delta: int
    steps: int


@dataclass(frozen=True)
class EncoderPress:
    index: int
    pressed: bool


@dataclass(frozen=True)
class Touch:
    """``kind`` "down" | "move" | "up"; ``id`` the finger; ``x``/``y`` panel pixels; ``t`` seconds (monotonic)."""

    kind: str
    id: int
    x: float
    y: float
    t: float = 0.0


Event = Union[EncoderTurn, EncoderPress, Touch]
