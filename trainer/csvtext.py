"""Text of a CSV a producer made: UTF-8 (with or without the BOM Excel's "CSV UTF-8" writes), else
Windows-1252 (what Excel on Windows writes by default), said in a note; anything else is a clear error.
:func:`separator` tells a semicolon-separated CSV (what Excel writes where the decimal mark is a comma) by its
header (or its first row, for a CSV whose header is optional); :func:`listed_file` finds the file a CSV cell
names, also when the name is not valid UTF-8 or is written with Windows backslashes."""
from __future__ import annotations

import os
from pathlib import Path

from hatbox.errors import DataError

HINT = "save it as UTF-8 (in Excel: 'CSV UTF-8')"


def csv_text(path: Path, notes: list[str] | None = None) -> str:
    """The decoded text of ``path``; a note (no "note:" prefix: the caller's) is appended to ``notes`` when
    it was read as Windows-1252.
    DataError for a file that cannot be read, holds binary data, or is neither encoding."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(f"cannot read {path}: {exc.strerror or exc}") from None
    if b"\0" in raw:
        raise DataError(f"{path} is not a text CSV (it holds binary data)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        raise DataError(f"{path} is neither UTF-8 nor Windows-1252 text", hint=HINT) from None
    if notes is not None:
        notes.append(f"{path} is not UTF-8; read it as Windows-1252 ({HINT} to be sure)")
    return text


def separator(text: str, first: tuple[str, ...] | None = ("input", "output"), *, comment: str = "") -> str:
    """The cell separator of CSV ``text``: ";" when its first line holds no comma and, split at semicolons,
    starts with the cells ``first`` (a header as a European Excel writes it), else ",".  ``first`` None: a CSV
    whose header is optional (the tagger's ``path;tag``), judged by its first line whatever it holds: two cells
    or more split at semicolons and no comma.  ``comment``: that CSV's blank lines and lines starting with
    ``comment`` are skipped to find the first line.  Only an unmistakable line counts: anything else is read
    with commas (and its errors say what was found)."""
    lines = (line.rstrip("\r") for line in text.lstrip("\ufeff").split("\n"))
    if comment:
        lines = (line for line in lines if line.strip() and not line.strip().startswith(comment))
    header = next(lines, "")
    if "," in header or ";" not in header:
        return ","
    cells = tuple(c.strip().strip('"').strip() for c in header.split(";"))
    if first is None:
        return ";" if sum(1 for c in cells if c) >= 2 else ","
    return ";" if cells[:len(first)] == first else ","


def listed_file(folder: Path, name: str, *, cp1252: bool) -> Path:
    """The file a CSV cell names: ``name`` if absolute, else ``folder / name`` (``folder``: the one relative
    names start from, the CSV's own).  A name with Windows backslashes (``clips\\di.wav``, ``..\\drums\\kick.wav``:
    a CSV made on Windows) that is no file as written is read with them as folder separators (a file whose
    name holds a backslash, possible here, is found as written first).  When neither is a file, the path as
    written (for the error)."""
    f = _named_file(folder, name, cp1252=cp1252)
    if "\\" in name and not f.is_file():
        posix = _named_file(folder, name.replace("\\", "/"), cp1252=cp1252)
        if posix.is_file():
            return posix
    return f


def _named_file(folder: Path, name: str, *, cp1252: bool) -> Path:
    """The file ``name`` names from ``folder`` (:func:`listed_file`, its separators as they are).  In a CSV
    read as Windows-1252 (``cp1252``: :func:`csv_text` said so) a name that is no file as text is looked up
    by the bytes the CSV holds for it: a name that is not valid UTF-8 (a Latin-1 "caf\\xe9.wav" from an old
    sample CD, as ``ls > list.csv`` writes it), or, in a CSV that holds such a name, a UTF-8 one beside it.
    When neither is a file, the text's path."""
    f = Path(name) if Path(name).is_absolute() else folder / name
    if not cp1252 or f.is_file():
        return f
    exact = Path(os.fsdecode(name.encode("cp1252")))      # cp1252 text -> the very bytes it was read from
    exact = exact if exact.is_absolute() else folder / exact
    return exact if exact.is_file() else f
