"""`hatbox device check`: is this machine ready to be the box?  Each part the box needs, checked the way the box
opens it, said in one line with what to do when it is not.

The checks, in order: the board file; whether a box already runs on the store (then the audio device, pins and
touch chip are its: those checks are skipped rather than taken from under it); the audio device (opened and closed
as the engine opens it: device/audio/alsa_io.AlsaIO, so a device that refuses float32 or the block size fails
here as it would at start); the real-time limits the engine asks for (SCHED_FIFO priority, locked memory); the
kernel (PREEMPT_RT, isolated cores, the CPU clock governor); the panel's inputs (device/ui/inputs.Inputs: the
encoders' pins and the touch chip, as the panel opens them), with each pin's level at rest; the screen (its KMS
device, or a desktop); MIDI (the ALSA sequencer); model inference (onnxruntime's providers); the store folder (written
and its free space); the systemd service (hatbox device service).

Every check returns a :class:`Check`; none raises.  Statuses: ``ok``; ``warn`` (the box runs, with less: no MIDI,
CPU inference, a generic kernel); ``fail`` (the box will not start or a part will not work: no audio device, pins
stuck low); ``skip`` (not this machine's business, or in use by a running box).
"""
from __future__ import annotations

import contextlib
import glob
import logging
import os
import resource
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from device.service_unit import HEADER, UNIT_DIR, closed_folder, command_parts, exec_words, unit_values, user_may
from hatbox.errors import HatboxError, first_line

ENGINE_PRIORITY = 70            # device.audio.server.EngineConfig.priority (not imported: it pulls in the engine)
MEMLOCK_NEEDED = 1 << 30        # bytes: the engine process holds ~600 MB locked (its RSS, with the sampler's cache)
LOW_DISK = 1 << 30              # bytes free under the store below which it is said (libraries and packs land there)
SEQUENCER = Path("/dev/snd/seq")
FACTORY = Path(__file__).resolve().parents[1] / "factory"      # the factory packs the trial plays
TRIAL_PACKS = {"effect": "effect-drive.hatpack", "synth": "synth-gm4.hatpack"}
TRIAL_CHORD = (48, 55, 60, 64, 67, 72)     # six voices of the synth, held: a soft C major over two octaves
TRIAL_VELOCITY = 40
DESKTOPS = ("Xorg", "Xwayland", "gnome-shell", "gdm3", "gdm", "lightdm", "sddm", "weston")   # hold a screen's KMS
STATUSES = ("ok", "warn", "fail", "skip")


@dataclass(frozen=True)
class Check:
    """One line of the check: ``part`` ("audio"), ``status`` (one of :data:`STATUSES`), what was found, what to do."""

    part: str
    status: str
    line: str
    hint: str = ""


@dataclass(frozen=True)
class Setup:
    """What to check: the board (a name or a file), simulated hardware or not, the audio device and its settings,
    the store folder, the service's unit name and folder."""

    board: str
    sim: bool
    store: Path
    device: str = "default"
    rate: int = 48000
    block: int = 128
    periods: int = 3
    unit: str = "hatbox"
    unit_dir: Path = UNIT_DIR
    trial_s: float = 0.0            # seconds of the factory packs played through the engine (0: no trial)
    store_user: str | None = None   # the user the store is judged for (the service's, when its store is checked)


def run_checks(setup: Setup) -> list[Check]:
    """Every check for ``setup``, in order (see the module's docstring)."""
    board_check, board = check_board(setup.board)
    service = read_service(setup.unit_dir / f"{setup.unit}.service")
    running = box_running(setup.store)
    checks = [board_check]
    if running is None:
        checks.append(Check("box", "warn", f"cannot tell whether a box runs on {setup.store}: this user may not read "
                                           "its box.lock; its audio device, pins and touch chip are not opened here",
                            hint="run the check as root, or as the user the box runs as"))
    elif running:
        checks.append(Check("box", "ok", f"a box is running on {setup.store}: the audio device, pins and touch chip "
                                         "are its, and are not opened here (stop it to check them too)"))
    audio = check_audio(setup, running)
    checks += [audio, check_limits(service=service), check_kernel()]
    if board is not None:
        checks += check_inputs(board, setup.sim, running) + [check_screen(board, setup.sim)]
    checks += [check_midi(), check_inference(), check_store(setup.store, setup.store_user),
               check_service(setup.unit, setup.unit_dir)]
    if setup.trial_s > 0 and running is not False:
        checks.append(Check("trial", "skip", "not played: " + _held_by(running)))
    elif setup.trial_s > 0 and audio.status in ("ok", "warn"):
        checks.append(check_trial(setup, audio.status == "warn"))
    return checks


def _held_by(running: bool | None) -> str:
    """Why a device is not opened here: a box runs on the store, or may (its lock not readable)."""
    return "the running box holds it" if running else "a box may be running on the store (its lock is not readable)"


def read_service(unit: Path) -> dict[str, str] | None:
    """The ``Key=value`` lines of the box's unit (one hatbox device service wrote), with those of its drop-ins
    (``NAME.service.d/*.conf``, what `systemctl edit` writes) over them; None when there is no such unit."""
    try:
        text = unit.read_text(errors="replace")
    except OSError:
        return None
    if not text.startswith(HEADER):
        return None
    values = unit_values(text)
    for conf in sorted(unit.with_name(unit.name + ".d").glob("*.conf")):
        try:
            extra = unit_values(conf.read_text(errors="replace"))
        except OSError:
            continue
        values.update({k: v for k, v in extra.items() if v or k != "ExecStart"})   # "ExecStart=" only resets
    return values


def service_options(service: dict[str, str] | None) -> list[str]:
    """The box's options in a unit's ExecStart= (after "device run"), [] without one."""
    if not service or "ExecStart" not in service:
        return []
    try:
        return command_parts(exec_words(service["ExecStart"]))[1]
    except ValueError:
        return []


def check_board(name: str) -> tuple[Check, Any]:
    """The board file, loaded and validated as the box loads it, and what it describes."""
    from hardware.board import load_board
    try:
        board = load_board(name)
    except HatboxError as exc:
        return Check("board", "fail", first_line(exc), exc.hint or ""), None
    touch = f"{board.touch.chip} touch on I2C bus {board.i2c_bus}" if board.touch else "no touch"
    s = board.screen
    return Check("board", "ok", f"{board.name}: {len(board.encoders)} encoders ({board.gpio} GPIO, {board.pull} "
                                f"pull-ups), {touch}, {s.width}x{s.height} screen ({s.driver})"), board


def box_running(store: Path) -> bool | None:
    """Whether a `hatbox device run` holds ``store``'s box lock (hatbox.box_store_lock.BOX_LOCK) now; None when this
    user cannot tell (the lock is there but not readable: the box's user owns it and its folder).  The lock is tried
    through a read-only descriptor: whoever runs the check may not be the box's user."""
    from export.atomic import lock_held
    return lock_held(store / "box.lock")


def _exists(path: Path) -> bool | None:
    """Whether ``path`` exists; None when this user may not look (a folder above it closed)."""
    try:
        path.stat()
        return True
    except FileNotFoundError:
        return False
    except OSError:
        return None


def check_audio(setup: Setup, running: bool | None) -> Check:
    """The audio device opened for playback and capture at the box's rate, block and periods, then closed (not while
    a box runs on the store, or may: ``running`` True or None)."""
    if running is not False:
        return Check("audio", "skip", "not opened: " + _held_by(running))
    from device.audio.alsa_io import AlsaIO, AudioConfig
    cfg = AudioConfig(device=setup.device, rate=setup.rate, period=setup.block, periods=setup.periods)
    try:
        AlsaIO(cfg).close()
    except (HatboxError, ImportError) as exc:
        if setup.sim:
            return Check("audio", "warn", f"{first_line(exc)}: with --sim the box plays into a file instead "
                                          "(no sound)", getattr(exc, "hint", "") or "")
        return Check("audio", "fail", first_line(exc), getattr(exc, "hint", "") or "")
    trip = cfg.latency_budget()["round_trip_ms"]
    return Check("audio", "ok", f"'{setup.device}' opens for playback and capture at {setup.rate} Hz, float32, "
                                f"block {setup.block} x {setup.periods} (round trip {trip:.2f} ms)")


def check_trial(setup: Setup, into_file: bool) -> Check:
    """The engine process started as the box starts it (real-time priority, locked memory) with the factory effect
    and synth, a soft chord held on the synth for ``setup.trial_s`` seconds, then its dropouts and audio load.
    ``into_file``: no audio device opened (--sim): the file backend, paced by the clock, into a temporary file."""
    import tempfile
    from device.audio.alsa_io import AudioConfig
    from device.audio.engine import EngineConfig
    from device.audio.server import EngineProcess, ServerConfig
    packs = {slot: FACTORY / name for slot, name in TRIAL_PACKS.items()}
    if not all(p.is_file() for p in packs.values()):
        return Check("trial", "skip", f"no factory packs in {FACTORY} to play")
    from export.pack import read_pack
    try:
        rate = read_pack(packs["effect"]).manifest.sample_rate
    except HatboxError as exc:
        return Check("trial", "fail", f"the factory effect does not open: {first_line(exc)}",
                     "the factory packs come with hatbox: reinstall it (git checkout factory/)")
    if rate != setup.rate:
        return Check("trial", "skip", f"not played: the factory effect runs at {rate} Hz, the box at {setup.rate} Hz")
    audio = AudioConfig(device=setup.device, rate=setup.rate, period=setup.block, periods=setup.periods)
    with tempfile.TemporaryDirectory(prefix="hatbox-check-") as tmp:
        cfg = ServerConfig(engine=EngineConfig(rate=setup.rate, block=setup.block), audio=audio,
                           packs={slot: str(p) for slot, p in packs.items()}, crash_dir=tmp)
        if into_file:
            cfg.backend, cfg.pace, cfg.output_wav = "file", True, str(Path(tmp) / "trial.wav")
        try:
            with _quiet("hatbox.engine"):        # a pack it refuses is said once, on the trial's line
                st, refused = _play_trial(EngineProcess(cfg), setup.trial_s)
        except HatboxError as exc:
            return Check("trial", "fail", f"the engine did not play: {first_line(exc)}", exc.hint or "")
    if refused:
        return Check("trial", "fail", f"the engine refused a factory pack: {refused[0]}",
                     "the factory packs come with hatbox: reinstall it (git checkout factory/)")
    where = "into a file, paced by the clock" if into_file else f"on '{setup.device}'"
    line = (f"the factory effect and synth (a soft 6-note chord) played {setup.trial_s:g} s {where}: "
            f"{st['xruns']} dropouts, audio load {st['load_mean']:.0%} of a block (worst 0.1 %: {st['load_p999']:.0%})")
    if st["xruns"]:
        return Check("trial", "warn", line, "a PREEMPT_RT kernel, an isolated core and full CPU clocks (the kernel "
                                            "line) keep blocks on time; a larger --block gives more room")
    return Check("trial", "ok", line)


def _play_trial(engine: Any, seconds: float) -> tuple[dict[str, Any], list[str]]:
    """Start ``engine`` (an EngineProcess), hold :data:`TRIAL_CHORD` for ``seconds``; returns its last status and
    the packs it refused at its start (its start warnings that say so; none then plays: nothing is held)."""
    import time
    engine.start()
    try:
        refused = [w for w in engine.start_warnings if "start-up pack" in w]
        if refused:
            return {}, refused
        before = int(engine.status().get("xruns", 0))  # dropouts while it started and loaded its packs: not counted
        for note in TRIAL_CHORD:
            engine.send({"op": "note_on", "note": note, "velocity": TRIAL_VELOCITY})
        time.sleep(seconds)
        st = engine.status()
        st["xruns"] = int(st.get("xruns", 0)) - before
        for note in TRIAL_CHORD:
            engine.send({"op": "note_off", "note": note})
        return st, []
    finally:
        engine.stop()


def check_limits(limits: Callable[[int], tuple[int, int]] = resource.getrlimit, euid: int | None = None,
                 service: dict[str, str] | None = None) -> Check:
    """The real-time priority and locked memory the box may have (the engine asks for SCHED_FIFO
    :data:`ENGINE_PRIORITY` and locks all its memory): the installed service's from its unit (``service``), else
    this user's.  A priority too low fails (dropouts under load); locked memory too small warns (it may be paged
    out)."""
    if service is not None:
        rtprio, memlock, whose = _unit_limit(service.get("LimitRTPRIO")), _unit_limit(service.get("LimitMEMLOCK")), \
            "the service (its unit's LimitRTPRIO / LimitMEMLOCK)"
        root = service.get("User", "root") == "root"
    else:
        rtprio, memlock, whose = limits(resource.RLIMIT_RTPRIO)[0], limits(resource.RLIMIT_MEMLOCK)[0], "this user"
        root = (os.geteuid() if euid is None else euid) == 0
    low_prio = not root and rtprio != resource.RLIM_INFINITY and rtprio < ENGINE_PRIORITY
    low_lock = not root and memlock != resource.RLIM_INFINITY and memlock < MEMLOCK_NEEDED
    said = []
    if low_prio:
        said.append(f"real-time priority up to {rtprio}, the engine asks for {ENGINE_PRIORITY}: it would run at "
                    "normal priority, with dropouts under load")
    if low_lock:
        said.append(f"locked memory up to {memlock >> 20} MB, the engine wants {MEMLOCK_NEEDED >> 20} MB or "
                    "unlimited: its memory may be paged out")
    if said:
        wanted = " and ".join(k for k, low in (("rtprio", low_prio), ("memlock", low_lock)) if low)
        hint = ("write the unit again: hatbox device service --install (LimitRTPRIO=95, LimitMEMLOCK=infinity)"
                if service is not None else f"give the user {wanted} in /etc/security/limits.d and log in again (a "
                "service gets its own from its unit: hatbox device service writes LimitRTPRIO and LimitMEMLOCK)")
        return Check("real-time", "fail" if low_prio else "warn", f"{whose} may have " + "; ".join(said), hint)
    how = "root" if root else f"real-time priority up to {_limit(rtprio)}, locked memory {_limit(memlock, 20, ' MB')}"
    return Check("real-time", "ok", f"SCHED_FIFO and locked memory allowed for {whose} ({how})")


def _unit_limit(value: str | None) -> int:
    """A unit's Limit*= value as getrlimit gives it: "infinity" -> RLIM_INFINITY; absent or unreadable: 0
    (systemd's default for a service: none)."""
    if value is None:
        return 0
    if value.strip().lower() == "infinity":
        return resource.RLIM_INFINITY
    soft = value.split(":")[0].strip().upper()
    scale = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(soft[-1:], 1)
    try:
        return int(soft.rstrip("KMG")) * scale
    except ValueError:
        return 0


def _limit(value: int, shift: int = 0, unit: str = "") -> str:
    return "unlimited" if value == resource.RLIM_INFINITY else f"{value >> shift}{unit}"


def check_kernel(root: Path = Path("/")) -> Check:
    """PREEMPT_RT or not, isolated cores, and CPU clock governors other than "performance" (under ``root``)."""
    rt = _read(root / "sys/kernel/realtime") == "1" or "PREEMPT_RT" in os.uname().version
    isolated = _read(root / "sys/devices/system/cpu/isolated")
    governors = {_read(Path(p)) for p in glob.glob(str(root / "sys/devices/system/cpu/cpu*/cpufreq/scaling_governor"))}
    slow = sorted(g for g in governors if g and g != "performance")
    parts = ["PREEMPT_RT kernel" if rt else "not a PREEMPT_RT kernel",
             f"cores {isolated} isolated" if isolated else "no isolated core"]
    hints = []
    if not rt:
        hints.append("install the board's real-time kernel (JetPack offers NVIDIA's PREEMPT_RT kernel packages)")
    if slow:
        parts.append(f"CPU clock governor {', '.join(slow)} (clocks drop between blocks)")
        hints.append("run the CPU at full clock: sudo jetson_clocks on a Jetson, or the 'performance' governor")
    return Check("kernel", "ok" if rt and not slow else "warn", ", ".join(parts), "; ".join(hints))


def _read(path: Path) -> str:
    try:
        return path.read_text().strip()
    except OSError:
        return ""


def check_inputs(board: Any, sim: bool, running: bool | None) -> list[Check]:
    """The panel's encoders and touch chip opened as the panel opens them (device.ui.inputs.Inputs), each pin's
    level read at rest, then released (not while a box runs on the store, or may)."""
    if running is not False:
        return [Check("encoders", "skip", "the pins are not opened: " + _held_by(running)),
                Check("touch", "skip", "the touch chip is not opened: " + _held_by(running))]
    from device.ui.inputs import Inputs
    try:
        with _quiet("hatbox.hardware"):           # the panel logs a touch chip it cannot open: the check says it
            inputs = Inputs(board, sim=sim)
    except HatboxError as exc:
        touch = [Check("touch", "skip", "not tried: the pins did not open")] if board.touch else []
        return [Check("encoders", "fail", first_line(exc), exc.hint or ""), *touch]
    try:
        levels = _rest_levels(board, inputs.gpio)
        return [_encoder_check(board, levels, sim),
                _touch_check(board, inputs.problems, inputs.touch, inputs.touch_error)]
    finally:
        inputs.close()


@contextlib.contextmanager
def _quiet(logger: str) -> Iterator[None]:
    """``logger``'s warnings held back for the block (what they say is one of the check's lines)."""
    log = logging.getLogger(logger)
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(level)


def _rest_levels(board: Any, gpio: Any) -> list[tuple[str, str, int, int]]:
    """(encoder, line "A" / "B" / "button", pin, level now) of every encoder line, nobody touching the knobs."""
    return [(e.name, role, pin, int(gpio.input(pin))) for e in board.encoders
            for role, pin in (("A", e.a), ("B", e.b), ("button", e.button)) if pin is not None]


def _encoder_check(board: Any, levels: list[tuple[str, str, int, int]], sim: bool) -> Check:
    """Every line high at rest (a released button; an encoder at a detent: a half-step one may rest with A and B
    low) or which are low and what to do."""
    half = {e.name for e in board.encoders if e.detents_per_cycle == 2}
    low = [f"{name} {role} (pin {pin})" for name, role, pin, level in levels
           if level == 0 and (role == "button" or name not in half)]
    where = "simulated pins" if sim else f"{board.gpio} GPIO"
    if not board.encoders:
        return Check("encoders", "skip", f"the board file names no encoders ({where})")
    if sim and board.pull == "external":       # nothing pulls simulated lines up: their levels say nothing
        return Check("encoders", "ok", f"{len(board.encoders)} encoders open on simulated pins (external pull-ups: "
                                       "the levels at rest are checked on the board)")
    if low:
        pulls = ("fit 10k pull-ups to 3.3 V on every A/B/button line (the board file says external pull-ups)"
                 if board.pull == "external" else "check the wiring to ground and the board file's pin numbers")
        return Check("encoders", "fail", f"{', '.join(low[:4])}{' ...' if len(low) > 4 else ''} read low at rest "
                                         "(nobody touching the knobs?): a floating or shorted line",
                     f"{pulls}; an encoder resting between detents reads low too: turn it a click and check again")
    return Check("encoders", "ok", f"{len(board.encoders)} encoders open, {len(levels)} lines high at rest ({where})")


def _touch_check(board: Any, problems: list[str], touch: Any, error: Exception | None = None) -> Check:
    """The touch line: ok, skipped, or failed with what to do (the error's hint; an I2C bus error's first line says
    it already; else where to look, on the board's own bus)."""
    if board.touch is None:
        return Check("touch", "skip", "the board file names no touch chip")
    if touch is None:
        from hardware.i2c import I2CBusError
        hint = getattr(error, "hint", None) or ("" if isinstance(error, I2CBusError) else
                                                f"check the board file's touch chip, I2C bus and address (i2cdetect "
                                                f"-y {board.i2c_bus} lists who answers)")
        return Check("touch", "fail", problems[0] if problems else "the touch chip could not be opened", hint)
    return Check("touch", "ok", f"{board.touch.chip} answers at I2C address 0x{touch.address:02x} on bus "
                                f"{board.i2c_bus}, {touch.sensor[0]}x{touch.sensor[1]} sensor")


def check_screen(board: Any, sim: bool, cards: str = "/dev/dri/card*") -> Check:
    """The screen the panel draws on: its KMS/DRM device readable and writable, or a desktop for a window."""
    driver = "window" if sim and board.screen.driver in ("kmsdrm", "fbcon") else board.screen.driver
    if driver == "dummy":
        return Check("screen", "ok", "headless (dummy driver): the panel draws into memory")
    if driver == "window":
        if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
            return Check("screen", "ok", "a desktop is there for the panel's window")
        return Check("screen", "warn", "no desktop (DISPLAY, WAYLAND_DISPLAY unset): the panel's window cannot open",
                     "run it from a desktop session, or with --no-panel")
    found = sorted(glob.glob(cards))
    usable = [c for c in found if os.access(c, os.R_OK | os.W_OK)]
    desktop = sorted(set(running_commands()) & set(DESKTOPS))
    if usable and desktop:
        return Check("screen", "fail", f"a desktop ({', '.join(desktop)}) holds the screen: the panel cannot draw "
                                       "on KMS/DRM while it runs",
                     "boot to the console instead (JetPack starts a desktop): sudo systemctl set-default "
                     "multi-user.target, then reboot")
    if usable:
        return Check("screen", "ok", f"KMS/DRM device {usable[0]} is usable")
    if found:
        return Check("screen", "fail", f"{found[0]} is there but this user may not open it",
                     "add the user to the 'video' and 'render' groups (hatbox device service does for the service)")
    return Check("screen", "fail", "no KMS/DRM device (/dev/dri/card*): the panel has no screen to draw on",
                 "check the display's cable and the board's display driver")


def running_commands(proc: Path = Path("/proc")) -> list[str]:
    """The command names of the processes running now (``/proc/PID/comm``)."""
    names = []
    for comm in proc.glob("[0-9]*/comm"):
        try:
            names.append(comm.read_text().strip())
        except OSError:
            pass                                  # ended while listed
    return names


def check_midi(seq: Path = SEQUENCER) -> Check:
    if not seq.exists():
        return Check("midi", "warn", f"no ALSA sequencer ({seq}): the box runs without MIDI",
                     "load it: sudo modprobe snd-seq (and add snd-seq to /etc/modules to keep it)")
    if not os.access(seq, os.R_OK | os.W_OK):
        return Check("midi", "warn", f"{seq} is there but this user may not open it: no MIDI",
                     "add the user to the 'audio' group")
    return Check("midi", "ok", "the ALSA sequencer is there: MIDI controllers connect as they are plugged in")


def check_inference(providers: Callable[[], list[str]] | None = None) -> Check:
    """Which onnxruntime providers run the packs (device.audio.runtime prefers TensorRT > CUDA > CPU)."""
    try:
        if providers is None:
            import onnxruntime as ort
            providers = ort.get_available_providers
        have = list(providers())
    except ImportError as exc:
        return Check("inference", "fail", f"onnxruntime is not installed ({exc})", "pip install onnxruntime")
    gpu = [p.replace("ExecutionProvider", "") for p in have if p in ("TensorrtExecutionProvider",
                                                                     "CUDAExecutionProvider")]
    if gpu:
        return Check("inference", "ok", f"onnxruntime runs packs on {' and '.join(gpu)} (and CPU)")
    return Check("inference", "warn", "onnxruntime runs packs on the CPU only (no TensorRT or CUDA provider)",
                 "on a Jetson install JetPack's onnxruntime-gpu wheel, and .[tensorrt] for TensorRT")


def check_store(store: Path, user: str | None = None) -> Check:
    """The store folder: there (or makeable), writable (by the service's ``user`` when given), and how much room is
    left on its disk."""
    from export.atomic import unwritable
    why = _user_cannot_write(store, user) if user else unwritable(store / "box.lock")   # a probe made and removed
    who = f" as {user}" if user else ""
    if why:
        return Check("store", "fail", f"cannot write the store {store}{who}: {why}",
                     "give --store a folder the box's user can write (hatbox device service --install makes it)")
    folder = next((p for p in (store, *store.absolute().parents) if _exists(p)), Path("/"))
    free = shutil.disk_usage(folder).free
    line = (f"{store} is writable{who}, {free / 2**30:.1f} GB free"
            + ("" if _exists(store) else " (made at first start)"))
    if free < LOW_DISK:
        return Check("store", "warn", line, "free some space: uploaded libraries and packs are kept there")
    return Check("store", "ok", line)


def _user_cannot_write(store: Path, user: str) -> str | None:
    """Why ``user`` could not write ``store`` (or make it in the nearest folder there), None when it could."""
    import pwd
    try:
        pw = pwd.getpwnam(user)
    except KeyError:
        return f"the service's user {user} does not exist"
    groups = os.getgrouplist(pw.pw_name, pw.pw_gid)
    try:
        shut = closed_folder(store, pw.pw_uid, groups)
        if shut is not None:
            return f"{user} may not enter {shut}"
        target = store if store.is_dir() else next(p for p in store.absolute().parents if p.is_dir())
        if not user_may(target, pw.pw_uid, groups, 0o1):
            return f"{user} may not enter {target}"
        return None if user_may(target, pw.pw_uid, groups, 0o3) else f"{user} may not write {target}"
    except OSError as exc:
        return exc.strerror or str(exc)


def hatbox_path() -> str:
    """This hatbox's command by its full path, for a hint run with sudo (first-run QA of the forty-first stop: sudo's
    PATH on Debian lacks the venv, so `sudo hatbox ...` is "command not found"): the venv's bin beside this
    Python."""
    import shlex
    import sys
    return shlex.quote(str(Path(sys.executable).parent / "hatbox"))


def check_service(unit: str, unit_dir: Path, systemctl: Callable[[list[str]], tuple[int, str]] | None = None) -> Check:
    """Whether the box starts at boot: its unit (written by hatbox device service) installed and enabled."""
    path = unit_dir / f"{unit}.service"
    if not path.is_file():
        return Check("service", "warn", f"no {path}: the box does not start by itself at boot",
                     f"sudo {hatbox_path()} device service --install [-- BOX OPTIONS]")
    if read_service(path) is None:
        return Check("service", "warn", f"{path} is there but hatbox did not write it: its box options and limits "
                                        "are not read here", "hatbox device service --install writes one (it leaves "
                                                             "this one alone: give its --unit another name)")
    run = systemctl or _systemctl
    code, said = run(["is-enabled", f"{unit}.service"])
    if code == 0 and said == "enabled":
        return Check("service", "ok", f"{path} is installed and enabled: the box starts at boot")
    return Check("service", "warn", f"{path} is installed but not enabled ({said or 'systemctl did not say'})",
                 f"sudo systemctl enable {unit}")


def _systemctl(words: list[str]) -> tuple[int, str]:
    import subprocess
    tool = shutil.which("systemctl")
    if tool is None:
        return 1, "no systemctl here"
    try:
        done = subprocess.run([tool, *words], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return 1, first_line(exc)
    said = (done.stdout or done.stderr).strip().splitlines()
    return done.returncode, said[0].strip() if said else ""
