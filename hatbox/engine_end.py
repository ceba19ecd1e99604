"""How the audio engine process of `hatbox device run` ended, in words for the terminal and the panel.

``engine`` is a device.audio.server.EngineProcess (or anything with its ``alive``, ``wait``, ``error``,
``error_hint`` and ``bug``).
"""
from __future__ import annotations

import os
from typing import Any


def engine_died(engine: Any) -> str | None:
    """A message when the engine process has ended with a failure (non-zero exit code or a signal)
    without being asked to stop: the error it stopped on (``engine.error``, one line) when it said one,
    else how the process ended; None while it runs or when it finished cleanly (--seconds, --input)."""
    if engine.alive():
        return stuck(engine)
    code = engine.wait(0)
    if code is None or code == 0:
        return None
    if engine.error and getattr(engine, "bug", None) is not None:
        return f"the audio engine {engine.error}"           # "stopped on a bug in hatbox (...); ..."
    if engine.error:
        return f"the audio engine stopped: {engine.error}"
    how = signal_words(-code) if code < 0 else f"failed (exit code {code})"
    return f"the audio engine process {how}; the box has stopped"


def stuck(engine: Any) -> str | None:
    """For an engine process that runs: why it counts as stuck (device.audio.server.EngineProcess.hung; an engine
    without it, a stand-in, never is), with what the box does about it, or None."""
    hung = getattr(engine, "hung", None)
    said = hung() if callable(hung) else None
    return f"{said}: the box stops, so that it can be started afresh" if said else None


def signal_words(number: int) -> str:
    """How a process ended by signal ``number`` ended, in words (QA: "killed by signal 9" said nothing to a
    musician)."""
    said = {9: "was stopped from outside (signal 9, SIGKILL: the system ran out of memory, or someone killed it)",
            11: "crashed (signal 11, SIGSEGV: a fault in native code)",
            6: "crashed (signal 6, SIGABRT: native code gave up)", 15: "was asked to stop (signal 15, SIGTERM)"}
    return said.get(number, f"was stopped by signal {number}")


def next_step() -> str:
    """What happens after the box stopped, for a stop that said no hint of its own: the service that runs it starts
    it again (systemd sets INVOCATION_ID for its services; the unit `hatbox device service` writes restarts on a
    failure), else how to start it (QA: the stop screen said what stopped, not what comes next)."""
    if os.environ.get("INVOCATION_ID"):
        return "the box's service starts it again by itself in a few seconds"
    return "start it again: hatbox device run (or turn the box off and on)"


OOM_CHECK = ("nothing above says why: a SIGKILL comes from outside the box; if the system ran out of memory, its "
             "kernel log says so (journalctl -k | grep -i oom, or dmesg | grep -i oom)")
UNSAID = "the engine said nothing before it ended (box.log has what came before it: hatbox box-logs)"
SERVICE_HINT = "a box installed with hatbox device service --install starts again by itself"


def died_hint(engine: Any) -> str:
    """The hint under :func:`engine_died`'s words on the terminal and in box.log: the engine's own
    (``engine.error_hint``) when it said one; for a process ended by a signal, which says nothing before it ends,
    where to look (SIGKILL: the kernel's out-of-memory killer, p55 stage QA: "the messages above say why" pointed
    at no message), then what comes next (:func:`next_step`, and outside a service, that one starts it again).
    Ask it beside :func:`engine_died`, before the box stops the engine: a stuck one is then terminated or killed by
    the box itself, and that signal is no outsider's (p55 review)."""
    if engine.error_hint:
        return str(engine.error_hint)
    code = engine.wait(0)
    if code is not None and code < 0 and not engine.error:
        look = OOM_CHECK if -code == 9 else UNSAID
    else:
        look = "the messages above say why"
    step = next_step()
    if look == OOM_CHECK and not os.environ.get("INVOCATION_ID"):
        step += f"; {SERVICE_HINT}"
    return f"{look}; {step}"


def died_before_asked(engine: Any) -> str | None:
    """On Ctrl-C or SIGTERM: :func:`engine_died` when the engine process had already ended on its own
    error (a positive exit code: ERROR_EXIT or BUG_EXIT, e.g. while the panel showed its stop screen), so
    the box still exits with that error's code; None while it runs or when the signal ended it too (a
    terminal's Ctrl-C reaches it and it stops cleanly; a service manager's SIGTERM may kill it: a negative
    code, not an error of its own)."""
    code = engine.wait(0)
    if code is None or code <= 0:
        return None
    return engine_died(engine)


def engine_end(engine: Any) -> Any:
    """For the panel (device/ui/app.EngineEnd): None while the engine process runs and answers (stuck, :func:`stuck`
    says why); once it has ended on its own, the error it stopped on in its own words (``engine.error``,
    ``engine.error_hint``), else how the process ended (:func:`engine_died`); an empty error after a clean end
    (--seconds, --input)."""
    from device.ui.app import EngineEnd
    died = stuck(engine) if engine.alive() else None
    if died is None:
        if engine.alive():
            return None
        died = engine_died(engine)        # (asked after alive(): one that ended meanwhile is asked how)
    if not died:
        return EngineEnd()
    return EngineEnd(engine.error or died, engine.error_hint or next_step())
