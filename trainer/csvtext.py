"""Text of a CSV a producer made: UTF-8 (with or without the BOM Excel's "CSV UTF-8" writes), else
Windows-1252 (what Excel on Windows writes by default), said in a note; anything else is a clear error."""
from __future__ import annotations

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
