"""The one reader of a tag CSV's rows (``path,tag[,tag...]``): the tagger's training list
(trainer/tagger/data.py) and the corrections `hatbox push-library --fixes FILE` sends (hatbox/fixes_given.py)
read a CSV by the same rules, so that neither drifts from the other (forty-sixth stop's review: the push read a
``file,tags`` header as a correction of a file named ``file``, a stray quote as one tag, and sent a tag no pack
can hold).  The rules: the text of :mod:`trainer.csvtext`, the separator the one that ends the first row's first
cell (:func:`_first_row`); blank lines skipped, and ``#`` lines unless their first cell names a file
(:func:`is_comment`: "#03 Door.wav" and "#Favourites/..." are names, and hatbox's own exports write them bare;
fiftieth stop's QA); a header row allowed (``path...``, or a first row whose first cell names no file and no
audio file name, with a note); a cell holding a line break is a stray quote, refused; every row has a path and at
least one tag (the tagger's training list takes a row with a path alone, ``path,``, as a file with none of the
words: ``none_rows``); every tag normalised (:func:`export.manifest.normal_tag`) and passing
:func:`export.manifest.tag_problem`, a tag cell holding commas (``"glass,impact"``: words typed in one spreadsheet
cell) read as its words (:func:`split_words`); columns that look swapped (``tag,path``) refused.  Torch-free."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
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
    found = Found()
    found.first, sep = _first_row(path.parent, text, encoding)
    said = separator_note(str(path), sep)
    notes.extend([f"note: {said}"] if said else [])
    rows, bad = _read(path, text, sep, encoding, found, none_rows)
    notes.extend(line for line in (_header_note(path, found), comments_note(path, found.comments),
                                   split_note(path, found.split)) if line)
    refuse_swapped(path, rows)
    refuse_bad_tags(path, bad)
    return rows, encoding


@dataclass
class Found:
    """What :func:`_read` met besides rows: the header it skipped (its line and cells, when it names no file), the
    ``#`` lines read as comments [(line, cells)], the tag cells split at commas [(line, the cell)]; ``first``: the
    line of the first row (:func:`_first_row`: the lines before it are blank or comments, judged there once)."""

    first: int = 0
    header: tuple[int, list[str]] | None = None
    comments: list[tuple[int, list[str]]] = field(default_factory=list)
    split: list[tuple[int, str]] = field(default_factory=list)


def _header_note(path: Path, found: Found) -> str:
    """The note on a first row read as the header though it is no ``path...`` one ("" when none was)."""
    if found.header is None:
        return ""
    line, cells = found.header
    return f"note: {path}: line {line} ({', '.join(cells)}) names no file: read as the header"


def _read(path: Path, text: str, sep: str, encoding: str, found: Found,
          none_rows: bool = False) -> tuple[list[Row], list[tuple[str, str, str]]]:
    """The rows of ``text`` (CSV ``path``, cells split by ``sep``) and its bad tags [(tag, where, why)]; the header,
    comments and split cells met go in ``found``; ``none_rows``: :func:`csv_rows`'s."""
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
            if not cells:
                continue
            if start < found.first or start > found.first and is_comment(path.parent, cells[0], encoding):
                found.comments.append((start, cells))
                continue
            header, first = first and is_header(path.parent, cells, encoding=encoding), False
            if header:
                found.header = (reader.line_num, cells) if cells[0].lower() != "path" else None
                continue
            if len(cells) < 2 and not none_rows:
                raise DataError(f"{path}: line {reader.line_num}: row {cells!r} has a path but no tag")
            words = split_words(cells[1:])
            found.split += [(reader.line_num, c) for c in cells[1:] if "," in c and len(split_words([c])) > 1]
            tags = tuple(dict.fromkeys(normal_tag(c) for c in words))
            bad += [(t, f"CSV line {reader.line_num}", tag_problem(t)) for t in tags if tag_problem(t)]
            rows.append((cells[0], tags, reader.line_num))
    except csv.Error as exc:
        raise DataError(f"{path}: line {reader.line_num} is not valid CSV ({exc})", hint=SOURCE_HINT) from None
    return rows, bad


def is_comment(folder: Path, first: str, encoding: str) -> bool:
    """Whether a CSV row whose first cell is ``first`` (stripped; the CSV in ``folder``, read as ``encoding``) is a
    comment: it starts with ``#`` and names no file (:func:`names_file`).  A numbered track ("#03 Door.wav") or a
    folder ("#Favourites/kick.wav") is a name: hatbox's exports write such paths bare (fiftieth stop's QA:
    `push-library --fixes` sent nothing of such a CSV, and training said it "holds no tagged audio files")."""
    return first.startswith("#") and not names_file(folder, first, encoding)


def names_file(folder: Path, cell: str, encoding: str) -> bool:
    """Whether the ``#`` cell ``cell`` (of a CSV in ``folder`` read as ``encoding``) names a file, read as a path
    row's path is (:func:`trainer.csvtext.listed_file`).  Only a cell that looks like a path (:func:`looks_like_path`)
    is looked for on disk: "# café note" is a comment without a look (the look for a name in another Unicode form
    lists the folder: 36 s for 1000 such lines beside 10,000 files, fiftieth stop's review)."""
    return looks_like_path(cell) and listed_file(folder, cell, encoding=encoding).is_file()


def looks_like_path(cell: str) -> bool:
    """Whether a comment's first cell looks like a path meant as a row: it holds a folder separator or ends in an
    audio suffix."""
    return "/" in cell or "\\" in cell or audio_name(cell)


def comments_note(path: Path, comments: list[tuple[int, list[str]]], shown: int = 3) -> str:
    """One note on the ``#`` lines of CSV ``path`` read as comments [(line, cells)] when any looks like a path
    (:func:`looks_like_path`: a file it names is missing), counting them all; "" otherwise."""
    pathlike = [(line, cells) for line, cells in comments if looks_like_path(cells[0])]
    if not pathlike:
        return ""
    listed = ", ".join(f"line {line} ({cells[0]})" for line, cells in pathlike[:shown])
    more = f" and {len(pathlike) - shown} more" if len(pathlike) > shown else ""
    return (f"note: {path}: {count_words(len(comments), 'line')} starting with # read as comments; "
            f"{count_words(len(pathlike), 'looks', 'look')} like a path of a file that is not there: {listed}{more}")


def split_words(cells: list[str]) -> list[str]:
    """The words of a row's tag ``cells``: a cell holding commas (``"glass,impact"``: two words typed in one
    spreadsheet cell, quoted on saving) is its words, each stripped, empty ones dropped (no tag holds a comma)."""
    return [w.strip() for c in cells for w in c.split(",") if w.strip()]


def split_note(path: Path, split: list[tuple[int, str]]) -> str:
    """One note on the tag cells of CSV ``path`` read as several words [(line, the cell)]; "" when none was."""
    if not split:
        return ""
    line, cell = split[0]
    return (f"note: {path}: {count_words(len(split), 'cell holds', 'cells hold')} several words separated by commas "
            f"(line {line}: {cell!r}): each word read as a tag of its own")


SEPARATORS = (",", ";", "\t")


def _first_row(folder: Path, text: str, encoding: str) -> tuple[int, str]:
    """(line number, separator) of the first line of CSV ``text`` (in ``folder``, read as ``encoding``) that is
    neither blank nor a comment: a ``#`` line is one unless the cell a separator ends names a file
    (:func:`names_file`).  The separator is the one that ends that line's first cell (:func:`_cell_end`), else
    :func:`trainer.csvtext.separator`'s (a header).  (the line after the last, ",") when there is no such line."""
    number = 0
    for number, line in enumerate(io.StringIO(text.lstrip("\ufeff"), newline=""), 1):
        line = line.rstrip("\r\n")
        if not _cell(line):
            continue
        hashed = _cell(line).startswith("#")
        ends = _cell_end(folder, line, encoding, hashed)
        if ends or not hashed:
            return number, ends or separator(line, None)
    return number + 1, ","


def _cell(text: str) -> str:
    """``text`` (a cell, or a line from its start) stripped of spaces and quotes."""
    return text.strip().strip('"').strip()


def _cell_end(folder: Path, line: str, encoding: str, hashed: bool) -> str:
    """The separator that ends the first cell of the CSV ``line``: of those it holds (:data:`SEPARATORS`), the one
    whose cell before it is the longest that names a file, else (``hashed`` false: a line starting with ``#`` is
    only a row when it names one) the longest that reads as an audio file's name; "" when none does.  A semicolon
    CSV whose first row holds a cell of several words (``#03 Door.wav;door,wood``) was judged by the comma in it:
    the ``#`` row dropped, the next read as the header (fiftieth stop's review)."""
    cells = sorted(((_cell(line.split(sep, 1)[0]), sep) for sep in SEPARATORS if sep in line), reverse=True,
                   key=lambda cs: len(cs[0]))
    named = [sep for cell, sep in cells if cell and (names_file(folder, cell, encoding) if hashed else
                                                      listed_file(folder, cell, encoding=encoding).is_file())]
    audio = [sep for cell, sep in cells if not hashed and audio_name(cell)]
    return (named + audio + [""])[0]


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
