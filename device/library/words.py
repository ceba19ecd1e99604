"""The producer's words across every correction of a library at once (forty-ninth stop, QA "month"): a word renamed
(``dusty`` -> ``lofi``) or dropped (``glitch``) in the training CSV stayed in the library's corrections, which
`library export` wrote back and the next training learned again.  :func:`rename_word` and :func:`drop_word` change
them all in one transaction, the corrections of files that left the library (``kept_tags``) with them;
:func:`word_uses` counts the files each word is given to, :func:`pack_words` the words of the pack that tagged the
library.  Torch-free; the box's library (its ``tags.db``) can call the same functions."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from device.library import db as libdb
from device.library.fixes import NO_TAG, _check_tag, spelled_as_known, unwritable
from device.library.open_db import _open, _pack_tags, known_tags
from hatbox.errors import HatboxError


class NoSuchWord(HatboxError):
    """`--rename-word OLD` or `--drop-word WORD` named a word no correction of the library uses."""


class WordInUse(HatboxError):
    """`--rename-word OLD NEW` without --yes (the box: ``merge``) where NEW is already a word of the corrections:
    renaming would merge the two words, which no rename undoes (forty-ninth stop's regression QA: `--rename-word
    dusty punchy` merged them silently, and renaming punchy back renamed every punchy).  Nothing was changed."""


@dataclass
class WordChange:
    """What :func:`rename_word` or :func:`drop_word` changed: ``files`` (library files whose corrections changed),
    ``back`` (paths, as stored, of files left with no correction: the tagger's tags stand again), ``kept`` (files that
    left the library whose kept corrections changed); ``word``: the word as the corrections spell it, ``to``: what it
    became ("" when dropped; p49 F8: the box renames it in the corrections a laptop sent it too)."""
    files: int = 0
    back: list[str] = field(default_factory=list)
    kept: int = 0
    word: str = ""
    to: str = ""
    merged: bool = False        # ``to`` was already a word of the corrections: the two are one word now (p49)
    into: int = 0               # when merged: the files that carried ``to`` before
    both: int = 0               # when merged: the files that carried both (one word each now)


def word_uses(db_path: str | Path) -> dict[str, int]:
    """Each word of the producer's corrections -> how many library files carry it (files that left not counted)."""
    con, _root = _open(db_path)
    try:
        return _uses(con)
    finally:
        con.close()


def _uses(con: sqlite3.Connection) -> dict[str, int]:
    """:func:`word_uses` on an open database."""
    rows = con.execute("SELECT tag, COUNT(DISTINCT path) FROM user_tags WHERE tag <> ? GROUP BY tag",
                       (NO_TAG,)).fetchall()
    return {str(t): int(n) for t, n in rows}


def pack_words(db_path: str | Path) -> list[str]:
    """The words of the pack that tagged the library last, in its order ([] for a database that records none)."""
    con, _root = _open(db_path)
    try:
        return _pack_tags(con)
    finally:
        con.close()


def foreign_words(uses: dict[str, int], words: list[str]) -> dict[str, int]:
    """Of ``uses`` (:func:`word_uses`), the words not among ``words`` (a tagger's), most used first."""
    have = set(words)
    return dict(sorted(((w, n) for w, n in uses.items() if w not in have), key=lambda wn: (-wn[1], wn[0])))


def foreign_of(db_path: str | Path, words: list[str]) -> tuple[dict[str, int], int]:
    """(:func:`foreign_words` of the library's :func:`word_uses` against ``words``, :func:`_files_using` them): the
    words its corrections use that a tagger of ``words`` lacks (word -> files, most used first) and how many files'
    corrections use any of them, read on one connection; ({}, 0) when ``words`` is empty (not known)."""
    if not words:
        return {}, 0
    con, _root = _open(db_path)
    try:
        foreign = foreign_words(_uses(con), words)
        return foreign, _files_using(con, list(foreign))
    finally:
        con.close()


def rename_word(db_path: str | Path, old: str, new: str, merge: bool = False) -> WordChange:
    """Rename the word ``old`` to ``new`` in every correction of the library (a file that has both keeps one),
    in one transaction.  ``new`` is checked as any tag is and takes the library's spelling where it differs only in
    case from one of its words (the pack's words included, ``old`` too when it is one: renaming the pack's ``kick`` to
    ``Kick`` changes nothing, as a fix of ``Kick`` would).  NoSuchWord (nothing changed) when no correction uses
    ``old``; WordInUse (nothing changed) when ``new`` is already a word of the corrections (any case), unless
    ``merge``: then the two are merged, said in the change (``merged``, ``into``, ``both``)."""
    con, _root = _open(db_path)
    try:
        word = _used(con, old)
        pack = _pack_tags(con)          # the pack's own spelling stands: `kick` -> `Kick` would split it (p49 review)
        to = spelled_as_known([_check_tag(new)], [t for t in known_tags(con) if t != word or t in pack])[0]
        with con:
            change = WordChange(files=_count(con, "user_tags", word), kept=_count(con, "kept_tags", word), word=word,
                                to=to)
            if to != word:
                _merging(con, change, merge)
                con.execute("INSERT OR IGNORE INTO user_tags (path, tag) SELECT path, ? FROM user_tags WHERE tag = ?",
                            (to, word))
                con.execute("INSERT OR IGNORE INTO kept_tags (hash, path, tag, left_ns) "
                            "SELECT hash, path, ?, left_ns FROM kept_tags WHERE tag = ?", (to, word))
                _delete(con, word)
    except sqlite3.OperationalError as exc:
        raise unwritable(db_path, exc) from None
    finally:
        con.close()
    return change


def _merging(con: sqlite3.Connection, change: WordChange, merge: bool) -> None:
    """When ``change.to`` (a word of the corrections or not, in any case) is already one: WordInUse unless
    ``merge``; with it, ``change`` says the merge (``merged``, ``into``, ``both``)."""
    counts = _uses(con)
    uses = {t: counts.get(t, 0) for t in _words_used(con)}      # a word of files that left only: 0
    both = int(con.execute("SELECT COUNT(DISTINCT a.path) FROM user_tags a JOIN user_tags b ON a.path = b.path "
                           "WHERE a.tag = ? AND b.tag = ?", (change.word, change.to)).fetchone()[0])
    into = merge_into(uses, change.word, change.to, change.files, merge, both)
    if into is not None:
        change.merged, change.into, change.both = True, into, both


def merge_into(uses: dict[str, int], word: str, to: str, files: int, merge: bool,
               both: int | None = None) -> int | None:
    """Renaming ``word`` (the word of ``files`` files) to ``to`` ("": a drop, never a merge), where ``uses`` are the
    words the corrections use (word -> files; a word of files that left only: 0): the files of the other words
    that are ``to`` in any case when the rename merges into them, None when it does not; WordInUse (``both``: the
    files that carry the two, None: not known) unless ``merge``.  The laptop's and the box's rule alike (the box's
    corrections waiting for a first tagging: device.api.library_words_route)."""
    same = [w for w in uses if to and w != word and w.casefold() == to.casefold()]
    if not same:
        return None
    into = sum(uses[w] for w in same)
    if not merge:
        raise in_use(word, to, files, into, both)
    return into


def in_use(word: str, to: str, files: int, into: int, both: int | None, yes: str = "--yes") -> WordInUse:
    """The refusal of renaming ``word`` (on ``files`` files) to ``to``, already the word of ``into`` files (``both``
    of them carry the two; None: not known): the laptop's and the box's alike (``yes``: how to say merge)."""
    from hatbox.text import count_words
    carry = "" if both is None else f"; {both} {'carries' if both == 1 else 'carry'} both"
    return WordInUse(f"'{to}' is already the word of {count_words(into, 'file')}: renaming '{word}' to it merges the "
                     f"two ({count_words(files, 'file')}{carry}); add {yes} to merge them (the "
                     f"{count_words(files, 'file')} of '{word}' {'becomes' if files == 1 else 'become'} '{to}'; "
                     "this cannot be undone)",
                     hint=f"to keep the two apart, give a word your corrections do not use yet (or {yes} to merge); "
                          "nothing was changed")


def _words_used(con: sqlite3.Connection) -> list[str]:
    """The words the corrections use (those of files that left too), in order."""
    return [t for (t,) in con.execute("SELECT tag FROM user_tags WHERE tag <> ? UNION SELECT tag FROM kept_tags "
                                      "WHERE tag <> ? ORDER BY tag", (NO_TAG, NO_TAG))]


def drop_word(db_path: str | Path, word: str) -> WordChange:
    """Take ``word`` out of every correction of the library, in one transaction; a file whose correction held it
    alone has none left (its path in ``back``: the tagger's tags stand again).  NoSuchWord as :func:`rename_word`."""
    con, _root = _open(db_path)
    try:
        used = _used(con, word)
        with con:
            paths = [p for (p,) in con.execute("SELECT path FROM user_tags WHERE tag = ?", (used,))]
            change = WordChange(files=len(paths), kept=_count(con, "kept_tags", used), word=used)
            _delete(con, used)
            left = {p for (p,) in con.execute("SELECT DISTINCT path FROM user_tags")}
            change.back = sorted(str(p) for p in paths if p not in left)
    except sqlite3.OperationalError as exc:
        raise unwritable(db_path, exc) from None
    finally:
        con.close()
    return change


def _used(con: sqlite3.Connection, word: str) -> str:
    """``word`` as the corrections (those of files that left too) spell it (stripped; the only one that differs from
    it in case); NoSuchWord, with the words they use, when none does, or, when it is a word of the tagger that tagged
    the library, saying so (:func:`tagger_word`)."""
    try:
        return word_in(_words_used(con), word)
    except NoSuchWord as exc:
        raise tagger_word(con, word) or exc from None


def tagger_word(con: sqlite3.Connection, word: str) -> NoSuchWord | None:
    """The refusal of renaming or dropping ``word`` that no correction uses but the tagger gives (a word of the pack
    that tagged the library, or one it gave some file): it is the tagger's, and renaming changes only corrections
    (fifty-first stop's QA: `--rename-word metalic metallic` read "no correction uses 'metalic' (... none yet)"
    beside `library query`'s "13 metalic"); None when it is no word of the tagger either."""
    from hatbox.text import count_words
    given = word.strip()
    pack = [t for t in _pack_tags(con) if t.casefold() == given.casefold()]
    hits = con.execute("SELECT tag, COUNT(DISTINCT path) FROM effective_tags WHERE corrected = 0 GROUP BY tag")
    files = {str(t): int(n) for t, n in hits if str(t).casefold() == given.casefold()}
    if not pack and not files:
        return None
    spelled = (pack or sorted(files))[0]
    n = files.get(spelled, 0)
    return NoSuchWord(f"'{spelled}' is the tagger's word ({count_words(n, 'file')} of this library tagged with it), "
                      "not one of your corrections: --rename-word and --drop-word change only the words your "
                      "corrections use; nothing was changed",
                      hint=f"to rename or drop the tagger's '{spelled}': fix the training data (the CSV lines or the "
                           "tag folder that give it) and train again, then tag the library with the new pack; or "
                           f"correct those files one by one (hatbox library fix DB FILE TAG; hatbox library query DB "
                           f"--tag {spelled} lists them)")


def word_in(uses: list[str], word: str) -> str:
    """``word`` as ``uses`` (the words corrections use, in order) spell it: itself stripped, or the only one of them
    that differs from it in case; NoSuchWord, naming ``uses``, when none does (the box's corrections waiting for a
    tagging use it too: device.api.library_words_route)."""
    given = word.strip()
    if given in uses:
        return given
    near = [t for t in uses if t.casefold() == given.casefold()]
    if len(near) == 1:
        return near[0]
    shown = given if len(given) <= 60 else given[:40] + "..."
    raise NoSuchWord(f"no correction of this library uses the word '{shown}'; nothing was changed "
                     f"(the words your corrections use: {', '.join(uses) or 'none yet'})",
                     hint="give one of those words (hatbox library query DB lists the tags and their counts)")


def _count(con: sqlite3.Connection, table: str, word: str) -> int:
    """How many files of ``table`` (user_tags; kept_tags: by hash and path) carry ``word``."""
    key = "path" if table == "user_tags" else "hash || '/' || path"
    if table not in libdb.OURS:
        raise ValueError(table)
    return int(con.execute(f"SELECT COUNT(DISTINCT {key}) FROM {table} WHERE tag = ?", (word,)).fetchone()[0])


def _delete(con: sqlite3.Connection, word: str) -> None:
    """Delete ``word`` from the corrections and the kept corrections (in the caller's transaction)."""
    con.execute("DELETE FROM user_tags WHERE tag = ?", (word,))
    con.execute("DELETE FROM kept_tags WHERE tag = ?", (word,))


def tagger_hits(db_path: str | Path, path: str | Path) -> list[tuple[str, float]]:
    """The tagger's tags of one library file (its hits: each over its threshold), surest first, with their scores
    (0..1), as the listings count them: given by the pack that tagged the library last (db.CURRENT); [] when it gave
    none, or has not tagged the file (yet: a re-tag with a new pack stopped half way leaves the old pack's hits
    unlisted).  The laptop's `fix` line, the box's answer to a correction and the panel's "tagger's tags" all read
    it (p57 FR2 4: two copies of this query disagreed after such a re-tag)."""
    from device.library.open_db import _relative
    con, root = _open(db_path)
    try:
        rows = con.execute(f"SELECT t.tag, t.score FROM tags t JOIN files f ON f.path = t.path AND ({libdb.CURRENT}) "
                           f"WHERE t.path = {libdb.TEXT} AND t.hit = 1 ORDER BY t.score DESC, t.tag",
                           (libdb.stored(_relative(root, Path(path))),)).fetchall()
    finally:
        con.close()
    return [(str(t), float(s)) for t, s in rows]


def _files_using(con: sqlite3.Connection, words: list[str]) -> int:
    """How many library files' corrections use any of ``words``."""
    marks = ", ".join("?" * len(words))
    return int(con.execute(f"SELECT COUNT(DISTINCT path) FROM user_tags WHERE tag IN ({marks})",
                           words).fetchone()[0]) if words else 0
