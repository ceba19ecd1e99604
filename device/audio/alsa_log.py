"""libasound's own error lines ("ALSA lib confmisc.c:855:(parse_card) cannot find card '0'" ...) sent to the log at
debug level while a device opens (:func:`alsa_errors_logged`), through libasound's documented
``snd_lib_error_set_handler`` and a ctypes callback; hatbox's own one line then says what is wrong."""
from __future__ import annotations

import contextlib
import ctypes
import functools
import logging
import threading
from typing import Any, Iterator

from hatbox.errors import first_line

ALSA_LOG = logging.getLogger("hatbox.engine.alsa")     # libasound's own error lines, at debug level
_HANDLER_LOCK = threading.RLock()                      # libasound's error handler is one per process


@functools.lru_cache(maxsize=1)
def _libasound() -> Any:
    """libasound.so.2 (the library pyalsaaudio is linked with) through ctypes, or None when it cannot be loaded."""
    try:
        lib = ctypes.CDLL("libasound.so.2")
        lib.snd_lib_error_set_handler.argtypes = [ctypes.c_void_p]
        lib.snd_strerror.argtypes, lib.snd_strerror.restype = [ctypes.c_int], ctypes.c_char_p
    except (OSError, AttributeError):
        return None
    return lib


def _said(text: bytes | None) -> str:
    return (text or b"").decode("utf-8", "replace")


def _log_alsa_error(file: bytes | None, line: int, function: bytes | None, err: int, fmt: bytes | None) -> None:
    """libasound's error handler (``snd_lib_error_handler_t``): the line its default handler would print
    ("ALSA lib pcm.c:2666:(snd_pcm_open_noupdate) Unknown PCM %s"), logged at debug level instead.  The
    handler is variadic in C and ctypes cannot read the arguments after ``fmt``: its ``%s`` are left as
    written.  Never raises (an exception here would be printed on stderr by ctypes)."""
    try:
        why = f": {_said(_libasound().snd_strerror(err))}" if err else ""
        ALSA_LOG.debug("ALSA lib %s:%d:(%s) %s%s", _said(file), line, _said(function), _said(fmt).rstrip(), why)
    except Exception:  # noqa: BLE001 - nothing may leave a C callback
        pass


@functools.lru_cache(maxsize=1)
def _error_handler() -> Any:
    """The ctypes callback for :func:`_log_alsa_error`, made once and kept for the life of the process
    (libasound holds a bare pointer to it)."""
    proto = ctypes.CFUNCTYPE(None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p)
    return proto(_log_alsa_error)


@contextlib.contextmanager
def alsa_errors_logged() -> Iterator[None]:
    """While the block runs, libasound's own error lines ("ALSA lib confmisc.c:855:(parse_card) cannot find
    card '0'" ...; eight of them for a box with no sound card) go to :data:`ALSA_LOG` at debug level instead
    of stderr, where they came before hatbox's one line saying what is wrong.  Uses libasound's documented
    ``snd_lib_error_set_handler``; the handler that was set before is put back after.  Without libasound
    (it cannot be loaded) nothing changes."""
    lib = _libasound()
    if lib is None:
        yield
        return
    with _HANDLER_LOCK:
        try:
            before = ctypes.c_void_p.in_dll(lib, "snd_lib_error").value     # the handler set now (None: default)
        except ValueError:
            before = None
        try:
            handler = _error_handler()
        except (MemoryError, OSError) as exc:   # no write+execute memory for the ctypes closure (hardened kernels)
            ALSA_LOG.debug("libasound's error lines stay on stderr: no ctypes callback (%s)", first_line(exc))
            yield
            return
        lib.snd_lib_error_set_handler(ctypes.cast(handler, ctypes.c_void_p))
        try:
            yield
        finally:
            lib.snd_lib_error_set_handler(before)
