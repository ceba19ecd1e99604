"""The pin factory: the RPi.GPIO module API, chosen explicitly by name.

Drivers talk to a *GPIO module* - anything with the RPi.GPIO functions they use::

    setmode(BOARD | BCM), setwarnings(bool), setup(channel, IN, pull_up_down=PUD_UP),
    input(channel) -> 0 | 1, add_event_detect(channel, BOTH, callback=fn), remove_event_detect(channel),
    cleanup(channels)

and the constants ``BOARD BCM IN OUT HIGH LOW PUD_UP PUD_DOWN PUD_OFF RISING FALLING BOTH``.
``RPi.GPIO`` (Raspberry Pi) and ``Jetson.GPIO`` (which also installs itself as ``RPi.GPIO``
on Jetson boards) are such modules; :class:`hardware.sim.gpio.SimGPIO` is the simulator.

The backend is *always* named (in the board file, or ``--sim``); a real board whose GPIO
library does not import is an error, never a silent switch to the simulator.  Every failure
(library missing or half installed, no permission, a pin held by another program) is one
:class:`PinBackendError` whose first line says what to install or which group to join.

Real backends: written against the libraries' documented APIs, not verified on hardware yet.
"""
from __future__ import annotations

import errno
import importlib
import time
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Protocol

from hatbox.errors import HatboxError, first_line

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
        raise PinBackendError(_import_problem(module, exc), hint=_SIM_HINT) from None
    except Exception as exc:  # noqa: BLE001 - RPi.GPIO raises RuntimeError off its board, Jetson.GPIO a bare Exception
        raise PinBackendError(_reach_problem(module, exc), hint=_SIM_HINT) from None


_SIM_HINT = "on a laptop, run with --sim (simulated pins and touch; never chosen without being asked)"
_INSTALL = {"Jetson.GPIO": "pip install Jetson.GPIO",
            "RPi.GPIO": "pip install RPi.GPIO (on a Raspberry Pi 5 or Raspberry Pi OS Bookworm: pip install rpi-lgpio)"}
_GROUP = ("add this user to the 'gpio' group (sudo usermod -aG gpio $USER; on a Jetson also install Jetson.GPIO's "
          "99-gpio.rules udev rule), then log in again")


def _import_problem(module: str, exc: ImportError) -> str:
    """One line for a GPIO library that does not import: not installed, or installed but incomplete."""
    missing = exc.name or ""
    absent = isinstance(exc, ModuleNotFoundError) and (missing == module or module.startswith(missing + "."))
    if not absent:
        return (f"GPIO library {module} is installed but incomplete ({first_line(exc)}): "
                f"reinstall it: {_INSTALL[module].replace('pip install', 'pip install --force-reinstall', 1)}")
    return f"GPIO library {module} is not installed: {_INSTALL[module]} on the board (on a laptop: --sim)"


def _reach_problem(module: str, exc: BaseException) -> str:
    """One line for a GPIO library that imports but cannot reach the pins (permissions, another board)."""
    detail = first_line(exc)
    low = detail.lower()
    if _denied(exc, low):
        return f"{module} has no permission to use the pins ({detail}): {_GROUP}"
    if "peripheral base address" in low:
        return _new_pi(detail)
    if "model" in low or "raspberry pi" in low or "jetson" in low:
        return f"{module} does not recognise this machine as its board ({detail}): use this machine's board file"
    return f"{module} cannot reach the pins: {detail}"


def _new_pi(detail: str) -> str:
    """RPi.GPIO on a Raspberry Pi it cannot drive (a Pi 5: "Cannot determine SOC peripheral base address")."""
    return f"RPi.GPIO does not work on this Raspberry Pi ({detail}): pip install rpi-lgpio (it provides RPi.GPIO)"


def _denied(exc: BaseException, low: str) -> bool:
    return (getattr(exc, "errno", None) in (errno.EACCES, errno.EPERM) or "permission" in low
            or "/dev/mem" in low or "root" in low)


def pin_problem(pin: int, role: str, exc: BaseException) -> str:
    """One line saying why header pin ``pin`` (``role``, e.g. "encoder e1 A") could not be set up, and what to do."""
    detail = first_line(exc)
    low = detail.lower()
    if getattr(exc, "errno", None) == errno.EBUSY or "busy" in low or "in use" in low:
        return (f"GPIO pin {pin} ({role}) is in use by another program or a kernel driver ({detail}): stop the other "
                "program (another hatbox?) or free the pin in the device tree, or move the wire and the board file")
    if "failed to add edge detection" in low:
        return (f"GPIO pin {pin} ({role}): RPi.GPIO could not watch it for edges ({detail}): on Raspberry Pi OS "
                "Bookworm or a Pi 5, pip install rpi-lgpio (it replaces RPi.GPIO); else another program holds the pin")
    if _denied(exc, low):
        return f"no permission to use GPIO pin {pin} ({role}) ({detail}): {_GROUP}"
    if "peripheral base address" in low:
        return _new_pi(detail)
    return f"GPIO pin {pin} ({role}) cannot be set up: {detail}"


@contextmanager
def pin_errors(pin: int, role: str) -> Iterator[None]:
    """Turn whatever the GPIO library raises while setting up ``pin`` into one :class:`PinBackendError` line."""
    try:
        yield
    except HatboxError:
        raise
    except Exception as exc:  # noqa: BLE001 - RuntimeError (RPi.GPIO), OSError/GPIOError (Jetson.GPIO), lgpio.error
        raise PinBackendError(pin_problem(pin, role, exc)) from None


def setup_input(gpio: GPIOModule, pin: int, pull_up: bool) -> None:
    """``pin`` as an input with the internal pull-up, or (``pull_up`` False: external resistors) with no
    ``pull_up_down`` argument at all - Jetson.GPIO warns on every explicit one, even PUD_OFF."""
    if pull_up:
        gpio.setup(pin, gpio.IN, pull_up_down=gpio.PUD_UP)
    else:
        gpio.setup(pin, gpio.IN)


def set_numbering(gpio: GPIOModule, numbering: str) -> None:
    """``gpio.setmode`` for "BOARD" or "BCM"; a clash with a mode set earlier in this process is one clear line."""
    try:
        gpio.setmode(gpio.BOARD if numbering == "BOARD" else gpio.BCM)
    except Exception as exc:  # noqa: BLE001 - ValueError("A different mode has already been set!") and the like
        raise PinBackendError(f"cannot number the GPIO pins {numbering}: {first_line(exc)}",
                              hint="the board file's numbering must match any other GPIO user in this process") from None


def clock_of(gpio: Any) -> Callable[[], float]:
    """The clock (seconds) drivers time ``gpio``'s edges with: the simulator's own (virtual time in its tests), else
    ``time.monotonic``.  Only :class:`~hardware.sim.gpio.SimGPIO` is asked: a real library's attributes are not
    guessed at (``Jetson.GPIO.time`` is the ``time`` module, imported inside it, not a clock)."""
    from hardware.sim.gpio import SimGPIO
    return gpio.time if isinstance(gpio, SimGPIO) else time.monotonic


def sleep_of(gpio: Any) -> Callable[[float], None]:
    """How drivers wait ``seconds`` (a reset's timing) beside ``gpio``: the simulator's own sleep, else
    ``time.sleep`` (see :func:`clock_of`)."""
    from hardware.sim.gpio import SimGPIO
    return gpio.sleep if isinstance(gpio, SimGPIO) else time.sleep
