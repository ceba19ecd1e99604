"""The one reader of a tag CSV's rows (``path,tag[,tag...]``): the tagger's training list
(trainer/tagger/data.py) and the corrections `hatbox push-library --fixes FILE` sends (hatbox/fixes_given.py)
read a CSV by the same rules, so that neither drifts from the other (forty-sixth stop's review: the push read a
``file,tags`` header as a correction of a file named ``file``, a stray quote as one tag, and sent a tag no pack
can hold).  The rules: the text and separator of :mod:`trainer.csvtext`; blank lines and ``#`` lines skipped; a
header row allowed (``path...``, or a first row whose first cell names no file and no audio file name, with a
note); a cell holding a line break is a stray quote, refused; every row has a path and at least one tag (the
tagger's training list takes a row with a path alone, ``path,``, as a file with none of the words: ``none_rows``);
every tag
normalised (:func:`export.manifest.normal_tag`) and passing :func:`export.manifest.tag_problem`; columns that look
swapped (``tag,path``) refused.  Torch-free."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from device.audio.audiofile import READABLE_SUFFIXES
from export.manifest import TAG_RULE, normal_tag, tag_problem
from hatbox.errors import DataError
from hatbox.text import count_words
from trainer.csvtext import csv_text_encoding, encoding_note, listed_file, separator, separator_note

SOURCE_HINT = "give a folder of tag folders (kick/, snare/...) or a CSV of path,tag rows"
Row = tuple[str, tuple[str, ...], int]       # (the path cell as written, its tags, its line number)


def csv_rows(path: Path, notes: list[str], none_rows: bool = False) -> tuple[list[Row], str]:
    """The rows of the tag CSV ``path`` (the rules of this module) and the encoding it was read in; notes ("note:
    ..." lines: its encoding, separator, a header of other names) appended to ``notes``.  DataError for a CSV that
    breaks a rule (naming its line); no file a row names is looked for, but a first row's.  ``none_rows``: a row
    with a path and no tag (``path,`` or ``path``) is a row of no tags (a file with none of the words: a negative
    example for a tagger of any number of tags per file), not refused."""
    text, encoding = csv_text_encoding(path)
    said = encoding_note(path, encoding)
    notes.extend([f"note: {said}"] if said else [])
    sep = separator(text, None, comment="#")
    said = separator_note(str(path), sep)
    notes.extend([f"note: {said}"] if said else [])
    rows, bad = _read(path, text, sep, encoding, notes, none_rows)
    refuse_swapped(path, rows)
    refuse_bad_tags(path, bad)
    return rows, encoding


def _read(path: Path, text: str, sep: str, encoding: str, notes: list[str],
          none_rows: bool = False) -> tuple[list[Row], list[tuple[str, str, str]]]:
    """The rows of ``text`` (CSV ``path``, cells split by ``sep``) and its bad tags [(tag, where, why)];
    ``none_rows``: :func:`csv_rows`'s."""
    rows: list[Row] = []
    bad: list[tuple[str, str, str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    first, end = True, 0
    try:
        for row in reader:
            start, end = end + 1, reader.line_num           # the lines this row was read from
            if any("\n" in c or "\r" in c for c in row):      # no path or tag holds a line break: a stray quote
                raise unclosed_quote(path, text, start, end)
            cells = [c.strip() for c in row if c.strip()]
            if not cells or cells[0].startswith("#"):
                continue
            header, first = first and is_header(path.parent, cells, encoding=encoding), False
            if header:
                if cells[0].lower() != "path":
                    notes.append(f"note: {path}: line {reader.line_num} ({', '.join(cells)}) names no file: "
                                 "read as the header")
                continue
            if len(cells) < 2 and not none_rows:
                raise DataError(f"{path}: line {reader.line_num}: row {cells!r} has a path but no tag")
            tags = tuple(dict.fromkeys(normal_tag(c) for c in cells[1:]))
            bad += [(t, f"CSV line {reader.line_num}", tag_problem(t)) for t in tags if tag_problem(t)]
            rows.append((cells[0], tags, reader.line_num))
    except csv.Error as exc:
        raise DataError(f"{path}: line {reader.line_num} is not valid CSV ({exc})", hint=SOURCE_HINT) from None
    return rows, bad


def refuse_bad_tags(src: Path, bad: list[tuple[str, str, str]]) -> None:
    """DataError naming every (tag, where it came from, why) in ``bad``, if any."""
    if bad:
        shown = "; ".join(f"{tag!r} ({where}{'' if why == TAG_RULE else ': ' + why})" for tag, where, why in bad[:5])
        more = f"; and {len(bad) - 5} more" if len(bad) > 5 else ""
        raise DataError(f"{src}: {count_words(len(bad), 'tag')} not allowed: {shown}{more}",
                        hint=f"a tag must be {TAG_RULE}; rename the folder or fix the CSV")


def unclosed_quote(path: Path, text: str, start: int, end: int) -> DataError:
    """The error for a CSV cell that a quote opened on line ``start`` of ``text`` (CSV ``path``) ran on to line
    ``end``: the csv module reads on to the closing quote, to the end of the file when there is none, and the
    glued lines were blamed on the last one ("line 13: row [...] has a path but no tag")."""
    last = len(io.StringIO(text, newline="").readlines())
    where = "is never closed, so the rest of the file was read as one cell" if end >= last else \
        f"is only closed on line {end}, so lines {start} to {end} were read as one cell"
    return DataError(f'{path}: line {start}: a quote (") opens here and {where}',
                     hint="remove the quote, or close it at the end of its cell: a path or tag needs no quotes")


def audio_name(cell: str) -> bool:
    """Whether a CSV cell reads as an audio file's name (its suffix is one hatbox reads)."""
    return Path(cell.replace("\\", "/")).suffix.lower() in READABLE_SUFFIXES


def refuse_swapped(path: Path, rows: list[Row]) -> None:
    """DataError when CSV ``path``'s rows [(first cell, tags, line)] look like ``tag,path``: a tag cell names an
    audio file and the first cell does not (its paths were refused as "tags not allowed", with no word of why)."""
    swapped = [(name, tags, line) for name, tags, line in rows
               if not audio_name(name) and any(audio_name(t) for t in tags)]
    if swapped:
        name, tags, line = swapped[0]
        more = f" (and {count_words(len(swapped) - 1, 'more line')})" if len(swapped) > 1 else ""
        raise DataError(f"{path}: its columns look swapped: line {line} has {name!r} first and the audio file "
                        f"{next(t for t in tags if audio_name(t))!r} after it{more}",
                        hint="a row is the path first, then its tags (path,tag or path,tag,tag): swap the columns")


def is_header(folder: Path, cells: list[str], *, encoding: str) -> bool:
    """Whether ``cells``, a CSV's first row, is its header: ``path`` first, or a first cell that names no file
    (nor folder) and is no audio file name (``file,label``, ``Sample,Category``)."""
    if cells[0].lower() == "path":
        return True
    if audio_name(cells[0]):
        return False
    return not listed_file(folder, cells[0], encoding=encoding).exists()
