"""Board descriptions: which header pins, which I2C bus, which screen - loaded from TOML.

A board file (``hardware/boards/<name>.toml``; see ``jetson-orin-nano-devkit.toml``)::

    name = "..."
    gpio = "jetson"                 # pin factory backend: "jetson", "rpi" or "sim" (never implied)
    numbering = "BOARD"             # 40-pin header numbers
    pull = "external"               # "internal" (setup(PUD_UP)) or "external" resistors
    i2c_bus = 7
    [screen]   width, height (native px), rotation (0/90/180/270, clockwise), driver
    [touch]    chip ("ft5x06" | "ft5406" | "gt911"), address, int_pin, reset_pin, mode
    [[encoders]] name, a, b, button

Geometry: the panel (what pages draw, in panel pixels) is the native screen turned by
``rotation`` degrees clockwise; :meth:`Board.to_panel` / :meth:`Board.to_native` convert points.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hatbox.errors import HatboxError

BOARDS_DIR = Path(__file__).parent / "boards"
HEADER_GPIO_PINS = {7, 11, 12, 13, 15, 16, 18, 19, 21, 22, 23, 24, 26, 29, 31, 32, 33, 35, 36, 37, 38, 40}


class BoardError(HatboxError):
    """A board file is missing or says something impossible."""


@dataclass(frozen=True)
class EncoderPins:
    name: str
    a: int
    b: int
    button: int | None = None


@dataclass(frozen=True)
class Screen:
    width: int = 800
    height: int = 480
    rotation: int = 0
    driver: str = "window"          # "kmsdrm", "fbcon", "window" or "dummy" (headless)


@dataclass(frozen=True)
class TouchConfig:
    chip: str = "ft5x06"
    address: int | None = None
    int_pin: int | None = None
    reset_pin: int | None = None
    mode: str = "interrupt"         # or "polling"
    sensor: tuple[int, int] | None = None


@dataclass(frozen=True)
class Board:
    name: str
    gpio: str
    numbering: str = "BOARD"
    pull: str = "internal"
    i2c_bus: int = 1
    screen: Screen = Screen()
    touch: TouchConfig | None = None
    encoders: tuple[EncoderPins, ...] = field(default_factory=tuple)

    @property
    def panel_size(self) -> tuple[int, int]:
        w, h = self.screen.width, self.screen.height
        return (h, w) if self.screen.rotation in (90, 270) else (w, h)

    def to_panel(self, x: float, y: float) -> tuple[float, float]:
        """Native screen pixel -> panel pixel."""
        return native_to_panel(x, y, self.screen.rotation, self.screen.width, self.screen.height)

    def to_native(self, x: float, y: float) -> tuple[float, float]:
        """Panel pixel -> native screen pixel."""
        return panel_to_native(x, y, self.screen.rotation, self.screen.width, self.screen.height)


def native_to_panel(x: float, y: float, rotation: int, w: int, h: int) -> tuple[float, float]:
    """(x, y) on a w x h native screen -> the panel turned ``rotation`` degrees clockwise."""
    if rotation == 0:
        return x, y
    if rotation == 90:
        return y, w - 1 - x
    if rotation == 180:
        return w - 1 - x, h - 1 - y
    if rotation == 270:
        return h - 1 - y, x
    raise BoardError(f"rotation {rotation} is not 0, 90, 180 or 270")


def panel_to_native(px: float, py: float, rotation: int, w: int, h: int) -> tuple[float, float]:
    """Inverse of :func:`native_to_panel`."""
    if rotation == 0:
        return px, py
    if rotation == 90:
        return w - 1 - py, px
    if rotation == 180:
        return w - 1 - px, h - 1 - py
    if rotation == 270:
        return py, h - 1 - px
    raise BoardError(f"rotation {rotation} is not 0, 90, 180 or 270")


def load_board(name_or_path: str | Path) -> Board:
    """A board by name (``hardware/boards/<name>.toml``) or by path; validated."""
    path = Path(name_or_path)
    if not path.suffix:
        path = BOARDS_DIR / f"{name_or_path}.toml"
    try:
        data = tomllib.loads(path.read_text())
    except FileNotFoundError:
        known = ", ".join(sorted(p.stem for p in BOARDS_DIR.glob("*.toml")))
        raise BoardError(f"no board file {path}", hint=f"known boards: {known}") from None
    except tomllib.TOMLDecodeError as exc:
        raise BoardError(f"board file {path} is not valid TOML: {exc}") from None
    return validate(board_from_dict(data, str(path)))


def board_from_dict(d: dict[str, Any], where: str = "board") -> Board:
    try:
        touch = d.get("touch")
        return Board(name=str(d["name"]), gpio=str(d["gpio"]), numbering=str(d.get("numbering", "BOARD")),
                     pull=str(d.get("pull", "internal")), i2c_bus=int(d.get("i2c_bus", 1)),
                     screen=Screen(**d.get("screen", {})),
                     touch=_touch(touch) if touch is not None else None,
                     encoders=tuple(EncoderPins(**e) for e in d.get("encoders", [])))
    except KeyError as exc:
        raise BoardError(f"{where}: missing {exc}") from None
    except (TypeError, ValueError) as exc:
        raise BoardError(f"{where}: {exc}") from None


def _touch(t: dict[str, Any]) -> TouchConfig:
    sensor = t.get("sensor")
    return TouchConfig(**{**t, "sensor": tuple(sensor) if sensor else None})


def validate(b: Board) -> Board:
    problems = []
    if b.gpio not in ("jetson", "rpi", "sim"):
        problems.append(f"gpio backend {b.gpio!r} is not jetson, rpi or sim")
    if b.screen.rotation not in (0, 90, 180, 270):
        problems.append(f"screen rotation {b.screen.rotation} is not 0, 90, 180 or 270")
    if b.touch is not None and b.touch.mode not in ("interrupt", "polling"):
        problems.append(f"touch mode {b.touch.mode!r} is not interrupt or polling")
    pins = [p for e in b.encoders for p in (e.a, e.b, e.button) if p is not None]
    pins += [p for p in (b.touch.int_pin, b.touch.reset_pin) if b.touch and p is not None] if b.touch else []
    if len(set(pins)) != len(pins):
        problems.append("a header pin is used twice")
    if b.numbering == "BOARD" and b.gpio != "sim":
        problems += [f"pin {p} is not a GPIO on the 40-pin header" for p in pins if p not in HEADER_GPIO_PINS]
    if problems:
        raise BoardError(f"board '{b.name}': " + "; ".join(problems))
    return b
