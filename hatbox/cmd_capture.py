"""`hatbox box-capture DIR [--knob drive=0 --knob drive=12 ...] [--seconds N] [--yes]`: capture the musician's gear
through the box (re-amping), ready for `hatbox train effect DIR`.

For each knob setting it asks the musician to set the gear there and press Enter, has the box play its capture
signal through the gear and record the return (``POST /captures``, device/api/capture_routes.py), shows the progress,
downloads the take (lined up with the dry signal by the box) and writes DIR/pairs.csv anew (hatbox/capture_set.py).
A setting whose take is in DIR already is skipped, so the same command resumes an interrupted set.  Without a
terminal (or with CI=true) it cannot wait for Enter: it needs ``--yes`` (capture each setting at once).

A capture session belongs to the laptop that opened it (device/api/capture_session.py): the run ends its own session
as it ends (only when it started a capture), and ``hatbox box-capture --end-session`` ends one another laptop left
open (it went away before its run ended), after a question naming that laptop.  While the run waits at its Enter
prompt with a session open (the musician sets the gear, maybe for longer than the box's 5 minutes), a background
thread keeps the session (``POST /captures/session/keep`` every :data:`KEEP_S`, :class:`SessionKeeper`), so that the
box does not unmute its live input with the gear still in the loop; it stops as Enter comes, on Ctrl-C and on every
other way the wait ends.
"""
from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

from hatbox.argtypes import number
from hatbox.ask import ask, can_ask, ci_set, end_line
from hatbox.capture_set import DRY, PAIRS, CaptureSet, Setting, check_settings, open_set, parse_setting
from hatbox.errors import HatboxError, Interrupted

DEFAULT_SECONDS = 60.0
SECONDS_RANGE = (5.0, 300.0)         # device.control.CAPTURE_SECONDS_RANGE (not imported: the CLI starts light)
POLL_S = 0.25
STUCK_S = 30.0                       # no progress for this long: the box is not capturing
KEEP_S = 60.0                        # at the Enter prompt the session is kept this often (the box's lasts 300 s)
JOIN_S = 5.0                         # how long the end of the wait waits for a keep in flight
WIRING = ("connect the box's output to the gear's input and the gear's output to the box's input (the box plays "
          "its capture signal at -6 dBFS peak)")


def _interactive(yes: bool) -> None:
    """HatboxError when the command would wait for Enter (no ``--yes``) with no one to press it."""
    ci = ci_set()
    if yes or (sys.stdin.isatty() and not ci):
        return
    why = "CI is set" if ci else "its input is not a terminal"
    raise HatboxError(f"box-capture waits for you to set the gear's knobs and press Enter before each capture, but "
                      f"{why}: nothing was captured",
                      hint="pass --yes to capture each setting at once, one after another (the gear must already be "
                           "at it, or be the simulated box's --sim-gear, which follows the knobs)")


def _ready(setting: Setting, index: int, count: int, yes: bool) -> None:
    """Tell the musician what to set; wait for Enter unless ``yes``."""
    where = f"[{index}/{count}]"
    if yes:
        print(f"{where} capturing {setting.words()} (--yes: not waiting)", flush=True)
        return
    try:
        ask(f"{where} set the gear to {setting.words()}, then press Enter to capture (Ctrl-C stops) ")
    except EOFError:
        end_line()
        raise HatboxError("no Enter to wait for (the input ended)", hint="pass --yes to capture without waiting") \
            from None


class SessionKeeper:
    """``with SessionKeeper(client, on):`` while the run waits at the Enter prompt: when ``on`` (a session of this
    run's is open and the run waits for a person), a daemon thread sends ``POST /captures/session/keep`` every
    ``every`` s until the block ends, however it ends (Enter, Ctrl-C, an error); it is joined there.  It stops for
    good on a box without the route (an older one: 404) or a session no longer this laptop's (409), silently; a box
    that does not answer is tried again at the next beat (if the laptop is gone, the box's own timeout ends the
    session)."""

    def __init__(self, client: Any, on: bool, every: float | None = None) -> None:
        self.client, self.on, self.every = client, on, KEEP_S if every is None else every
        self.sent = 0                                    # keeps the box took (for the tests)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> "SessionKeeper":
        if self.on:
            self._thread = threading.Thread(target=self._beat, daemon=True, name="hatbox-capture-keep")
            self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=JOIN_S)      # a keep in flight to a box that hangs: not waited out

    def _beat(self) -> None:
        while not self._stop.wait(self.every):
            if not self._keep_once():
                return

    def _keep_once(self) -> bool:
        """One keep; False when keeping is pointless from now on (404: an older box; 409: not this laptop's)."""
        from hatbox.box_client import BoxRefused, _call
        try:
            _call(self.client, "POST", "/captures/session/keep")
        except BoxRefused as exc:
            return exc.status not in (404, 405, 409)
        except Exception:  # noqa: BLE001 - the box did not answer (or the client closed): the next beat tries again
            return not self._stop.is_set()
        self.sent += 1
        return True


def _follow(client: Any, cid: str, seconds: float, words: str) -> dict[str, Any]:
    """Poll capture ``cid`` with a progress bar until it is no longer playing or written; returns its record."""
    from hatbox.box_client import _call
    from hatbox.progress import progress_bar
    last, since = -1.0, time.monotonic()
    with progress_bar(total=round(seconds), desc=f"capture {words}", kind="seconds", leave=False) as bar:
        while True:
            info = _call(client, "GET", f"/captures/{cid}")
            bar.update(round(float(info.get("progress") or 0.0) * seconds) - bar.n)
            if info.get("state") not in ("playing", "writing", "cancelling"):
                return info
            if info.get("progress") != last:
                last, since = info.get("progress"), time.monotonic()
            elif time.monotonic() - since > STUCK_S:
                raise HatboxError(f"the box's capture {cid} made no progress for {STUCK_S:g} s",
                                  hint="look at the box (hatbox status, hatbox box-logs) and run the command again")
            time.sleep(POLL_S)


def _download(client: Any, cid: str, name: str, dst: Path, sha256: str | None) -> None:
    """Fetch ``/captures/{cid}/{name}`` into ``dst`` (atomically) and check its samples' sha256 against the box's."""
    from device.audio import audiofile
    from device.audio.capture_signal import signal_sha256
    from hatbox.box_client import _base, _checked
    part = dst.with_name(f".{dst.name}.part")
    try:
        with client.stream("GET", f"/captures/{cid}/{name}") as resp:
            if resp.status_code >= 300:
                resp.read()
                _checked(resp, _base(client), f"GET /captures/{cid}/{name}")
            with open(part, "wb") as fh:
                for chunk in resp.iter_bytes():
                    fh.write(chunk)
        audio, _ = audiofile.read(part, mono=True)
        if sha256 and signal_sha256(audio.reshape(-1)) != sha256:
            raise HatboxError(f"the {name} of capture {cid} came down damaged (its samples differ from the box's)",
                              hint="run the command again: it captures what is missing")
        os.replace(part, dst)
    finally:
        part.unlink(missing_ok=True)


def _capture_one(client: Any, setting: Setting, seconds: float, cset: CaptureSet, running: list[str],
                 begun: list[str] | None = None) -> str:
    """Capture ``setting``, keep its take in ``cset``; returns the box's capture id (``running`` holds it while the
    box plays it, for a Ctrl-C to cancel; ``begun`` gets it once the box started it)."""
    from hatbox.box_client import _call
    body = _call(client, "POST", "/captures", json={"name": setting.words()[:64], "knobs": setting.box_knobs(),
                                                    "seconds": seconds})
    cid = str(body["id"])
    _say_note(body.get("session_note"))          # another laptop ended this run's session between its takes
    running.append(cid)
    if begun is not None:
        begun.append(cid)
    info = _follow(client, cid, seconds, setting.words())
    running.remove(cid)
    return _keep(client, cid, info, setting, seconds, cset)


def _keep(client: Any, cid: str, info: dict[str, Any], setting: Setting, seconds: float, cset: CaptureSet) -> str:
    """Download the finished capture ``cid`` (its record ``info``) of ``setting`` into ``cset`` and delete it on the
    box; its id is kept in ``cset.pending`` until its take is down, so that the same command fetches it again should
    the download fail (a full disk here).  HatboxError for a capture that is no good take."""
    for note in info.get("notes") or []:
        print(f"note: {note}", file=sys.stderr, flush=True)
    if info.get("state") != "done":
        raise HatboxError(f"the capture of {setting.words()} {info.get('state')}: {info.get('problem') or 'no take'}",
                          hint="fix what it says and run the same command again (what was captured is kept)")
    signal = {"seconds": seconds, "rate": info.get("rate"), "version": info.get("signal_version"),
              "dry_sha256": info.get("dry_sha256")}
    if cset.takes and cset.signal.get("dry_sha256") not in (None, signal["dry_sha256"]):
        raise HatboxError(f"the box's capture signal differs from the one {cset.folder} holds takes of (another "
                          "hatbox version or rate)", hint="give another folder")
    cset.pending[setting.take_name()] = cid
    cset.save()
    if not (cset.folder / DRY).is_file() or cset.signal.get("dry_sha256") != signal["dry_sha256"]:
        _download(client, cid, "dry.wav", cset.folder / DRY, signal["dry_sha256"])
    _download(client, cid, "take.wav", cset.folder / setting.take_name(), info.get("take_sha256"))
    cset.signal = signal
    cset.add(setting, info)
    _forget(client, cid)
    print(f"captured {setting.words()}: {setting.take_name()} (round trip {float(info.get('latency_ms') or 0):.2f} "
          f"ms, return peak {float(info.get('peak_dbfs') or -120):.1f} dBFS)", flush=True)
    return cid


def _fetch_pending(client: Any, setting: Setting, seconds: float, cset: CaptureSet) -> bool:
    """Download the take of ``setting`` the box still holds from an earlier run whose download failed (its id in
    ``cset.pending``, the capture done, its knobs and length the same) instead of capturing it again; False when
    there is none (the box deleted it, a day after it finished, or it is not the same)."""
    from hatbox.box_client import asked
    cid = cset.pending.get(setting.take_name())
    if cid is None:
        return False
    info = asked(client, f"/captures/{cid}") or {}
    if info.get("state") != "done" or info.get("knobs") != setting.box_knobs() or info.get("seconds") != seconds:
        cset.pending.pop(setting.take_name(), None)
        return False
    print(f"downloading {setting.words()}: the box still holds its take from the last run (capture {cid})",
          flush=True)
    _keep(client, cid, info, setting, seconds, cset)
    return True


def _forget(client: Any, cid: str) -> None:
    """Delete capture ``cid`` on the box (its copy is in DIR now); a failure is only a note."""
    from hatbox.box_client import _call
    try:
        _call(client, "DELETE", f"/captures/{cid}", expect=None)
    except HatboxError as exc:
        print(f"note: the box keeps capture {cid} ({exc})", file=sys.stderr)


def _cancel(client: Any, running: list[str]) -> None:
    """Ctrl-C during a capture: ask the box to fade it out (best effort: the box may be gone)."""
    from hatbox.box_client import _call
    for cid in running:
        try:
            _call(client, "POST", f"/captures/{cid}/cancel")
        except (HatboxError, KeyboardInterrupt):
            pass


def _end_session(client: Any) -> None:
    """The run ends (done, failed or Ctrl-C) having started a capture: the box's capture session ends, its live input
    fades back in (best effort: a box that is gone ends it itself 5 minutes after its last capture).  A session that
    is another laptop's by now (this one's ended by itself, or was ended from there) is left open, said in a note."""
    from hatbox.box_client import BoxRefused, _call
    try:
        _say_note(_call(client, "POST", "/captures/session/end").get("note"))
    except BoxRefused as exc:
        if exc.error == "not your session":
            print(f"note: {exc}", file=sys.stderr)
    except (HatboxError, KeyboardInterrupt):
        pass


def _say_note(note: Any) -> None:
    """``note: laptopB ended your capture session at 07:18: the live input was unmuted between your takes`` (the
    box says it once, to the laptop whose session another ended with ``--end-session``); nothing for None."""
    from hatbox.box_client import safe_text
    if isinstance(note, str) and note:
        print(f"note: {safe_text(note)}", file=sys.stderr, flush=True)


def _kept_words(cset: CaptureSet, count: int) -> str:
    """``2 of 3 settings are captured in DIR (pairs.csv lists them)``."""
    done = len(cset.takes)
    return (f"{done} of {count} setting{'s' if count != 1 else ''} captured in {cset.folder}"
            + (f" ({PAIRS} lists them)" if done else ""))


def _pending_words(cset: CaptureSet) -> str:
    """`` (and fetches the take of drive=12 the box holds for a day)`` for the takes captured but not downloaded."""
    names = [name for name in cset.pending if name not in cset.takes]
    return f" (and fetches {', '.join(names)}, which the box holds for a day)" if names else ""


def _in_words(exc: Exception) -> Exception:
    """``exc`` as the error the command ends with: a full disk here (an OSError met writing a download) in words."""
    import errno
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        from hatbox.cli import disk_full
        return disk_full(exc)
    return exc


def _session_words(session: dict[str, Any]) -> str:
    """``laptopA has a capture session open since 06:15 (1 take); it ends by itself in 4 min`` from the box's
    ``GET /captures/session``."""
    from hatbox.box_client import safe_text
    words = safe_text(str(session.get("words") or "a capture session is open"))
    left = session.get("ends_in_s")
    if isinstance(left, (int, float)):
        when = f"in {max(1, round(left / 60))} min" if left >= 60 else f"in {max(1, round(left))} s"
        words += f"; it ends by itself {when} if its laptop went away (a box-capture waiting for Enter keeps it)"
    return words


def _ask_end(session: dict[str, Any], yes: bool) -> bool:
    """Ask before ending another laptop's ``session`` (True: end it): the live input comes back with that laptop's
    gear maybe still in the loop.  ``yes``: no question; no terminal (or CI) and no ``yes``: HatboxError."""
    from hatbox.box_client import safe_text
    from hatbox.box_packs import confirm
    owner = safe_text(str(session.get("owner") or "another laptop"))
    print(_session_words(session) + ".", flush=True)
    if yes:
        return True
    if not can_ask():
        raise HatboxError(f"{owner}'s capture session was not ended: there is no one to ask (its input is not a "
                          "terminal, or CI is set)", hint="pass --yes to end it without asking")
    return confirm(f"end {owner}'s capture session? The box's live input comes back: take {owner}'s gear out of the "
                   "loop from the box's output to its input (or turn its gain down) first",
                   f"{owner}'s capture session was not ended", "pass --yes to end it without asking")


def _refuse_mid_take(session: dict[str, Any]) -> None:
    """HatboxError: another laptop's take plays now (its laptop is evidently there): ``--end-session`` is for a
    session whose laptop went away, so it asks nothing and ends nothing (the box refuses it too: 409 "take
    playing"); ``session``: the box's ``GET /captures/session``."""
    from hatbox.box_client import safe_text
    owner = safe_text(str(session.get("owner") or "another laptop"))
    words = session.get("end_refused")
    raise HatboxError(safe_text(words) if isinstance(words, str) and words else
                      f"the capture session was not ended: {owner}'s take is playing now: its laptop is there; ask "
                      "them, or wait for the take to end",
                      hint=f"{owner}'s hatbox box-capture ends its session as it ends; if {owner} has gone away, run "
                           "hatbox box-capture --end-session again between its takes (it asks first)")


def end_session(args: argparse.Namespace) -> int:
    """``hatbox box-capture --end-session``: end the box's capture session, another laptop's too (one that went away
    before its run ended), after a question naming it unless ``--yes``."""
    from hatbox.box_client import _call, _client, safe_text
    from hatbox.cmd_remote import target
    url, token, verify = target(args)
    with _client(url, token, verify) as client:
        session = _call(client, "GET", "/captures/session")
        if not session.get("open"):
            print("no capture session is open on the box: its live input plays as usual")
            return 0
        if not session.get("yours") and session.get("playing"):
            _refuse_mid_take(session)
        if not session.get("yours") and not _ask_end(session, args.yes):
            return 1
        ended = _call(client, "POST", "/captures/session/end", params={"force": "true"})
    owner = session.get("owner")
    whose = "this laptop's" if session.get("yours") else f"{safe_text(str(owner))}'s" if owner else "the"
    when = " once the capture playing now ends" if session.get("playing") else ""
    print(f"ended {whose} capture session: the box's live input fades back in{when}"
          + ("" if ended.get("ended") or session.get("playing") else " (it was no longer muted)"))
    return 0


def box_capture(args: argparse.Namespace) -> int:
    """The command (see the module)."""
    from hatbox.box_client import _client
    from hatbox.cmd_remote import target
    if args.end_session:
        if args.dir is not None or args.knob:
            raise HatboxError("--end-session ends the box's capture session and captures nothing: give it no DIR "
                              "and no --knob", hint="hatbox box-capture --end-session")
        return end_session(args)
    if args.dir is None:
        raise HatboxError("give the folder for the set: hatbox box-capture DIR --knob NAME=VALUE ...",
                          hint="or hatbox box-capture --end-session to end a capture session left open")
    settings = check_settings([parse_setting(text) for text in args.knob or []])
    cset = open_set(Path(args.dir), list(settings[0].knobs), args.seconds)
    todo = [s for s in settings if not cset.done(s)]
    for s in settings:
        if s not in todo:
            print(f"already captured: {s.words()} ({s.take_name()}; delete it to capture it again)")
    if todo:
        _interactive(args.yes)
        url, token, verify = target(args)
        print(WIRING[0].upper() + WIRING[1:] + ".", flush=True)
        running: list[str] = []
        begun: list[str] = []                   # the captures this run started (its session's)
        with _client(url, token, verify) as client:
            try:
                for i, setting in enumerate(todo, 1):
                    if not _fetch_pending(client, setting, args.seconds, cset):
                        with SessionKeeper(client, bool(begun) and not args.yes):     # the musician sets the gear
                            _ready(setting, i, len(todo), args.yes)
                        _capture_one(client, setting, args.seconds, cset, running, begun)
            except KeyboardInterrupt:
                _cancel(client, running)
                raise Interrupted(f"interrupted: {_kept_words(cset, len(settings))}; the same command captures the "
                                  "rest") from None
            except (HatboxError, OSError) as exc:
                if cset.takes or cset.pending:
                    print(f"interrupted: {_kept_words(cset, len(settings))}; the same command captures the rest"
                          + _pending_words(cset), file=sys.stderr)
                raise _in_words(exc) from None
            finally:
                if begun:                       # a run refused at its first start opened no session: another
                    _end_session(client)        # laptop's, open meanwhile, is not this one's to end
    print(f"{cset.folder / PAIRS}: {len(cset.takes)} take{'s' if len(cset.takes) != 1 else ''} of {args.seconds:g} s; "
          f"train on it: hatbox train effect {cset.folder} --out gear.hatpack")
    return 0


SIGNAL_FILES = {".wav": "32-bit float WAV", ".aif": "32-bit float AIFF", ".aiff": "32-bit float AIFF",
                ".flac": "24-bit FLAC"}      # what capture-signal writes (audiofile.write's own formats; no lossy .ogg)
REAMP_HINT = ("re-amp it: play it from your DAW at 48 kHz through the gear at each knob setting, record the gear's "
              "return from the same start, and list each take in pairs.csv beside this file (input,output,<knobs>: "
              "docs/effect.md); then hatbox train effect FOLDER")
GUITAR_TOO = ("re-amp a take of your own guitar DI through the same settings too, and train on it: in one test (one "
              "pedal, one seed, a synthesised guitar) a pack trained on the capture signal alone played guitar 3.4x "
              "worse than one trained on guitar DI, one trained on both 1.1x worse (docs/capture.md)")


def signal_file(args: argparse.Namespace) -> int:
    """`hatbox capture-signal OUT.wav [--seconds N] [--force]`: write the capture signal box-capture plays
    (device/audio/capture_signal.py, the same samples for the same ``--seconds``) as a file at 48 kHz, mono, to
    re-amp in a DAW (p59 Q2 4: only box-capture played it).  A file hatbox did not write is kept unless --force."""
    from device.audio import audiofile
    from device.audio.capture_signal import PEAK_DBFS, RATE, capture_signal, signal_sha256
    out = _signal_name(Path(args.out))
    audiofile.check_output(out, force=True)                 # its name, its folder: checked before the work
    audiofile.refuse_foreign(out, args.force, flag="file name")  # a recording of the musician's is kept
    audio = capture_signal(args.seconds)
    audiofile.write(out, audio, RATE)
    print(f"wrote {out}: the capture signal, {args.seconds:g} s at {RATE // 1000} kHz, mono, "
          f"{SIGNAL_FILES[out.suffix.lower()]}, peak {PEAK_DBFS:g} dBFS (the samples box-capture --seconds "
          f"{args.seconds:g} plays; sha256 of the float samples {signal_sha256(audio)[:16]})")
    print(REAMP_HINT)
    print(f"note: {GUITAR_TOO}")
    return 0


def _signal_name(out: Path) -> Path:
    """``out`` when capture-signal writes that kind of file (:data:`SIGNAL_FILES`); a HatboxError otherwise: a lossy
    .ogg would change the signal, a name of another kind is no audio file."""
    if out.suffix.lower() in SIGNAL_FILES:
        return out
    from device.audio.audiofile import name_refusal
    lossy = ", not .ogg: a lossy file changes the signal" if out.suffix.lower() == ".ogg" else ""
    raise name_refusal(out, tuple(SIGNAL_FILES), "; nothing was written", also=lossy.removeprefix(", "))


def register(cli: Any) -> None:
    from hatbox.cmd_remote import _common
    p = cli.command("capture-signal", "write the capture signal box-capture plays as a WAV file, to re-amp through "
                                      "your gear from a DAW (then hatbox train effect)", signal_file)
    p.add_argument("out", metavar="OUT.wav", help="the file to write (.wav or .aif(f): 32-bit float; .flac: 24-bit)")
    p.add_argument("--seconds", type=number(*SECONDS_RANGE, "seconds"), default=DEFAULT_SECONDS,
                   help=f"its length, {SECONDS_RANGE[0]:g}..{SECONDS_RANGE[1]:g} s (default {DEFAULT_SECONDS:g}, as "
                        "box-capture's)")
    p.add_argument("--force", action="store_true", help="write over a file at OUT that hatbox did not write")
    p = cli.command("box-capture", "capture your gear through the box (re-amping): the box plays a test signal "
                                   "through it at each knob setting and records the return, ready for hatbox train "
                                   "effect", box_capture)
    p.add_argument("dir", nargs="?", help="folder for the set: dry.wav, a take per knob setting, pairs.csv (made if "
                                          "missing; the same folder again resumes it)")
    p.add_argument("--knob", action="append", metavar="NAME=VALUE[,NAME=VALUE]",
                   help="one knob setting to capture, e.g. --knob drive=0 --knob drive=12 (several knobs: "
                        "drive[dB]=12,tone=0.5; default: one capture of the gear as it is)")
    p.add_argument("--seconds", type=number(*SECONDS_RANGE, "seconds"), default=DEFAULT_SECONDS,
                   help=f"length of the capture signal, {SECONDS_RANGE[0]:g}..{SECONDS_RANGE[1]:g} s "
                        f"(default {DEFAULT_SECONDS:g})")
    p.add_argument("--yes", action="store_true",
                   help="do not wait for Enter before each setting (needed without a terminal, or with CI=true); "
                        "with --end-session: do not ask")
    p.add_argument("--end-session", action="store_true",
                   help="end the box's capture session (its live input muted), another laptop's too when it went "
                        "away before its run ended (asks first, naming it); captures nothing")
    _common(p)
