"""The engine processes of `hatbox demo` (hatbox/cmd_demo.py), and what to say when one stops too early.

The demo runs its box in two engine processes, one after the other, both on the file backend paced by the clock:

* the set-up engine: no input file (the file backend's input is then endless silence) and no take; the packs are
  pushed, the library uploaded and tagged and the kit made on it, however long that takes on a busy machine (QA of
  the fifty-seventh stop: at load 7-8 the set-up took 12-13 s, longer than the 10 s the one engine's input outlasted
  the performance by, and the box stopped at the end of its input before or during the performance);
* the performance engine, started once the set-up is done, as ``hatbox device run --store STORE`` starts a box: the
  store's active packs loaded at its start, the knobs the set-up engine left in the store, the kit handed to its
  sampler again.  Its input is the plucked phrase (``demo-in.wav``) and its take ``demo-out.wav``: the phrase plays
  through the effect from the performance engine's first block, so the whole performance hears it.

Both log into the demo's store as a real box does (STORE/logs/box.log and changes.log: cmd_demo sets the logging up).
"""
from __future__ import annotations

import contextlib
import logging
import time
from pathlib import Path
from typing import Any, Iterator

from hatbox.errors import HatboxError

log = logging.getLogger("hatbox.demo")
RATE = 48000
BLOCK = 128
INPUT_MARGIN_S = 10.0     # the phrase outlasts the performance by this: the kit handed over, the panel started


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


def engine_config(store: Path, input_wav: Path | None = None, output_wav: Path | None = None,
                  packs: dict[str, str] | None = None) -> Any:
    """The ServerConfig of one of the demo's engines: the file backend paced by the clock, knobs kept in ``store``;
    no ``input_wav``: endless silence in (the set-up engine never stops by itself)."""
    from device.audio.engine import EngineConfig
    from device.audio.server import ServerConfig
    return ServerConfig(engine=EngineConfig(rate=RATE, block=BLOCK), backend="file", pace=True,
                        input_wav=None if input_wav is None else str(input_wav),
                        output_wav=None if output_wav is None else str(output_wav),
                        packs=dict(packs or {}), store=str(store))


def start_setup_engine(store: Path) -> Any:
    """The set-up engine (see the module), started; HatboxError when it does not start."""
    from device.audio.server import EngineProcess
    engine = EngineProcess(engine_config(store)).start()
    log.info("the demo's box: set-up engine started (no input: silence; no take)")
    return engine


def to_performance(out: Path, store: Path, engine: Any, control: Any, api: Any) -> tuple[Any, float]:
    """Stop the set-up ``engine`` and start the performance engine in its place (the module): ``control`` (the
    BoxControl the API and the panel share) sends to the new one, whose sampler is given the kit again
    (``api.kit``: the API's BoxKit).  Returns (the new engine, the time.monotonic() it started playing its input at).
    A stand-in engine without a ``cfg`` (a test's) is returned as it is."""
    if getattr(engine, "cfg", None) is None:
        return engine, time.monotonic()
    from device.audio.server import EngineProcess
    from device.given_packs import engine_packs
    engine.stop()                                   # its knobs are kept in the store for the next one
    packs, lines = engine_packs(store)
    for line in lines:
        print(line, flush=True)
    cfg = engine_config(store, out / "demo-in.wav", out / "demo-out.wav", packs)
    fresh = EngineProcess(cfg).start()
    playing_from = time.monotonic()
    try:
        control.engine = fresh
        for slot, path in packs.items():
            control._learn_ranges(slot, path)
        log.info("the demo's box: performance engine started (input %s, take %s, packs %s)", cfg.input_wav,
                 cfg.output_wav, ", ".join(f"{slot} {Path(p).name}" for slot, p in packs.items()) or "none")
        box = getattr(getattr(api, "kit", None), "box", None)
        if box is not None:
            for problem in box.kit.apply(box):      # said in the log too
                print(f"warning: {problem}", flush=True)
    except BaseException:
        fresh.stop()
        raise
    return fresh, playing_from


def input_seconds(path: Path) -> float | None:
    """The length of the input file at ``path`` in seconds (None when it cannot be read)."""
    from device.audio import audiofile
    try:
        return audiofile.file_seconds(path)
    except HatboxError:
        return None


def stopped_words(engine: Any, into_s: float, seconds: float, playing_s: float, input_s: float | None,
                  log_path: Path | None) -> HatboxError:
    """Why the demo's box stopped ``into_s`` s into its ``seconds`` s performance, in words: the engine's own error
    when it stopped on one (hatbox/engine_end.py), else its input ran out (the file backend stops the box at the end
    of its input: ``playing_s`` s after the performance engine started, the input being ``input_s`` s long)."""
    from hatbox.engine_end import died_hint, engine_died
    died = engine_died(engine)
    where = f"the box's log: {log_path}" if log_path is not None else "the box kept no log (see the warning above)"
    if died:
        return HatboxError(f"the demo's box stopped {into_s:.1f} s into its {seconds:g} s performance: {died}",
                           hint=f"{died_hint(engine)}; {where}")
    ran = f"its {input_s:.1f} s guitar input" if input_s is not None else "its guitar input"
    return HatboxError(f"the demo's box stopped {into_s:.1f} s into its {seconds:g} s performance: {ran} ran out "
                       f"{playing_s:.1f} s after the box started playing it (the file backend stops the box at the "
                       "end of its input); getting the box ready for the performance took longer than the "
                       f"{INPUT_MARGIN_S:g} s the input is longer than the performance (a very busy machine)",
                       hint=f"run hatbox demo again, when the machine is less busy; {where}")


def setup_stopped_words(exc: HatboxError, engine: Any, log_path: Path | None) -> HatboxError:
    """A set-up step failed with the demo's box stopped under it: why the engine stopped, in words, instead of the
    step's "the audio engine is not running" alone; ``exc`` itself when the engine still runs."""
    from hatbox.engine_end import died_hint, engine_died
    alive = getattr(engine, "alive", None)
    if not callable(alive) or alive():
        return exc
    time.sleep(0.1)                                     # its last words on their way
    died = engine_died(engine) or "the audio engine ended without saying why"
    where = f"the box's log: {log_path}" if log_path is not None else "the box kept no log (see the warning above)"
    return HatboxError(f"{exc.args[0] if exc.args else exc}; the demo's box had stopped: {died}",
                       hint=f"{died_hint(engine)}; {where}")
