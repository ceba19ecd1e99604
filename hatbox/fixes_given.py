"""What `hatbox push-library --fixes FILE` sends as the producer's corrections: a tag database (`hatbox tag`'s,
corrected with `hatbox library fix`) or the corrections CSV (``path,tag[,tag...]``) that `hatbox box-library LIB
--export-fixes` and `hatbox library export` write (device.library.fixes_csv), read before a byte is sent.

Forty-sixth stop's QA: `push-library "Samples/808 & 909" --fixes fixes.csv` (the CSV `--export-fixes` had just
written before a `--delete`) uploaded the library, then failed "cannot use fixes.csv as a library database: file
is not a database", exit 2, and the box's 3 corrections were lost with the library.  Torch-free."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from hatbox.errors import DataError, HatboxError

SQLITE_MAGIC = b"SQLite format 3\x00"       # the first 16 bytes of every SQLite database file
TAKES = ("a tag database (what hatbox tag wrote: FOLDER/.hatbox-tags.sqlite, or its --out) or the corrections CSV "
         "hatbox box-library LIB --export-fixes or hatbox library export wrote (path,tag[,tag...])")


def is_database(path: Path) -> bool:
    """Whether the file at ``path`` is an SQLite database (its first bytes), as a tag database is."""
    try:
        with path.open("rb") as fh:
            return fh.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    except OSError:
        return False


def given_corrections(path: Path, shown: str) -> dict[Path, list[str]]:
    """The corrections in ``path`` (``--fixes``; ``shown``: as messages name it): each corrected file (a path as the
    database or CSV gives it, relative ones under the CSV's folder) -> its tags.  HatboxError, in words that say what
    ``--fixes`` takes, for a file that is neither a tag database nor a corrections CSV."""
    if is_database(path):
        from device.library.fixes import corrections
        try:
            return dict(corrections(path))
        except HatboxError as exc:
            raise HatboxError(f"--fixes {shown}: {Exception.__str__(exc)}; nothing was sent",
                              hint=f"--fixes takes {TAKES}") from None
    return csv_corrections(path, shown)


def csv_corrections(path: Path, shown: str) -> dict[Path, list[str]]:
    """The rows of the corrections CSV ``path`` (``path,tag[,tag...]``, a ``#`` comment line and a ``path`` header
    skipped, the tagger's CSV rules: UTF-8 or Excel's encodings, commas, semicolons or tabs): file -> tags, a relative
    path read from the CSV's folder.  HatboxError when it is no such CSV (binary data, a row without a tag)."""
    from trainer.csvtext import csv_text_encoding, listed_file, separator
    try:
        text, encoding = csv_text_encoding(path)
    except DataError as exc:
        raise _not_fixes(shown, Exception.__str__(exc)) from None
    found: dict[Path, list[str]] = {}
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator(text, None, comment="#"))
    try:
        for row in reader:
            cells = [c.strip() for c in row if c.strip()]
            if not cells or cells[0].startswith("#") or (not found and cells[0].lower() == "path"):
                continue
            if len(cells) < 2:
                raise _not_fixes(shown, f"line {reader.line_num} has a path but no tag")
            tags = found.setdefault(listed_file(path.parent, cells[0], encoding=encoding), [])
            tags += [t for t in cells[1:] if t not in tags]
    except csv.Error as exc:
        raise _not_fixes(shown, f"line {reader.line_num} is not valid CSV ({exc})") from None
    return found


def _not_fixes(shown: str, why: str) -> HatboxError:
    """The error for a ``--fixes`` file that is no tag database and no corrections CSV (``why``)."""
    return HatboxError(f"--fixes {shown} is neither a tag database nor a corrections CSV ({why}); nothing was sent",
                       hint=f"--fixes takes {TAKES}")
