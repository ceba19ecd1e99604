"""Reading an effect set's ``pairs.csv``: its header (input, output, then knob columns with units in brackets) and
its rows (knob cells as numbers, a European Excel's semicolons and decimal commas, a Windows-1252 file).  Moved out of
trainer/effect/data.py (which re-exports these names), whose loading and checks read what this gives."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np

from hatbox.errors import DataError
from hatbox.file_access import access_hint, cannot_read
from trainer.csvtext import csv_text, separator, separator_note

_HEADER_RE = re.compile(r"^\s*([^\[\]]+?)\s*(?:\[([^\]]*)\])?\s*$")
_DECIMAL_COMMA = re.compile(r"^\s*[+-]?\d*,\d+\s*$")     # "0,5", "-12,25", ",5": a number with a decimal comma
SEMICOLON_NOTE = "is separated by semicolons"              # read_rows' note; then knob values may use decimal commas
DECIMAL_HINT = ("write knob values with a decimal point (0.5), or save the file as Excel's 'CSV (semicolon "
                "delimited)', which is read with decimal commas")


def named_columns(columns: list[str]) -> list[str]:
    """A header's cells, stripped, without the empty ones at its end (Excel writes ``,,`` after the last column
    that was ever touched), the first two as ``input`` and ``output`` whatever their case (``Input,Output``)."""
    cols = [c.strip() for c in columns]
    while cols and not cols[-1]:
        cols.pop()
    return [c.casefold() if i < 2 and c.casefold() in ("input", "output") else c for i, c in enumerate(cols)]


def parse_header(columns: list[str], where: str = "pairs.csv") -> list[tuple[str, str, str]]:
    """Knob columns -> [(column, name, unit)]; checks that input and output come first (in any case) and that
    every knob has a plain, unique name (``drive,drive`` or ``drive[dB],drive[%]`` are refused); empty columns at
    the end are ignored (:func:`named_columns`), an empty one before them is refused."""
    from export.manifest import NAME_RULE, is_plain_name
    cols = named_columns(columns)
    if [c.casefold() for c in cols[:2]] != ["input", "output"]:
        semi = any(";" in c for c in cols[:2])
        raise DataError(f"{where} must start with columns 'input,output', got {','.join(cols[:2])!r}" +
                        ("; its header mixes ';' and ',' as separators" if semi else ""),
                        hint="separate every cell with ',' (or every cell with ';', as Excel does where the "
                             "decimal mark is a comma)" if semi else None)
    knobs: list[tuple[str, str, str]] = []
    seen: dict[str, str] = {"input": "input", "output": "output"}
    for i, col in enumerate(cols[2:], 3):
        if not col:
            raise DataError(f"{where}: column {i} has no name (the header is {','.join(cols)})",
                            hint="name every column in the first line (input, output, then the knobs), or delete "
                                 "the empty column")
        m = _HEADER_RE.match(col)
        if not m:
            raise DataError(f"{where}: cannot read knob column header {col!r} (use e.g. drive[dB])")
        name = m.group(1)
        if not is_plain_name(name):
            raise DataError(f"{where}: knob column {col!r}: the name {name!r} must be {NAME_RULE}",
                            hint="put the unit in brackets after the name, e.g. tone[deg]")
        if name in seen:
            raise DataError(f"{where}: knob columns {seen[name]!r} and {col!r} have the same name {name!r}",
                            hint="each knob needs its own column name")
        same = next((c for n, c in seen.items() if n.casefold() == name.casefold()), None)
        if same is not None:
            raise DataError(f"{where}: knob columns {same!r} and {col!r} have names that differ only in upper/lower "
                            f"case; the box tells knobs apart ignoring case, so they would be one knob",
                            hint="give each knob a name of its own (e.g. drive and drive2)")
        seen[name] = col
        knobs.append((col, name, (m.group(2) or "").strip()))
    return knobs


def _number(text: str, where: str, decimal_comma: bool = False, column: str = "", unit: str = "") -> float:
    """The knob value a cell of knob ``column`` (in ``unit``) holds; ``decimal_comma`` (a semicolon-separated CSV)
    reads "0,5" as 0.5; the column's own unit may follow the number ("24dB" in drive[dB], "3kHz" in tone[Hz]: the
    one rule `hatbox render --knob` reads values by, device.audio.effect.unit_scale)."""
    from device.audio.effect import LEADING_NUMBER, unit_scale

    comma = bool(_DECIMAL_COMMA.match(text or ""))
    try:
        value = float(text.replace(",", ".") if comma and decimal_comma else text)
    except (TypeError, ValueError):
        if comma:
            raise DataError(f"{where}: knob value {text!r} has a decimal comma in a comma-separated file",
                            hint=DECIMAL_HINT) from None
        m = LEADING_NUMBER.fullmatch(text or "")
        scale = unit_scale(m.group(2), unit) if m and unit else None
        if scale is None:
            col = f" in column '{column}'" if column else ""
            raise DataError(f"{where}: knob value {text!r}{col} is not a number",
                            hint=(f"every column besides input and output is read as a knob: remove '{column}' "
                                  "if it is not one" + (f", or write numbers only (in {unit})" if unit else ""))
                            if column else None) from None
        value = float(m.group(1)) * scale
    if not np.isfinite(value):
        raise DataError(f"{where}: knob value {text!r} is not finite")
    return value + 0.0          # a "-0" cell is 0 (it printed as "drive -0, 12, 24 dB")


def read_rows(folder: Path, csv_name: str = "pairs.csv", notes: list[str] | None = None
              ) -> tuple[list[tuple[str, str, str]], list[tuple[int, dict[str, str]]]]:
    """(knob columns, [(line number, {column: cell})]) of ``folder/csv_name``; blank rows skipped.

    Each row must have exactly as many cells as the header.  A file that is not UTF-8 is read as
    Windows-1252, and one whose header is ``input;output;...`` with semicolons (a European Excel's), each
    with a note in ``notes``.
    """
    path = folder / csv_name
    check_csv_path(folder, path)
    text = csv_text(path, notes)
    sep = separator(text)
    said = separator_note(csv_name, sep)
    if said and notes is not None:       # SEMICOLON_NOTE in it: knob values may then use decimal commas
        notes.append(said + (", with knob values like 0,5 read as 0.5" if sep == ";" else ""))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    try:
        header = named_columns(next(reader, []))
        knobs = parse_header(header, csv_name)
        rows: list[tuple[int, dict[str, str]]] = []
        start = reader.line_num + 1
        for cells in reader:
            line, start = start, reader.line_num + 1
            if not any(c.strip() for c in cells):
                continue
            while len(cells) > len(header) and not cells[-1].strip():
                cells = cells[:-1]                   # a trailing comma (spreadsheets write them): an empty cell
            if len(cells) != len(header):
                extra = len(cells) > len(header)
                split = extra and _split_decimal(cells[2:])
                raise DataError(f"{csv_name} line {line} has {len(cells)} cells but the header has {len(header)} "
                                f"({','.join(c.strip() for c in header)})" +
                                (f"; knob values written with a decimal comma ({split}) split into two cells"
                                 if split else ""),
                                hint=DECIMAL_HINT if split else "one cell per column in every row" +
                                     (": a column without a name in the header?" if extra else
                                      " (a knob value may not be left out)"))
            rows.append((line, dict(zip(header, cells))))
    except csv.Error as exc:
        raise DataError(f"{csv_name} line {reader.line_num}: {exc}") from None
    if not rows:
        raise DataError(f"{path} lists no recordings")
    return knobs, rows


def check_csv_path(folder: Path, path: Path) -> None:
    """DataError unless the CSV ``path`` in ``folder`` is a file this user may read: nothing at ``folder``, a file
    given as the folder, no CSV in it, or (p54 QA_A: an internal error, PermissionError) a folder or CSV the system
    will not let this user read, said with what to do."""
    try:
        if not folder.exists():     # said as it is, not as a folder missing its pairs.csv (thirty-third stop's QA)
            raise DataError(f"no folder or file at {folder}",
                            hint="give the folder holding your recordings and their pairs.csv (or the pairs.csv "
                                 "itself), or --input DRY.wav --target WET.wav for one pair")
        if folder.is_file():        # a take given where the folder goes (fortieth stop's QA: "no pairs.csv in di.wav")
            raise DataError(f"{folder} is a file, not a folder of recordings",
                            hint=f"one pair is given with --input DRY.wav --target WET.wav (--input {folder} if it is "
                                 "the dry one); several go in a folder with a pairs.csv listing them")
        there = path.is_file()
    except OSError as exc:          # the folder, or one on its way, may not be entered
        raise DataError(cannot_read(folder, exc), hint=access_hint(folder, folder=True)) from None
    if not there:
        raise DataError(f"no {path.name} in {folder}",
                        hint="write one with columns input,output,<knob names> (one row per recording)")
    try:
        path.open("rb").close()
    except OSError as exc:
        raise DataError(cannot_read(path, exc), hint=access_hint(path)) from None


def _split_decimal(cells: list[str]) -> str:
    """The first "a,b" two neighbouring knob ``cells`` make when they are an integer and a run of digits
    (a decimal comma a comma-separated file split), else ""."""
    for a, b in zip(cells, cells[1:]):
        if re.fullmatch(r"\s*[+-]?\d+\s*", a) and re.fullmatch(r"\d+\s*", b):
            return f"{a.strip()},{b.strip()}"
    return ""
