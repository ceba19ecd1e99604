"""The store `hatbox device run` is given: made when missing, refused in one line when it cannot be, and held by one
box at a time (STORE/box.lock); :func:`held_store` does all three and logs into it, for `hatbox device run` and for
`hatbox demo`'s box alike.  Split from hatbox/cmd_device.py.

The lock holds three lines: its holder's pid, the command as the user typed it ("hatbox demo", "hatbox device run
--sim") and when it started (ISO 8601, with its UTC offset), so that a second box refused on the store names what
holds it and since when (p58: the pid alone could not say whether a demo or a device run held it).  A lock with the
pid only (an older hatbox's, or read in the moment before its holder wrote the rest) is said as before.  The pid line
is padded to :data:`PID_LINE` characters: an older hatbox (a box rolled back) reads a holder's pid from the lock's
first 32 bytes, stripped, all digits (export.atomic.held_exclusively), and still finds it there (p58 R2 review 4)."""
from __future__ import annotations

import contextlib
import datetime
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, NamedTuple

from hatbox.errors import HatboxError

if TYPE_CHECKING:
    from device.logs import BoxLog

BOX_LOCK = "box.lock"            # under the store: held while a box runs on it (one box per store)


def store_usable(store: Path) -> None:
    """Make the store folder if missing; HatboxError in one line when it cannot be (a file on its way)."""
    import errno

    from device.given_packs import in_the_way, not_a_store, unusable_store
    try:
        store.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise unusable_store(store, exc) from None
    if in_the_way(store) is not None:             # a file named libraries: the API alone would not start
        raise unusable_store(store, OSError(errno.EEXIST, "File exists"))
    other = not_a_store(store)
    if other:                                     # a folder of samples given as the store: said, then used
        shown = ", ".join(other[:3]) + (f" and {len(other) - 3} more" if len(other) > 3 else "")
        print(f"warning: --store {store} holds {shown} and no box store yet: the box keeps its packs, libraries and "
              "pairings in it from now on (its files are left as they are); give the box's own data folder if "
              "that is not what you meant", file=sys.stderr, flush=True)


RUN_HINT = "stop that box first, or give this one another --store"     # `hatbox device run`'s way out
PID_LINE = 31                    # the pid line's characters, padded: with its newline, the 32 bytes an older box reads
COMMAND_CHARS = 160              # a typed command longer than this is cut in the lock ("...")


class Holder(NamedTuple):
    """What the store lock says of the box holding it: its pid, and (a lock of p58 on) the command as typed and when
    it started (local time; None where the lock does not say)."""

    pid: str
    command: str = ""
    since: datetime.datetime | None = None


def typed_command(command: str) -> str:
    """The command line of this process as the user typed it ("hatbox device run --sim --store 'my store'") where it
    is the `hatbox` command running ``command`` ("hatbox device run", "hatbox demo"); ``command`` itself otherwise
    (a caller of hatbox.cli.main([...])).  Characters that would drive a terminal are escaped, a long one is cut."""
    import shlex

    from hatbox.text import escape_unsafe
    argv, words = sys.argv, command.split()[1:]              # "device", "run"
    ours = bool(argv) and Path(argv[0]).name == "hatbox" and argv[1:1 + len(words)] == words
    typed = escape_unsafe(f"hatbox {shlex.join(argv[1:])}" if ours else command)
    return typed if len(typed) <= COMMAND_CHARS else typed[:COMMAND_CHARS - 3] + "..."


def holder_record(command: str) -> bytes:
    """The lock's text for this process holding the store for ``command`` (already :func:`typed_command`), now: the
    pid line padded with spaces to :data:`PID_LINE` characters, the command, the start."""
    since = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    return f"{os.getpid():<{PID_LINE}}\n{command}\n{since}\n".encode("utf-8", "replace")


def read_holder(lock: Path) -> Holder | None:
    """What ``lock`` says of its holder (:class:`Holder`); None when it names no pid (empty, unreadable, not ours)."""
    try:
        lines = lock.read_bytes()[:4096].decode("utf-8", "replace").splitlines()
    except OSError:
        return None
    if not lines or not lines[0].strip().isdigit():
        return None
    pid, command, since = lines[0].strip(), (lines[1] if len(lines) > 1 else ""), None
    with contextlib.suppress(IndexError, ValueError):
        since = datetime.datetime.fromisoformat(lines[2].strip()).astimezone()
    from hatbox.text import escape_unsafe
    return Holder(pid, escape_unsafe(command.strip()), since)


def started_words(since: datetime.datetime) -> str:
    """"started 14:02" (today, local time), "started 2026-05-01 14:02" (another day)."""
    today = datetime.datetime.now().astimezone().date()
    return f"started {since:%H:%M}" if since.date() == today else f"started {since:%Y-%m-%d %H:%M}"


def busy_words(store: Path, holder: Holder | None) -> str:
    """Why a box is refused on ``store``: the box holding it named as typed, with its pid and start, where the lock
    says them; the words of a lock with its pid only (an older hatbox's) otherwise."""
    if holder is None or not holder.command:
        pid = f" (pid {holder.pid})" if holder else ""
        return f"a hatbox device run or hatbox demo{pid} is already using the store folder {store.absolute()}: " \
               "one box per store"
    started = f", {started_words(holder.since)}" if holder.since else ""
    return f"the store folder {store.absolute()} is in use by `{holder.command}` (pid {holder.pid}{started}): " \
           "one box per store"


@contextlib.contextmanager
def one_box(store: Path, hint: str = RUN_HINT, command: str = "hatbox device run") -> Iterator[None]:
    """Hold STORE/box.lock for the block: a second box on the same store (a `hatbox device run`, or `hatbox demo`'s
    box: hatbox/demo_box.py) is refused at once, before it installs a pack or records anything (it would switch the
    first box's active packs under it).  The lock records this box (``command``, "hatbox device run" or "hatbox
    demo", as the user typed it: :func:`typed_command`) and when it started; a refusal names the box holding it
    (:func:`busy_words`); ``hint``: the asker's own way out (the demo has no --store)."""
    from export.atomic import held_exclusively
    lock = store / BOX_LOCK
    if lock.is_dir() or (lock.exists() and not lock.is_file()):   # no lock could be held: two boxes could run
        raise HatboxError(f"{lock} is a folder (or not a file): the box keeps its lock file there, so that two boxes "
                          "never share one store", hint=f"move it out of the store folder {store.absolute()}")
    with held_exclusively(lock, lambda _pid: HatboxError(busy_words(store, read_holder(lock)), hint=hint)):
        _record_holder(lock, typed_command(command))
        yield


def _record_holder(lock: Path, command: str) -> None:
    """Write :func:`holder_record` into ``lock`` (held by this process: its pid line written already, which the
    record starts with and outgrows, so a reader never sees a mix); nothing when it cannot be written (it only makes
    a refusal clearer)."""
    with contextlib.suppress(OSError):
        fd = os.open(lock, os.O_WRONLY)
        try:
            os.pwrite(fd, holder_record(command), 0)
        finally:
            os.close(fd)


@contextlib.contextmanager
def held_store(store: Path, hint: str = RUN_HINT, command: str = "hatbox device run") -> Iterator[BoxLog]:
    """The box's store for the block: made (:func:`store_usable`: first, so that the knob keeper can write
    STORE/knobs.json from the start), held (:func:`one_box` for ``command``, ``hint`` its refusal's way out: a
    refused second box writes no log) and logged into (device/logs.box_logging: STORE/logs/box.log and
    changes.log); yields the log (its ``path`` None while the box logs to stderr only)."""
    from device.logs import box_logging
    store_usable(store)
    with one_box(store, hint=hint, command=command), box_logging(store) as box_log:
        yield box_log
