"""One walk of a library folder, and one read of ``pushed.json``, per `hatbox push-library FOLDER` (fiftieth stop).

Before, a push walked its folder four times (the size check's census, the fingerprint's walk that --replace's Carry
shares, the packing and the check of samples over full scale; Path.rglob lists each folder twice: seven listings of
each) and read pushed.json three or four times.  Now device.library.folder_tar.walk_folder lists each directory once,
by the packing's own rules (hidden names never looked into, links not followed, siblings in sorted order, depth
first), and each user of it reads the one walk: folder_tar.census and folder_tar.pack_directory (``walk=``),
hatbox.library_memory's fingerprint and marks, hatbox.hot_samples.hot_in_walk.

Inside :func:`one_reading` (hatbox.cmd_box_library.push_library holds it around each push) the walk of a folder and the
contents of pushed.json (hatbox.library_memory) are taken on first use and handed to every later user in the push
(the walk until :func:`done_walking`, once the packing's checks have read it); outside one, each call reads afresh,
as before.  Held per thread and task (a ContextVar): two pushes at once in two
threads each keep their own.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from device.library.folder_tar import LOOP_WORDS, Entry, FolderWalk, walk_folder  # noqa: F401  (re-exported names)


class PushReading:
    """What one push has read: its folder's walk (``walk``) and pushed.json's contents (``memory``, with the file's
    ``memory_sig``: (inode, size, modification time in ns), None where there was none), None until first used."""

    def __init__(self) -> None:
        self.walk: FolderWalk | None = None
        self.twins: dict[Path, dict[str, str]] = {}      # a walked folder -> its :func:`twin_files` (p50 FG)
        self.memory: dict[str, dict[str, Any]] | None = None
        self.memory_sig: tuple[int, int, int] | None = None


_READING: ContextVar[PushReading | None] = ContextVar("hatbox_push_reading", default=None)


@contextmanager
def one_reading() -> Iterator[PushReading]:
    """Within it, :func:`walked` and hatbox.library_memory's reads of pushed.json are taken once and kept."""
    token = _READING.set(PushReading())
    try:
        yield _READING.get()       # type: ignore[misc]
    finally:
        _READING.reset(token)


def reading() -> PushReading | None:
    """The push's :class:`PushReading` (None outside :func:`one_reading`)."""
    return _READING.get()


def walked(folder: Path) -> FolderWalk:
    """The push's walk of ``folder`` (taken now on first use); outside a push a fresh one each call."""
    now = reading()
    if now is None:
        return walk_folder(folder)
    if now.walk is None or now.walk.folder != Path(folder):
        now.walk = walk_folder(folder)
        now.twins[Path(folder)] = now.walk.twins()    # kept past done_walking: the corrections sent read it
    return now.walk


def twin_files(walk: FolderWalk) -> dict[str, str]:
    """The files of ``walk`` left out as another's twin in another Unicode form: :meth:`FolderWalk.twins` (taken once
    a walk; the push's is kept past :func:`done_walking` in :class:`PushReading`)."""
    return walk.twins()


def twins_left_out(folder: Path) -> dict[str, str]:
    """:func:`twin_files` of ``folder`` (a folder push-library packs): the push's, taken with its walk; outside a
    push, walked now.  {} for what is not a folder."""
    now, key = reading(), Path(folder)
    if now is not None and key in now.twins:
        return now.twins[key]
    return walked(key).twins() if key.is_dir() else {}


PUSH_TAIL = ("the box keeps one name for both, so only the first is sent, with its corrections (rename one of them "
             "to send both)")
TAG_TAIL = ("both are tagged here, as two files; `hatbox push-library` sends only the first, {kept}, with its "
            "corrections (the box keeps one name for both, as a Mac's disk does): rename one of them to keep both")


def twin_words(twins: dict[str, str], sent: str = " (sent)", tail: str = PUSH_TAIL) -> dict[str, str]:
    """Why each file of ``twins`` (:func:`twin_files`, :func:`twins_among`) is said, in one line naming both (the
    two names look alike: each form is said): push-library's, by default (``sent``: after the kept one's name;
    ``tail``: what becomes of the two, ``{kept}`` its name); `hatbox tag`'s with :data:`TAG_TAIL` (fifty-first stop:
    it tagged both and said nothing)."""
    from device.library.paths import nfc
    return {rel: (f"the same name as {kept}{sent} in another Unicode form: its accents are written "
                  f"{_form_words(rel, nfc)}, that one's {_form_words(kept, nfc)}; {tail.format(kept=kept)}")
            for rel, kept in twins.items()}


def twins_among(paths: Iterable[str]) -> dict[str, str]:
    """:meth:`FolderWalk.twins` of ``paths`` (paths inside a folder, "/"-separated, e.g. a library database's rows),
    taken in the walk's order (depth first, siblings sorted): the same rule, the same first of each pair."""
    from device.library.folder_tar import twins_of       # the rule FolderWalk.twins applies to a walk's files
    return twins_of([(rel, None) for rel in sorted(paths, key=lambda rel: rel.split("/"))])


def _form_words(name: str, nfc: Callable[[str], str]) -> str:
    """How ``name``'s accents are written, in words."""
    import unicodedata
    return ("composed" if name == nfc(name) else "decomposed (as macOS writes them)"
            if unicodedata.is_normalized("NFD", name) else "partly decomposed")


def done_walking() -> None:
    """The push's walk has had its last reader (the packing's checks, or the box holds the files already): let it
    go, so that it is not held through the upload and a followed tagging (p49 review: 7.6 MB per 10,000 files; a
    --replace keeps the list it needs itself).  A later :func:`walked` in the push walks again."""
    now = reading()
    if now is not None:
        now.walk = None
