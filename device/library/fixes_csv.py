"""The producer's corrections as the CSV `hatbox train tagger` takes (``path,tag[,tag...]``), written by `hatbox
library export` and `hatbox box-library LIB --export-fixes`: one writer for both, and the rule that keeps either
from writing over a CSV hatbox did not write (first-run QA of the forty-first stop: `library export --out
labels.csv` replaced a hand-made 62-row training CSV with 3 rows, without a word).  Each file it writes starts with
:data:`MARK`, a comment line the tagger's CSV reader skips (trainer/tagger/data.py), by which a later export knows
the file as its own and replaces it."""
from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterable
from pathlib import Path

from hatbox.errors import HatboxError

MARK = "# your corrections, written by hatbox (library export, box-library --export-fixes)"
CSV_OUT_SUFFIXES = (".csv", ".txt")      # an existing file that ends otherwise is no CSV: never written over


def written_by_hatbox(path: Path) -> bool:
    """Whether the file at ``path`` is a corrections CSV hatbox wrote (its first line is :data:`MARK`)."""
    try:
        with path.open("rb") as fh:
            return fh.readline().rstrip(b"\r\n") == MARK.encode()
    except OSError:
        return False


def check_csv_out(out: Path, *, flag: str = "--out", db: Path | None = None, show: Callable[[Path], str] = str,
                  example: str = "corrections.csv") -> None:
    """HatboxError unless the corrections CSV ``out`` can be written, before anything is read or asked: not the
    library database ``db`` itself nor an existing file that is no CSV (an audio file, a pack: `--out s2.db` wrote
    the CSV over the tags and corrections, twenty-eighth stop's QA), not a folder, its folder there (a mistyped
    folder is not made: the CSV would land where nobody looks), nothing there but a regular file, and a file can be
    made in it (export.atomic.refuse_unwritable, the end of every --out check).  The one check of `library export
    --out` and `box-library --export-fixes`; ``flag``: the option that named ``out``, ``show``: a path as the
    message says it, ``example``: the file name its hints suggest."""
    from export.atomic import refuse_unwritable, same_path
    mine = db is not None and same_path(out, db)
    if mine or (out.is_file() and out.suffix.lower() not in CSV_OUT_SUFFIXES):
        what = "the library database itself" if mine else "a file that is not a CSV"
        raise HatboxError(f"{flag} {show(out)} is {what}: writing the CSV there would destroy it; nothing was "
                          f"written", hint=f"give a new .csv file, e.g. {flag} {example}")
    if out.is_dir():
        raise HatboxError(f"{flag} {show(out)} is a folder",
                          hint=f"give the path of the CSV file to write, e.g. {flag} {show(out / example)}")
    refuse_unwritable(out, "the CSV file", folder_must_exist=True, show=show, flag=flag)


def refuse_foreign(out: Path, force: bool, shown: str, flag: str = "--out") -> None:
    """HatboxError, before anything is read, when ``out`` is a file that is not empty and was not written by hatbox
    (:func:`written_by_hatbox`: a training CSV of the producer's own, most likely) and ``force`` is not given;
    ``shown``: ``out`` as the message names it, ``flag`` the option that named it."""
    try:
        size = out.stat().st_size if out.is_file() else 0
    except OSError:
        return
    if size and not force and not written_by_hatbox(out):
        raise HatboxError(f"{flag} {shown} is a CSV hatbox did not write (your own tags for training?): not written "
                          "over; nothing was written",
                          hint="give another file (e.g. fixes.csv), or --force to replace it")


def write_fixes_csv(out: Path, rows: Iterable[tuple[str, list[str]]], shown: str) -> None:
    """Write ``rows`` (path, tags) as the training CSV ``out``: :data:`MARK`, a header row, a row per file; whole or
    not at all (a temporary file renamed).  ``shown``: ``out`` as an error names it."""
    tmp = out.with_name(out.name + ".partial")
    try:
        with tmp.open("w", newline="", encoding="utf-8") as fh:
            fh.write(MARK + "\n")
            writer = csv.writer(fh)
            writer.writerow(["path", "tags"])
            for path, tags in rows:
                writer.writerow([path, *(tags or [""])])        # none of the words: "path," (p49)
        os.replace(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise HatboxError(f"cannot write {shown}: {exc.strerror}; nothing was written") from None
