"""File names under a locale that is not UTF-8: `hatbox` runs in Python's UTF-8 mode (forty-seventh stop).

File names on Linux are bytes, and nearly always UTF-8 ones.  Python decodes them with the locale's encoding:
under a Latin-1 locale (``LC_ALL=en_US.ISO-8859-1``) "caisse claire é.wav" (UTF-8 bytes on disk) was read as
"caisse claire Ã©.wav" and sent, tagged and stored so; under ``LC_ALL=C PYTHONUTF8=0`` (ASCII) every non-ASCII name
was "not valid UTF-8".  So the ``hatbox`` entry point, started under such a locale, starts itself again (the same
process: ``exec``) in UTF-8 mode (``PYTHONUTF8=1``): names are read as the UTF-8 they are, and a name that truly is
not UTF-8 (a Latin-1 byte ``caf\\xe9.wav``) keeps its bytes (surrogate escapes), as under a UTF-8 locale, and is
said as ``caf\\xe9.wav`` (hatbox.text.display_name).  What it prints keeps the terminal's encoding
(``PYTHONIOENCODING``, unless set already), and a word typed on the command line in the locale's encoding (a tag
"Trommelsätze" typed on a Latin-1 terminal) is read in it: :func:`words_as_typed`.
"""
from __future__ import annotations

import codecs
import os
import sys
from pathlib import Path
from typing import Sequence

ENTRY_NAMES = ("hatbox", "__main__.py")   # sys.argv[0] of the console script and of `python -m hatbox`
TYPED_IN = "HATBOX_LOCALE_ENCODING"       # the locale's encoding, handed to the process started again


def names_are_utf8() -> bool:
    """Whether this Python reads file names as UTF-8 (a UTF-8 locale, UTF-8 mode, or not POSIX: Windows' are)."""
    return os.name != "posix" or bool(sys.flags.utf8_mode) or \
        codecs.lookup(sys.getfilesystemencoding()).name == "utf-8"


def restart_command() -> list[str]:
    """The command line that starts this process again in UTF-8 mode: the interpreter, then what it was given
    (``sys.orig_argv``: the console script's path, or ``-m hatbox``, and the arguments, as their bytes)."""
    return [sys.executable, *sys.orig_argv[1:]]


def restart_env(environ: dict[str, str], fs_encoding: str, stdout: object) -> dict[str, str]:
    """The environment of the process started again: UTF-8 mode on, the locale's encoding for
    :func:`words_as_typed`, and ``stdout``'s encoding and error handler kept for the standard streams (a Latin-1
    terminal shows Latin-1)."""
    env = dict(environ, PYTHONUTF8="1", **{TYPED_IN: fs_encoding})
    encoding = getattr(stdout, "encoding", None)
    if encoding and "PYTHONIOENCODING" not in environ:
        env["PYTHONIOENCODING"] = f"{encoding}:{getattr(stdout, 'errors', None) or 'strict'}"
    return env


def restart_in_utf8_mode() -> None:
    """Start ``hatbox`` again in UTF-8 mode when it reads file names in another encoding (see the module); returns
    only when it needs not (or when it cannot: said on stderr, and it goes on as it is).  Only the entry point
    (``sys.argv[0]`` is the ``hatbox`` script or ``python -m hatbox``): never a test runner calling main()."""
    if names_are_utf8() or not sys.executable or Path(sys.argv[0]).name not in ENTRY_NAMES \
            or os.environ.get("PYTHONUTF8") == "1":     # asked for already: never a loop
        return
    env = restart_env(dict(os.environ), sys.getfilesystemencoding(), sys.stdout)
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
        os.execve(sys.executable, restart_command(), env)
    except OSError as exc:
        print(f"hatbox: warning: could not start again in Python's UTF-8 mode ({exc.strerror or exc}): file names "
              f"that are not ASCII are read as {sys.getfilesystemencoding()}, which may garble them; set "
              "PYTHONUTF8=1 or a UTF-8 locale", file=sys.stderr)


def words_as_typed(argv: Sequence[str], encoding: str) -> list[str]:
    """``argv`` (UTF-8 mode's reading) with each argument that is not valid UTF-8 read in the locale's ``encoding``
    (a word typed on a Latin-1 terminal), but for one that names an existing file or folder as it is (its bytes,
    a file name that is not UTF-8), or an ``--option=VALUE`` whose value does; nor one whose folder part holds such
    bytes and exists as given (a new file in a folder named in Latin-1: ``--export-fixes Trommels\\xe4tze/f.csv``,
    p47 review), whose name read in ``encoding`` would point at a folder that does not exist."""
    return [_as_typed(arg, encoding) for arg in argv]


def _as_typed(arg: str, encoding: str) -> str:
    """One argument of :func:`words_as_typed`."""
    if not any(0xDC80 <= ord(c) <= 0xDCFF for c in arg):
        return arg
    value = arg.split("=", 1)[1] if arg.startswith("--") and "=" in arg else arg
    if os.path.lexists(value) or _folder_as_given(value):
        return arg
    try:
        return arg.encode("utf-8", "surrogateescape").decode(encoding)
    except (UnicodeError, LookupError):
        return arg


def _folder_as_given(value: str) -> bool:
    """Whether ``value``'s folder part holds bytes that are not UTF-8 (surrogate escapes) and exists as it is."""
    folder = os.path.dirname(value)
    return any(0xDC80 <= ord(c) <= 0xDCFF for c in folder) and os.path.isdir(folder)


def take_typed_words() -> None:
    """In the process started again (:func:`restart_in_utf8_mode`): read ``sys.argv``'s words in the locale's
    encoding (:func:`words_as_typed`); the hand-over variable is dropped, so that no process it starts reads it."""
    encoding = os.environ.pop(TYPED_IN, None)
    if encoding:
        sys.argv[1:] = words_as_typed(sys.argv[1:], encoding)
