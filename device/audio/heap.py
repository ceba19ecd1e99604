"""The engine process's C heap (glibc malloc): a fixed mmap threshold, so the memory of a pack unit let go of goes back.

Why (forty-fifth stop, soak QA): the engine's resident set grew 0.8-1 MiB with every new pack version activated and
never came back, while the unit cache (device/audio/unit_cache.py) kept at most 4 units per slot.  Measured in one
process (docs/p45-engine-memory.md): 40 new versions of the factory drive prepared and dropped through the loader,
memory locked as the engine locks it, grew 316 -> 334 MiB; with the threshold fixed, 316 -> 324 MiB, flat from the
8th version on (the synth: 316 -> 338, fixed 315 -> 324); nothing on the Python side grew.  The real engine process
(bench/engine_rss_versions.py): 0.55 / 0.60 MiB per new drive / synth version before, 0.009 / 0.033 fixed.

glibc serves a block of at least ``M_MMAP_THRESHOLD`` bytes (128 KiB at start) with its own ``mmap`` and gives it
back with ``munmap`` at ``free``.  But by default that threshold is dynamic: the first time such a block is freed,
the threshold rises to its size (up to 32 MiB), and from then on onnxruntime's buffers of a session (its arena's
chunks, the parsed model, prepacked weights, the planned memory pattern) come from the heap.  Freed, they leave
holes the next session's differently sized buffers only partly reuse, so the heap creeps up.  And the engine
process locks its memory (``mlockall``, device/audio/realtime.py): ``madvise(MADV_DONTNEED)``, which ``free`` and
``malloc_trim`` use to give a hole's pages back, is refused on locked pages, so what the heap touched once stays
resident for good (``malloc_trim`` measured: no effect with the memory locked).  ``munmap`` is not refused.

:func:`pin_mmap_threshold` sets the threshold once, at its usual start value, which turns the dynamic rise off
(``mallopt(3)``): big buffers are always mapped and unmapped, small ones stay on the heap as before.  Called as
the engine process starts (device/audio/engine_child.py), before any pack loads.  ``HATBOX_HEAP_PIN=0`` leaves the
allocator as glibc sets it (the behaviour before; bench/engine_rss_versions.py's peer).  Not glibc (musl): nothing.
"""
from __future__ import annotations

import os
from typing import Any

from device.audio.realtime import c_library

M_MMAP_THRESHOLD = -3        # mallopt(3)'s parameter number (glibc's malloc.h)
MMAP_THRESHOLD = 128 << 10   # glibc's own start value: blocks this big or bigger are mapped on their own
PIN_ENV = "HATBOX_HEAP_PIN"  # "0": leave glibc's dynamic threshold (the engine before the forty-fifth stop)


def glibc() -> Any | None:
    """The C library, when it has ``mallopt`` (glibc); None otherwise."""
    try:
        libc = c_library()
    except OSError:
        return None
    return libc if hasattr(libc, "mallopt") else None


def pin_wanted(environ: Any = os.environ) -> bool:
    """Whether :func:`pin_mmap_threshold` should act: always, unless ``HATBOX_HEAP_PIN`` is "0"."""
    return str(environ.get(PIN_ENV, "1")).strip() != "0"


def pin_mmap_threshold(libc: Any | None = None, threshold: int = MMAP_THRESHOLD, environ: Any = os.environ) -> bool:
    """Fix glibc's mmap threshold at ``threshold`` bytes (module docstring); whether it was set.  ``libc``: the C
    library (tests give a stand-in; None: :func:`glibc`)."""
    if not pin_wanted(environ):
        return False
    libc = libc if libc is not None else glibc()
    if libc is None:
        return False
    return bool(libc.mallopt(M_MMAP_THRESHOLD, int(threshold)))

