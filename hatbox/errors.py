"""The one exception type users see.

Every part of hatbox (trainer, export, device, hardware) raises :class:`HatboxError`
(or a subclass) for anything the user can fix: a corrupt WAV, a wrong sample rate,
a malformed pack, an unknown knob.  The CLI prints its message and exits non-zero,
never a traceback.  This module is dependency-free so the box can import it without torch.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path


class HatboxError(Exception):
    """A problem the user can act on; ``str(err)`` is the whole message."""

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint

    def __str__(self) -> str:
        base = super().__str__()
        return f"{base}\n  hint: {self.hint}" if self.hint else base

    @property
    def message(self) -> str:
        """The message alone, without its hint (``str(err)`` adds the hint): for a message built around it, or an
        answer that carries the hint apart (the API's ``hint``)."""
        return Exception.__str__(self)


def first_line(exc: BaseException) -> str:
    """The first line of what ``exc`` says (its type's name when it says nothing): one line for a status, a
    screen or a message built around it."""
    lines = str(exc).strip().splitlines()
    return lines[0].strip() if lines else type(exc).__name__


class AudioFileError(HatboxError):
    """An audio file is missing, unreadable, or not what was expected; ``refused``: the system would not open it
    (permission denied: its hint says what to do), not something wrong with what it holds."""

    def __init__(self, message: str, *, hint: str | None = None, refused: bool = False) -> None:
        super().__init__(message, hint=hint)
        self.refused = refused


class PackError(HatboxError):
    """A .hatpack is malformed, tampered with, or does not fit this engine."""

    def __init__(self, message: str, *, check: str = "pack", hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.check = check


class Interrupted(HatboxError):
    """Ctrl-C (or SIGTERM) part-way through a command: the CLI prints its one line, what became of the work, and exits
    128 + the signal (130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP: hatbox.cli.stopped_code)."""

    exit_code = 130


class NotOnBox(HatboxError):
    """The box holds no pack or library that the name or id given names (a deletion lately may be said with it)."""


class KnobError(HatboxError):
    """An unknown knob name or a value outside the knob's range."""


class DataError(HatboxError):
    """Training data fails a check (length, sample rate, clipping, silence...)."""


class Terminated(KeyboardInterrupt):
    """SIGTERM (a closed terminal, ``kill``, a service manager) met as Ctrl-C is: the same clean-up, but said as what
    it was (hatbox/cli.py raises it from its SIGTERM and SIGHUP handler while a command runs; ``Terminated("SIGHUP")``
    for a closed terminal's hang-up: its first argument names the signal, SIGTERM when none)."""


def exception_chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and every exception it was raised from or while handling (``__cause__``, ``__context__``), each once."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        todo += [e.__cause__, e.__context__]


def stopped_by(exc: BaseException) -> str:
    """What stopped a command, for the one line that says what became of its work: "Ctrl-C", or "SIGTERM" when
    ``exc`` is (or was raised while handling, or from) a :class:`Terminated`."""
    for e in exception_chain(exc):
        if isinstance(e, Terminated):
            return str(e.args[0]) if e.args else "SIGTERM"
    return "Ctrl-C"


def file_state(path: str | Path) -> tuple[int, int, int] | None:
    """(inode, size, mtime ns) of ``path``, None when there is no file: tells whether it was written since."""
    try:
        st = Path(path).stat()
    except OSError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns


def stopped_words(said: str, out: str | Path, before: tuple[int, int, int] | None, *,
                  nothing: str = "nothing written", written: str = "") -> str:
    """The one rule for what a command stopped (``said``: "render stopped (Ctrl-C)", "interrupted") made of the file
    ``out`` (whose :func:`file_state` was ``before``): "SAID: NOTHING; out.wav is as it was" (the clause only when
    a file was there before and is unchanged), or "SAID after out.wav was written" and ``written`` ("": the new pack
    stays") when it was written since.  Render, play and the three trainers say it alike (p54 final read)."""
    now = file_state(out)
    if now is not None and now != before:
        return f"{said} after {out} was written{written}"
    kept = f"; {out} is as it was" if before is not None and now == before else ""
    return f"{said}: {nothing}{kept}"


def stopped_writing(exc: BaseException, what: str, out: str | Path,
                    before: tuple[int, int, int] | None) -> Interrupted:
    """The one line for ``what`` ("render", "play") stopped by ``exc`` (Ctrl-C, SIGTERM) before it wrote ``out``
    (whose :func:`file_state` was ``before``): nothing written and the file there as it was, or written after all
    (QA: "hatbox: interrupted" alone left the musician to guess; the output is written atomically, so there is no
    half file either way): :func:`stopped_words`."""
    return Interrupted(stopped_words(f"{what} stopped ({stopped_by(exc)})", out, before))
