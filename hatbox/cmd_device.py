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
import sys
import os
import time
from pathlib import Path
from typing import Any, ContextManager

from export.manifest import RATE_RANGE
from hatbox.argtypes import number, whole
from hatbox.box_control import BoxControl  # noqa: F401 - re-exported (tests, the demo)
from hatbox.box_signals import shielded, stop_on_sigterm
from hatbox.engine_end import died_before_asked, engine_died, engine_end, stuck
from hatbox.errors import HatboxError, first_line

log = logging.getLogger("hatbox.device")


def default_store() -> Path:
    """The box's data folder when --store is not given: ~/.hatbox, read when asked (HOME as it is then; a module
    constant fixed it at import, which tests had to patch)."""
    return Path.home() / ".hatbox"


SIM_OUTPUT = "sim-out.wav"       # --sim on the file backend records here, in the store, without --output
SIM_TAKE_MINUTES = 30            # ... its first 30 min (345 MB at 48 kHz): a box left running does not fill the disk
CRASH_DIR = "logs"               # under the store: where a bug's traceback is written (device/audio/server.py)
BOX_LOCK = "box.lock"            # under the store: held while a box runs on it (one box per store)
STATUS_LOG_S = 60.0             # a headless box's status line into a log (not a terminal): this often, or on a dropout
STATUS_TTY_S = 30.0             # on a terminal: this often, or on a dropout (every 2 s pushed the pairing code away)
STATUS_WATCH_S = 1.0             # how often the engine status is read for a recording cut short (a full disk)
                                 # and for new warnings of the slots (a sample the sampler cut)


MAX_BLOCK = 8192        # samples: device.audio.slot.MAX_BLOCK, the largest block the engine runs (not imported: numpy)


def register(cli: Any) -> None:
    p = cli.subcommand("device", "run", "run the box: audio engine, API, panel, MIDI and OSC", run,
                       group_help="the box itself")
    p.add_argument("--sim", action="store_true",
                   help="simulated hardware; audio on ALSA 'default' if it opens, else the file backend")
    p.add_argument("--board", metavar="NAME|FILE.toml",
                   help="the panel's board: a name from hardware/boards/ (jetson-orin-nano-devkit, sim) or a board "
                        "file of your own wiring (default: sim with --sim, else jetson-orin-nano-devkit)")
    p.add_argument("--audio", metavar="DEVICE", help="ALSA device (default: 'default')")
    p.add_argument("--block", type=whole(1, MAX_BLOCK), default=128,
                   help=f"period / block size in samples, 1..{MAX_BLOCK} (default 128)")
    p.add_argument("--rate", type=whole(*RATE_RANGE), default=48000,
                   help=f"sample rate in Hz, {RATE_RANGE[0]}..{RATE_RANGE[1]} (default 48000)")
    p.add_argument("--periods", type=whole(2, 32), default=3, help="ALSA periods per buffer, 2..32 (default 3)")
    p.add_argument("--api", action=argparse.BooleanOptionalAction, default=True, help="serve the device API")
    p.add_argument("--name", type=_box_name, default="hatbox",
                   help="the box's name on the network (mDNS) and in `hatbox status`, 1-40 letters, digits, spaces, "
                        "- or _ (default hatbox; two boxes on one network: give each its own, `hatbox pair --box "
                        "NAME` picks one)")
    p.add_argument("--mdns", action=argparse.BooleanOptionalAction, default=True,
                   help="advertise the API on the local network by mDNS (_hatbox._tcp) so `hatbox` on a laptop "
                        "finds the box; --no-mdns: reach it by its URL only")
    p.add_argument("--panel", action=argparse.BooleanOptionalAction, default=True, help="run the touch panel")
    p.add_argument("--midi", action=argparse.BooleanOptionalAction, default=True, help="listen for MIDI")
    p.add_argument("--midi-cc", action="append", default=[], type=_midi_cc, metavar="CC=SLOT.KNOB",
                   help="let MIDI control change CC turn a knob, e.g. 1=effect.drive (the mod wheel), or turn "
                        "nothing: 70=off (repeatable; default: CC 70-85 turn the effect's knobs 1-16 in manifest "
                        "order; a CC moves a knob once it reaches the knob's value)")
    p.add_argument("--kit-channel", type=_midi_channel, default=None, metavar="1-16|all",
                   help="the MIDI channel whose notes play the sampler's kit (default all: every channel, but the "
                        "synth's when --synth-channel is given; 10 for a keyboard on another channel that should not "
                        "layer the kit)")
    p.add_argument("--synth-channel", type=_midi_channel, default=None, metavar="1-16|all",
                   help="the MIDI channel whose notes play the synth (default all: every channel but the kit's, "
                        "channel 10 when the kit plays every channel)")
    p.add_argument("--osc-port", type=whole(0, 65535), default=12000, help="OSC port (0: no OSC; default 12000)")
    p.add_argument("--osc-host", default="0.0.0.0",
                   help="OSC address to listen on (default all interfaces: any peer on the network can play "
                        "notes, knobs and volume; 127.0.0.1 keeps OSC to this machine)")
    p.add_argument("--port", type=whole(1, 65535), default=8750, help="API port (default 8750)")
    p.add_argument("--host", default="0.0.0.0",
                   help="API address (default 0.0.0.0: every IPv4 interface; :: listens on IPv6 and IPv4 both; "
                        "127.0.0.1 keeps the API to this machine)")
    p.add_argument("--store", type=Path, default=default_store(),
                   help=f"the box's data folder: packs, libraries, pairings, trusted_keys/ (default ~/.hatbox; its "
                        f"log, box.log, and a bug's traceback go to its {CRASH_DIR}/ folder)")
    p.add_argument("--require-signature", action="store_true",
                   help="refuse packs not signed by a key in STORE/trusted_keys/ (hatbox keygen makes one), from "
                        "the network and from --effect/--synth alike (default: unsigned packs are taken)")
    p.add_argument("--effect", metavar="PACK", help="effect pack to play: checked, installed on the box and made "
                                                    "its active effect (as hatbox push --activate; default: the "
                                                    "active one)")
    p.add_argument("--synth", metavar="PACK", help="synth pack to play: checked, installed on the box and made its "
                                                   "active synth (default: the active one)")
    p.add_argument("--input", metavar="WAV", help="file backend: play this instead of silence (the box stops at "
                                                  "its end; without it the box runs until stopped)")
    p.add_argument("--output", metavar="WAV",
                   help=f"file backend: write the output here (default with --sim: STORE/{SIM_OUTPUT})")
    p.add_argument("--seconds", type=number(0.0, None, "seconds", open_low=True), help="stop after this many seconds")
    p.add_argument("--sim-gear", choices=("drive", "delay", "reverb"),
                   help="with --sim: simulated gear (a drive pedal, a delay, a reverb; device/audio/sim_gear.py) loops "
                        "the box's output back to its input 5 ms later, for capture mode (docs/capture.md)")


def _config(args: argparse.Namespace) -> Any:
    from device.audio.alsa_io import AudioConfig
    from device.audio.engine import EngineConfig
    from device.audio.server import ServerConfig
    audio = AudioConfig(device=args.audio or "default", rate=args.rate, period=args.block, periods=args.periods)
    packs = {slot: str(getattr(args, slot)) for slot in ("effect", "synth") if getattr(args, slot)}
    gear = getattr(args, "sim_gear", None)         # its return is not mixed into the output: it would feed back
    return ServerConfig(engine=EngineConfig(rate=args.rate, block=args.block, live_input=not gear), audio=audio,
                        packs=packs, seconds=args.seconds, input_wav=args.input, output_wav=args.output,
                        crash_dir=str(Path(args.store) / CRASH_DIR), sim_gear=gear)


def _pick_backend(cfg: Any, sim: bool, store: Path) -> str:
    """ALSA, or with --sim the file backend when no ALSA device opens (paced by the clock).

    The file backend plays ``--input`` (the box stops at its end, or after --seconds) or, without
    it, silence until the box is stopped; its output goes to ``--output`` or ``store/sim-out.wav``."""
    from device.audio.alsa_io import AlsaIO, AudioDeviceError
    if not sim:
        return "ALSA device " + cfg.audio.device
    try:
        if cfg.sim_gear:                           # the simulated gear loops the file backend's output to its input
            raise AudioDeviceError(f"not used with --sim-gear {cfg.sim_gear}, which loops the file backend")
        AlsaIO(cfg.audio).close()
        return "ALSA device " + cfg.audio.device
    except AudioDeviceError as exc:
        cfg.backend, cfg.pace = "file", True
        take = ""
        if not cfg.output_wav:                     # the default take, in the store: bounded (11.5 MB a minute)
            cfg.output_limit_s = SIM_TAKE_MINUTES * 60.0
            take = f" (its first {SIM_TAKE_MINUTES} min; --output FILE records a whole run)"
        cfg.output_wav = str(Path(cfg.output_wav or Path(store) / SIM_OUTPUT).absolute())
        until = "its end" if cfg.input_wav else "Ctrl-C or SIGTERM"
        if cfg.seconds is not None:
            until = f"{cfg.seconds:g} s"
        feed = f"{cfg.input_wav} in" if cfg.input_wav else "silence in"
        return (f"file backend ({feed}, until {until}) -> {cfg.output_wav}{take} "
                f"(ALSA '{cfg.audio.device}' unavailable: {first_line(exc)})")


def _say(line: str, err: bool = False) -> None:
    """Print ``line`` (on stderr when ``err``) and keep it in the box's log: a warning when it starts with
    "warning:", else info (the terminal does not show it twice: device/logs.py PRINTED)."""
    from device.logs import PRINTED
    print(line, file=sys.stderr if err else sys.stdout, flush=True)
    log.log(logging.WARNING if line.startswith("warning:") else logging.INFO, "%s", line,
            extra={PRINTED: True})


def run(args: argparse.Namespace) -> int:
    """`hatbox device run`: :func:`_run` with the box's log set up for the run (device/logs.py: STORE/logs/box.log,
    or stderr only with one warning when it cannot be written); how the run ended is logged too."""
    from device.logs import PRINTED, box_logging
    from hatbox import __version__
    if Path(args.store).exists() and not Path(args.store).is_dir():      # before its log is tried under it
        raise HatboxError(f"--store {args.store} is a file, not a folder", hint="give the box's data folder")
    _store_usable(Path(args.store))
    # TensorRT's engines (a board with it) are kept in the box's store, the engine process inheriting where
    os.environ.setdefault("HATBOX_TRT_CACHE", str(Path(args.store).absolute() / "tensorrt"))
    with _one_box(Path(args.store)), box_logging(args.store) as box_log:   # a refused second box writes no log
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
        _say("the box stopped" + (f" (exit code {code})" if code else ""))   # the terminal's last word too
        return code


def _box_name(text: str) -> str:
    """A box name for ``--name``: 1-40 letters, digits, spaces, - or _ (what mDNS and a terminal show plainly)."""
    import re
    name = text.strip()
    if not re.fullmatch(r"[\w \-]{1,40}", name):
        raise argparse.ArgumentTypeError(f"{text!r} is not a box name: give 1-40 letters, digits, spaces, - or _")
    return name


def _store_usable(store: Path) -> None:
    """Make the store folder if missing; HatboxError in one line when it cannot be (a file on its way)."""
    import errno

    from device.given_packs import in_the_way, not_a_store, unusable_store
    try:
        store.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise unusable_store(store, exc) from None
    if in_the_way(store) is not None:             # a file named libraries: the API alone would not start
        raise unusable_store(store, OSError(errno.EEXIST, "File exists"))
    other = not_a_store(store)
    if other:                                     # a folder of samples given as the store: said, then used
        shown = ", ".join(other[:3]) + (f" and {len(other) - 3} more" if len(other) > 3 else "")
        print(f"warning: --store {store} holds {shown} and no box store yet: the box keeps its packs, libraries and "
              "pairings in it from now on (its files are left as they are); give the box's own data folder if "
              "that is not what you meant", file=sys.stderr, flush=True)


def _one_box(store: Path) -> ContextManager[None]:
    """Hold STORE/box.lock for the run: a second `hatbox device run` on the same store is refused at once, before it
    installs a pack or records anything (it would switch the first box's active packs under it)."""
    from export.atomic import held_exclusively

    def busy(pid: str) -> HatboxError:
        return HatboxError(f"another hatbox device run{pid} is using the store folder {store.absolute()}: one box "
                           "per store",
                           hint="stop that box first, or give this one another --store")
    lock = store / BOX_LOCK
    if lock.is_dir() or (lock.exists() and not lock.is_file()):   # no lock could be held: two boxes could run
        raise HatboxError(f"{lock} is a folder (or not a file): the box keeps its lock file there, so that two boxes "
                          "never share one store", hint=f"move it out of the store folder {store.absolute()}")
    return held_exclusively(lock, busy)


def _run(args: argparse.Namespace) -> int:
    """Start the box and run it until it ends.  Ctrl-C (or SIGTERM) once it runs stops it cleanly: exit 0,
    or the engine's own error's code when it had stopped on one.  Ctrl-C while it starts (the engine process
    starting, its packs loading, the front ends starting) stops what had started and ends with the CLI's
    one line "hatbox: interrupted", exit 130 (device/audio/server.EngineProcess.start stops the engine); after
    SIGTERM "hatbox: interrupted (SIGTERM)", exit 143 (SIGHUP: 129; hatbox.cli.stopped_code).
    The clean-up at the end is not cut short by one more Ctrl-C or SIGTERM (a second one is, still with
    no traceback): the engine's output file is finished."""
    from device.audio.server import EngineProcess
    from device.given_packs import engine_packs, install_given, open_store
    if getattr(args, "board", None):                     # a board file's mistakes before anything starts
        from hardware.board import load_board
        args._board = load_board(args.board)
    if args.input and args.output:
        from export.atomic import same_path
        if same_path(args.input, args.output):           # the take would be written over the recording it plays
            raise HatboxError(f"--output {args.output} is the --input file: the box would record over the take it "
                              "plays; nothing was started", hint="give the output another name, e.g. --output out.wav")
    if getattr(args, "sim_gear", None) and not args.sim:
        raise HatboxError("--sim-gear needs --sim: the simulated gear is part of the simulated box", hint="add --sim")
    cfg = _config(args)
    signed = getattr(args, "require_signature", False)
    store = open_store(args.store)              # recovered once, for both (and for the API's status)
    args._recovery = store.last_recovery
    for line in install_given(store, cfg.packs, args.rate, args.block, require_signature=signed):
        _say(line)                               # checked before the box starts
    cfg.packs, unsigned = engine_packs(store, signed)   # the store's active packs: the API skips them
    for line in unsigned:
        _say(line, err=True)
    where = _pick_backend(cfg, args.sim, args.store)
    args._audio_words = cfg.audio.device if cfg.backend != "file" else "none: the file backend"
    engine = EngineProcess(cfg).start()
    args._started = True                         # box.log: "the box stopped", not "did not start"
    stoppers: list[Any] = []
    watch: Any = None
    restore: Any = lambda: None  # noqa: E731 - until the SIGTERM handler is in place
    died: str | None = None
    interrupted: KeyboardInterrupt | None = None
    try:
        control = BoxControl(engine)
        for slot, path in cfg.packs.items():
            control._learn_ranges(slot, path)
        budget = cfg.audio.latency_budget()
        _say(f"hatbox engine: {where}, {cfg.audio.rate} Hz, block {cfg.audio.period} x {cfg.audio.periods} "
             f"periods, round trip {budget['round_trip_ms']:.2f} ms")
        for warning in _start_warnings(engine):
            _say(f"warning: {warning}", err=True)
        stoppers = _front_ends(args, control)
        stoppers.append(watch := _watch_status(control))
        restore = stop_on_sigterm()
        try:
            _wait(args, control, engine)
            died = engine_died(engine)           # asked before stop(): an engine that ended on its own
        except KeyboardInterrupt:
            died = died_before_asked(engine)     # e.g. SIGTERM while the panel shows the engine's stop screen
    except KeyboardInterrupt as exc:              # while the box started: what started is stopped below
        interrupted = exc
    finally:
        with shielded():
            for stop in reversed(stoppers):
                stop()
            engine.stop()
            if getattr(watch, "seen", None) and getattr(engine, "last_faults", None):
                watch.seen({"faults": engine.last_faults})   # a fault of the run's last second (audio QA)
        restore()
    if interrupted is not None:                   # hatbox.cli: "hatbox: interrupted", exit 130 (Ctrl-C);
        raise interrupted                         # "interrupted (SIGTERM)", 143 (or SIGHUP, 129)
    if died and getattr(engine, "bug", None) is not None:
        from device.audio.server import EngineBugError
        raise EngineBugError(died)            # one line (it names the traceback's file), exit code 1
    if died:
        raise HatboxError(died, hint=engine.error_hint
                          or "the messages above say why; start the box again with `hatbox device run`")
    engine.check_recording()                 # a take cut short (a full disk) is an error, not a status line
    return 0


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


def _watch_status(control: Any, every_s: float = STATUS_WATCH_S) -> Any:
    """hatbox.status_watch.watch_status, saying its lines as the box's (:func:`_say`); returns what stops it."""
    from hatbox.status_watch import watch_status
    return watch_status(control, _say, every_s)


def _front_ends(args: argparse.Namespace, control: BoxControl) -> list[Any]:
    """Start MIDI, OSC and the API (each that fails is a warning); returns what stops each that started.
    Ctrl-C meanwhile stops those already started before it goes on (KeyboardInterrupt)."""
    stoppers: list[Any] = []
    try:
        for start in (_start_midi, _start_osc, _start_api):
            try:
                stop = start(args, control)
            except Exception as exc:  # noqa: BLE001 - a front end that fails never stops the box
                hint = f"\n  hint: {exc.hint}" if isinstance(exc, HatboxError) and exc.hint else ""
                _say(f"warning: {start.__name__[7:]} not started: {first_line(exc)}{hint}", err=True)
                if start is _start_midi:              # the Settings page says so, not "virtual ALSA port"
                    args._midi_words = f"off: {first_line(exc)}"
                continue
            if stop is not None:
                stoppers.append(stop)
    except KeyboardInterrupt:
        with shielded():
            for stop in reversed(stoppers):
                stop()
        raise
    return stoppers


def _midi_cc(text: str) -> tuple[int, tuple[str, str] | None]:
    """argparse type of ``--midi-cc``: "74=effect.drive" -> (74, ("effect", "drive")), "1=off" -> (1, None)."""
    from device.midi import parse_binding
    try:
        return parse_binding(text)
    except HatboxError as exc:
        raise argparse.ArgumentTypeError(str(exc).replace("\n ", ";")) from None


def _midi_channel(text: str) -> int | None:
    """argparse type of ``--kit-channel``/``--synth-channel``: "10" -> 9 (mido's count), "all" -> None."""
    from device.midi_channels import parse_channel
    try:
        return parse_channel(text)
    except HatboxError as exc:
        raise argparse.ArgumentTypeError(str(exc).replace("\n ", ";")) from None


def midi_map(bindings: list[tuple[int, tuple[str, str] | None]], control: BoxControl,
             learned: dict[int, tuple[str, str]] | None = None) -> Any:
    """The box's MidiMap: the default CC mapping (device.midi.DEFAULT_CC) changed by the ``learned`` bindings
    (kept from earlier runs) and then by ``--midi-cc`` ``bindings`` (in order; a later one for the same CC
    wins, and the command line wins over a learned binding), over the knob ranges ``control`` learns."""
    from device.midi import LEARNED, MidiMap
    mapping = MidiMap(knobs=control.knobs)
    for cc, (slot, name) in (learned or {}).items():
        mapping.bind(cc, slot, name, origin=LEARNED)
    for cc, target in bindings:
        mapping.unbind(cc)
        if target is not None:
            mapping.bind(cc, *target)
    return mapping


def _describe_midi(mapping: Any) -> list[str]:
    """Lines for the log: which CCs turn which knob now (each once it picks the knob up), a note for each
    bank select CC bound by name (device.midi.bank_select_note), and named bindings the loaded packs lack."""
    from device.midi import bank_select_note
    turns: dict[tuple[str, str], list[int]] = {}
    for cc, target in mapping.mapping().items():
        turns.setdefault(target, []).append(cc)
    lines = ["MIDI CCs: " + ("; ".join(f"{', '.join(map(str, ccs))} -> {slot}.{name}"
                                       for (slot, name), ccs in turns.items()) or "none turn a knob yet "
                             "(CC 70-85 turn the effect's knobs once a pack is loaded)")]
    if turns:
        lines[0] += " (a CC moves its knob once it reaches the knob's value)"
    for cc, (slot, name) in sorted(mapping.cc.items()):
        note = bank_select_note(cc)
        if note:
            lines.append(f"note: MIDI CC {cc} -> {slot}.{name}: {note}")
        known = mapping.knobs.names(slot)
        if known and name not in known:
            lines.append(f"warning: MIDI CC {cc} -> {slot}.{name}: the {slot} pack has no knob '{name}' "
                         f"(its knobs: {', '.join(known)}); the CC turns nothing until a pack with it is loaded")
    return lines


def _midi_hub(args: argparse.Namespace, control: Any) -> Any:
    """The box's MIDI map as MIDI and the API share it (``control.midi``, made on first use): the learned
    bindings kept in the store (device.midi.BINDINGS_FILE; a damaged file is a warning, then ignored) under
    ``--midi-cc``."""
    hub = getattr(control, "midi", None)
    if hub is not None:
        return hub
    from device.midi import BINDINGS_FILE, MidiHub, load_learned
    store = getattr(args, "store", None)
    path = Path(store) / BINDINGS_FILE if store is not None else None
    learned, problem = load_learned(path) if path is not None else ({}, None)
    hub = MidiHub(midi_map(getattr(args, "midi_cc", []), control, learned), path, learned)
    from device.midi_channels import Channels
    hub.map.channels = Channels(kit=getattr(args, "kit_channel", None), synth=getattr(args, "synth_channel", None))
    if hub.map.channels.warning():                     # --kit-channel 10 --synth-channel 10: 15 channels silent
        _say(f"warning: {hub.map.channels.warning()}", err=True)
        hub.warnings.append(str(hub.map.channels.warning()))
    if problem:
        _say(f"warning: {problem}", err=True)
        hub.warnings.append(problem)
    control.midi = hub
    return hub


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
    from device.osc import OscMap, OscServer
    server = OscServer(OscMap(knobs=control.knobs), control.send, host=args.osc_host, port=args.osc_port).start()
    _say(f"OSC: udp {args.osc_host} port {server.port} (/hatbox/..., Wekinator /wek/outputs)")
    return server.stop


def _start_api(args: argparse.Namespace, control: BoxControl) -> Any:
    if not args.api:
        return None
    from device.api.server import api_line, pairing_url, start_api
    running = start_api(args.store, control, host=args.host, port=args.port, rate=args.rate, block=args.block,
                        on_code=_show_code(args), advertise=getattr(args, "mdns", True), load_active=False,
                        require_signature=getattr(args, "require_signature", False),
                        recovery=getattr(args, "_recovery", None), box_name=getattr(args, "name", "hatbox"))
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
    end = None if args.seconds is None else time.monotonic() + args.seconds + 2.0
    tty = sys.stdout.isatty()
    said_at, said_xruns = float("-inf"), 0
    while engine.alive() and (end is None or time.monotonic() < end):
        engine.wait(2.0)
        try:
            st = control.status()
        except HatboxError:                   # ended between the two calls, or stuck (run() says which), or slow:
            if engine.alive() and not stuck(engine):
                continue                      # asked again (QA: a stuck engine made the box exit 0 without a word)
            return
        if status_due(tty, time.monotonic() - said_at, int(st.get("xruns", 0)), said_xruns):
            _print_status(st)
            said_at, said_xruns = time.monotonic(), int(st.get("xruns", 0))


def status_due(tty: bool, since_s: float, xruns: int, said_xruns: int) -> bool:
    """Whether the headless box prints its status line now: into a log or the journal (a service) once every
    :data:`STATUS_LOG_S` (43,000 lines a day pushed the pairing code and the errors out of `journalctl -u hatbox`),
    on a terminal once every :data:`STATUS_TTY_S` (p44 QA: a 97-character line every 2 s scrolled the pairing code
    off a 24-row screen in 16 s); both whenever the dropouts grew."""
    return since_s >= (STATUS_TTY_S if tty else STATUS_LOG_S) or xruns > said_xruns


def _print_status(st: dict[str, Any]) -> None:
    from hatbox.status_line import status_words
    print(status_words(st), flush=True)
