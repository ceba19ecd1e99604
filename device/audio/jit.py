"""Compiled kernels for the audio thread: numba, imported and compiled on first use, never at import.

``@kernel`` marks a plain-Python loop function; calling it runs the numba-compiled version (nogil,
no object mode), compiled once per argument types and kept in numba's on-disk cache (beside the
module, like .pyc files; ``NUMBA_CACHE_DIR`` moves it), so a later process loads it in well under
a second instead of compiling for several.  The engine process compiles every kernel with the
dtypes the sources use before its audio clock starts (device.audio.synth.compile_kernels), so a
pack loaded later never makes the audio thread wait for the compiler; :func:`signature_counts`
lets a test check that nothing compiles afterwards.
"""
from __future__ import annotations

from functools import wraps
from typing import Any, Callable, TypeVar

from hatbox.errors import HatboxError

F = TypeVar("F", bound=Callable[..., Any])
_compiled: dict[str, Any] = {}


def _dispatcher(fn: Callable[..., Any], key: str) -> Any:
    """The numba dispatcher of ``fn``, made (and registered under ``key``) at its first call."""
    try:
        import numba
    except ImportError as exc:
        raise HatboxError(f"the synth's kernels need numba, which this Python lacks ({exc})",
                          hint="pip install 'numba>=0.59' (hatbox's own install brings it)") from None
    try:
        d = numba.njit(nogil=True, cache=True)(fn)
    except RuntimeError:        # no writable cache location at all: compile in every process instead
        d = numba.njit(nogil=True, cache=False)(fn)
    _compiled[key] = d
    return d


def kernel(fn: F) -> F:
    """Decorator: ``fn`` runs numba-compiled (compiled, or loaded from the cache, at its first call)."""
    key = f"{fn.__module__}.{fn.__qualname__}"

    @wraps(fn)
    def call(*args: Any) -> Any:
        d = _compiled.get(key)
        return (d if d is not None else _dispatcher(fn, key))(*args)
    call.py_func = fn  # type: ignore[attr-defined]   # the plain-Python loop, for reading
    return call  # type: ignore[return-value]


def signature_counts() -> dict[str, int]:
    """Kernel name -> how many argument-type signatures have been compiled in this process."""
    return {k: len(d.signatures) for k, d in _compiled.items()}
