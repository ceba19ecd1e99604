"""Quadrature rotary encoders with detents and push buttons, over a pin factory.

A detented encoder (EC11-style, one full quadrature cycle per detent, contacts to ground
with pull-ups) rests at A=1 B=1 between detents.  Turning clockwise, A closes first::

    A  ‾‾‾‾|____________|‾‾‾‾‾‾      code = A<<1 | B
    B  ‾‾‾‾‾‾‾‾|____________|‾‾      cw : 11 -> 01 -> 00 -> 10 -> 11   (one detent)
          11   01   00   10   11     ccw: 11 -> 10 -> 00 -> 01 -> 11

The decoder is a table-driven state machine.  A detent is counted only when the whole cycle
has been walked and the contacts come back to rest, so contact bounce (one contact chattering
between two neighbouring codes) just walks back and forth along the path and is never
counted::

                 01          00          10
        +----> [CW1] <--> [CW2] <--> [CW3] ---- 11: emit +1 --+
        |   11 |                                              |
      [REST] <-+----------- 11 from any state ----------------+
        |   11 |                                              |
        +----> [CCW1] <-> [CCW2] <-> [CCW3] --- 11: emit -1 --+
                 10          00          01

    (A code two steps away from the current one means edges were missed: from CW1/CW3/CCW1/
    CCW3 it leaves the state where it is, from CW2/CCW2 (00) a jump to 11 returns to REST
    without counting, from REST a jump to 00 is ignored - direction is never guessed.)

Half-step encoders (many cheap ones: their data sheet gives twice as many detents as pulses per
turn; the board file's ``detents_per_cycle = 2``) rest at 11 *and* at 00, a detent every half
cycle.  :data:`HALF_TABLE` counts one when the second contact of the half cycle has changed: the
first contact chattering walks back and forth, and the second chattering right after the count
walks to the neighbouring state and back, counting nothing::

                  01                              10
        [REST11] ----> [CW1] --- 00: emit +1 ---> [REST00] ----> [CW2] --- 11: emit +1 ---> [REST11]
        [REST11] ----> [CCW1] -- 00: emit -1 ---> [REST00] ----> [CCW2] -- 11: emit -1 ---> [REST11]
                  10                              01
    (back to the rest it came from: nothing counted; a jump between 11 and 00 goes to that rest
    without counting.)

A fast spin whose callbacks see the levels late (states skipped) loses detents, never adds one or
counts one the wrong way; the decoder is back in step at the next rest (11; for half-step encoders
11 or 00), so turning back and forth never drifts.  ``reverse`` (the board file's ``reverse = true``) turns the sign for an
encoder wired with A and B the other way round.

Acceleration: successive detents in the same direction closer than ``slow_s`` apart count as
up to ``max_steps`` steps (``Turn.steps``); ``Turn.delta`` is always the raw +/-1 detent.

Real backends: not verified on hardware yet.
"""
from __future__ import annotations

import logging
import threading
from collections import deque
from dataclasses import dataclass
from typing import Any, Callable

from hardware.pins import clock_of, pin_errors, setup_input

log = logging.getLogger("hatbox.hardware")

REST, CW1, CW2, CW3, CCW1, CCW2, CCW3 = range(7)
_CW, _CCW = 0x10, 0x20            # emit flags or'ed into the next state
#            code: 00           01           10           11
TABLE: tuple[tuple[int, ...], ...] = (
    (REST,        CW1,         CCW1,        REST),          # REST
    (CW2,         CW1,         CW1,         REST),          # CW1  (01)
    (CW2,         CW1,         CW3,         REST),          # CW2  (00)
    (CW2,         CW3,         CW3,         REST | _CW),    # CW3  (10)
    (CCW2,        CCW1,        CCW1,        REST),          # CCW1 (10)
    (CCW2,        CCW3,        CCW1,        REST),          # CCW2 (00)
    (CCW2,        CCW3,        CCW3,        REST | _CCW),   # CCW3 (01)
)


H_REST11, H_CW1, H_CCW1, H_REST00, H_CW2, H_CCW2 = range(6)
#            code: 00                   01                 10                 11
HALF_TABLE: tuple[tuple[int, ...], ...] = (
    (H_REST00,           H_CW1,             H_CCW1,            H_REST11),           # REST11
    (H_REST00 | _CW,     H_CW1,             H_CW1,             H_REST11),           # CW1  (01, from 11)
    (H_REST00 | _CCW,    H_CCW1,            H_CCW1,            H_REST11),           # CCW1 (10, from 11)
    (H_REST00,           H_CCW2,            H_CW2,             H_REST11),           # REST00
    (H_REST00,           H_CW2,             H_CW2,             H_REST11 | _CW),     # CW2  (10, from 00)
    (H_REST00,           H_CCW2,            H_CCW2,            H_REST11 | _CCW),    # CCW2 (01, from 00)
)
TABLES = {1: TABLE, 2: HALF_TABLE}       # detents per quadrature cycle -> the decoder's table
DETENTS_PER_CYCLE = tuple(TABLES)        # what a board file's encoders[].detents_per_cycle may be


class QuadratureDecoder:
    """Feed it A/B levels in any order and rate; it returns +1 / -1 on a completed detent, else 0.

    ``detents_per_cycle``: 1 (a detent per full quadrature cycle, :data:`TABLE`) or 2 (half-step
    encoders, :data:`HALF_TABLE`)."""

    def __init__(self, detents_per_cycle: int = 1) -> None:
        if detents_per_cycle not in TABLES:
            raise ValueError(f"detents_per_cycle {detents_per_cycle} is not one of {DETENTS_PER_CYCLE}")
        self.table = TABLES[detents_per_cycle]
        self.state = REST                # state 0 is at rest (11) in both tables

    def rest_at(self, a: int, b: int) -> None:
        """Start from the contacts as they rest now: a half-step encoder rests at 00 as well as at 11 (one at
        power-up lost its first click); a full-cycle encoder always rests at 11, so nothing changes there."""
        if self.table is HALF_TABLE:
            self.state = H_REST00 if not a and not b else H_REST11

    def feed(self, a: int, b: int) -> int:
        nxt = self.table[self.state][(1 if a else 0) << 1 | (1 if b else 0)]
        self.state = nxt & 0x0F
        return 1 if nxt & _CW else -1 if nxt & _CCW else 0


@dataclass(frozen=True)
class Turn:
    """One detent: ``delta`` +1 clockwise / -1 counter-clockwise; ``steps`` with acceleration; ``t`` seconds."""

    encoder: str
    delta: int
    steps: int
    t: float


@dataclass(frozen=True)
class Press:
    """A push button went down (``pressed`` True) or up, at ``t`` seconds."""

    encoder: str
    pressed: bool
    t: float


@dataclass(frozen=True)
class Acceleration:
    """Detents closer than ``slow_s`` ramp linearly to ``max_steps`` at ``fast_s`` apart."""

    slow_s: float = 0.08
    fast_s: float = 0.015
    max_steps: int = 5

    def steps(self, dt: float) -> int:
        if dt >= self.slow_s:
            return 1
        frac = min(1.0, (self.slow_s - dt) / (self.slow_s - self.fast_s))
        return 1 + round(frac * (self.max_steps - 1))


Sink = Callable[[Any], None]


class EventQueue:
    """A thread-safe queue of driver events with an optional wake-up hook (e.g. the UI loop)."""

    def __init__(self, wake: Callable[[], None] | None = None) -> None:
        self._items: deque[Any] = deque()
        self.wake = wake

    def __call__(self, event: Any) -> None:
        self._items.append(event)
        if self.wake is not None:
            self.wake()

    def drain(self) -> list[Any]:
        out = []
        while self._items:
            out.append(self._items.popleft())
        return out


class RotaryEncoder:
    """A detented quadrature encoder on pins ``a`` and ``b``; sends :class:`Turn` events to ``sink``.

    ``reverse``: the board file's setting for an encoder whose A and B are wired the other way
    round - clockwise then reads as counter-clockwise, and every detent's sign is turned back.
    ``detents_per_cycle``: the board file's setting, 2 for a half-step encoder (see the module's
    docstring).
    """

    def __init__(self, gpio: Any, a: int, b: int, sink: Sink, *, name: str = "enc",
                 accel: Acceleration = Acceleration(), pull_up: bool = True, reverse: bool = False,
                 detents_per_cycle: int = 1) -> None:
        self.gpio, self.a, self.b, self.sink, self.name, self.accel = gpio, a, b, sink, name, accel
        self.sign = -1 if reverse else 1
        self.clock = clock_of(gpio)
        self.decoder = QuadratureDecoder(detents_per_cycle)
        self.position = 0
        self.read_errors = 0
        self._last: tuple[int, float] = (0, float("-inf"))
        self._lock = threading.Lock()
        for pin, contact in ((a, "A"), (b, "B")):
            with pin_errors(pin, f"encoder {name} {contact}"):
                setup_input(gpio, pin, pull_up)
                gpio.add_event_detect(pin, gpio.BOTH, callback=self._edge)
        try:
            self.decoder.rest_at(gpio.input(a), gpio.input(b))
        except Exception as exc:  # noqa: BLE001 - a pin that cannot be read now is read at its first edge
            log.debug("encoder %s: resting levels not read (%s)", name, exc)

    def _edge(self, channel: int) -> None:
        """An edge on A or B (GPIO callback thread): read both levels now and step the decoder."""
        with self._lock:
            try:
                levels = self.gpio.input(self.a), self.gpio.input(self.b)
            except Exception as exc:  # noqa: BLE001 - raising here would end Jetson.GPIO's event thread
                self.read_errors += 1
                if self.read_errors == 1:
                    log.error("encoder %s: reading its pins failed (%s); such edges are skipped (said once)",
                              self.name, exc)
                return
            delta = self.sign * self.decoder.feed(*levels)
            if delta:
                self._detent(delta, self.clock())

    def _detent(self, delta: int, t: float) -> None:
        last_dir, last_t = self._last
        steps = self.accel.steps(t - last_t) if last_dir == delta else 1
        self._last = (delta, t)
        self.position += delta
        self.sink(Turn(self.name, delta, delta * steps, t))

    def close(self) -> None:
        for pin in (self.a, self.b):
            self.gpio.remove_event_detect(pin)


class Button:
    """A push button to ground (pressed = low): reports the first edge, then ignores chatter for ``debounce_s``.

    Call :meth:`poll` now and then (the panel does, every frame): it settles a level that
    changed during the lock-out with no edge after it.
    """

    def __init__(self, gpio: Any, pin: int, sink: Sink, *, name: str = "enc", debounce_s: float = 0.012,
                 pull_up: bool = True) -> None:
        self.gpio, self.pin, self.sink, self.name, self.debounce_s = gpio, pin, sink, name, debounce_s
        self.clock = clock_of(gpio)
        self.read_errors = 0
        self._changed = float("-inf")
        self._lock = threading.Lock()
        with pin_errors(pin, f"encoder {name} button"):
            setup_input(gpio, pin, pull_up)
            self.pressed = gpio.input(pin) == 0
            gpio.add_event_detect(pin, gpio.BOTH, callback=lambda ch: self.poll())

    def poll(self) -> None:
        with self._lock:
            now = self.clock()
            try:
                down = self.gpio.input(self.pin) == 0
            except Exception as exc:  # noqa: BLE001 - never into the GPIO thread or the panel's loop
                self.read_errors += 1
                if self.read_errors == 1:
                    log.error("encoder %s button: reading its pin failed (%s); skipped (said once)", self.name, exc)
                return
            if down != self.pressed and now - self._changed >= self.debounce_s:
                self.pressed, self._changed = down, now
                self.sink(Press(self.name, down, now))

    def close(self) -> None:
        self.gpio.remove_event_detect(self.pin)
