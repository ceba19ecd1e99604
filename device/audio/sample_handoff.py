"""Decoded sampler audio handed from the process that decoded it to the engine process, in shared memory.

The API process decodes a file (device/audio/sample_decode.py) and :func:`share` writes its arrays into an anonymous
memory file (``memfd_create``); the file's descriptor crosses the pipe to the engine process (SCM_RIGHTS,
``multiprocessing.reduction.send_handle``), and there :func:`take` maps it read-only, copies the arrays out (numpy's
copy of a contiguous float32 array runs without the interpreter lock, and faults the new pages in there, not on the
audio thread) and unmaps it at once: kept mapped, each file held by the sampler kept a descriptor open (Python's
mmap keeps its own copy of the descriptor until it is unmapped), and a library's worth of auditions would run the
engine out of them.  The engine process computes nothing on the file: its audio thread never waits on a decode.
Nothing is named, so a process that dies leaves nothing behind.

Where the OS has no ``memfd_create``, or no file can be made (device/memory_file.py), the arrays travel in the
message itself (pickled: one copy in the engine).
"""
from __future__ import annotations

import mmap
import os
from typing import Any

import numpy as np

from device import memory_file
from device.audio.sample_decode import Decoded
from hatbox.errors import HatboxError

FLOAT_BYTES = 4


def share(got: Decoded) -> tuple[int | None, dict[str, Any]]:
    """``got`` -> (a new descriptor of a memory file holding its data [then its cycle], float32; the caller closes it
    once it is sent; None where the system has no such files or cannot make one now: the arrays are then in
    ``meta["inline"]``, meta): ``meta`` carries ``n``, ``fade``, ``rate`` and the arrays' lengths (``data``;
    ``cycle``, None when it has none)."""
    arrays = [np.ascontiguousarray(got.data, np.float32)]
    if got.cycle is not None:
        arrays.append(np.ascontiguousarray(got.cycle, np.float32))
    meta: dict[str, Any] = {"n": int(got.n), "fade": int(got.fade), "rate": int(got.rate),
                            "data": int(arrays[0].shape[0]),
                            "cycle": None if got.cycle is None else int(arrays[1].shape[0])}
    fd = memory_file.new("hatbox-sample")
    if fd is None:
        meta["inline"] = arrays
        return None, meta
    try:
        for a in arrays:
            memory_file.write_all(fd, a)
    except BaseException:
        os.close(fd)
        raise
    return fd, meta


def take(meta: dict[str, Any], fd: int | None) -> Decoded:
    """The engine's side: the :class:`Decoded` that ``meta`` and ``fd`` (from :func:`share`) describe, its arrays
    copied out of the shared memory; ``fd`` is closed here whatever happens.  Raises HatboxError when the
    memory holds less than ``meta`` says."""
    sizes = [int(meta["data"])] + ([int(meta["cycle"])] if meta.get("cycle") is not None else [])
    if fd is None:
        arrays = [np.asarray(a, np.float32) for a in meta["inline"]]
    else:
        arrays = _mapped(fd, sizes)
    if [a.shape[0] for a in arrays] != sizes:
        raise HatboxError("the decoded sample handed to the engine is not the size it was said to be")
    return Decoded(arrays[0], int(meta["n"]), int(meta["fade"]), int(meta["rate"]),
                   arrays[1] if len(arrays) > 1 else None)


def _mapped(fd: int, sizes: list[int]) -> list[np.ndarray]:
    """Copies of the arrays of ``sizes`` float32 one after another in the memory file ``fd`` (closed here)."""
    total = FLOAT_BYTES * sum(sizes)
    try:
        if os.fstat(fd).st_size < total:
            raise HatboxError("the decoded sample handed to the engine is shorter than it was said to be")
        if total == 0:
            return [np.zeros(0, np.float32) for _ in sizes]
        memory = mmap.mmap(fd, total, flags=mmap.MAP_SHARED, prot=mmap.PROT_READ)
    finally:
        os.close(fd)
    out, offset = [], 0
    with memory:
        for size in sizes:
            out.append(np.frombuffer(memory, np.float32, count=size, offset=offset).copy())
            offset += FLOAT_BYTES * size
    return out
