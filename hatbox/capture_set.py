"""The folder ``hatbox box-capture DIR`` fills (hatbox/cmd_capture.py): knob settings from ``--knob``, take file names,
and the set's own record, so that ``hatbox train effect DIR`` trains on it and the same command resumes it.

DIR holds ``dry.wav`` (the box's capture signal), one ``take_<setting>.wav`` per knob setting (lined up with
``dry.wav`` by the box), ``pairs.csv`` (``input,output,<knob>...``: docs/effect.md) and ``capture.json`` (the
signal's length, rate, version and sha256, each take's knobs and sha256, and ``pending``: the box's capture id of
each take captured but not yet downloaded, so that the same command fetches it instead of capturing it again).
Each file is replaced atomically, the take first and ``capture.json`` and ``pairs.csv`` after it: an interruption
loses nothing captured before it.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hatbox.errors import HatboxError

RECORD = "capture.json"
PAIRS = "pairs.csv"
DRY = "dry.wav"
_COLUMN = re.compile(r"^\s*([^\[\]=,]+?)\s*(?:\[([^\]]*)\])?\s*$")


@dataclass
class Setting:
    """One knob setting to capture: ``knobs`` {column (name[unit]): value}, in the order given."""

    knobs: dict[str, float]

    def words(self) -> str:
        """``drive=12, tone=3000`` (or "the gear as it is" with no knobs)."""
        return ", ".join(f"{_name(c)}={v:g}" for c, v in self.knobs.items()) or "the gear as it is"

    def box_knobs(self) -> dict[str, float]:
        """{name: value} without the units, as the box's capture takes them."""
        return {_name(c): v for c, v in self.knobs.items()}

    def take_name(self) -> str:
        """``take_drive12_tone3000.wav`` (``take.wav`` with no knobs); a minus sign is ``m``."""
        parts = [re.sub(r"[^A-Za-z0-9]+", "", _name(c)) + f"{v:g}".replace("-", "m") for c, v in self.knobs.items()]
        return "take_" + "_".join(parts) + ".wav" if parts else "take.wav"


def _name(column: str) -> str:
    """The knob's name in a column header ``drive[dB]`` -> ``drive``."""
    m = _COLUMN.match(column)
    return m.group(1) if m else column


def parse_setting(text: str) -> Setting:
    """``--knob drive=12`` or ``--knob "drive[dB]=12,tone=3000"`` -> a Setting; HatboxError in words otherwise."""
    from export.manifest import NAME_RULE, is_plain_name
    knobs: dict[str, float] = {}
    for cell in [c for c in text.split(",") if c.strip()]:
        column, sep, value = cell.partition("=")
        m = _COLUMN.match(column)
        if not sep or not m:
            raise HatboxError(f"--knob {text!r}: give NAME=VALUE (several: drive=12,tone=3000)")
        if not is_plain_name(m.group(1)):
            raise HatboxError(f"--knob {text!r}: the knob name {m.group(1)!r} must be {NAME_RULE}")
        if m.group(1) in {_name(c) for c in knobs}:
            raise HatboxError(f"--knob {text!r} gives the knob {m.group(1)!r} twice: one value per knob in a setting",
                              hint="give each setting its own --knob, e.g. --knob drive=0 --knob drive=5")
        try:
            number = float(value)
        except ValueError:
            raise HatboxError(f"--knob {text!r}: {value.strip()!r} is not a number") from None
        if not math.isfinite(number):
            raise HatboxError(f"--knob {text!r}: {value.strip()!r} is not a finite number")
        knobs[column.strip()] = number
    if not knobs:
        raise HatboxError(f"--knob {text!r} names no knob: give NAME=VALUE")
    return Setting(knobs)


def check_settings(settings: list[Setting]) -> list[Setting]:
    """The settings to capture (one with no knobs when none is given); HatboxError when they name different knobs,
    repeat one, or two give the same take file name."""
    if not settings:
        return [Setting({})]
    columns = list(settings[0].knobs)
    for s in settings[1:]:
        if sorted(s.knobs) != sorted(columns):
            raise HatboxError(f"every --knob must name the same knobs: {settings[0].words()} and {s.words()} do not",
                              hint="give each knob in each setting, e.g. --knob drive=0,tone=1 --knob drive=12,tone=1")
    seen: dict[str, Setting] = {}
    for s in settings:
        name = s.take_name()
        if name in seen:
            raise HatboxError(f"--knob {s.words()} is given twice" if seen[name].knobs == s.knobs else
                              f"--knob {seen[name].words()} and {s.words()} would both be {name}")
        seen[name] = s
    return [Setting({c: s.knobs[c] for c in columns}) for s in settings]


@dataclass
class CaptureSet:
    """What DIR holds: the signal's figures (``signal``: seconds, rate, version, dry sha256; {} before the first
    take), the knob columns, and the takes kept ({file: {"knobs", "take_sha256", ...}}, in capture order)."""

    folder: Path
    signal: dict[str, Any] = field(default_factory=dict)
    columns: list[str] = field(default_factory=list)
    takes: dict[str, dict[str, Any]] = field(default_factory=dict)
    pending: dict[str, str] = field(default_factory=dict)     # take file -> the box's capture id, until downloaded

    def done(self, setting: Setting) -> bool:
        """The take of ``setting`` is in the set and its file is there."""
        name = setting.take_name()
        return name in self.takes and (self.folder / name).is_file() and (self.folder / DRY).is_file()

    def add(self, setting: Setting, info: dict[str, Any]) -> None:
        """Keep the take of ``setting`` (its file already written) and write the record and pairs.csv anew."""
        self.takes[setting.take_name()] = {"knobs": setting.knobs, "take_sha256": info.get("take_sha256"),
                                           "latency_ms": info.get("latency_ms"), "box_id": info.get("id")}
        self.pending.pop(setting.take_name(), None)
        self.save()

    def save(self) -> None:
        from export.atomic import atomic_output
        body = {"signal": self.signal, "columns": self.columns, "takes": self.takes, "pending": self.pending}
        with atomic_output(self.folder / RECORD) as fh:
            fh.write(json.dumps(body, indent=1).encode())
        rows = [",".join(["input", "output", *self.columns])]
        rows += [",".join([DRY, name, *(f"{take['knobs'][c]:g}" for c in self.columns)])
                 for name, take in self.takes.items()]
        with atomic_output(self.folder / PAIRS) as fh:
            fh.write(("\n".join(rows) + "\n").encode())


def open_set(folder: Path, columns: list[str], seconds: float) -> CaptureSet:
    """The set in ``folder`` (made when missing) for knob ``columns`` and a ``seconds`` signal; HatboxError when the
    folder holds a pairs.csv box-capture did not write, or takes of other knobs or another signal length."""
    if folder.exists() and not folder.is_dir():
        raise HatboxError(f"{folder} is a file, not a folder", hint="give a folder for the captured set")
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / RECORD).is_file():
        if (folder / PAIRS).exists():
            raise HatboxError(f"{folder / PAIRS} was not written by hatbox box-capture (there is no {RECORD} beside "
                              "it): nothing was captured, so as not to mix the sets", hint="give a new or empty folder")
        return CaptureSet(folder, columns=columns)
    try:
        body = json.loads((folder / RECORD).read_text())
        got = CaptureSet(folder, dict(body["signal"]), list(body["columns"]), dict(body["takes"]),
                         {str(k): str(v) for k, v in dict(body.get("pending") or {}).items()})
    except (OSError, ValueError, KeyError, TypeError):
        raise HatboxError(f"{folder / RECORD} is damaged: the takes in {folder} cannot be resumed",
                          hint="give a new folder (or delete the folder's capture.json and pairs.csv)") from None
    if got.takes and sorted(got.columns) != sorted(columns):
        raise HatboxError(f"{folder} holds takes of the knobs {', '.join(got.columns) or 'none'}, not of "
                          f"{', '.join(columns) or 'none'}", hint="give the same knobs, or another folder")
    if got.takes and got.signal.get("seconds") not in (None, seconds):
        raise HatboxError(f"{folder} holds takes of a {got.signal['seconds']:g} s capture signal: --seconds "
                          f"{seconds:g} would not pair with them",
                          hint=f"give --seconds {got.signal['seconds']:g}, or another folder")
    got.columns = got.columns if got.takes else columns
    return got
