"""A bug in the engine process, written down: its traceback in a file of its own (:func:`save_traceback`), and the
one line the box says about it (:func:`bug_message`, :class:`EngineBugError`).  device/audio/server.py re-exports
them."""
from __future__ import annotations

import os
import tempfile
import time
import traceback
from pathlib import Path

from hatbox.errors import HatboxError

BUG_EXIT = 1                         # the engine process's exit code when it stopped on an exception not a HatboxError
CRASH_PREFIX = "engine-crash-"       # the file a bug's traceback is written to: CRASH_PREFIX + time + pid .txt


def save_traceback(crash_dir: str | None) -> str:
    """Write the exception being handled, with its traceback, to a new file in ``crash_dir`` (created if
    needed; None or unwritable: the temp folder) and return the file's path ("" when none could be written)."""
    text = traceback.format_exc()
    name = f"{CRASH_PREFIX}{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.txt"
    for folder in ([crash_dir] if crash_dir else []) + [tempfile.gettempdir()]:
        try:
            Path(folder).mkdir(parents=True, exist_ok=True)
            path = Path(folder) / name
            path.write_text(text)
            return str(path.absolute())
        except OSError:
            continue
    return ""


def bug_message(exc: BaseException, where: str) -> str:
    """One line for a bug in the engine: what happened, that it is a bug, where its traceback is."""
    what = (str(exc).splitlines() or [""])[0]
    what = f"{type(exc).__name__}: {what}" if what else type(exc).__name__
    kept = (f"the full traceback is in {where} - please report it with that file" if where
            else "its traceback could not be written to a file - please report it")
    return f"stopped on a bug in hatbox ({what}); {kept}"


class EngineBugError(HatboxError):
    """The engine process stopped on an exception that is not a HatboxError: a bug, not something the
    user did; the message names the file holding its traceback.  Exit code :data:`BUG_EXIT`."""

    exit_code = BUG_EXIT
