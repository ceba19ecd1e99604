"""`hatbox device run`: start the box - the engine process plus its front ends.

The engine runs in its own process (device/audio/server.py).  This process holds the control
handle (:class:`BoxControl`) and serves it to the front ends that are available: the API
(device/api), the panel (device/ui/app.run_panel), MIDI (device/midi.py) and OSC (device/osc.py).
The API and the panel share this process: the API shows its pairing codes through the panel's
data (``on_code``), and the panel's "new code" button reaches the API's pairing object directly
(physical presence; no network path offers it).  Only while the panel holds it (``attach_panel``,
undone when the panel does not start or closes) does a pairing pause's hint offer that button.

What the box says is also kept in the store's log (device/logs.py: STORE/logs/box.log, set up once for the run,
the engine process's records included): the lines printed here (but the pairing code and the running status
line), the front ends' warnings and errors, how the run ended.
"""
from __future__ import annotations

import argparse
import logging
import math
import os
import sys
from pathlib import Path
from typing import Any

from hatbox.box_backend import engine_config as _config, pick_backend as _pick_backend
from hatbox.box_control import BoxControl
from hatbox.box_midi_map import describe_midi as _describe_midi, midi_hub
from hatbox.box_signals import shielded, stop_on_sigterm
from hatbox.box_store_lock import held_store
from hatbox.device_run_args import add_arguments
from hatbox.engine_end import died_before_asked, died_hint, engine_died, engine_end
from hatbox.errors import HatboxError, first_line
from hatbox.headless_status import print_until_end

log = logging.getLogger("hatbox.device")
STATUS_WATCH_S = 1.0             # how often the engine status is read for a recording cut short (a full disk)
                                 # and for new warnings of the slots (a sample the sampler cut)


def _say(line: str, err: bool = False, logger: logging.Logger = log) -> None:
    """Print ``line`` (on stderr when ``err``) and keep it in the box's log through ``logger`` (the demo's box:
    hatbox.demo): a warning when it starts with "warning:", else info (the terminal does not show it twice:
    device/logs.py PRINTED)."""
    from device.logs import PRINTED
    print(line, file=sys.stderr if err else sys.stdout, flush=True)
    logger.log(logging.WARNING if line.startswith("warning:") else logging.INFO, "%s", line,
               extra={PRINTED: True})


def register(cli: Any) -> None:
    add_arguments(cli.subcommand("device", "run", "run the box: audio engine, API, panel, MIDI and OSC", run,
                                 group_help="the box itself"))


def run(args: argparse.Namespace) -> int:
    """`hatbox device run`: :func:`_run` with the box's log set up for the run (device/logs.py: STORE/logs/box.log,
    or stderr only with one warning when it cannot be written); how the run ended is logged too."""
    from device.logs import PRINTED
    from hatbox import __version__
    if Path(args.store).exists() and not Path(args.store).is_dir():      # before its log is tried under it
        raise HatboxError(f"--store {args.store} is a file, not a folder", hint="give the box's data folder")
    # TensorRT's engines (a board with it) are kept in the box's store, the engine process inheriting where
    os.environ.setdefault("HATBOX_TRT_CACHE", str(Path(args.store).absolute() / "tensorrt"))
    with held_store(Path(args.store)) as box_log:        # made, held (a refused second box writes no log), logged
        args._box_log = box_log              # its path: None while the box logs to stderr only (said at the stop)
        log.info("hatbox %s device run starting (pid %d, store %s, log %s)", __version__, os.getpid(),
                 Path(args.store).absolute(), box_log.path or "stderr only")
        try:
            code = _run(args)
        except HatboxError as exc:           # the CLI prints it
            ended = "the box stopped" if getattr(args, "_started", False) else "the box did not start"
            log.error("%s: %s", ended, exc, extra={PRINTED: True})
            raise
        except KeyboardInterrupt:
            log.info("the box was interrupted (Ctrl-C or SIGTERM)")
            raise
        except Exception:                     # a bug: the CLI says it in one line, its traceback is kept here
            log.exception("the box stopped on a bug in hatbox", extra={PRINTED: True})
            raise
        short = _short_seconds_note(args)
        if short:
            _say(short, err=True)
        _say(_stopped_line(args, code))     # the terminal's last word too
        return code


def _stopped_line(args: argparse.Namespace, code: int) -> str:
    """The run's last line: "the box stopped" (with a failure's exit code), and why where the box stopped by itself
    at the end of its --input (``args._ran_out``: its length in seconds): p57 QA_D 5, a 10-minute --input ended with
    the words a SIGTERM gets.  (Written here: the demo's "ran out" words are the demo's own, hatbox/demo_box.py.)"""
    said = "the box stopped" + (f" (exit code {code})" if code else "")
    ran = getattr(args, "_ran_out", None)
    if ran is None:
        return said
    from hatbox.text import duration_words
    seconds = getattr(args, "seconds", None)
    longer = seconds is not None and seconds - ran >= (getattr(args, "block", None) or 128) / (
        getattr(args, "rate", None) or 48000)      # (both ends in one block: it ended at --seconds as much)
    before = f", before --seconds {seconds:g}" if longer else ""
    return (f"{said}: its input {Path(args.input).name} ended ({duration_words(ran)} played{before}; the file "
            "backend stops the box at the end of its --input, and without --input it plays silence until stopped)"
            + (f"; {tail_words(args.input)}" if longer else ""))


def tail_words(path: str) -> str:
    """How to record what an effect makes after the input at ``path`` ends (a delay's or reverb's tail): pad it with
    silence (sox), for a --seconds longer than the input (the box stops at the input's end since p59 M2)."""
    import shlex
    src = Path(path)
    padded = src.with_name(f"{src.stem}-tail{src.suffix or '.wav'}")
    return (f"to record a delay's or reverb's tail, pad the input: sox {shlex.quote(path)} {shlex.quote(str(padded))} "
            "pad 0 3")


def _short_seconds_note(args: argparse.Namespace) -> str:
    """A note when --seconds is under one block (the engine runs whole blocks, at least one: device/audio/block_loop.py
    run_loop): `--seconds 0.001` ran none and wrote a 0-frame WAV without a word (p59 Q1 11); "" otherwise."""
    seconds, rate, block = getattr(args, "seconds", None), getattr(args, "rate", None), getattr(args, "block", None)
    if seconds is None or not rate or not block:
        return ""
    from device.audio.block_loop import whole_blocks
    if whole_blocks(seconds, rate, block) >= 1:
        return ""
    return (f"note: --seconds {seconds:g} is under one block of audio ({block} samples, {1000 * block / rate:.1f} ms "
            f"at {rate} Hz): the box ran one block")


def _input_ran_out(args: argparse.Namespace, engine: Any, backend: str) -> float | None:
    """The length (s) of ``args.input`` when the engine, which has ended by itself without an error, stopped at its
    end: the file backend played it (``backend``: ServerConfig.backend; ALSA never plays --input, p57 FR1 1) to its
    end, the run's own result (the recording's ``input_ended_s``: the engine ends at the input's end or at --seconds,
    whichever comes first; p59 M2: a --seconds past the input's end played on, and this said the input ended);
    None otherwise (no --input, a run stopped, --seconds first).  An engine that does not say (a stand-in): the
    input's length when --seconds is longer."""
    if backend != "file" or not args.input or engine.alive() or engine.wait(0) != 0:
        return None
    recording = getattr(engine, "recording", None)
    if isinstance(recording, dict) and "input_ended_s" in recording:
        ended = recording["input_ended_s"]
        return float(ended) if isinstance(ended, (int, float)) else None
    from device.audio.file_length import seconds_or_nan
    length = seconds_or_nan(args.input)
    seconds = getattr(args, "seconds", None)
    return length if not math.isnan(length) and (seconds is None or length < seconds) else None


def _run(args: argparse.Namespace) -> int:
    """Start the box and run it until it ends.  Ctrl-C (or SIGTERM) once it runs stops it cleanly: exit 0,
    or the engine's own error's code when it had stopped on one.  Ctrl-C while it starts (the engine process
    starting, its packs loading, the front ends starting) stops what had started and ends with the CLI's
    one line "hatbox: interrupted", exit 130 (device/audio/server.EngineProcess.start stops the engine); after
    SIGTERM "hatbox: interrupted (SIGTERM)", exit 143 (SIGHUP: 129; hatbox.cli.stopped_code).
    The clean-up at the end is not cut short by one more Ctrl-C or SIGTERM (a second one is, still with
    no traceback): the engine's output file is finished."""
    from device.audio.server import EngineProcess
    from hatbox.dropout_log import DropoutLog
    if getattr(args, "board", None):                     # a board file's mistakes before anything starts
        from hardware.board import load_board
        args._board = load_board(args.board)
    if args.input and args.output:
        from export.atomic import same_path
        if same_path(args.input, args.output):           # the take would be written over the recording it plays
            raise HatboxError(f"--output {args.output} is the --input file: the box would record over the take it "
                              "plays; nothing was started", hint="give the output another name, e.g. --output out.wav")
    _refuse_output_on_pack(args)
    if getattr(args, "sim_gear", None) and not args.sim:
        raise HatboxError("--sim-gear needs --sim: the simulated gear is part of the simulated box", hint="add --sim")
    cfg = _config(args)
    args._api_socket = _api_socket(args)        # first: a box no laptop could reach does not start (nor installs)
    try:
        where = _ready_store(args, cfg)
        args._audio_words = cfg.audio.device if cfg.backend != "file" else "none: the file backend"
        engine = EngineProcess(cfg).start()
    except BaseException:
        _close_api_socket(args)
        raise
    args._started = True                         # box.log: "the box stopped", not "did not start"
    stoppers: list[Any] = []
    watch: Any = None
    dropouts = DropoutLog()                      # the run's dropout count: the watch's, then the stop line's
    restore: Any = lambda: None  # noqa: E731 - until the SIGTERM handler is in place
    died: str | None = None
    hint: str | None = None
    interrupted: KeyboardInterrupt | None = None
    try:
        control = BoxControl(engine)
        for slot, path in cfg.packs.items():
            control._learn_ranges(slot, path)
        _say(f"hatbox engine: {where}, {cfg.audio.rate} Hz, block {cfg.audio.period} x {cfg.audio.periods} "
             f"periods, {latency_words(cfg)}")
        say_start_warnings(engine)
        stoppers = _front_ends(args, control)
        stoppers.append(watch := _watch_status(control, dropouts=dropouts))
        restore = stop_on_sigterm()
        try:
            _wait(args, control, engine)
            died = engine_died(engine)           # asked before stop(): an engine that ended on its own
            args._ran_out = None if died else _input_ran_out(args, engine, cfg.backend)    # its --input ended
        except KeyboardInterrupt:
            died = died_before_asked(engine)     # e.g. SIGTERM while the panel shows the engine's stop screen
        hint = died_hint(engine) if died else None    # before stop(): a stuck engine's kill is the box's own
    except KeyboardInterrupt as exc:              # while the box started: what started is stopped below
        interrupted = exc
    finally:
        with shielded():
            for stop in reversed(stoppers):
                stop()
            engine.stop()
            _close_api_socket(args)
            _hear_last_words(watch, engine)
            _say_dropouts(args, dropouts)
        restore()
    if interrupted is not None:                   # hatbox.cli: "hatbox: interrupted", exit 130 (Ctrl-C);
        raise interrupted                         # "interrupted (SIGTERM)", 143 (or SIGHUP, 129)
    if died and getattr(engine, "bug", None) is not None:
        from device.audio.server import EngineBugError
        raise EngineBugError(died)            # one line (it names the traceback's file), exit code 1
    if died:
        raise HatboxError(died, hint=hint)
    engine.check_recording()                 # a take cut short (a full disk) is an error, not a status line
    return 0


def _refuse_output_on_pack(args: argparse.Namespace) -> None:
    """HatboxError when --output names the --effect or --synth pack given (p59 Q1 1: `--synth mine.hatpack --output
    mine.hatpack` left a 1 s WAV of silence where the pack was), --force or not, as --output on --input is."""
    from export.atomic import same_path
    for slot in ("effect", "synth"):
        pack = getattr(args, slot, None)
        if args.output and pack and same_path(pack, args.output):
            raise HatboxError(f"--output {args.output} is the --{slot} pack: the take would be written over it; "
                              "nothing was started", hint="give the output a name of its own, e.g. --output out.wav")


def latency_words(cfg: Any) -> str:
    """The start line's latency, as the engine's status gives it (device/audio/engine_child.latency_ms): a sound
    card's round trip (period x periods + the declared latency of the pack it plays: AudioConfig.latency_budget), or
    on the file backend the pack's declared latency alone, "no delay" where it is 0, with the card's figure beside it,
    labelled (p58 QA Q1 4: "round trip 8.00 ms" was printed where the take lined up with --input sample for sample;
    R2 review 7: "no delay" was printed for a pack that declares a latency)."""
    model = pack_latency(getattr(cfg, "packs", None) or {})
    budget = cfg.audio.latency_budget(model)
    trip = f"round trip {budget['round_trip_ms']:.2f} ms"
    if getattr(cfg, "backend", "") != "file":
        return trip
    if model == 0:
        return ("no delay on the file backend: the take lines up with its input sample for sample (a sound card at "
                f"these settings: {trip})")
    return (f"a delay of {budget['model_ms']:.2f} ms on the file backend: the take lags its input by the pack's "
            f"declared latency, {model} samples (a sound card at these settings: {trip})")


def pack_latency(packs: dict[str, str]) -> int:
    """The latency (samples) the engine counts for ``packs`` (slot -> pack file): the effect's declared
    ``latency_samples``, the slot the input goes through, as the engine child counts it (p58 RD3: a synth loaded
    after it had the words say "no delay"); 0 for no effect, or one whose manifest cannot be read (the engine
    refuses it, with a warning of its own)."""
    from export.pack import read_manifest
    if not packs.get("effect"):
        return 0
    try:
        return int(read_manifest(packs["effect"]).latency_samples)
    except (HatboxError, OSError):
        return 0


def _ready_store(args: argparse.Namespace, cfg: Any) -> str:
    """Recover the store (said), pick where the audio goes (hatbox.box_backend.pick_backend: returned) and check
    what else the start needs (hatbox.box_start_checks: --input, the take, the sound card), then install the packs
    given (``cfg.packs``) and set ``cfg.packs`` to the store's active ones for the engine.  A start that fails on
    its input or output installs nothing (p58 QA Q1 1: a typo in --input had made --effect the store's active pack)."""
    from device.given_packs import engine_packs, install_given, open_store
    from hatbox.box_start_checks import check_start
    from hatbox.headless_status import cut_work, recovery_words
    signed = getattr(args, "require_signature", False)
    cut = cut_work(Path(args.store))            # what a stop left half done, before the recovery clears it
    store = open_store(args.store)              # recovered once, for both (and for the API's status)
    args._recovery = store.last_recovery
    for line in recovery_words(store.last_recovery, cut):     # on the terminal and in box.log (p45 crash QA)
        _say(line)
    where = _pick_backend(cfg, args.sim, args.store)
    force = getattr(args, "force", False) or not getattr(args, "output", None)   # the store's take: sim_take keeps it
    estimate = not getattr(args, "force", False)          # --force: no free-space estimate, a test write (p59 RD1 3)
    for line in check_start(cfg, force, estimate):         # what the engine would fail on, before the store changes
        _say(line, err=True)                     # what the input's check found: mixed to mono, truncated
    for line in install_given(store, cfg.packs, args.rate, args.block, require_signature=signed):
        _say(line)                               # checked before the box starts
    cfg.packs, held = engine_packs(store, signed)       # the store's active packs: the API skips them
    cfg.store = str(Path(args.store).absolute())         # its knob file keeps the volume with no pack (the sampler)
    for line in held:                                    # a pack made active again, with the start's lines (R2 5)
        _say(line, err=line.startswith("warning:"))
    if args.sim and not args.output and getattr(cfg, "backend", "") == "file":    # the default take, in the store
        from hatbox.sim_take import keep_last_take
        kept = keep_last_take(Path(cfg.output_wav))       # not written over without a word (p56 QA_A 3)
        if kept:
            _say(kept, err=kept.startswith("warning:"))
    return where


def _start_warnings(engine: Any) -> list[str]:
    """The engine's warnings at its start (device.audio.server.EngineProcess.start_warnings: its first word holds
    them, so a run that ended before the box finished starting, a file backend's --seconds 0.001, still says a
    start-up pack it refused).  An engine without them (a stand-in) is asked its status; none when it has already
    ended by itself (how it ended is said after)."""
    if isinstance(getattr(engine, "start_warnings", None), list):
        return list(engine.start_warnings)
    try:
        return list(engine.status().get("warnings", []))
    except HatboxError:
        if engine.alive():
            raise
        return []


def say_start_warnings(engine: Any, logger: logging.Logger = log) -> None:
    """Say the engine's warnings at its start (:func:`_start_warnings`: no real-time priority, a knob file it could
    not read...) on stderr, each kept in the box's log through ``logger`` (the demo's box says them so too)."""
    for warning in _start_warnings(engine):
        _say(f"warning: {warning}", err=True, logger=logger)


def _watch_status(control: Any, every_s: float = STATUS_WATCH_S, dropouts: Any = None) -> Any:
    """hatbox.status_watch.watch_status, saying its lines as the box's (:func:`_say`); returns what stops it.
    ``dropouts``: the run's hatbox.dropout_log.DropoutLog (a line in box.log for each minute that had dropouts)."""
    from hatbox.status_watch import watch_status
    return watch_status(control, _say, every_s, dropouts)


def _hear_last_words(watch: Any, engine: Any) -> None:
    """At the stop, once the engine ended: the watch (:func:`_watch_status`) sees the engine's last words, as one
    status: its faults (one of the run's last second was never said, audio QA) and its dropout count
    (``engine.last_dropouts``, EngineProcess's: the watch read it up to a second before the stop, or not at all after
    an engine that ended by itself, p56 review R4), so the run's DropoutLog counts them; nothing without a watch."""
    seen = getattr(watch, "seen", None)
    faults, dropouts = getattr(engine, "last_faults", None), getattr(engine, "last_dropouts", None)
    note = _limit_note(engine)
    if seen is not None and (faults or dropouts or note):
        seen({"faults": faults if isinstance(faults, list) else [],
              **(dropouts if isinstance(dropouts, dict) else {}), **({"recording": {"note": note}} if note else {})})


def _limit_note(engine: Any) -> str:
    """The recording's length-limit note from the run's own result (``engine.recording``, its last words: the take
    stopped at its limit), which the watch says once, for :func:`_hear_last_words`: read once a second, the watch
    missed it in a run that ended within ~2 s of the limit (p59 Q1 11: 1 of 6 said it); "" without one, or when the
    recording was cut short (its error says what it kept)."""
    recording = getattr(engine, "recording", None)
    if not isinstance(recording, dict) or recording.get("problem"):
        return ""
    note = recording.get("note")
    return note if isinstance(note, str) else ""


def _say_dropouts(args: argparse.Namespace, dropouts: Any) -> None:
    """At the stop, after :func:`_hear_last_words`: the dropouts of the minute it cut short (box.log) and the run's
    total (also on the terminal) of ``dropouts`` (the run's hatbox.dropout_log.DropoutLog), which a restart would
    otherwise lose (p56 QA_A: 196 in a night, none in box.log); nothing for a run without."""
    box_log = getattr(getattr(args, "_box_log", None), "path", None)     # None: box.log is not written
    cut, total = dropouts.final(box_log=box_log is not None)
    if cut:
        log.warning("%s", cut)
    if total:
        _say(total)


def _front_ends(args: argparse.Namespace, control: BoxControl) -> list[Any]:
    """Start MIDI, OSC and the API (each that fails is a warning); returns what stops each that started.
    Ctrl-C meanwhile stops those already started before it goes on (KeyboardInterrupt)."""
    stoppers: list[Any] = []
    try:
        for start in (_start_midi, _start_osc, _start_api):
            try:
                stop = start(args, control)
            except Exception as exc:  # noqa: BLE001 - a front end that fails never stops the box, but the API
                if start is _start_api:
                    raise _unreachable(exc) from None
                hint = f"\n  hint: {exc.hint}" if isinstance(exc, HatboxError) and exc.hint else ""
                _say(f"warning: {start.__name__[7:]} not started: {first_line(exc)}{hint}", err=True)
                if start is _start_midi:              # the Settings page says so, not "virtual ALSA port"
                    args._midi_words = f"off: {first_line(exc)}"
                continue
            if stop is not None:
                stoppers.append(stop)
    except (KeyboardInterrupt, HatboxError):
        with shielded():
            for stop in reversed(stoppers):
                stop()
        raise
    return stoppers


NO_API = "or run the box without its API (no laptop pairs with it): --no-api"


def _api_socket(args: argparse.Namespace) -> Any:
    """The API's listening socket, bound before the engine starts (None with --no-api): a port taken by another
    program or a --host not of this machine refuses the box, exit 2, with nothing started (p47 QA: it ran without its
    API, printed no pairing code and exited 0, and a script waited for the code for ever)."""
    if not args.api:
        return None
    from device.api.server import bind_socket
    try:
        return bind_socket(args.host, args.port)
    except HatboxError as exc:
        raise HatboxError(str(exc.args[0]), hint=f"{exc.hint}; {NO_API}" if exc.hint else NO_API) from None


def _close_api_socket(args: argparse.Namespace) -> None:
    """Close the socket :func:`_api_socket` bound when the API never took it (the engine did not start)."""
    sock = getattr(args, "_api_socket", None)
    args._api_socket = None
    if sock is not None:
        sock.close()


def _unreachable(exc: Exception) -> HatboxError:
    """The API did not start (``exc``): the box is not started without it (its other front ends are stopped)."""
    hint = exc.hint if isinstance(exc, HatboxError) and exc.hint else "the messages above say why"
    return HatboxError(f"the API did not start: {first_line(exc)}: no laptop could reach this box",
                       hint=f"{hint}; {NO_API}")


def _midi_hub(args: argparse.Namespace, control: Any) -> Any:
    """hatbox.box_midi_map.midi_hub, its warnings said as the box's (:func:`_say`)."""
    return midi_hub(args, control, _say)


def _start_midi(args: argparse.Namespace, control: BoxControl) -> Any:
    hub = _midi_hub(args, control)
    if not args.midi:
        hub.closed("MIDI is off: the box was started with --no-midi (learned bindings are kept for when it runs "
                   "with MIDI)")
        if getattr(args, "kit_channel", None) is not None or getattr(args, "synth_channel", None) is not None:
            _say(f"MIDI channels: {hub.map.channels.words()} (MIDI is off: --no-midi)")
        return None
    from device.midi_ports import BOX_PORT, Relay, open_input
    relay = Relay(control.send, control.send_many)   # every MIDI source through one queue: no callback waits
    try:
        port = open_input(BOX_PORT, hub, relay.send, virtual=True)
    except Exception as exc:  # noqa: BLE001 - said by _front_ends; the API says it too
        relay.close()
        hub.closed(f"MIDI is off: it did not start ({first_line(exc)})")
        _say(f"MIDI channels: {hub.map.channels.words()} (MIDI is off: the setting applies once it starts)")
        raise
    hub.opened(BOX_PORT)
    _say("MIDI: virtual ALSA sequencer port 'hatbox' (a DAW connects to it: aconnect); controllers plugged in are "
         "connected as they come")
    for line in _describe_midi(hub.map):
        _say(line, err=line.startswith(("warning", "note")))
    _say(f"MIDI channels: {hub.map.channels.words()}")
    for cc, (slot, name) in sorted(hub.overridden.items()):
        _say(f"note: MIDI CC {cc} -> {slot}.{name} (learned) is overridden by --midi-cc for this run", err=True)
    from device.midi_ports import translator, watch_controllers
    closers = [relay.close, port.close]       # the relay first: a reader waiting on it lets its port close
    try:
        watcher, unwatch = watch_controllers(translator(hub, relay.send),
                                             lambda line: _say(line, err=line.startswith("warning")))
    except Exception as exc:  # noqa: BLE001 - the port is open: MIDI works through aconnect still
        _say(f"warning: controllers plugged in are not connected by themselves ({first_line(exc)}): connect them to "
             "the port 'hatbox' with aconnect", err=True)
        return lambda: [close() for close in closers]
    hub.controllers = watcher.connected
    if getattr(args, "panel", False):
        _panel_data(args).controllers = watcher.connected     # the Settings page's MIDI row names them
        _panel_data(args).unopened = watcher.not_opened       # and those plugged in that would not open
    return lambda: [close() for close in [relay.close, unwatch, port.close]]


def _start_osc(args: argparse.Namespace, control: BoxControl) -> Any:
    if not args.osc_port:
        return None
    from device.osc import OscMap, OscServer, network_warning
    server = OscServer(OscMap(knobs=control.knobs), control.send, host=args.osc_host, port=args.osc_port,
                       midi=getattr(control, "midi", None))     # /hatbox/program: the set list (device/osc_programs.py)
    server.start()
    _say(f"OSC: udp {args.osc_host} port {server.port} (/hatbox/..., Wekinator /wek/outputs)")
    warning = network_warning(args.osc_host, server.port)       # no authentication (p48 QA: a stranger's -60 dB)
    if warning:
        _say(warning, err=True)
    return server.stop


def _start_api(args: argparse.Namespace, control: BoxControl) -> Any:
    if not args.api:
        return None
    from device.api.server import api_line, pairing_url, start_api
    sock, args._api_socket = getattr(args, "_api_socket", None), None     # the API's own now (it closes it)
    running = start_api(args.store, control, host=args.host, port=args.port, rate=args.rate, block=args.block,
                        on_code=_show_code(args), advertise=getattr(args, "mdns", True), load_active=False,
                        require_signature=getattr(args, "require_signature", False),
                        recovery=getattr(args, "_recovery", None), box_name=getattr(args, "name", "hatbox"),
                        sock=sock)
    advertised = getattr(getattr(running, "advertisement", None), "name", None)
    if advertised and advertised != getattr(args, "name", "hatbox"):
        _say(f"mDNS: another box on the network is called '{args.name}': this one is '{advertised}' there (give each "
             "box its own name: hatbox device run --name NAME)")
    if args.panel:          # the Settings page's "new code" button, in-process only; a pause's hint offers it
        _panel_data(args).pairing = running.pairing.attach_panel()
        _panel_data(args).kit = running.kit                             # the Kit page plays and sets the API's kit
        _panel_data(args).on_tagger = running.tag_waiting               # a tagger made active there tags waiting ones
        _panel_data(args).listing = running.kit.box.libraries.list      # a tagging's progress, kept in memory
        _panel_data(args).set(address=pairing_url(running.url))      # where a laptop pairs
    _say(api_line(running.url))
    for line in running.tagging_at_start:       # said in box.log too; the terminal showed nothing of it
        _say(line)
    return running.stop


def _panel_data(args: argparse.Namespace) -> Any:
    """What the panel shows: the pack store, libraries and settings (created on first use)."""
    if getattr(args, "_panel_data", None) is None:
        from device.ui.data import StoreData
        audio = getattr(args, "_audio_words", None) or args.audio or "default"
        midi = getattr(args, "_midi_words", None) or ("hatbox (virtual ALSA port)" if getattr(args, "midi", True)
                                                      else "off (--no-midi)")
        address = "starting..." if getattr(args, "api", True) else "none: the API is off (--no-api)"
        args._panel_data = StoreData(args.store, {"audio_device": audio, "midi": midi, "block": str(args.block),
                                                  "address": address},
                                     require_signature=getattr(args, "require_signature", False))
    return args._panel_data


def _panel_gone(args: argparse.Namespace) -> None:
    """The panel did not start, or has closed: the API's pause hints stop offering its button."""
    data = getattr(args, "_panel_data", None)
    pairing = getattr(data, "pairing", None)
    if pairing is not None:
        pairing.detach_panel()


def _show_code(args: argparse.Namespace) -> Any:
    """The pairing code goes to the terminal (always; never to box.log: it is a secret) and to the panel when it
    runs."""
    def show(code: str) -> None:
        print(f"pairing code: {code}", flush=True)
        if args.panel:
            try:
                _panel_data(args).set(pairing_code=code)
            except Exception:  # noqa: BLE001 - the terminal line above is enough
                pass
    return show


def _wait(args: argparse.Namespace, control: BoxControl, engine: Any) -> None:
    """Run the panel when asked and available (it ends by itself once the engine has ended: at once, or
    after showing the engine's error); otherwise print the status until the end."""
    if args.panel:
        try:
            from device.ui.app import run_panel
            run_panel(control, board=getattr(args, "_board", None), sim=args.sim, data=_panel_data(args),
                      seconds=args.seconds,
                      ended=lambda: engine_end(engine))
            return
        except ImportError:
            _say("warning: panel not available in this install (device/ui)", err=True)
        except HatboxError as exc:          # no display / no GPIO here: keep the box running headless
            hint = f"; {exc.hint}" if "(" in (exc.hint or "") else f" ({exc.hint})" if exc.hint else ""  # unnested
            _say(f"warning: panel not started: {first_line(exc)}{hint}; the status is printed here", err=True)
        finally:
            _panel_gone(args)
    print_until_end(control, engine, args.seconds)


