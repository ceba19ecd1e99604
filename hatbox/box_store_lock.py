"""The store `hatbox device run` is given: made when missing, refused in one line when it cannot be, and held by one
box at a time (STORE/box.lock); :func:`held_store` does all three and logs into it, for `hatbox device run` and for
`hatbox demo`'s box alike.  Split from hatbox/cmd_device.py."""
from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING, ContextManager, Iterator

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


def one_box(store: Path, hint: str = RUN_HINT) -> ContextManager[None]:
    """Hold STORE/box.lock for the run: a second box on the same store (a `hatbox device run`, or `hatbox demo`'s
    box: hatbox/demo_box.py) is refused at once, before it installs a pack or records anything (it would switch the
    first box's active packs under it).  The lock keeps only its holder's pid, so the refusal names both kinds of
    box; ``hint``: the asker's own way out (the demo has no --store)."""
    from export.atomic import held_exclusively

    def busy(pid: str) -> HatboxError:
        return HatboxError(f"a hatbox device run or hatbox demo{pid} is already using the store folder "
                           f"{store.absolute()}: one box per store", hint=hint)
    lock = store / BOX_LOCK
    if lock.is_dir() or (lock.exists() and not lock.is_file()):   # no lock could be held: two boxes could run
        raise HatboxError(f"{lock} is a folder (or not a file): the box keeps its lock file there, so that two boxes "
                          "never share one store", hint=f"move it out of the store folder {store.absolute()}")
    return held_exclusively(lock, busy)


@contextlib.contextmanager
def held_store(store: Path, hint: str = RUN_HINT) -> Iterator[BoxLog]:
    """The box's store for the block: made (:func:`store_usable`: first, so that the knob keeper can write
    STORE/knobs.json from the start), held (:func:`one_box`, ``hint`` its refusal's way out: a refused second box
    writes no log) and logged into (device/logs.box_logging: STORE/logs/box.log and changes.log); yields the log (its
    ``path`` None while the box logs to stderr only)."""
    from device.logs import box_logging
    store_usable(store)
    with one_box(store, hint=hint), box_logging(store) as box_log:
        yield box_log
