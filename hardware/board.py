"""Board descriptions: which header pins, which I2C bus, which screen - loaded from TOML.

A board file (``hardware/boards/<name>.toml``; see ``jetson-orin-nano-devkit.toml``)::

    name = "..."
    gpio = "jetson"                 # pin factory backend: "jetson", "rpi" or "sim" (never implied)
    numbering = "BOARD"             # 40-pin header numbers
    pull = "external"               # "internal" (setup(PUD_UP)) or "external" resistors
    i2c_bus = 7
    [screen]   width, height (native px), rotation (0/90/180/270, clockwise), driver
    [touch]    chip ("ft5x06" | "ft5406" | "gt911"), address, int_pin, reset_pin, mode, sensor,
               swap_xy, flip_x, flip_y (the glass's axes against the screen's, before ``rotation``)
    [[encoders]] name, a, b, button, reverse (true: clockwise counts down - A and B wired the other way),
               detents_per_cycle (1: a detent per quadrature cycle, most encoders; 2: half-step encoders,
               whose data sheet gives twice as many detents as pulses per turn)

Every key is checked before anything is opened: an unknown key (with the nearest known one), a
wrong type, a missing entry, a pin that is not a header GPIO or is used twice are one
:class:`BoardError` naming the file and the keys.  The keys a section may hold, their types and which
are required are read from the fields of its dataclass (:func:`schema`), so a new field is a new key.

Geometry: the panel (what pages draw, in panel pixels) is the native screen turned by
``rotation`` degrees clockwise; :meth:`Board.to_panel` / :meth:`Board.to_native` convert points.
"""
from __future__ import annotations

import dataclasses
import difflib
import functools
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hatbox.errors import HatboxError

BOARDS_DIR = Path(__file__).parent / "boards"
HEADER_GPIO_PINS = {7, 11, 12, 13, 15, 16, 18, 19, 21, 22, 23, 24, 26, 29, 31, 32, 33, 35, 36, 37, 38, 40}
BCM_GPIO_PINS = set(range(4, 28)) - {14, 15}      # the same header pins in BCM numbers (not I2C, UART, ID EEPROM)


class BoardError(HatboxError):
    """A board file is missing or says something impossible."""


@dataclass(frozen=True)
class EncoderPins:
    name: str
    a: int
    b: int
    button: int | None = None
    reverse: bool = False           # A and B swapped in the wiring: clockwise reads as counter-clockwise
    detents_per_cycle: int = 1      # 2: a half-step encoder (it rests at A=B=1 and at A=B=0)


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
    swap_xy: bool = False           # the glass's x runs along the screen's y (applied first)
    flip_x: bool = False            # then x mirrored (screen width - 1 - x)
    flip_y: bool = False            # and y mirrored


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
    """A board by name (``hardware/boards/<name>.toml``) or by path; validated whole before anything is opened.

    Raises :class:`BoardError` naming the file and every key that is wrong (unknown keys, wrong
    types, missing entries, impossible values, a pin used twice) on its first line.
    """
    path = Path(name_or_path)
    if not str(name_or_path).strip():
        raise BoardError("--board is empty", hint="name a known board or give the path of a .toml board file")
    if not path.suffix and not path.exists() and "/" not in str(name_or_path):   # a name: ./mine is a path
        path = BOARDS_DIR / f"{name_or_path}.toml"
    if path.is_dir():
        raise BoardError(f"{path} is a folder, not a board file", hint="give the path of a .toml board file")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))   # a BOM (Windows Notepad) read as nothing
    except FileNotFoundError:
        known = ", ".join(sorted(p.stem for p in BOARDS_DIR.glob("*.toml")))
        raise BoardError(f"no board file {path} (known boards: {known})",
                         hint="name a known board or give the path of a .toml board file") from None
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[:exc.start].count(b"\n") + 1
        raise BoardError(f"board file {path} is not UTF-8 text (line {line}: a byte {exc.object[exc.start]:#04x})",
                         hint="save it as UTF-8 (every editor offers it)") from None
    except OSError as exc:
        raise BoardError(f"cannot read board file {path}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        twice = " (a key written twice in one section?)" if "overwrite" in str(exc) else ""
        raise BoardError(f"board file {path} is not valid TOML: {exc}{twice}") from None
    return validate(board_from_dict(data, str(path)), str(path))


def board_from_dict(d: dict[str, Any], where: str = "board") -> Board:
    """A :class:`Board` from parsed TOML; :class:`BoardError` ("<where>: <key>: <problem>; ...") on
    unknown keys, wrong types or missing entries (values are checked by :func:`validate`)."""
    problems = _schema_problems(d)
    if problems:
        raise BoardError(f"{where}: " + "; ".join(problems))
    touch = d.get("touch")
    return Board(**{**d, "screen": Screen(**d.get("screen", {})),
                    "touch": _touch(touch) if touch is not None else None,
                    "encoders": tuple(EncoderPins(**e) for e in d.get("encoders", []))})


def _touch(t: dict[str, Any]) -> TouchConfig:
    sensor, chip = t.get("sensor"), t.get("chip")
    return TouchConfig(**{**t, "sensor": tuple(sensor) if sensor else None,      # "GT911" is gt911 everywhere after
                          **({"chip": chip.lower()} if isinstance(chip, str) else {})})


_TYPE_NAMES = {str: "a string", int: "a whole number", bool: "true or false", dict: "a table", list: "a list"}


@functools.cache
def schema(cls: type) -> dict[str, tuple[type, bool]]:
    """key -> (TOML type, required) of a board file's section, from the fields of its dataclass ``cls``
    (:class:`Board`, :class:`Screen`, :class:`TouchConfig`, :class:`EncoderPins`), in field order: a
    field without a default is required; ``X | None`` is X; a tuple is a TOML list and a dataclass a
    table.  Pins are whole numbers here, checked against the header by :func:`validate`."""
    hints = typing.get_type_hints(cls)
    return {f.name: (_toml_type(hints[f.name]), f.default is dataclasses.MISSING
                     and f.default_factory is dataclasses.MISSING) for f in dataclasses.fields(cls)}


def _toml_type(hint: Any) -> type:
    """The TOML value type a field's type annotation is written as (``int | None`` -> int, tuple -> list)."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        hint = next(a for a in typing.get_args(hint) if a is not type(None))
    kind = typing.get_origin(hint) or hint
    if kind is tuple:
        return list
    if dataclasses.is_dataclass(kind):
        return dict
    if kind not in _TYPE_NAMES:
        raise TypeError(f"board field type {hint!r} has no board-file form")
    return kind


def _schema_problems(d: Any) -> list[str]:
    """Every unknown key, missing entry and wrongly typed value of a parsed board file, as "key: problem"."""
    if not isinstance(d, dict):
        return ["not a table of settings"]
    problems = _table(d, schema(Board), "")
    for section, cls in (("screen", Screen), ("touch", TouchConfig)):
        if isinstance(d.get(section), dict):
            problems += _table(d[section], schema(cls), f"{section}.")
    sensor = d.get("touch", {}).get("sensor") if isinstance(d.get("touch"), dict) else None
    if isinstance(sensor, list) and (len(sensor) != 2 or not all(_is(v, int) and v > 0 for v in sensor)):
        problems.append(f"touch.sensor: {_shown(sensor)} is not [width, height] in controller pixels")
    for i, enc in enumerate(d.get("encoders") if isinstance(d.get("encoders"), list) else []):
        if not isinstance(enc, dict):
            problems.append(f"encoders[{i}]: {_shown(enc)} is not a table (write [[encoders]] sections)")
        else:
            problems += _table(enc, schema(EncoderPins), f"encoders[{i}].")
    return problems


def _table(t: dict[str, Any], schema: dict[str, tuple[type, bool]], prefix: str) -> list[str]:
    problems = []
    for key in t:
        if key not in schema:
            close = difflib.get_close_matches(key, list(schema), n=1)
            problems.append(f"{prefix}{key}: unknown key" + (f" (did you mean '{close[0]}'?)" if close else ""))
    for key, (kind, required) in schema.items():
        if key not in t:
            if required:
                problems.append(f"{prefix}{key}: missing '{key}'")
        elif not _is(t[key], kind):
            how = (" (write it without quotes)" if isinstance(t[key], str) and kind in (int, bool) else
                   f" (write [[{key}]], with double brackets, once per entry)" if isinstance(t[key], dict) else "")
            problems.append(f"{prefix}{key}: {_shown(t[key])} is not {_TYPE_NAMES[kind]}{how}")
    return problems


def _shown(value: Any) -> str:
    """A value as the board file writes it (true/false, quoted strings)."""
    return ("true" if value else "false") if isinstance(value, bool) else repr(value)


def _is(value: Any, kind: type) -> bool:
    """isinstance, except that true/false are not numbers here."""
    return isinstance(value, kind) and (kind is bool or not isinstance(value, bool))


def validate(b: Board, where: str | None = None) -> Board:
    """Check a board's values (backend, numbering, pins on the header and each used once, screen, touch);
    :class:`BoardError` naming ``where`` (the file) or the board and each wrong key, else ``b``."""
    problems = _value_problems(b) + _pin_problems(b)
    if problems:
        raise BoardError(f"{where or f'board {b.name!r}'}: " + "; ".join(problems))
    return b


def _value_problems(b: Board) -> list[str]:
    from hardware.display import DRIVERS
    from hardware.encoder import DETENTS_PER_CYCLE
    problems = []
    if b.gpio not in ("jetson", "rpi", "sim"):
        problems.append(f"gpio: backend {b.gpio!r} is not jetson, rpi or sim")
    if b.numbering not in ("BOARD", "BCM"):
        problems.append(f"numbering: {b.numbering!r} is not BOARD (header pin numbers) or BCM")
    if b.pull not in ("internal", "external"):
        problems.append(f"pull: {b.pull!r} is not internal or external")
    elif b.gpio == "jetson" and b.pull == "internal":
        problems.append('pull: Jetson.GPIO ignores internal pull-ups: set pull = "external" and fit 10k pull-ups '
                        "to 3.3 V on every encoder and button line")
    if b.i2c_bus < 0:
        problems.append(f"i2c_bus: {b.i2c_bus} is not a bus number (/dev/i2c-N)")
    s = b.screen
    if s.rotation not in (0, 90, 180, 270):
        problems.append(f"screen.rotation: rotation {s.rotation} is not 0, 90, 180 or 270")
    (lo_w, lo_h), (hi_w, hi_h) = SCREEN_MIN, SCREEN_MAX
    if not (min(lo_w, lo_h) <= min(s.width, s.height) and min(lo_w, lo_h) <= max(s.width, s.height)
            and max(s.width, s.height) >= max(lo_w, lo_h) and max(s.width, s.height) <= max(hi_w, hi_h)
            and min(s.width, s.height) <= min(hi_w, hi_h)):
        problems.append(f"screen.width/height: {s.width}x{s.height} is not a screen the panel can be drawn on "
                        f"(from {lo_w}x{lo_h} to {hi_w}x{hi_h}, either way round)")
    if s.driver not in DRIVERS:
        problems.append(f"screen.driver: {s.driver!r} is not one of {', '.join(DRIVERS)}")
    names = [e.name for e in b.encoders]
    problems += [f"encoders[{i}].name: {n!r} is used twice" for i, n in enumerate(names) if n in names[:i]]
    problems += [f"encoders[{i}].name: empty" for i, n in enumerate(names) if not n.strip()]
    problems += [f"encoders[{i}].detents_per_cycle: {e.detents_per_cycle} is not 1 (a detent per quadrature cycle, "
                 "most encoders) or 2 (half-step: twice as many detents as pulses per turn)"
                 for i, e in enumerate(b.encoders) if e.detents_per_cycle not in DETENTS_PER_CYCLE]
    return problems + (_touch_problems(b.touch) if b.touch is not None else [])


SCREEN_MIN = (480, 320)     # the panel's pages are laid out from this size (a 3.5-inch display) up, either way round
SCREEN_MAX = (3840, 2160)


def _touch_problems(t: TouchConfig) -> list[str]:
    from hardware.touch import CHIPS
    problems = []
    if t.chip.lower() not in CHIPS:
        problems.append(f"touch.chip: {t.chip!r} is not a known controller ({', '.join(CHIPS)})")
    if t.mode not in ("interrupt", "polling"):
        problems.append(f"touch.mode: touch mode {t.mode!r} is not interrupt or polling")
    elif t.mode == "interrupt" and t.int_pin is None:
        problems.append('touch.int_pin: mode = "interrupt" needs the controller\'s INT pin (or set mode = "polling")')
    if t.address is not None and not 0x03 <= t.address <= 0x77:
        problems.append(f"touch.address: {t.address:#x} is not a 7-bit I2C address (0x03-0x77)")
    elif t.address is not None and t.chip.lower() == "gt911":
        from hardware.touch import chip_map
        chip = chip_map("gt911")
        can = (chip.default_address, *chip.other_addresses)
        if t.address not in can:       # a chip changed in a copied file, its address left: the sim hid it
            problems.append(f"touch.address: a {t.chip} answers at {' or '.join(f'{a:#x}' for a in can)}, not "
                            f"{t.address:#x} (leave address out for {can[0]:#x})")
    return problems


def _pin_problems(b: Board) -> list[str]:
    """Each pin on a GPIO of the header (for the numbering), and used once."""
    if b.numbering not in ("BOARD", "BCM"):
        return []
    header = HEADER_GPIO_PINS if b.numbering == "BOARD" else BCM_GPIO_PINS
    what = "a GPIO on the 40-pin header" if b.numbering == "BOARD" else "a header GPIO in BCM numbers"
    problems, seen = [], {}
    for key, pin in _pins(b):
        if pin in seen:
            problems.append(f"{key}: pin {pin} is used twice (also {seen[pin]})")
        else:
            seen[pin] = key
        if pin not in header:
            problems.append(f"{key}: pin {pin} is not {what}")
    return problems


def _pins(b: Board) -> list[tuple[str, int]]:
    """(key, pin) of every pin the board file names, in file order."""
    out = []
    for i, e in enumerate(b.encoders):
        out += [(f"encoders[{i}].{k} ({e.name})", p) for k, p in (("a", e.a), ("b", e.b), ("button", e.button))
                if p is not None]
    if b.touch is not None:
        out += [(f"touch.{k}", p) for k, p in (("int_pin", b.touch.int_pin), ("reset_pin", b.touch.reset_pin))
                if p is not None]
    return out
