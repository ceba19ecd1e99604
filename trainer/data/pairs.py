"""The ``pairs.csv`` format: ``input,output,<knob names…>``, one row per recording.

Paths are relative to the folder holding the CSV; knob values are in the gear's own units.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from hatbox.errors import DataError

PAIRS_NAME = "pairs.csv"
HELDOUT_NAME = "heldout.csv"


@dataclass(frozen=True)
class PairRow:
    """One recording: input and output paths (relative to the folder) and knob values."""

    input: str
    output: str
    knobs: dict[str, float] = field(default_factory=dict)


def write_pairs(folder: Path, rows: list[PairRow], name: str = PAIRS_NAME) -> Path:
    """Write ``rows`` as ``folder/name``; every row must carry the same knob names."""
    names = _knob_names(rows)
    path = Path(folder) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as fp:
        writer = csv.writer(fp)
        writer.writerow(["input", "output", *names])
        for row in rows:
            writer.writerow([row.input, row.output, *(_fmt(row.knobs[k]) for k in names)])
    return path


def read_pairs(folder: Path, name: str = PAIRS_NAME) -> list[PairRow]:
    """Read ``folder/name`` back into rows (paths stay relative)."""
    path = Path(folder) / name
    if not path.is_file():
        raise DataError(f"no {name} in {folder}")
    with path.open(newline="") as fp:
        reader = csv.DictReader(fp)
        header = reader.fieldnames or []
        if header[:2] != ["input", "output"]:
            raise DataError(f"{path}: header must start with input,output (got {','.join(header)})")
        return [_parse_row(path, r, header[2:]) for r in reader]


def _parse_row(path: Path, record: dict[str, str], knob_names: list[str]) -> PairRow:
    try:
        knobs = {k: float(record[k]) for k in knob_names}
    except (TypeError, ValueError):
        raise DataError(f"{path}: a knob value is not a number in row {record}") from None
    return PairRow(record["input"], record["output"], knobs)


def _knob_names(rows: list[PairRow]) -> list[str]:
    if not rows:
        raise DataError("no recordings to write")
    names = list(rows[0].knobs)
    if any(list(r.knobs) != names for r in rows):
        raise DataError("every row must have the same knobs, in the same order")
    return names


def _fmt(value: float) -> str:
    return f"{float(value):.6g}"
