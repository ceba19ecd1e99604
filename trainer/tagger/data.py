"""Tagged training data: a folder-per-tag tree or a CSV ``path,tag[,tag...]`` (multi-label).

Folder tree: ``ROOT/<tag>/**/<file>``; a file linked under several tag folders gets every tag.
Tag folders whose names differ only in the spaces around them ("kick", "kick ") make one tag, with a warning.
CSV: one sample per row, the path first (absolute, or relative to the CSV's folder; Windows backslashes
are read as folder separators when the name is no file as written), then one or more tags (a file on several
rows gets all their tags, with a note naming the lines; a row with a path and no tag, ``path,``, is a file with none
of the words: a negative example, all its targets 0, taken by a tagger of any number of tags per file and refused
for one of one tag per file by pipeline.check_items); cells separated by commas, by semicolons
(``path;tag``, as a European Excel writes it) or by tabs (Excel's "Text (Tab delimited)" and "Unicode Text"),
judged by the first row (:func:`trainer.csvtext.separator`), with a note; blank lines and lines starting with
``#`` that name no file are ignored (trainer.csvrows.is_comment: "#03 Door.wav" is a row); a header row is allowed
(``path,tag...``, or any first row whose first cell names no file and no audio file name, ``file,label`` say, with a
note); the file is read as UTF-8 (with or without a BOM), as UTF-16
when it starts with its BOM (Excel's "Unicode Text"), else as Shift-JIS (Japanese Excel) or Windows-1252 (what Excel
on Windows writes elsewhere: :func:`trainer.csvtext.legacy_text`), the last three with a note; then a listed name
that is no file as that text is the file its bytes name (a name that is not valid UTF-8, a Latin-1 "caf\\xe9.wav"),
or one with its parts in another Unicode form (NFC, NFD).  Every tag must pass :func:`export.manifest.tag_problem`
(checked before any audio is decoded).  In a tree, hidden files and folders (``.*``, macOS ``._*``) and
``__MACOSX`` folders are ignored; a folder that cannot be opened is named in a warning, and a link to nothing
among the audio files is named with the files that do not decode.
Clips are decoded (only as far as needed: the head of a long file) with device.audio.audiofile, mixed to
mono, resampled to the front-end rate and fitted to the pack's fixed length exactly as the box does it;
a file `hatbox tag` would skip as silent or too short is left out of training, and one whose sound starts after a
silent head is heard from that sound, as `hatbox tag` hears it (:func:`_heard`).
"""
from __future__ import annotations

import os
import random
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from device.audio import audiofile
from device.audio.mel import tagger_clip
from device.library.member_checks import NO_AUDIO, audio_problem
from export.manifest import normal_tag, tag_problem
from hatbox.errors import AudioFileError, DataError
from hatbox.file_access import access_hint, cannot_read, os_words
from hatbox.text import count_words
from trainer.csvrows import SOURCE_HINT, csv_rows
from trainer.csvrows import refuse_bad_tags as _refuse_bad_tags
from trainer.csvtext import listed_file, missing_error
from trainer.tagger.several_words import MOSTLY_ONE_TAG, mixed_tags_warning  # noqa: F401 (re-exported)
from trainer.tagger.word_places import and_words

if TYPE_CHECKING:
    from device.library.runner import Heard

CSV_SUFFIXES = (".csv", ".txt", ".tsv")


@dataclass(frozen=True)
class Item:
    """One training sample: an audio file and its tags (none: a file with none of the words, from a CSV row with no
    tag); ``where``: the CSV and line(s) that listed it ("train.csv: line 26"), "" for a folder's file; ``lines``:
    those line numbers; ``word_lines``: {word: the lines of those giving it that word} (a file listed on several
    lines has each word from some of them); ``source``: the folder or CSV it came from as given (:func:`load_sources`
    sets it; the warnings name it: trainer.tagger.word_places)."""

    path: Path
    tags: tuple[str, ...]
    where: str = field(default="", compare=False)
    lines: tuple[int, ...] = field(default=(), compare=False)
    word_lines: dict[str, tuple[int, ...]] = field(default_factory=dict, compare=False)
    source: Path | None = field(default=None, compare=False)


def load_items(source: str | Path, notes: list[str] | None = None) -> list[Item]:
    """Items from a folder-per-tag tree or a CSV; raises DataError when nothing usable is found or a tag
    is not allowed (:func:`export.manifest.tag_problem`).  Warnings (an empty tag folder, a CSV read as
    Windows-1252) are appended to ``notes`` when given."""
    src = Path(source)
    notes = notes if notes is not None else []
    try:
        src.is_dir()
    except OSError as exc:      # a folder on its way that may not be entered (p54 QA_A: an internal error)
        raise DataError(cannot_read(src, exc, "the training data "), hint=access_hint(src, folder=True)) from None
    if src.is_dir():
        items = _from_tree(src, notes)
    elif src.is_file():
        if src.suffix.lower() not in CSV_SUFFIXES:
            raise DataError(f"{src} is not a folder or a CSV of training data", hint=SOURCE_HINT)
        items = _from_csv(src, notes)
    else:
        raise DataError(f"no training data at {src}", hint=SOURCE_HINT)
    if not items and src.is_dir() and _loose_audio(src):     # one folder too deep: tags/kick instead of tags
        raise DataError(f"{src} holds its audio files directly ({_loose_audio(src)}), not in tag folders: a file's "
                        "tag is the name of the folder it is in",
                        hint=f"give the folder above it, {src.parent}, if its sub-folders are the tags "
                             f"({src.name}/, ...); or put these files in a folder named after their tag")
    if not items:
        raise DataError(f"{src} holds no tagged audio files",
                        hint="a folder per tag (kick/, snare/...) with WAV/FLAC/AIFF/OGG/MP3 inside, "
                             "or a CSV of path,tag rows")
    return items


def load_sources(sources: list[str | Path], notes: list[str] | None = None) -> list[Item]:
    """Items of several sources (folders and CSVs) together.  A file that a later source lists again
    takes that source's tags, so a CSV of corrections (``hatbox library export``) given last
    re-tags the files it names and adds the others.  ``notes``: as for :func:`load_items`."""
    from trainer.tagger.copies import later_source_wins     # the same sound in two sources: the later one's tags
    merged: dict[Path, Item] = {}
    source_of: dict[Path, int] = {}
    said: list[list[str]] = []
    for i, src in enumerate(sources):
        said.append([])
        for it in load_items(src, said[-1]):
            key = it.path.absolute() if _dangling(it.path) else it.path.resolve()    # a link to nothing: its name
            merged.pop(key, None)               # re-insert: the file keeps its place of last mention
            merged[key], source_of[key] = replace(it, path=key, source=Path(src)), i
    items = list(merged.values())
    notes = notes if notes is not None else []
    notes.extend(_meant_multi_label(said, items, source_of))
    return later_source_wins(items, source_of, [str(s) for s in sources], notes) if len(sources) > 1 else items


def _meant_multi_label(said: list[list[str]], items: list[Item], source_of: dict[Path, int]) -> list[str]:
    """The notes of each source (``said``, by source) less a source's warning that it alone turns the tagger
    multi-label (copies of a sound in several tag folders, a CSV's lines merged: :data:`WILL_BE_MULTI_LABEL`) where
    another source's own files (``items``, by ``source_of``) carry several words without such a warning: the data
    is multi-label as given, and "if each sample has one tag, delete the copy" misled (fifty-first stop's QA: a
    folder tree given with a CSV of 3 to 5 words a row)."""
    several = {source_of.get(it.path) for it in items if len(it.tags) > 1}
    warned = {i for i, notes in enumerate(said) if any(WILL_BE_MULTI_LABEL in n for n in notes)}
    meant = several - warned
    return [n for i, notes in enumerate(said) for n in notes
            if not (WILL_BE_MULTI_LABEL in n and meant - {i})]


def _ignored(rel: Path) -> bool:
    """A path (relative to its tag folder) that no sample is: the rule `hatbox tag`, push-library and the box skip by
    (device.library.member_checks.is_metadata: hidden and __MACOSX folders, recycle bins, NAS metadata, DAW sidecars,
    Windows Explorer's files)."""
    from pathlib import PurePosixPath

    from device.library.member_checks import is_metadata
    return bool(rel.parts) and is_metadata(PurePosixPath(*rel.parts))


def _from_tree(root: Path, notes: list[str]) -> list[Item]:
    tags_of: dict[Path, set[str]] = {}
    dirs = sorted(p for p in _entries(root) if p.is_dir() and not _ignored(Path(p.name)))
    bad = [(d.name, f"folder {d}", tag_problem(d.name)) for d in dirs if tag_problem(d.name)]
    _refuse_bad_tags(root, bad)
    notes.extend(_spaced_twins(root, dirs))
    for tag_dir in dirs:
        tag, found, other = normal_tag(tag_dir.name), 0, 0
        files, blocked = _tree_files(tag_dir)
        for f in files:
            dangling = _dangling(f)
            if _ignored(f.relative_to(tag_dir)) or not (f.is_file() or dangling):
                continue
            if f.suffix.lower() in audiofile.READABLE_SUFFIXES:
                # a link to nothing is kept under its own name: decoding names it among the skipped files
                tags_of.setdefault(f.absolute() if dangling else f.resolve(), set()).add(tag)
                found += 1
            else:
                other += 1
        notes.extend(_blocked_notes(tag_dir, tag, blocked))
        if not found and not any(folder == tag_dir for folder, _ in blocked):
            notes.append(f"warning: tag folder {tag_dir} holds no audio files" +
                         (f" (only {other} other file{'s' if other != 1 else ''})" if other else "") +
                         f", so it adds nothing to tag '{tag}' (audio: {' '.join(audiofile.READABLE_SUFFIXES)})")
    loose = _loose_audio(root)
    if loose:
        notes.append(f"warning: {loose} audio file{'s' if loose != 1 else ''} directly in {root} "
                     f"{'are' if loose != 1 else 'is'} left out: a file's tag is the name of the folder it is in")
    from trainer.tagger.copies import merge_copies     # a sound copied into several tag folders: one sample
    return merge_copies(root, [Item(p, tuple(sorted(t))) for p, t in sorted(tags_of.items())], notes)


def _loose_audio(root: Path) -> int:
    """How many audio files lie directly in training folder ``root`` (hidden ones left out): no tag folder holds
    them, so they have no tag."""
    return sum(1 for p in _entries(root) if p.is_file() and not audiofile.hidden_name(p.name)
               and p.suffix.lower() in audiofile.READABLE_SUFFIXES)


def _entries(root: Path) -> list[Path]:
    """What folder ``root`` (a training source) holds; DataError when it cannot be opened."""
    try:
        return list(root.iterdir())
    except OSError as exc:
        raise DataError(cannot_read(root, exc, "the training folder "), hint=access_hint(root, folder=True)) from None


def _tree_files(tag_dir: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """(everything but folders under ``tag_dir``, sorted, hidden folders not entered; [(folder, why)] for each
    folder that could not be opened, ``tag_dir`` itself included).  Links to folders are not followed."""
    blocked: list[tuple[Path, str]] = []
    files: list[Path] = []

    def refused(exc: OSError) -> None:
        blocked.append((Path(exc.filename) if exc.filename else tag_dir, os_words(exc)))

    for folder, subs, names in os.walk(tag_dir, onerror=refused):
        subs[:] = [d for d in subs if not audiofile.hidden_name(d)]
        files += [Path(folder) / name for name in names]
    return sorted(files), blocked


def _blocked_notes(tag_dir: Path, tag: str, blocked: list[tuple[Path, str]]) -> list[str]:
    """A warning for each folder of tag folder ``tag_dir`` that could not be opened (``blocked``: (folder, why))."""
    notes = []
    for folder, why in blocked:
        if folder == tag_dir:
            notes.append(f"warning: tag folder {tag_dir} cannot be opened ({why}), so it adds nothing to tag "
                         f"'{tag}' (check that you may read it)")
        else:
            notes.append(f"warning: folder {folder} cannot be opened ({why}): its files are left out of tag "
                         f"'{tag}' (check that you may read it)")
    return notes


def _dangling(path: Path) -> bool:
    """Whether ``path`` is a link to nothing (its file moved or deleted, or on a drive not plugged in)."""
    return path.is_symlink() and not path.exists()


def _spaced_twins(root: Path, dirs: list[Path]) -> list[str]:
    """A warning for each group of tag folders of ``root`` (``dirs``) whose names differ only in the spaces
    around them ("kick" and "kick "): a folder's tag is its name stripped, so their files make one tag, which
    may not be what was meant (names that differ in case are two tags: pipeline.check_items refuses them)."""
    groups: dict[str, list[Path]] = {}
    for d in dirs:
        groups.setdefault(d.name.strip(), []).append(d)
    return [f"warning: tag folders {and_words([repr(d.name) for d in group])} in {root} differ only in the spaces "
            f"around their names: their files are merged into one tag, {tag!r}"
            for tag, group in groups.items() if len(group) > 1]


def _from_csv(path: Path, notes: list[str]) -> list[Item]:
    rows, encoding = csv_rows(path, notes, none_rows=True)    # the one CSV reader (trainer.csvrows)
    found, missing = [], []
    for name, tags, line in rows:
        f = listed_file(path.parent, name, encoding=encoding)
        if f.is_file():
            found.append((Item(f, tags), line))             # _merge_repeats gives each its lines
        else:
            missing.append((name, f, f"line {line}"))
    if missing:                 # "did you mean lib/instruments/vibes.wav?" for a file moved (a folder renamed)
        from trainer.tagger.moved_files import with_moved
        listed = {it.path.resolve() for it, _ in found}
        raise with_moved(missing_error(str(path), path.parent, missing, listed), path.parent, missing, listed)
    return _merge_repeats(path, found, notes)


def _merge_repeats(path: Path, rows: list[tuple[Item, int]], notes: list[str]) -> list[Item]:
    """One item per file of a CSV's ``rows`` [(item, line number)]: a file listed on several lines (by the
    same name, or by a relative and an absolute one) gets the tags of all of them, in order, with a note
    naming the lines (a multi-label CSV may list a file's tags one per line; no tag is ever dropped)."""
    tags_of: dict[Path, list[str]] = {}
    lines_of: dict[Path, list[int]] = {}
    word_lines: dict[Path, dict[str, tuple[int, ...]]] = {}
    for it, line in rows:
        key = it.path.resolve()
        tags_of.setdefault(key, []).extend(it.tags)
        lines_of.setdefault(key, []).append(line)
        words = word_lines.setdefault(key, {})
        for tag in dict.fromkeys(it.tags):
            words[tag] = (*words.get(tag, ()), line)
    first = {it.path.resolve(): it.path for it, _ in reversed(rows)}      # the name of its first line
    repeats = [key for key, lines in lines_of.items() if len(lines) > 1]
    for key in repeats[:5]:
        tags = ", ".join(dict.fromkeys(tags_of[key]))
        notes.append(f"note: {path}: {first[key]} is listed on lines {and_words(lines_of[key])}; it gets the tags "
                     f"of all of them: {tags}")
    if len(repeats) > 5:
        notes.append(f"note: {path}: {len(repeats) - 5} more files are listed on several lines; each gets the "
                     "tags of all of its lines")
    merged = [Item(first[key], tuple(dict.fromkeys(tags)), f"{path}: {_lines(lines_of[key])}", tuple(lines_of[key]),
                   word_lines[key]) for key, tags in tags_of.items()]
    said = made_multi_label(path, [it for it, _ in rows], merged)
    if said:
        notes.append(said)
    return merged


# the words by which made_multi_label's warning is told among a load's notes (pipeline: mixed_tags_warning is then
# not said as well, of the same files)
WILL_BE_MULTI_LABEL = "so this tagger will be multi-label"


def made_multi_label(path: Path, rows: list[Item], merged: list[Item]) -> str:
    """A warning when every line of CSV ``path`` holds one tag (``rows``) but files listed on several lines with
    different tags got several once merged (``merged``): that alone turns the tagger multi-label (a yes/no per tag,
    no statistics head), most likely because of a slip (a file pasted under two tags); "" otherwise."""
    if any(len(it.tags) > 1 for it in rows):
        return ""                               # the CSV says files may have several tags: merging is meant
    several = [it for it in merged if len(it.tags) > 1]
    if not several:
        return ""
    e = several[0]
    listed = count_words(len(several), "file")
    have = "has" if len(several) == 1 else "have"
    return (f"warning: {path}: every line has one tag, but {listed} listed on several lines with "
            f"different tags now {have} several (e.g. {e.path}: {', '.join(e.tags)}), {WILL_BE_MULTI_LABEL}: a yes "
            "or no per tag instead of one best tag, and without the statistics head that makes "
            "one-tag taggers more accurate. If each sample has one tag, remove the wrong lines; if samples may "
            "have several, put a file's tags on one line (path,tag,tag) to say so")


def _lines(numbers: list[int]) -> str:
    """"line 4", "lines 3 and 9"."""
    return f"line{'s' if len(numbers) > 1 else ''} {and_words(numbers)}"


def tag_list(items: list[Item]) -> list[str]:
    """Sorted distinct tags."""
    return sorted({t for it in items for t in it.tags})


def case_clashes(items: list[Item]) -> list[list[str]]:
    """Groups (sorted, each of two or more) of the items' tags that differ only in case ("Kick", "kick"):
    two tags to the tagger, but one folder for `hatbox tag --links` on macOS and Windows."""
    groups: dict[str, set[str]] = {}
    for t in tag_list(items):
        groups.setdefault(t.casefold(), set()).add(t)
    return [sorted(g) for _, g in sorted(groups.items()) if len(g) > 1]


def tag_counts(items: list[Item]) -> Counter:
    return Counter(t for it in items for t in it.tags)


RECOMMENDED_PER_TAG = 5        # examples per tag the warning below asks for


def lone_tags_warning(items: list[Item], shown: int = 10, shots: int | None = None,
                      listed: Counter | None = None) -> str:
    """A warning naming the tags that only one of ``items`` has, with their counts, and a hint on a second line
    ('' when there is none): training on one sample of a tag is allowed, but the tagger learns little of it.
    ``shots``: the ``--shots`` that picked ``items`` (the training samples), said in the hint when it is 1;
    ``listed``: each tag's training files (after the held-out split, before --shots), said beside a tag --shots kept
    fewer of ("'glassy' (1 of its 2 training files ...)": fifty-first stop's QA read "(1)" here and "glassy (2)"
    later), and a tag it kept none of is named too; the hint of such a tag is a larger --shots or that word put
    first, not more examples (fifty-first stop's final reading: it had 12)."""
    counts = tag_counts(items)
    listed = listed if listed is not None else counts
    # none kept: --shots picked its files by their other words (a file counts for its first)
    lone = sorted(t for t in listed if counts[t] == 1 or (shots and listed[t] and not counts[t]))
    if not lone:
        return ""
    named = ", ".join(f"'{t}' ({_kept_of(counts[t], listed[t], shots)})" for t in lone[:shown])
    more = f" and {len(lone) - shown} more" if len(lone) > shown else ""
    which = "only one example" if all(counts[t] for t in lone) else "one example or none to train on"
    return (f"warning: {count_words(len(lone), 'tag has', 'tags have')} {which}: {named}{more}; "
            f"the tagger learns little of a tag from one sample\n  hint: {_lone_hint(lone, counts, listed, shots)}")


def _lone_hint(lone: list[str], counts: Counter, listed: Counter, shots: int | None) -> str:
    """The hint of :func:`lone_tags_warning` for its ``lone`` tags: more examples of a tag with few files; a
    larger --shots, or the word put first on its files, for a tag --shots skipped files of (:func:`_dropped`)."""
    if shots == 1:
        return (f"--shots 1 trains on one example of each tag: give a larger --shots ({RECOMMENDED_PER_TAG} or more), "
                "or leave it out to train on every file")
    dropped = [t for t in lone if _dropped(counts[t], listed[t], shots)]
    more = f"add a few more examples of each ({RECOMMENDED_PER_TAG} or more per tag recommended)"
    if not dropped:
        return more
    skipped = (f"--shots {shots} picks a file by its first word: give a larger --shots, or put that word first on "
               "its files (or leave --shots out to train on every file)")
    return skipped if len(dropped) == len(lone) else f"{skipped}; of the others, {more}"


def _dropped(kept: int, listed: int, shots: int | None) -> bool:
    """Whether --shots ``shots`` kept fewer of a tag's ``listed`` training files than it takes of any word."""
    return bool(shots) and kept < min(listed, shots or 0)


def _kept_of(kept: int, listed: int, shots: int | None) -> str:
    """A tag's examples as :func:`lone_tags_warning` says them: "1", or "1 of its 2 training files: --shots 3 picks a
    file by its first word" where --shots kept fewer than it had ("none of its 2 training files: ...")."""
    if not _dropped(kept, listed, shots):          # what --shots takes of any word: said by its hint
        return str(kept)
    return (f"{'none' if not kept else kept} of its {count_words(listed, 'training file')}: --shots {shots} picks a "
            "file by its first word")


def short_of_shots(items: list[Item], shots: int, shown: int = 10) -> str:
    """A note naming the tags of which ``items`` (the samples to train on, before ``--shots`` picks from them)
    hold fewer than ``shots`` (counted by first tag, as :func:`few_shot` picks), with their counts; "" if none."""
    counts = Counter(first_tag(it) for it in items)
    short = sorted(t for t, n in counts.items() if n < shots and t)
    if not short:
        return ""
    listed = ", ".join(f"{t} ({counts[t]})" for t in short[:shown])
    more = f" and {len(short) - shown} more" if len(short) > shown else ""
    every = " (every tag: --shots changes nothing)" if len(short) == len(counts) else ""
    return (f"note: --shots {shots}: {count_words(len(short), 'tag has', 'tags have')} fewer than {shots} samples "
            f"to train on, so each is trained on all it has{every}: {listed}{more}")


def targets(items: list[Item], tags: list[str]) -> np.ndarray:
    """Multi-hot [I, n_tags] float32."""
    index = {t: i for i, t in enumerate(tags)}
    y = np.zeros((len(items), len(tags)), np.float32)
    for r, it in enumerate(items):
        for t in it.tags:
            if t in index:
                y[r, index[t]] = 1.0
    return y


def load_clip(path: Path, rate: int, n: int, heard_rate: int = 0) -> np.ndarray:
    """Decode -> mono -> ``rate`` Hz -> onset-aligned [n] float32 (the box's exact preparation; ``heard_rate``:
    :func:`device.audio.mel.tagger_clip`'s)."""
    heard = _heard(path, rate, n)
    return _fit(heard.channels, heard.rate, rate, n, heard_rate)


def heard_rate(items: list[Item], rate: int) -> int:
    """The highest sample rate (Hz) among the files of ``items`` when it is under ``rate`` (the front-end's),
    else 0: what a tagger trained on them should hear every file at (:attr:`TaggerConfig.heard_rate`).  Read
    from the files' headers; a file that does not open is passed over (decoding names it)."""
    from device.audio.audiofile import info
    top = 0
    for it in items:
        try:
            top = max(top, int(info(it.path)[0]))
        except AudioFileError:
            continue
        if top >= rate:
            return 0
    return top


def _head_seconds(rate: int, n: int) -> float:
    """Seconds of a file decoded for a clip of ``n`` samples at ``rate`` Hz (a little more than it needs)."""
    return (n + 64) / rate + 0.01


def _read_head(path: Path, rate: int, n: int) -> tuple[np.ndarray, int]:
    """(channels [C, m] float32, their rate Hz): the head of ``path`` a clip of ``n`` samples at ``rate`` Hz
    is made from (only the head: a long file is not decoded whole)."""
    from device.library.decode import read_channels
    return read_channels(path, _head_seconds(rate, n))


def _heard(path: Path, rate: int, n: int) -> Heard:
    """What training hears of ``path`` for a clip of ``n`` samples at ``rate`` Hz, and why it is no training sample
    (device.library.runner.Heard): its head, or from its first sound when the head is silent, the rule of
    `hatbox tag` and the box (:func:`device.library.runner.from_first_sound`)."""
    from device.library.runner import from_first_sound
    channels, src_rate = _read_head(path, rate, n)
    whole = channels.shape[-1] < int(np.ceil(src_rate * _head_seconds(rate, n)))
    return from_first_sound(path, channels, src_rate, whole, _head_seconds(rate, n), "training listens")


def _fit(channels: np.ndarray, src_rate: int, rate: int, n: int, heard_rate: int = 0) -> np.ndarray:
    """Channels [C, m] at ``src_rate`` Hz -> their mix, at ``rate`` Hz, onset-aligned [n] float32."""
    from device.library.decode import mix
    need = -(-(n + 64) * src_rate // rate)
    return tagger_clip(mix(channels)[:need], src_rate, rate, n, heard_rate)


def load_clips(items: list[Item], rate: int, n: int) -> np.ndarray:
    """[I, n] float32; an unreadable file raises DataError naming it (the first, once all were tried).
    Silent files are decoded like any other (see :func:`decode_clips` for the training rule)."""
    _, clips, skipped, _ = decode_clips(items, rate, n, skip_silent=False)
    if skipped:
        raise DataError(f"training sample unusable: {skipped[0][1]}")
    return clips


def decode_clips(items: list[Item], rate: int, n: int, progress: bool = False, skip_silent: bool = True,
                 heard_rate: int = 0) -> tuple[list[Item], np.ndarray, list[tuple[Path, str]], list[tuple[Path, str]]]:
    """Decode every item as :func:`load_clip` does, keeping going past failures, after the check ``hatbox tag`` and the
    box make of every file (device.library.member_checks.audio_problem: a WAV cut short was trained on, and then
    refused by `hatbox tag`): (the items that decoded, their clips [K, n] float32 in the same order, [(path, why)]
    for those that did not decode, [(path, why)] for those left out as silent (:func:`_heard`, as `hatbox tag`) when
    ``skip_silent``).  ``progress``: a progress bar on stderr; ``heard_rate``:
    :func:`device.audio.mel.tagger_clip`'s."""
    from hatbox.progress import progress_bar
    out = np.zeros((len(items), n), np.float32)        # filled in place: no second copy of the clips
    kept, skipped, silent = [], [], []
    for it in progress_bar(items, desc="reading samples", unit="files", disable=not progress, leave=False):
        try:
            refused = unopenable(it.path) or audio_problem(it.path)[0]    # hatbox tag's and the box's check: a file
        except OSError as exc:                                             # cut short, odd samples
            refused = f"cannot be opened ({os_words(exc)})"
        if refused and refused != NO_AUDIO:     # (an empty one is left to _heard, as hatbox tag does)
            skipped.append((it.path, f"{it.path}: {refused}"))    # named, as a file that does not open is
            continue
        try:
            heard = _heard(it.path, rate, n)
            if heard.why and skip_silent:
                silent.append((it.path, heard.why))
                continue
            out[len(kept)] = _fit(heard.channels, heard.rate, rate, n, heard_rate)
        except AudioFileError as exc:
            skipped.append((it.path, str(exc)))
            continue
        except OSError as exc:
            skipped.append((it.path, f"{it.path}: cannot be read ({os_words(exc)})"))
            continue
        kept.append(it)
    return kept, out[:len(kept)], skipped, silent


def unopenable(path: Path) -> str:
    """Why ``path`` cannot be read at all ("" when nothing says so yet): a link to nothing."""
    if not _dangling(path):
        return ""
    try:
        target = os.readlink(path)
    except OSError:
        target = "?"
    return f"a link to nothing ({target} is not there: moved, deleted, or on a drive not plugged in?)"


def reorder_rows(a: np.ndarray, order: list[int] | np.ndarray) -> np.ndarray:
    """Rearrange the rows of ``a`` [I, ...] in place so that row k holds what row ``order[k]`` held, for
    the first ``len(order)`` rows (``order``: distinct row indices; the rows it leaves out end up, in some
    order, after them).  The same rows as ``a[order]`` without a second copy of the array: one row is
    buffered at a time.  Returns ``a[:len(order)]`` (a view)."""
    order = np.asarray(order, dtype=np.int64)
    if len(np.unique(order)) != len(order) or (len(order) and (order.min() < 0 or order.max() >= len(a))):
        raise ValueError("order must hold distinct row indices of the array")
    full = np.concatenate([order, np.setdiff1d(np.arange(len(a)), order, assume_unique=True)])
    done = np.zeros(len(a), bool)
    for start in range(len(a)):            # follow each cycle of the permutation: dest k <- source full[k]
        if done[start] or full[start] == start:
            done[start] = True
            continue
        held, k = a[start].copy(), start
        while True:
            done[k] = True
            src = full[k]
            if src == start:
                a[k] = held
                break
            a[k] = a[src]
            k = src
    return a[:len(order)]


def few_shot(items: list[Item], shots: int, seed: int = 0) -> list[Item]:
    """At most ``shots`` items per tag (an item counts for its first tag; those with none of the words count as one
    more tag), picked at random."""
    rng = random.Random(seed)
    pool = items[:]
    rng.shuffle(pool)
    taken: Counter = Counter()
    out = []
    for it in pool:
        if taken[first_tag(it)] < shots:
            taken[first_tag(it)] += 1
            out.append(it)
    return out


def first_tag(item: Item) -> str:
    """``item``'s first tag, "" for a file with none of the words."""
    return item.tags[0] if item.tags else ""


def without_words(items: list[Item]) -> list[Item]:
    """The items with none of the words (negative examples: a CSV row with a path and no tag)."""
    return [it for it in items if not it.tags]
