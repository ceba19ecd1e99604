"""`hatbox demo`: the whole box on simulated hardware with the factory packs, scripted.

What it does, all through the real parts:
  1. starts the engine process (file backend paced by the clock: no sound card needed; its guitar-like input
     cued, silence in while the box is set up, however long that takes) and the device API on 127.0.0.1, its
     store held and logged into as `hatbox device run` does (hatbox/demo_box.py);
  2. pairs with the box and pushes the factory packs over HTTP (`hatbox pair` / `hatbox push`),
     which validates them, installs them atomically and hot-swaps them into the engine;
  3. uploads a drum kit from Debian's hydrogen-drumkits as a sample library, tagged on the box
     by the factory tagger, and makes the kit of it;
  4. starts the panel headless (simulated pins and touch chip) and the guitar-like input from its start, and plays
     a scripted performance (chords on the neural synth while the pad glides across the four timbres; the input
     through the effect while its knob turns) and prints status;
  5. writes the box's output (the whole run: the set-up with its swaps, then the performance) to
     DIR/hatbox-demo/demo-out.wav and a summary to demo-summary.json there; the box logs as a real box does
     (DIR/hatbox-demo/store/logs: box.log, changes.log).

Everything it makes lies in DIR/hatbox-demo/, a folder it marks as its own (file `.hatbox-demo`).  A later run
removes only the things it made there; it refuses to use a hatbox-demo/ it did not make, and never touches
anything else in DIR.
"""
from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hatbox.argtypes import number
from hatbox.demo_box import RATE
from hatbox.errors import HatboxError

if TYPE_CHECKING:       # numpy is imported where it is used: `hatbox --help` does not load it
    import numpy as np

ROOT = Path(__file__).resolve().parent.parent
FACTORY = ROOT / "factory"
KITS = Path("/usr/share/hydrogen/data/drumkits")
CHORDS = ((60, 64, 67), (57, 60, 64), (53, 57, 60), (55, 59, 62))
CHORD_VELOCITY = 72     # the levelled factory synth's chords under the output limiter (90 put 0.09 % of samples on it)
# a bar of sixteenths on the kit made from the uploaded library (General MIDI notes: kick 36, snare 38, hi-hat 42),
# sent as MIDI channel 10 sends them: to the sampler alone
DRUM_STEP_S = 0.125
DRUMS = {0: (36, 42), 2: (42,), 4: (38, 42), 6: (42,), 8: (36, 42), 10: (36, 42), 12: (38, 42), 14: (42,)}
DEFAULT_KIT = "VariBreaks"
# A demonstration, not a recording session: the plucked input (seconds + 10 s, demo_box.INPUT_MARGIN_S) is
# synthesised in memory before the box starts, 192 kB and ~0.04 s of CPU per second, so ten minutes stays near
# 120 MB and ~25 s of set-up.
MAX_SECONDS = 600.0
FOLDER = "hatbox-demo"                       # the demo's own folder inside --out
MARKER = ".hatbox-demo"                      # written first into FOLDER: proof the demo made it
MARKER_TEXT = "made by `hatbox demo`: its next run removes what it made here (nothing else)\n"
MADE = ("store", "demo-in.wav", "demo-out.wav", "demo-summary.json", "remote.json")


def register(cli: Any) -> None:
    p = cli.command("demo", "run the box on simulated hardware with the factory packs (scripted)", demo)
    p.add_argument("--out", type=Path, default=Path("."),
                   help=f"folder in which the demo makes its own {FOLDER}/ and writes only there (default: .)")
    p.add_argument("--seconds", type=number(0.0, MAX_SECONDS, "seconds"), default=16.0,
                   help=f"length of the scripted performance, 0..{MAX_SECONDS:g} (default 16)")
    p.add_argument("--kit", default=None,
                   help=f"hydrogen drum kit uploaded as the sample library (default {DEFAULT_KIT})")


def pluck_phrase(seconds: float, rate: int = RATE, seed: int = 0) -> np.ndarray:
    """A guitar-like input [N] float32: Karplus-Strong plucks, one every 0.5 s."""
    import numpy as np
    rng = np.random.default_rng(seed)
    out = np.zeros(int(seconds * rate), np.float32)
    for i, start in enumerate(range(0, len(out) - rate, rate // 2)):
        period = int(rate / (110.0 * 2 ** (rng.integers(0, 15) / 12)))
        out[start:start + rate] += _pluck(period, rate, rng) * (0.3 + 0.2 * (i % 3))
    return out


def _pluck(period: int, n: int, rng: np.random.Generator) -> np.ndarray:
    import numpy as np
    buf = rng.uniform(-1, 1, period).astype(np.float32)
    out = np.empty(n, np.float32)
    for i in range(n):
        j = i % period
        out[i] = buf[j]
        buf[j] = 0.498 * (buf[j] + buf[(j + 1) % period])
    return out


def _start_box(out: Path, store: Path, seconds: float) -> tuple[Any, Any, Any, list[str]]:
    """The guitar input written (``demo-in.wav``: the phrase, cued for the performance), the engine, the control the
    front ends share and the API started (hatbox/demo_box.py); returns (engine, control, api, the pairing codes
    shown)."""
    from device.api.server import start_api
    from device.audio import audiofile
    from hatbox.box_control import BoxControl
    from hatbox.demo_box import INPUT_MARGIN_S, start_engine

    audiofile.write(out / "demo-in.wav", pluck_phrase(seconds + INPUT_MARGIN_S), RATE)
    engine = start_engine(out, store)
    try:
        control = BoxControl(engine)
        codes: list[str] = []
        api = start_api(store, control, host="127.0.0.1", port=0, on_code=codes.append, advertise=False)
    except BaseException:
        engine.stop()
        raise
    return engine, control, api, codes


def _cli(*argv: str) -> None:
    """Run one `hatbox ARGV...` step in this process.  Its handler is called directly (not through
    `hatbox.cli.main`) so that Ctrl-C ends the whole demo as an interrupt and a step's error keeps its message."""
    from hatbox.cli import build_parser
    args = build_parser().parse_args(list(argv))
    step = f"hatbox {' '.join(argv)}"
    try:
        code = int(args.func(args) or 0)
    except HatboxError as exc:
        raise HatboxError(f"demo step failed: {step}: {exc.args[0] if exc.args else exc}",
                          hint=exc.hint) from None
    if code != 0:
        raise HatboxError(f"demo step failed (exit {code}): {step}")


def _installed_kits() -> list[str]:
    """The names of the hydrogen drum kits in KITS (empty when the package is not installed)."""
    try:
        return sorted(p.name for p in KITS.iterdir() if p.is_dir())
    except OSError:
        return []


def _choose_kit(kit: str | None) -> Path | None:
    """The kit folder to upload, checked before anything starts.  A kit named on the command line must be
    installed (HatboxError listing the installed ones otherwise); the default kit is skipped, with a note,
    when missing."""
    kits = _installed_kits()
    name = DEFAULT_KIT if kit is None else kit
    if name in kits:
        return KITS / name
    where = (f"installed kits in {KITS}: {', '.join(kits)}" if kits
             else f"no kits in {KITS}: install Debian's hydrogen-drumkits")
    if kit is not None:
        raise HatboxError(f"no drum kit {kit!r}", hint=where + ("" if kits else ", or leave out --kit"))
    print(f"(no drum kit {name!r}: skipping the library upload; {where})")
    return None


def _push_everything(url: str, code: str, home: Path, samples: Path | None) -> None:
    before = os.environ.get("HATBOX_CONFIG")
    os.environ["HATBOX_CONFIG"] = str(home / "remote.json")
    try:
        print(f"\n== pairing with the box at {url} (code {code}, as shown on its panel)")
        _cli("pair", url, "--code", code, "--name", "demo-laptop")
        for pack in ("effect-drive", "synth-gm4", "tagger-drums"):
            print(f"\n== hatbox push factory/{pack}.hatpack --activate")
            _cli("push", str(FACTORY / f"{pack}.hatpack"), "--activate", "--quiet")
        if samples is not None:
            print(f"\n== hatbox push-library {samples} (tagged on the box by the factory tagger)")
            _cli("push-library", str(samples), "--name", samples.name.replace(" ", "_"), "--wait", "--quiet")
            print(f"\n== hatbox box-kit --from {samples.name.replace(' ', '_')} "
                  "(each drum tag on its General MIDI notes: the kit below)")
            _cli("box-kit", "--from", samples.name.replace(" ", "_"), "--yes")
    finally:
        if before is None:
            os.environ.pop("HATBOX_CONFIG", None)
        else:
            os.environ["HATBOX_CONFIG"] = before


def _own_folder(out: Path) -> Path:
    """Make (or reuse) the demo's folder out/hatbox-demo and clear what an earlier demo made there.

    A folder is reused only when it holds the demo's marker or is empty; anything else is refused with a
    HatboxError before a file is touched.  Only the names in MADE are removed, so a user's own files there,
    and everything else in ``out``, stay as they are."""
    home = out / FOLDER
    marker = home / MARKER
    if home.is_symlink() or (home.exists() and not home.is_dir()):
        raise HatboxError(f"{home} exists and is not a folder the demo made",
                          hint="move it away, or give --out another folder")
    from hatbox.demo_box import free_store
    try:
        if home.is_dir():
            ours = marker.is_file() and not marker.is_symlink() and \
                marker.read_text(errors="replace") == MARKER_TEXT
            if not ours and any(home.iterdir()) and not _made_by_earlier_demo(home):
                raise HatboxError(f"{home} was not made by `hatbox demo` (no {MARKER} in it): not touching it",
                                  hint="move it away, or give --out another folder")
        home.mkdir(parents=True, exist_ok=True)
        marker.write_text(MARKER_TEXT)
        free_store(home / "store")                       # not another demo's store while it runs
        for name in MADE:
            path = home / name
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            elif path.exists() or path.is_symlink():
                path.unlink()
    except OSError as exc:
        raise HatboxError(f"cannot prepare {home}: {exc.strerror or exc}") from None
    return home


def _made_by_earlier_demo(home: Path) -> bool:
    """A folder written by the demo before it marked its folders: only the names in MADE, and a
    demo-summary.json naming this very folder's demo-out.wav (an interrupted earlier run has none: refused)."""
    try:
        if not {p.name for p in home.iterdir()} <= set(MADE):
            return False
        summary = json.loads((home / "demo-summary.json").read_text())
    except (OSError, ValueError):
        return False
    return isinstance(summary, dict) and summary.get("output_wav") == str(home / "demo-out.wav")


def _perform(control: Any, seconds: float, drums: bool = False) -> list[dict[str, Any]]:
    """The scripted performance (with ``drums``, a beat on the kit too); returns the status samples taken once a
    second."""
    import numpy as np
    effect = _effect_knob(control)
    samples: list[dict[str, Any]] = []
    t0 = time.monotonic()
    beat, last_status, step = -1, -1, -1
    while (t := time.monotonic() - t0) < seconds:
        if drums and int(t / DRUM_STEP_S) != step:
            step = int(t / DRUM_STEP_S)
            for note in DRUMS.get(step % 16, ()):
                control.send({"op": "note_on", "note": note, "velocity": 100, "slot": "sampler"})
        phase = t / seconds
        control.send({"op": "xy", "x": 0.5 + 0.5 * np.cos(2 * np.pi * phase),
                      "y": 0.5 + 0.5 * np.sin(2 * np.pi * phase)})
        if effect:
            name, lo, hi = effect
            control.send({"op": "knob", "slot": "effect", "name": name,
                          "value": lo + (hi - lo) * abs(np.sin(np.pi * phase))})
        if int(t) // 2 != beat:
            beat = int(t) // 2
            _change_chord(control, beat)
        if int(t) != last_status:
            last_status = int(t)
            samples.append(_print_status(control.status(), t))
        time.sleep(0.05)
    control.send({"op": "panic"})
    return samples


def _effect_knob(control: Any) -> tuple[str, float, float] | None:
    active = control.status().get("active", {}).get("effect")
    if not active:
        return None
    from export.pack import read_pack
    knobs = read_pack(active["path"]).manifest.knobs
    return (knobs[0].name, knobs[0].min, knobs[0].max) if knobs else None


def _change_chord(control: Any, beat: int) -> None:
    for note in CHORDS[(beat - 1) % len(CHORDS)]:
        control.send({"op": "note_off", "note": note})
    for note in CHORDS[beat % len(CHORDS)]:
        control.send({"op": "note_on", "note": note, "velocity": CHORD_VELOCITY})


def _print_status(st: dict[str, Any], t: float) -> dict[str, Any]:
    from hatbox.status_line import status_words
    print(f"  t={t:5.1f}s  {status_words(st)}", flush=True)
    return {k: st.get(k) for k in ("load_mean", "load_p999", "load_max", "xruns", "peak_db", "input_peak_db",
                                   "fault_count")}


def _print_faults(st: dict[str, Any]) -> list[dict[str, Any]]:
    """Print the engine's fault log (slot, model, reason, block) and return it for the summary.  The
    engine bypasses a slot from its faulted block on: an effect plays the dry input, a source is silent."""
    from device.audio.engine import EFFECT_SLOTS
    faults = list(st.get("faults") or [])
    for f in faults:
        played = "the dry input" if f.get("slot") in EFFECT_SLOTS else "silence"
        print(f"  fault in the {f.get('slot')} slot ({f.get('name') or 'no model'}): {f.get('reason')} at block "
              f"{f.get('block')}; bypassed from there on ({played})", flush=True)
    return faults


def _panel(control: Any, store: Path, seconds: float, kit: Any = None) -> threading.Thread | None:
    """The panel, headless on simulated pins/touch, reading the live store (best effort); ``kit``: the API's, for
    the Kit page."""
    try:
        from device.ui.app import run_panel
        from device.ui.data import StoreData
    except ImportError:
        return None
    data = StoreData(store, {"audio_device": "file backend (demo)", "midi": "-", "block": "128"})
    data.kit = kit
    th = threading.Thread(target=run_panel, args=(control,),
                          kwargs={"sim": True, "data": data, "seconds": seconds, "headless": True}, daemon=True)
    th.start()
    return th


def demo(args: argparse.Namespace) -> int:
    """`hatbox demo`: the box set up and played (module docstring), its store held and logged into as `hatbox device
    run` does (STORE/box.lock, STORE/logs) from before its engine starts."""
    from hatbox import demo_box
    from hatbox.box_store_lock import held_store
    samples = _choose_kit(args.kit)
    out = _own_folder(args.out.resolve())
    store = out / "store"
    print(f"== starting the box (engine process, API) in {out}")
    with held_store(store, demo_box.BUSY_HINT, demo_box.COMMAND) as box_log, demo_box.laptop_client_quiet():
        log_path = box_log.path
        demo_box.log.info("hatbox demo: the demo's box starts (store %s, log %s)", store, log_path or "stderr only")
        engine, control, api, codes = _start_box(out, store, args.seconds)
        try:
            return _run(args, out, store, (engine, control, api, codes), samples, log_path)
        finally:
            api.stop()
            engine.stop()


def _run(args: argparse.Namespace, out: Path, store: Path, box: tuple[Any, Any, Any, list[str]],
         samples: Path | None, log_path: Path | None) -> int:
    """The demo once its box runs: set up, performance, summary.  ``box``: (engine, control, API, pairing codes);
    ``log_path``: the box's log (None: stderr only)."""
    from hatbox import demo_box
    engine, control, api, codes = box
    started = time.monotonic()
    try:
        _wait_for(codes)
        _push_everything(api.url, codes[-1], out, samples)
    except HatboxError as exc:
        raise demo_box.setup_stopped_words(exc, engine, log_path) from None
    print(f"\n== the box is set up ({time.monotonic() - started:.0f} s, on silence): the guitar input starts into it "
          "with the performance", flush=True)
    try:
        final, per_second = _performance(args, engine, control, store, api, samples is not None, log_path)
    finally:
        engine.stop()
    return _summarise(out, store, engine, final, per_second, args.seconds, log_path)


def _performance(args: argparse.Namespace, engine: Any, control: Any, store: Path, api: Any,
                 drums: bool, log_path: Path | None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The panel, the guitar input started and the scripted performance; returns (the last status, the status once
    a second).  When the box's engine ended meanwhile, HatboxError saying why and how far into the performance
    (demo_box.stopped_words; ``log_path``: the box's log, None: stderr only)."""
    from hatbox import demo_box
    panel = _panel(control, store, args.seconds, getattr(api, "kit", None))
    print(f"\n== playing for {args.seconds:.0f} s: chords on the synth, the pad circling the four timbres, "
          "the effect's knob turning, the guitar input through the effect" + (", a beat on the kit" if drums else ""))
    t0 = time.monotonic()
    try:
        demo_box.start_phrase(engine)
        samples = _perform(control, args.seconds, drums=drums)
        if panel is not None:
            panel.join(5)
        return control.status(), samples
    except HatboxError:
        if demo_box.ended(engine):
            raise demo_box.stopped_words(engine, time.monotonic() - t0, args.seconds, log_path) from None
        raise


def _summarise(out: Path, store: Path, engine: Any, final: dict[str, Any], samples: list[dict[str, Any]],
               seconds: float, log_path: Path | None) -> int:
    """Write demo-summary.json (with where in the take the performance began and the set-up's swaps were) and say
    where everything is."""
    from hatbox.demo_box import take_figures
    take = take_figures(final)
    summary = {"output_wav": str(out / "demo-out.wav"), "final": _print_status(final, seconds),
               "faults": _print_faults(final), "status_per_second": samples, **take}
    problem = (engine.recording or {}).get("problem")
    if problem:
        summary["recording_problem"] = problem
    try:
        (out / "demo-summary.json").write_text(json.dumps(summary, indent=1))
    except OSError as exc:                   # a full disk: the cut recording is the news, if there is one
        engine.check_recording()
        raise HatboxError(f"cannot write {out / 'demo-summary.json'}: {exc.strerror or exc}") from None
    engine.check_recording()                 # the output cut short (a full disk): say so and fail
    print(f"\n== done: the box's output is {out / 'demo-out.wav'} ({_take_words(take)}); its guitar input, a "
          f"plucked phrase through the effect, is {out / 'demo-in.wav'}; figures per second in "
          f"{out / 'demo-summary.json'}")
    print(f"   listen: play {shlex.quote(str(out / 'demo-out.wav'))}   (sox, installed by setup; or any audio player)")
    print(f"   the demo's box has stopped (the hatbox box-... lines above need it running): to start it again with "
          f"its packs and library, hatbox device run --sim --store {shlex.quote(str(store))}, then hatbox pair from "
          "another terminal")
    print(f"   the box's log: {log_path} (its changes: {log_path.parent / 'changes.log'}; hatbox box-logs shows them "
          "once the box runs again, the line above)" if log_path is not None
          else "   the box kept no log: the warning above says why")
    return 0


def _take_words(take: dict[str, Any]) -> str:
    """Where in the take the set-up and the performance are, in words (demo_box.take_figures)."""
    start = take.get("performance_from_s")
    if start is None:
        return "the set-up, then the performance"
    swaps = take.get("effect_swaps_s") or []
    swapped = f", the effect hot-swapped in at {', '.join(f'{t:.1f}' for t in swaps)} s" if swaps else ""
    return f"the set-up on silence for its first {start:.1f} s{swapped}, then the performance"


def _wait_for(codes: list[str], timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while not codes and time.monotonic() < end:
        time.sleep(0.05)
    if not codes:
        raise HatboxError("the box did not show a pairing code")
