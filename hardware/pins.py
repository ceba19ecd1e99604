"""The pin factory: the RPi.GPIO module API, chosen explicitly by name.

Drivers talk to a *GPIO module* - anything with the RPi.GPIO functions they use::

    setmode(BOARD | BCM), setwarnings(bool), setup(channel, IN, pull_up_down=PUD_UP),
    input(channel) -> 0 | 1, add_event_detect(channel, BOTH, callback=fn), remove_event_detect(channel),
    cleanup(channels)

and the constants ``BOARD BCM IN OUT HIGH LOW PUD_UP PUD_DOWN PUD_OFF RISING FALLING BOTH``.
``RPi.GPIO`` (Raspberry Pi) and ``Jetson.GPIO`` (which also installs itself as ``RPi.GPIO``
on Jetson boards) are such modules; :class:`hardware.sim.gpio.SimGPIO` is the simulator.

The backend is *always* named (in the board file, or ``--sim``); a real board whose GPIO
library does not import is an error, never a silent switch to the simulator.

Real backends: written against the libraries' documented APIs, not verified on hardware yet.
"""
from __future__ import annotations

import importlib
from typing import Any, Callable, Protocol

from hatbox.errors import HatboxError

BACKENDS = {"jetson": "Jetson.GPIO", "rpi": "RPi.GPIO", "sim": "hardware.sim.gpio"}


class GPIOModule(Protocol):
    """The subset of the RPi.GPIO API the drivers use (module-level functions + constants)."""

    BOARD: Any
    BCM: Any
    IN: Any
    OUT: Any
    HIGH: int
    LOW: int
    PUD_UP: Any
    PUD_OFF: Any
    BOTH: Any
    FALLING: Any
    RISING: Any

    def setmode(self, mode: Any) -> None: ...

    def setup(self, channel: int, direction: Any, pull_up_down: Any = ..., initial: Any = ...) -> None: ...

    def input(self, channel: int) -> int: ...

    def output(self, channel: int, value: int) -> None: ...

    def add_event_detect(self, channel: int, edge: Any, callback: Callable[[int], None] | None = ...,
                         bouncetime: int = ...) -> None: ...

    def remove_event_detect(self, channel: int) -> None: ...

    def cleanup(self, channel: Any = ...) -> None: ...


class PinBackendError(HatboxError):
    """The named GPIO backend cannot be used on this machine."""


def open_gpio(backend: str) -> GPIOModule:
    """Import the named backend ("jetson", "rpi"); "sim" returns a fresh :class:`SimGPIO`.

    Raises :class:`PinBackendError` (never falls back) when the library is missing or
    cannot reach the pins (not root / not in the gpio group / not this board).
    """
    if backend not in BACKENDS:
        raise PinBackendError(f"unknown GPIO backend {backend!r} (one of: {', '.join(BACKENDS)})")
    if backend == "sim":
        from hardware.sim.gpio import SimGPIO
        return SimGPIO()
    return _import_real(BACKENDS[backend])


def _import_real(module: str) -> GPIOModule:
    try:
        return importlib.import_module(module)      # type: ignore[return-value]
    except ImportError as exc:
        raise PinBackendError(f"GPIO library {module} is not installed ({exc})",
                              hint=f"pip install {module.split('.')[0]}.GPIO on the board, or run with --sim") from None
    except Exception as exc:  # noqa: BLE001 - RPi.GPIO raises RuntimeError off its board, Jetson.GPIO a bare Exception
        raise PinBackendError(f"{module} cannot reach the pins: {exc}",
                              hint="run on the board as a user in the 'gpio' group, or use --sim") from None
