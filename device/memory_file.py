"""Anonymous in-memory files (Linux ``memfd_create``): the one way hatbox makes and fills them.

Three callers: device/audio/runtime.py hands a big model to onnxruntime as ``/proc/self/fd/N`` ("hatbox-model"),
export/pack.py inflates a big pack member into one piece by piece ("hatbox-member"), and
device/audio/sample_handoff.py hands decoded audio to the engine process ("hatbox-sample").  The names show in
``/proc/self/fd`` (``/memfd:NAME``), where tests find a caller's file by them.  ``os.write`` releases the GIL for
the whole system call, however many bytes it is given, so data is written whole, never a window at a time.
"""
from __future__ import annotations

import os
from typing import Any


def new(name: str) -> int | None:
    """A new empty in-memory file called ``name`` (its descriptor, closed on exec; the caller closes it), or None
    where the system has none (not Linux) or cannot make one now (no descriptors or memory left)."""
    if not hasattr(os, "memfd_create"):
        return None
    try:
        return os.memfd_create(name, os.MFD_CLOEXEC)
    except OSError:
        return None


def write_all(fd: int, data: Any) -> None:
    """``data`` (bytes, or any contiguous buffer: a float32 array is written as its bytes) appended whole to the file
    ``fd``: ``os.write`` may write less than it is given, so it is called again for the rest.  OSError as the
    system says it (no room, a file size limit); the caller closes ``fd``."""
    view = memoryview(data).cast("B")
    while view:
        view = view[os.write(fd, view):]
