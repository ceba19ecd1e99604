"""Text of a CSV a producer made: UTF-8 (with or without the BOM Excel's "CSV UTF-8" writes), UTF-16 with its BOM
(Excel's "Unicode Text"), else Shift-JIS when it holds Japanese text (Japanese Excel's "CSV") or Windows-1252 (what
Excel on Windows writes by default elsewhere), the last three said in a note; anything else is a clear error.
:func:`separator` tells a tab-separated CSV (Excel's "Text (Tab delimited)" and "Unicode Text") or a
semicolon-separated one (what Excel writes where the decimal mark is a comma) by its
header (or its first row, for a CSV whose header is optional); :func:`listed_file` finds the file a CSV cell
names, also when the name is not valid UTF-8 or is written with Windows backslashes; :func:`missing_error` is the
one error both CSV readers (the tagger's list, an effect's pairs.csv) give for cells that name no file."""
from __future__ import annotations

import codecs
import os
import re
from pathlib import Path

from hatbox.errors import DataError
from hatbox.names import on_disk
from hatbox.text import count_words

HINT = "save it as UTF-8 (in Excel: 'CSV UTF-8')"


def csv_text(path: Path, notes: list[str] | None = None) -> str:
    """The decoded text of ``path`` (:func:`csv_text_encoding`); a note (no "note:" prefix: the caller's) is
    appended to ``notes`` when it was read as Windows-1252 or UTF-16."""
    text, encoding = csv_text_encoding(path)
    said = encoding_note(path, encoding)
    if said and notes is not None:
        notes.append(said)
    return text


UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def csv_text_encoding(path: Path) -> tuple[str, str]:
    """(the decoded text of ``path``, how it was read: "utf-8", "utf-16", "cp932" or "cp1252").  UTF-16 is read when
    the file starts with its byte-order mark (Excel's "Unicode Text" writes one); bytes that are not UTF-8 are
    Shift-JIS or Windows-1252 (:func:`legacy_text`).  DataError for a file that cannot
    be read, holds binary data, or is none of these encodings."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(f"cannot read {path}: {exc.strerror or exc}") from None
    if raw.startswith(UTF16_BOMS):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise DataError(f"{path} starts as UTF-16 text but is not valid UTF-16", hint=HINT) from None
    if b"\0" in raw:
        raise DataError(f"{path} is not a text CSV (it holds binary data)")
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    return legacy_text(path, raw)


def legacy_text(path: Path, raw: bytes) -> tuple[str, str]:
    """(the text of CSV ``path``'s bytes ``raw``, which are not UTF-8, how they were read: "cp932" or "cp1252").
    Shift-JIS as Japanese Excel writes it (cp932, read strictly) only when both readings agree it is Japanese:
    the cp932 text is plain Japanese (:func:`_plain_japanese`: kana or kanji, no private-use character, no
    half-width katakana) and the Windows-1252 reading is mojibake (:func:`_mojibake`: ``ƒLƒbƒN`` for キック).
    Else Windows-1252 (what Excel on Windows writes elsewhere: ``Übergröße`` is DC..F6 DF, which cp932 would make
    half-width kana and a private-use character).  A CSV of half-width katakana alone (``ｷｯｸ``) is read as
    Windows-1252: its bytes are as likely accented Latin text.  DataError when the chosen reading does not read
    the bytes."""
    latin = _decoded(raw, "cp1252")
    japanese = _decoded(raw, "cp932")
    if japanese is not None and _plain_japanese(japanese) and _mojibake(raw):
        return japanese, "cp932"
    if latin is not None:
        return latin, "cp1252"
    raise DataError(f"{path} is not UTF-8, and reads as neither Windows-1252 nor Shift-JIS (Japanese Excel) text",
                    hint=HINT)


def _decoded(raw: bytes, encoding: str) -> str | None:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        return None


def _plain_japanese(text: str) -> bool:
    """Whether ``text`` (a cp932 reading) reads as Japanese: a kana (full width) or two kanji side by side
    (``音源``; one kanji alone is what a French ``cœur`` or ``Café™`` makes), and no private-use character
    (cp932's user-defined area, F0-F9 lead bytes: ``öß`` read as Shift-JIS) nor half-width katakana (single
    bytes A1-DF: ``Ü``, ``Ä``, ``Ó`` read as Shift-JIS)."""
    if any("\ue000" <= c <= "\uf8ff" or "\uff61" <= c <= "\uff9f" for c in text):
        return False
    return any(_kana(c) for c in text) or any(_kanji(a) and _kanji(b) for a, b in zip(text, text[1:]))


def _kana(c: str) -> bool:
    """Whether ``c`` is a full-width hiragana or katakana (ー included)."""
    return "\u3040" <= c <= "\u30ff"


def _kanji(c: str) -> bool:
    """Whether ``c`` is a CJK ideograph (kanji), common or extension A."""
    return "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf"


def _mojibake(raw: bytes) -> bool:
    """Whether the Windows-1252 reading of ``raw`` is mojibake of double-byte text: ``raw`` holds a byte 0x80-0x9F,
    which Windows-1252 reads as rare punctuation (ƒ ‚ „ … ‰ Œ) or cannot read at all (0x81 0x8D 0x8F 0x90 0x9D),
    and which starts Shift-JIS's kana and most kanji.  Accented letters (Ü ö ß é ñ: 0xC0-0xFF) never count."""
    return any(0x80 <= b <= 0x9F for b in raw)


def encoding_note(path: Path, encoding: str) -> str:
    """A note (no "note:" prefix) on CSV ``path`` read as ``encoding`` (:func:`csv_text_encoding`), "" for UTF-8."""
    if encoding == "cp932":
        return f"{path} is not UTF-8; read it as Shift-JIS (Japanese Excel) ({HINT} to be sure)"
    if encoding == "cp1252":
        return f"{path} is not UTF-8; read it as Windows-1252 ({HINT} to be sure)"
    if encoding == "utf-16":
        return f"{path} is UTF-16 text (what Excel's 'Unicode Text' writes): read it so"
    return ""


SEPARATOR_WORDS = {";": "semicolons (as Excel writes it where the decimal mark is a comma)",
                   "\t": "tabs (as Excel's 'Text (Tab delimited)' and 'Unicode Text' write it)"}


def separator_note(name: str, sep: str) -> str:
    """A note (no "note:" prefix) on the CSV ``name`` read with cells separated by ``sep`` (:func:`separator`); ""
    for commas."""
    words = SEPARATOR_WORDS.get(sep)
    return f"{name} is separated by {words}: read it so" if words else ""


def separator(text: str, first: tuple[str, ...] | None = ("input", "output")) -> str:
    """The cell separator of CSV ``text``: a tab when its first line is tab-separated (:func:`_tabbed`: Excel's
    "Text (Tab delimited)" and "Unicode Text"); ";" when its first line holds no comma and, split at
    semicolons, starts with the cells ``first`` (a header as a European Excel writes it), else ",".  ``first``
    None: a CSV whose header is optional (the tagger's ``path;tag``), judged by its first line whatever it holds:
    two cells or more split at semicolons and no comma.  The tag CSV reader asks it only of a first row whose first
    cell names no file and no audio file (a header, mostly): trainer.csvrows._first_row skips comments and judges
    the others by the separator that ends that cell.  Only an unmistakable line counts: anything else is read with
    commas (and its errors say what was found)."""
    header = text.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")
    if _tabbed(header, first):
        return "\t"
    if "," in header or ";" not in header:
        return ","
    cells = _cells(header, ";")
    if first is None:
        return ";" if sum(1 for c in cells if c) >= 2 else ","
    return ";" if cells[:len(first)] == first else ","


def _cells(line: str, sep: str) -> tuple[str, ...]:
    """The cells of ``line`` split at ``sep``, stripped of spaces and quotes."""
    return tuple(c.strip().strip('"').strip() for c in line.split(sep))


def _tabbed(line: str, first: tuple[str, ...] | None) -> bool:
    """Whether a CSV's first ``line`` is tab-separated: split at tabs, it starts with the cells ``first``, or
    (``first`` None) holds two cells or more, and no tab is mere spacing after a comma (``a.wav,<tab>kick``):
    the line holds no comma, or a tab within one of its comma-separated cells (a path with a comma in it)."""
    cells = _cells(line, "\t")
    if first is not None:
        return cells[:len(first)] == first
    if sum(1 for c in cells if c) < 2:
        return False
    return "," not in line or any("\t" in c.strip() for c in line.split(","))


def listed_file(folder: Path, name: str, *, cp1252: bool = False, encoding: str = "") -> Path:
    """The file a CSV cell names: ``name`` if absolute, else ``folder / name`` (``folder``: the one relative
    names start from, the CSV's own).  A name with Windows backslashes (``clips\\di.wav``, ``..\\drums\\kick.wav``:
    a CSV made on Windows) that is no file as written is read with them as folder separators (a file whose
    name holds a backslash, possible here, is found as written first); a name that is no file then is looked for
    with its parts in another Unicode form (``café`` typed NFC for a file macOS named NFD: hatbox.names.on_disk).
    When none is a file, the path as written (for the error).  ``encoding``: how the CSV was read
    (:func:`csv_text_encoding`; ``cp1252`` True is "cp1252"), for a name that is no file as text
    (:func:`_named_file`)."""
    legacy = encoding if encoding in LEGACY else "cp1252" if cp1252 else ""
    f = _named_file(folder, name, legacy)
    if "\\" in name and not f.is_file():
        posix = _named_file(folder, name.replace("\\", "/"), legacy)
        if posix.is_file():
            return posix
    if not f.is_file():              # a name typed in another Unicode form than the file's (NFC, NFD): hatbox.names
        other = on_disk(f)
        return other if other is not None and other.is_file() else f
    return f


LEGACY = ("cp1252", "cp932")          # the encodings a CSV that is not UTF-8 is read in (:func:`legacy_text`)


def _named_file(folder: Path, name: str, legacy: str = "") -> Path:
    """The file ``name`` names from ``folder`` (:func:`listed_file`, its separators as they are).  In a CSV
    read as Windows-1252 or Shift-JIS (``legacy``: "cp1252", "cp932", as :func:`csv_text` said) a name that is no
    file as text is looked up by the bytes the CSV holds for it: a name that is not valid UTF-8 (a Latin-1
    "caf\\xe9.wav" from an old sample CD, as ``ls > list.csv`` writes it; a Shift-JIS one a Japanese Windows zip
    left), or, in a CSV that holds such a name, a UTF-8 one beside it.  When neither is a file, the text's path."""
    f = Path(name) if Path(name).is_absolute() else folder / name
    if not legacy or f.is_file():
        return f
    try:
        exact = Path(os.fsdecode(name.encode(legacy)))      # the text -> the very bytes it was read from
    except UnicodeEncodeError:                              # a name the CSV did not hold as such bytes
        return f
    exact = exact if exact.is_absolute() else folder / exact
    return exact if exact.is_file() else f


WINDOWS_PATH_HINT = "a Windows path (C:\\...) names a file on that computer: give paths relative to the CSV"
CASE_HINT = "file names are case-sensitive here: write each as the file is named"
SLIP_HINT = "where a name is a slip of a file's (did you mean ...?), write it as the file is named (nothing is " \
    "trained on a guess)"
SEARCH_MAX_FILES = 20000    # files searched for a name: a CSV cell's folder (a slip), the CSV's tree (moved_files)
SHOWN_MISSING = 10          # missing files a missing_error names (3 until p59: four misnamed takes needed two runs)


def as_written(path: str, cell: str) -> str:
    """``path`` (a path with "/", relative or absolute) as CSV cell ``cell`` writes its own: with backslashes where
    ``cell`` used only those ("recs\\di.wav" -> "recs\\di_1.5s.wav"), else as it is.  The one rule for a path a
    message offers in a cell's place: the effect hints (trainer.effect.checks.listed_as), the moved-file guess
    (trainer.tagger.moved_files.as_cell), the slip (:func:`missing_error`; p56 final read FR1 3)."""
    return path.replace("/", "\\") if "\\" in cell and "/" not in cell else path


def windows_path(name: str) -> bool:
    """Whether CSV cell ``name`` is a Windows drive path (``C:\\Users\\me\\di.wav``, ``C:/...``) or network path
    (``\\\\server\\share\\...``): a file on the computer the CSV was made on, no path on this one."""
    return re.match(r"[A-Za-z]:[\\/]|\\\\", name.strip()) is not None


def case_twin(folder: Path, name: str) -> Path | None:
    """The file CSV cell ``name`` (relative to ``folder``; Windows backslashes read as "/") names when case is
    ignored, where the name as written is no file ("recordings/DI.wav" for the cell "recordings\\DI.wav" when
    there is recordings/di.wav): relative to ``folder`` as the CSV should write it (absolute for an absolute
    cell); None when there is none, when the name is a file as written, or for a Windows drive path.  Each
    folder on the way is listed at most once."""
    if windows_path(name):
        return None
    p = Path(name.replace("\\", "/"))
    base, parts = (Path(p.anchor), p.parts[1:]) if p.is_absolute() else (folder, p.parts)
    real: list[str] = []
    for part in parts:
        if part not in (".", "..") and not (base / part).exists():
            try:
                same = sorted(e.name for e in os.scandir(base) if e.name.casefold() == part.casefold())
            except OSError:
                return None
            if not same:
                return None
            part = same[0]
        base = base / part
        real.append(part)
    if real == list(parts) or not base.is_file():
        return None
    return base if p.is_absolute() else Path(*real)


def slip_twin(folder: Path, name: str, listings: dict[Path, list[str]] | None = None,
              listed: set[Path] | frozenset[Path] = frozenset()) -> Path | None:
    """The file in the folder of CSV cell ``name`` (relative to ``folder``; Windows backslashes read as "/") whose name
    the cell's is a slip of, as the CSV should write it (relative to ``folder``, absolute for an absolute cell); None
    when there is none, the folder does not exist, or for a Windows drive path.  Only the stems of files of the same
    extension are compared (hatbox.library_words.slip_of, the rule for a tag: the same but for case, spaces,
    punctuation, a doubled letter or one edit, its length limits on the stem: hit/hat are other words), and never
    one that is another take (:func:`_another_take`: drive_100 for drive_10, out_R for out_L, take_2b for take_2a),
    a macOS ``._`` sidecar, or a file of ``listed`` (resolved: the files the CSV's other cells name; p56 review R3:
    out_drive55.wav offered for out_drive5.wav trained the drive-55 take as drive 5).  ``listings``: each folder's
    file names, listed once."""
    from hatbox.library_words import slip_of
    if windows_path(name):
        return None
    p = Path(name.replace("\\", "/"))
    where = p.parent if p.is_absolute() else folder / p.parent
    listings = {} if listings is None else listings
    if where not in listings:
        listings[where] = _file_names(where)
    real = where.resolve() if listed else where
    stems = {Path(n).stem: n for n in listings[where]
             if _same_kind(p.name, n) and not _another_take(p.stem, Path(n).stem) and real / n not in listed}
    near = slip_of(p.stem, list(stems), {})
    return p.parent / stems[near] if near else None


def _same_kind(name: str, other: str) -> bool:
    """Whether file ``other`` may be the one CSV cell name ``name`` meant: another name of the same extension (case
    aside), no macOS ``._`` sidecar."""
    return other != name and not other.startswith("._") and \
        Path(other).suffix.casefold() == Path(name).suffix.casefold()


NUMBER = re.compile(r"(?:(?<![^\W_])[-+])?\d+(?:\.\d+)?")    # 5, 1.5, -6 (a sign only after no letter or digit)


def _another_take(stem: str, other: str) -> bool:
    """Whether file stems ``stem`` and ``other`` name different takes, however alike: their numbers differ (drive_10,
    drive_100; gain_-6dB, gain_6dB; drive_1.5, drive_15), or their one-letter words do (out_L, out_R; take_2a,
    take_2b: a letter alone is a label, not a word to misspell)."""
    def letters(s: str) -> list[str]:
        return sorted(t for t in re.findall(r"[^\W\d_]+|\d+", s.casefold()) if len(t) == 1 and not t.isdigit())
    return NUMBER.findall(stem) != NUMBER.findall(other) or letters(stem) != letters(other)


def _file_names(folder: Path) -> list[str]:
    """The names of the files in ``folder``, sorted ([] when it cannot be listed or holds over
    :data:`SEARCH_MAX_FILES` entries: the listing stops one past it, so a huge folder on a share without file types,
    a stat per entry, is not listed to its end; p56 review R3 8)."""
    names: list[str] = []
    try:
        with os.scandir(folder) as entries:
            for count, entry in enumerate(entries, 1):
                if count > SEARCH_MAX_FILES:
                    return []
                if entry.is_file():
                    names.append(entry.name)
    except OSError:
        return []
    return sorted(names)


def missing_error(csv: str, folder: Path, missing: list[tuple[str, Path, str]],
                  listed: set[Path] | frozenset[Path] = frozenset()) -> DataError:
    """The DataError for the cells of CSV ``csv`` (as the message names it) that name no file: ``missing`` is
    [(the cell, :func:`listed_file`'s path for it, where: "line 3", "line 3, input column")].  It says how many
    and shows the first SHOWN_MISSING, each as its cell writes it (what a user searches the CSV for; p57 F2: the path
    from the working folder was no text of the CSV, beside a "did you mean" relative to the CSV), with its place,
    where else it was looked for (:func:`_looked_for`), "a folder" when it is one and "there is recordings/di.wav"
    when a file's name differs only in case, else "did you mean recordings/amp.wav?" for a one-letter slip
    (:func:`slip_twin`; ``listed``: the files, resolved, that the CSV's other cells name, never offered), both as
    the cell would write them (:func:`as_written`).  The hint says where relative paths start (``folder``), and
    that a Windows path, a name's case or its spelling is wrong where one is."""
    n = len(missing)
    places: dict[tuple[str, Path], list[str]] = {}      # one entry per missing file, with every cell naming it
    for name, f, where in missing:
        places.setdefault((name, f), []).append(where)
    shown, twins, slips, listings = [], False, False, {}
    for (name, f), wheres in list(places.items())[:SHOWN_MISSING]:
        twin = case_twin(folder, name)
        slip = None if twin or f.is_dir() else slip_twin(folder, name, listings, listed)
        twins, slips = twins or twin is not None, slips or slip is not None
        said = ("; ".join(wheres) if len(wheres) <= 3 else f"{'; '.join(wheres[:2])} and {len(wheres) - 2} more places")
        said += (", a folder" if f.is_dir() else "") + _looked_for(name)
        said += f"; there is {as_written(twin.as_posix(), name)}" if twin else ""
        said += f"; did you mean {as_written(slip.as_posix(), name)}?" if slip else ""
        shown.append(f"{name.strip()} ({said})")
    more = f"; and {len(places) - SHOWN_MISSING} more" if len(places) > SHOWN_MISSING else ""
    hint = "; ".join([f"a relative path starts at the CSV's folder ({folder})"] +
                     ([WINDOWS_PATH_HINT] if any(windows_path(name) for name, _, _ in missing) else []) +
                     ([CASE_HINT] if twins else []) + ([SLIP_HINT] if slips else []))
    files = count_words(len(places), 'listed file does', 'listed files do')
    cells = f" ({n} cells)" if n != len(places) else ""
    some = ", e.g. " if more else ": "          # "e.g." only where some are not shown (p56 review R3 9)
    return DataError(f"{csv}: {files} not exist{cells}{some}{'; '.join(shown)}{more}", hint=hint)


def _looked_for(name: str) -> str:
    """Where else CSV cell ``name`` was looked for than as written (:func:`listed_file`), as a missing file's
    refusal says it: "; also looked for as recs/di.wav" for a cell with Windows backslashes (read as "/"), relative
    like the cell (the hint says from where); "" for any other cell, and for a Windows drive or network path."""
    if "\\" not in name or windows_path(name):
        return ""
    return "; also looked for as " + name.strip().replace("\\", "/")
