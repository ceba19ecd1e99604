"""Which folder to name when the system refuses a file: the first folder on the file's way (links resolved) that this
user may not enter (no x bit for them), whose "chmod -R u+rX" lets the file be reached; the file itself when every
folder on its way may be entered (p56 R1 review: the hint named the file's own folder, or the folder of a link, and
that chmod failed in its turn).  Torch-free and numpy-free: device.audio.audiofile, device.library.tag and the
trainers use it.  (device.service_unit.closed_folder asks the same of another user, the service's, by the folders'
mode bits: this one asks the system for this process, links followed.)"""
from __future__ import annotations

import os
from pathlib import Path

from hatbox.file_access import access_hint


def closed_folder(path: str | Path) -> Path | None:
    """The first folder, from the root down, on the way to ``path`` with its links resolved (the folders of the file
    a link points at, not of the link), that may not be entered: looking at (stat) what lies in it is refused.  None
    when every folder on the way may be entered, or the way is broken otherwise (nothing there)."""
    real = Path(os.path.realpath(path))      # as far as it resolves: a link inside a closed folder cannot be read
    way = [*reversed(real.parents), real]
    for folder, inside in zip(way, way[1:]):
        try:
            inside.stat()
        except PermissionError:
            return folder
        except OSError:
            return None
    return None


def refusal_hint(path: str | Path) -> str:
    """What to do when the system refused to read the file ``path``: the closed folder's "chmod -R u+rX" where one
    on its way may not be entered (:func:`closed_folder`), else the file's own "chmod u+r"."""
    folder = closed_folder(path)
    return access_hint(folder, folder=True) if folder is not None else access_hint(path)


def folder_hint(path: str | Path) -> str:
    """The "chmod -R u+rX" for a ``path`` whose way the system refused: of the first closed folder on it
    (:func:`closed_folder`), else of the folder ``path`` is in (none found closed now: opened since, perhaps)."""
    return access_hint(closed_folder(path) or Path(path).parent, folder=True)


def way_hint(path: str | Path, exc: OSError) -> str | None:
    """What to do when looking at ``path`` (is_file, is_dir) failed with ``exc``: :func:`folder_hint` for a refusal
    (PermissionError); None for another OSError (a failing drive's EIO, a name too long), whose own words say it and
    which no chmod mends (p56 FR3; read RD3 6: the trainers said chmod -R for a failing drive)."""
    return folder_hint(path) if isinstance(exc, PermissionError) else None
