"""The engine of `hatbox demo` (hatbox/cmd_demo.py), its store held and logged as a box's, and what to say when the
demo's box stops too early.

The demo runs its box on one engine process, the file backend paced by the clock, its guitar input cued
(ServerConfig.input_cued, docs/engine.md): silence in while the box is set up (the packs pushed and hot-swapped in,
the library uploaded and tagged, the kit made), however long that takes on a busy machine, and the plucked phrase
(``demo-in.wav``) from its start once the performance begins (:func:`start_phrase`).  Its take, ``demo-out.wav``,
holds the whole run: the set-up with its swaps, then the performance.  (QA of the fifty-seventh stop: at load 7-8 the
set-up took 12-13 s, longer than the 10 s the phrase outlasted the performance by when it played from the engine's
first block, and the box stopped at the end of its input before or during the performance.)

The store is held as `hatbox device run` holds it (STORE/box.lock: one box per store) and the box logs into it as a
real box does (STORE/logs/box.log and changes.log), both from before its engine starts (hatbox/cmd_demo.py, with
hatbox/box_store_lock.held_store as `hatbox device run` has them, :data:`BUSY_HINT` its refusal's way out).
"""
from __future__ import annotations

import contextlib
import logging
import time
from pathlib import Path
from typing import Any, Iterator

from hatbox.errors import HatboxError

log = logging.getLogger("hatbox.demo")
RATE = 48000             # the engine's, and the guitar phrase's (hatbox/cmd_demo.py writes demo-in.wav at it)
BLOCK = 128
INPUT_MARGIN_S = 10.0     # the phrase outlasts the performance by this: the panel's end, the last status
BUSY_HINT = "wait for that box to end, or give --out another folder"    # a store held: the demo's way out
COMMAND = "hatbox demo"   # what the demo's store lock names it (as typed: hatbox/box_store_lock.typed_command)


@contextlib.contextmanager
def laptop_client_quiet() -> Iterator[None]:
    """The laptop's HTTP client (httpx, httpcore) logs each request at INFO; in the demo the laptop's steps run in
    the box's own process, so box.log would hold the laptop's requests, which a box's log never has: they log
    warnings only meanwhile."""
    loggers = [logging.getLogger(name) for name in ("httpx", "httpcore")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels):
            lg.setLevel(level)


def free_store(store: Path) -> None:
    """Refuse, before a file of it is removed, a demo store that a box runs on now (another `hatbox demo` on the
    same --out, or a `hatbox device run --store` on it): HatboxError.  A store not there is free."""
    from hatbox.box_store_lock import one_box
    if not store.is_dir():
        return
    try:
        with one_box(store, hint=BUSY_HINT, command=COMMAND):
            pass
    except HatboxError as exc:                 # the refusal names the store and what holds it (box_store_lock)
        raise HatboxError(f"{exc.args[0]}; nothing was removed", hint=exc.hint) from None


def engine_config(store: Path, input_wav: Path, output_wav: Path) -> Any:
    """The ServerConfig of the demo's engine: the file backend paced by the clock, its input cued (silence until
    :func:`start_phrase`), its take ``output_wav``, knobs kept in ``store``."""
    from device.audio.engine import EngineConfig
    from device.audio.server import ServerConfig
    return ServerConfig(engine=EngineConfig(rate=RATE, block=BLOCK), backend="file", pace=True,
                        input_wav=str(input_wav), input_cued=True, output_wav=str(output_wav), store=str(store))


def start_engine(out: Path, store: Path) -> Any:
    """The demo's engine (the module), started, its start's warnings said; HatboxError when it does not start."""
    from device.audio.server import EngineProcess
    engine = EngineProcess(engine_config(store, out / "demo-in.wav", out / "demo-out.wav")).start()
    log.info("the demo's box: engine started (its input silent until the performance; take %s)",
             out / "demo-out.wav")
    from hatbox.cmd_device import say_start_warnings
    say_start_warnings(engine, log)                    # as `hatbox device run` says them
    return engine


def start_phrase(engine: Any) -> None:
    """The guitar phrase starts into the box now, from its first sample (EngineProcess.start_input); a stand-in
    engine without it (a test's) is left as it is."""
    start = getattr(engine, "start_input", None)
    if callable(start):
        start()
        log.info("the demo's box: the performance begins, the guitar phrase with it")


def take_figures(status: dict[str, Any]) -> dict[str, Any]:
    """Where in the take the performance began (``performance_from_s``: the phrase's cue, None if unknown) and
    where the effect's packs were hot-swapped in during the set-up (``effect_swaps_s``), seconds into the take."""
    started = ((status.get("device") or {}).get("input") or {}).get("started_s")
    block_s = float(status.get("block") or BLOCK) / float(status.get("rate") or RATE)
    return {"performance_from_s": started,
            "effect_swaps_s": [round(b * block_s, 3) for b in status.get("swap_blocks") or []]}


def _where(log_path: Path | None) -> str:
    return f"the box's log: {log_path}" if log_path is not None else "the box kept no log (see the warning above)"


def _died(engine: Any) -> str | None:
    """How the demo's engine ended (hatbox/engine_end.engine_died), without the real box's "the box has stopped"
    (the demo's words say it), or None while it runs or after a clean end."""
    from hatbox.engine_end import engine_died
    died = engine_died(engine)
    return died.removesuffix("; the box has stopped") if died else died


def demo_hint(engine: Any, log_path: Path | None) -> str:
    """What to do once the demo's box stopped: the engine's own hint when it said one, else (a SIGKILL: where to
    look first) run the demo again; then where its log is.  Never the real box's steps (device run, box-logs,
    the power switch): the demo's box is gone once the demo ends."""
    from hatbox.engine_end import OOM_CHECK
    if getattr(engine, "error_hint", None):
        return f"{engine.error_hint}; {_where(log_path)}"
    look = f"{OOM_CHECK}; " if engine.wait(0) == -9 and not engine.error else ""
    return f"{look}run hatbox demo again; {_where(log_path)}"


def ended(engine: Any) -> bool:
    """Whether the demo's engine process has ended (a stand-in engine without ``alive``, a test's, never has)."""
    alive = getattr(engine, "alive", None)
    return callable(alive) and not alive()


def stopped_words(engine: Any, into_s: float, seconds: float, log_path: Path | None) -> HatboxError:
    """Why the demo's box stopped ``into_s`` s into its ``seconds`` s performance, in words: the engine's own error
    when it stopped on one, else its input ran out (the file backend stops the box at the end of its input: the
    phrase the demo wrote, ``seconds`` + :data:`INPUT_MARGIN_S` s long, cued at the performance's start, ran out
    ``into_s`` s after it began)."""
    died = _died(engine)
    if died:
        return HatboxError(f"the demo's box stopped {into_s:.1f} s into its {seconds:g} s performance: {died}",
                           hint=demo_hint(engine, log_path))
    ran = f"its {seconds + INPUT_MARGIN_S:.1f} s guitar input"
    return HatboxError(f"the demo's box stopped {into_s:.1f} s into its {seconds:g} s performance: {ran} ran out "
                       f"(the file backend stops the box at the end of its input, {INPUT_MARGIN_S:g} s longer than "
                       "the performance): the performance ran late (a very busy machine)",
                       hint=f"run hatbox demo again, when the machine is less busy; {_where(log_path)}")


def setup_stopped_words(exc: HatboxError, engine: Any, log_path: Path | None) -> HatboxError:
    """A set-up step failed with the demo's box stopped under it: why the engine stopped, in words, instead of the
    step's "the audio engine is not running" alone; ``exc`` itself when the engine still runs."""
    if not ended(engine):
        return exc
    time.sleep(0.1)                                     # its last words on their way
    died = _died(engine) or "the audio engine ended without saying why"
    return HatboxError(f"{exc.args[0] if exc.args else exc}; the demo's box had stopped: {died}",
                       hint=demo_hint(engine, log_path))
