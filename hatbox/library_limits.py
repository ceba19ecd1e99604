"""`hatbox push-library`'s checks against the box's limits on one library (device.library.archive_members: at most
:data:`~device.library.archive_members.MAX_FILES` files, :data:`~device.library.archive_members.MAX_TOTAL_BYTES`
unpacked, :data:`~device.library.archive_members.MAX_FILE_BYTES` a file), made before a byte is packed or sent,
and the words that say how to split a library that is too big.

Forty-sixth stop's QA: a folder of 21,042 files was packed into a 1.9 GiB tar (33 s, nothing on screen), uploaded,
and only then refused by the box: "the archive holds more than 20000 files", hint "split the library".  The laptop
knows the count before it packs.  Forty-seventh stop: the limits are the box's own, as its ``GET /status`` publishes
them (``library_limits``; a box set up with lower ones refused a folder only after it was packed and sent, one with
higher ones was refused a folder it takes); a box that does not publish them is checked against the defaults."""
from __future__ import annotations

import shlex
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hatbox.box_client import safe_text
from hatbox.errors import HatboxError
from hatbox.text import count_words

if TYPE_CHECKING:
    from device.library.archive_members import Limits
    from device.library.folder_tar import Census

NAMED_FOLDERS = 6          # the folders a split hint names, biggest first; the rest counted
LIMIT_REFUSALS = ("the archive holds more than", "the archive expands")   # archive_members' whole-archive refusals


def box_limits() -> Limits:
    """The box's limits on one library archive by default (a box that does not publish its own)."""
    from device.library.archive_members import Limits
    return Limits()


def limits_from(status: dict[str, Any] | None) -> Limits:
    """The limits on one library archive of the box whose ``GET /status`` answer is ``status`` (read once by
    `push-library`): those it publishes (``library_limits``, a box set up with other limits than
    :func:`box_limits`), the defaults where it publishes none (a box from before the forty-seventh stop, or no
    answer: the box still says its own after the upload)."""
    given = status.get("library_limits") if isinstance(status, dict) else None
    return box_limits().with_published(given)


# `push-library --help`'s words on the limits: written out, as building the parser must not load
# device.library.archive_members (numpy comes with it); tests/tagger/test_p46_push_limits.py checks they agree.
HELP = ("The box takes at most 20,000 files and 4 GiB in one library, 1 GiB a file (its defaults: a box set up with "
        "others says its own, as hatbox status shows them): a folder over them is refused before anything is packed "
        "or sent; send its folders one at a time (with --fixes PARENT/.hatbox-tags.sqlite for the corrections made "
        "in the parent's tag database).")


def too_big_files(seen: Census, limits: Limits) -> dict[str, str]:
    """The files of a folder (``seen``: its census, ``biggest`` listing those over the per-file limit) that are not
    packed, each with why (the box would refuse each after the upload, and keep the rest)."""
    from device.library.archive_members import bytes_words
    return {rel: (f"{bytes_words(size)}, over the box's limit of {bytes_words(limits.max_file_bytes)} a file: not "
                  "sent (cut it into shorter files)") for rel, size in seen.biggest}


def check_folder(src: Path, seen: Census, fixes: Path | None, limits: Limits) -> None:
    """HatboxError (exit 2; nothing packed or sent) when the folder ``src`` (``seen``: its census, the files it leaves
    out already taken away) holds more files or bytes than the box takes in one library, with how to split it
    (:func:`split_hint`; ``fixes``: the corrections that go with it, named for each part)."""
    from device.library.archive_members import bytes_words
    shown = safe_text(str(src))
    if seen.files > limits.max_files:
        raise HatboxError(f"{shown} holds {seen.files:,} files; the box takes at most {limits.max_files:,} in one "
                          "library; nothing was packed or sent", hint=split_hint(src, seen, fixes, limits, "files"))
    if seen.file_bytes > limits.max_total_bytes:
        raise HatboxError(f"{shown}'s files come to {bytes_words(seen.file_bytes)}; the box takes at most "
                          f"{bytes_words(limits.max_total_bytes)} in one library; nothing was packed or sent",
                          hint=split_hint(src, seen, fixes, limits, "bytes"))


def split_hint(src: Path, seen: Census, fixes: Path | None, limits: Limits, crossed: str = "files") -> str:
    """How to send folder ``src`` in parts (``crossed``: the limit it is over, "files" or "bytes"): its folders one
    push at a time, the biggest by that measure named with their files and bytes (one over a limit itself: its own
    folders), files at its top in a folder of their own, and ``--fixes`` for the corrections of the folder's
    database (a part's push looks for a database in the part only)."""
    from device.library.archive_members import bytes_words
    each = (f"at most {limits.max_files:,} files" if crossed == "files"
            else f"at most {bytes_words(limits.max_total_bytes)}")
    measure = seen.by_top if crossed == "files" else seen.bytes_by_top
    folders = sorted((top for top in seen.by_top if top), key=lambda t: (-measure.get(t, 0), t))
    if not folders:
        return f"split {safe_text(src.name or str(src))} into folders of {each} each, then send them one push at a time"
    named = [_part(src, top, seen, limits) for top in folders[:NAMED_FOLDERS]]
    more = f"; and {count_words(len(folders) - NAMED_FOLDERS, 'more folder')}" if len(folders) > NAMED_FOLDERS else ""
    loose = seen.by_top.get("", 0)
    top = (f"; the {files_words(loose)} at its top: move {'it' if loose == 1 else 'them'} into a folder of "
           f"{'its' if loose == 1 else 'their'} own" if loose else "")
    went = (f"; your corrections go with each: add --fixes {shlex.quote(safe_text(str(fixes)))}"
            if fixes is not None else "")
    return (f"send its folders one push at a time, each with {each}: hatbox push-library {'; then '.join(named)}"
            f"{more}{top}{went}")


def files_words(n: int) -> str:
    """``n`` files in words, with thousands separators: "1 file", "12,000 files"."""
    return f"{n:,} {'file' if n == 1 else 'files'}"


def _part(src: Path, top: str, seen: Census, limits: Limits) -> str:
    """The folder ``top`` of ``src`` as a split hint names it: its path, files and bytes, flagged when it is over
    one of the limits itself."""
    from device.library.archive_members import bytes_words
    n, size = seen.by_top.get(top, 0), seen.bytes_by_top.get(top, 0)
    over = n > limits.max_files or size > limits.max_total_bytes
    return (f"{shlex.quote(safe_text(str(src / top)))} ({files_words(n)}, {bytes_words(size)}"
            f"{': over the limit itself, send its own folders' if over else ''})")


def check_archive(src: Path, refusal: str) -> None:
    """HatboxError (nothing sent) when the zip or tar ``src`` passes the box's limits on a whole archive
    (``refusal``: the box's own reader's words on it, hatbox.archive_look; "" when it read through)."""
    if refusal.startswith(LIMIT_REFUSALS):
        raise HatboxError(f"{safe_text(src.name)}: {refusal} (the box's limits for one library); nothing was sent",
                          hint=archive_hint(refusal, src))


def archive_hint(refusal: str, src: Path | None = None) -> str:
    """What to do about the archive ``src`` the box's limits refuse (``refusal``, archive_members' words): one that
    expands too many-fold is an archive bomb or (silence compresses well) a library that is fine as a folder, which
    goes as an uncompressed tar, unpacked only where it is trusted and fits (:func:`bomb_hint`); one too big is
    split."""
    if "-fold" in refusal:
        return bomb_hint(refusal, src)
    return ("split it into several archives (a folder of it in each) and send them one push at a time, or send the "
            "folder itself: hatbox push-library FOLDER says how to split it")


def bomb_hint(refusal: str, src: Path | None) -> str:
    """The hint for an archive refused as expanding too many-fold (p48 QA: "unpack the archive first" invited a
    producer to unpack a stranger's 1 GiB of zeros): what it would unpack to, and to unpack it only when it is
    trusted and there is room."""
    import re
    found = re.search(r"expands (\d+)-fold", refusal)
    fold = int(found.group(1)) if found else None
    size = f" to {_unpacked_words(src, fold)}" if src is not None else ""
    times = f", {fold} times its size" if fold else ""
    return (f"it would unpack{size}{times}: unpack it only if you trust where it came from and have that much room "
            "to spare, then send the folder itself (hatbox push-library FOLDER packs it uncompressed, which the box "
            "takes); otherwise leave it packed")


def _unpacked_words(src: Path, fold: int | None) -> str:
    """What the archive ``src`` unpacks to, in words: a zip's declared sizes summed; a tar's from ``fold``, the ratio
    the box's refusal says ("expands 1024-fold"), at least that (the box stops reading a tar at the limit)."""
    import zipfile

    from device.library.archive_kind import is_zip
    from device.library.archive_members import bytes_words
    try:
        if is_zip(src):
            with zipfile.ZipFile(src) as zf:
                return bytes_words(sum(i.file_size for i in zf.infolist()))
        return f"at least {bytes_words(fold * src.stat().st_size)}" if fold else "far more than its size"
    except (OSError, zipfile.BadZipFile):
        return "far more than its size"


def packing_line(src: Path, seen: Census) -> str:
    """What `push-library` says as it starts packing folder ``src`` into its temporary archive."""
    from device.library.archive_members import bytes_words
    return (f"packing {safe_text(src.name or str(src))}: {count_words(seen.files, 'file')} "
            f"({bytes_words(seen.file_bytes)}) into a temporary archive ...")


def folder_fits(src: Path, fixes: Path | None, leave: dict[str, str],
                limits: Limits | None = None) -> tuple[Census, dict[str, str]]:
    """The census of folder ``src`` as it will be packed (device.library.folder_tar.census: ``leave``, the files
    over the box's per-file limit and the second of two files whose names differ only in Unicode form
    (hatbox.push_walk.twin_files) left out), and what is left out (path inside -> why); HatboxError (nothing packed
    or sent) when it is over the box's limits on one library (:func:`check_folder`): ``limits``, the box's own
    (:func:`limits_from`), else its defaults.  Counted from the push's one walk of the folder
    (hatbox.push_walk.walked: its fingerprint and its packing read the same walk)."""
    from device.library.folder_tar import census
    from hatbox.push_walk import twin_words, twins_left_out, walked
    limits, walk = limits or box_limits(), walked(src)
    leave = {**twin_words(twins_left_out(src)), **leave}    # one of two names alike but for Unicode form (p50 FG)
    seen = census(src, limits.max_file_bytes, frozenset(leave), walk=walk)
    big = too_big_files(seen, limits)
    if big:                                    # rare (a file over 1 GiB): counted again without them
        leave = {**leave, **big}
        seen = census(src, None, frozenset(leave), walk=walk)
    check_folder(src, seen, fixes, limits)
    return seen, leave


@contextmanager
def packing(src: Path, seen: Census, quiet: bool) -> Iterator[Callable[[int], None]]:
    """While folder ``src`` (``seen``: its census) is packed: :func:`packing_line`, then a bar of the bytes packed
    (hatbox.progress; nothing with ``quiet``); yields what to call with each packed file's size."""
    from hatbox.progress import progress_bar, progress_line
    if not quiet:
        progress_line(packing_line(src, seen))
    with progress_bar(total=seen.file_bytes, kind="bytes", desc=f"packing {safe_text(src.name or str(src))}",
                      disable=quiet, leave=False) as bar:
        yield bar.update
