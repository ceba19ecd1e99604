"""Capture mode: the box plays the capture signal through the musician's gear and records what comes back.

Two parts, as the engine's other work is split:

- :class:`CaptureRun` lives on the audio thread (``Engine.capture``; :meth:`device.audio.engine.Engine.process` calls
  :meth:`CaptureRun.render` after the output stage).  Its buffers are made before it is handed over; per block it
  only slices, multiplies and copies into them (no allocation, no lock, no I/O).  Timeline, in samples::

      0 ........ F ..................... F + S ........ F + S + T ....... F + S + T + F
      | normal    | dry signal plays      | silence      | normal output   |
      | fades out |  (fixed level)        | (round trip) | fades back in   |
                  | the input is recorded, sample for sample with the dry |

  (F = :data:`FADE_S`, S = the signal, T = :data:`TAIL_S`, the longest round trip it finds.)  Everything the box
  would otherwise play (live input, synth, sampler, effect; the volume does not apply to the capture signal) is
  faded out over F and back in at the end.  A cancel fades the dry signal out and the normal output in over F from
  the block it is seen in, and the capture ends there.
- :class:`CaptureDeck` is the control side (the engine process's reader threads, device/audio/server.py): it starts
  a run (refused while one runs), cancels it, reports its progress (the engine status's ``capture``), and its own
  writer thread, once the run has finished, finds the round trip, judges the take and writes the capture's folder
  (device/audio/capture_result.py) off the audio thread.

A **capture session** (:class:`InputMute`) mutes the box's live input from the first capture on until the laptop's
run ends (``capture_end``) or :data:`SESSION_S` after the last capture (the laptop vanished): between captures the gear
is still in the loop from the box's output to its input, and a drive's gain would make it howl through the speakers.
The mute fades over :data:`MUTE_FADE_S`; the engine applies it to its live input (``Engine.input_mute``) on the audio
thread, which also keeps its clock, so the timeout needs no thread of its own.

A laptop whose run waits at its "press Enter" prompt (the musician sets the gear) sends ``capture_keep`` every
minute or so (hatbox/cmd_capture.py): the session then lasts :data:`SESSION_S` from that message on, so a musician
who takes longer than that does not get the live input back with the gear in the loop.  A keep never opens a session
(one that ended stays ended), so a laptop that vanished still leaves it to the timeout.

Control messages (device/control.py): ``{"op": "capture", "name": ID, "path": FOLDER, "seconds": S, "knobs": {...}}``
(optional ``"by"``: the paired device that asked, shown with the session: the panel's line), ``{"op":
"capture_cancel"}``, ``{"op": "capture_keep"}`` and ``{"op": "capture_end"}`` (the session ends: the live input
fades back in).
"""
from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np

from device.audio.slot import MAX_BLOCK
from hatbox.errors import HatboxError

FADE_S = 0.01                 # the normal output fades out before, and back in after, the capture signal
TAIL_S = 0.5                  # recorded past the signal's end: the longest round trip a capture finds
STALL_S = 5.0                 # no block for this long while a capture runs: the box's audio stopped
POLL_S = 0.02                 # how often the writer looks whether the run has finished
SESSION_S = 300.0             # a capture session ends this long after its last capture if no end call comes
MUTE_FADE_S = 0.01            # the live input fades out (and back in) over this as a session starts (ends)
CAPTURE_OPS = ("capture", "capture_cancel", "capture_end", "capture_keep")
BY_CHARS = 64                 # a capture's ``by`` (a paired device's name) is cut to this


class CaptureBusy(HatboxError):
    """A capture was asked for while another one runs."""


class InputMute:
    """The capture session's mute of the live input at ``rate`` Hz: :meth:`apply` on the audio thread (the engine's
    live input, before the mix), the rest from the control side (a float assignment each)."""

    def __init__(self, rate: int) -> None:
        from device.audio.smoothing import GainGlide
        self.rate = int(rate)
        self.glide = GainGlide(self.rate, MUTE_FADE_S, 1.0, MAX_BLOCK)
        self.clock = 0                    # samples of live input seen (audio thread)
        self.until = 0.0                  # muted while clock < until (inf: until an end or a timeout is set)

    def apply(self, bus: np.ndarray) -> None:
        """Audio thread: ``bus`` [N] (the live input) faded to silence while the session lasts, back after it."""
        self.clock += bus.shape[0]
        self.glide.target = 0.0 if self.clock < self.until else 1.0
        self.glide.apply(bus)

    def hold(self) -> None:
        """A capture starts: muted until :meth:`release` or :meth:`end`."""
        self.until = float("inf")

    def keep(self) -> bool:
        """A keep-alive from the session's laptop (its run waits at the Enter prompt): the session lasts
        :data:`SESSION_S` from now; False (nothing changes) when no session lasts or a capture holds it anyway."""
        if not self.muted() or self.until == float("inf"):
            return False
        self.release()
        return True

    def release(self, seconds: float | None = None) -> None:
        """A capture ended: the session lasts ``seconds`` (default :data:`SESSION_S`) more unless another starts."""
        self.until = float(self.clock + (SESSION_S if seconds is None else seconds) * self.rate)

    def end(self) -> None:
        """The laptop's run ended: the live input fades back in."""
        self.until = 0.0

    def muted(self) -> bool:
        """The session lasts (or its fade back in has not begun)."""
        return self.clock < self.until

    def status(self) -> dict[str, Any]:
        """``{"muted": bool, "ends_in_s": seconds left before the timeout (None while a capture runs or none lasts),
        "words": "capture session: live input muted" or ""}`` (device/control.capture_session_words)."""
        muted, until = self.muted(), self.until
        left = (until - self.clock) / self.rate if muted and until != float("inf") else None
        return {"muted": muted, "ends_in_s": left, "words": "capture session: live input muted" if muted else ""}


class CaptureRun:
    """One capture on the audio thread: plays ``dry`` [S] float32 and records the input into :attr:`rec`
    [S + tail], ``rec[i]`` being the input sample that came in as ``dry[i]`` went out."""

    def __init__(self, dry: np.ndarray, rate: int) -> None:
        self.dry = np.ascontiguousarray(dry, np.float32)
        self.fade = max(1, int(round(FADE_S * rate)))
        self.tail = int(round(TAIL_S * rate))
        self.rec = np.zeros(self.dry.shape[0] + self.tail, np.float32)
        self.start = self.fade                          # where the dry signal starts
        self.resume = self.start + self.rec.shape[0]    # where the normal output starts coming back
        self.pos = 0                                    # samples run so far (audio thread)
        self.recorded = 0                               # samples of rec filled
        self.cancel_asked = False                       # set by the control side
        self.cancelled = False                          # seen by the audio thread
        self.finished = False                           # the normal output is back: the deck may write
        self._idx = np.arange(MAX_BLOCK, dtype=np.float32)
        self._down, self._up = np.zeros(MAX_BLOCK, np.float32), np.zeros(MAX_BLOCK, np.float32)
        self._dry_gain, self._play = np.zeros(MAX_BLOCK, np.float32), np.zeros(MAX_BLOCK, np.float32)

    @property
    def total(self) -> int:
        """Samples from the first fade to the normal output back."""
        return self.resume + self.fade

    def render(self, inp: np.ndarray | None, out: np.ndarray) -> None:
        """Audio thread: ``out`` [N] holds the box's normal output; it becomes the faded normal output plus the dry
        signal, and ``inp`` [N] (None: silence) is recorded."""
        if self.finished:
            return
        n, p = out.shape[0], self.pos
        if self.cancel_asked and not self.cancelled:
            self.cancelled = True
            self.resume = min(self.resume, p)
        down, up = self._gains(p, n)
        play = self._dry_into(p, n)
        np.subtract(1.0, up, out=self._dry_gain[:n])
        play *= self._dry_gain[:n]
        np.maximum(down, up, out=down)
        out *= down
        out += play
        self._record(inp, p, n)
        self.pos = p + n
        self.finished = self.pos >= self.resume + self.fade

    def _gains(self, p: int, n: int) -> tuple[np.ndarray, np.ndarray]:
        """(the normal output's fade-out gain, its fade-in gain) over the block starting at sample ``p``."""
        down, up = self._down[:n], self._up[:n]
        np.add(self._idx[:n], float(p), out=down)
        down *= -1.0 / self.fade
        down += 1.0
        np.clip(down, 0.0, 1.0, out=down)
        np.add(self._idx[:n], float(p - self.resume), out=up)
        up *= 1.0 / self.fade
        np.clip(up, 0.0, 1.0, out=up)
        return down, up

    def _dry_into(self, p: int, n: int) -> np.ndarray:
        """The dry signal's samples that go out in the block starting at ``p`` (zeros outside it) -> a view [n]."""
        play = self._play[:n]
        play.fill(0.0)
        s0 = p - self.start
        a, b = max(0, -s0), min(n, self.dry.shape[0] - s0)
        if b > a:
            play[a:b] = self.dry[s0 + a:s0 + b]
        return play

    def _record(self, inp: np.ndarray | None, p: int, n: int) -> None:
        """Keep the block's input where the dry signal's clock puts it (until the normal output comes back)."""
        s0 = p - self.start
        a, b = max(0, -s0), min(n, min(self.rec.shape[0], self.resume - self.start) - s0)
        if b <= a:
            return
        if inp is None:
            self.rec[s0 + a:s0 + b] = 0.0
        else:
            self.rec[s0 + a:s0 + b] = inp[a:b]
        self.recorded = s0 + b

    def progress(self) -> float:
        """0..1 of the run done (any thread)."""
        return min(1.0, self.pos / max(1, self.total))


class CaptureDeck:
    """The control side of capture mode for ``engine`` (its ``capture`` attribute takes the run) at ``rate`` Hz.
    ``thread_init``: called first in the writer thread (the engine process lowers its priority there)."""

    def __init__(self, engine: Any, rate: int, thread_init: Callable[[], Any] | None = None) -> None:
        self.engine, self.rate, self.thread_init = engine, int(rate), thread_init
        self.run: CaptureRun | None = None
        self.info: dict[str, Any] = {}               # the capture's id, name, knobs, seconds, folder, state...
        self.writer: threading.Thread | None = None
        self._lock = threading.Lock()                # control side only: one start at a time
        self._closing = threading.Event()
        self.mute = InputMute(self.rate)             # the capture session (the engine mutes its live input by it)
        self._end_asked = False                      # capture_end came while a capture played or was written
        self.by: str | None = None                   # the paired device whose capture began the session (if said)
        engine.input_mute = self.mute

    def handle(self, msg: dict[str, Any], io: Any = None) -> None:
        """Act on a capture control message (:data:`CAPTURE_OPS`); ``io``: the audio I/O, whose simulated gear (if
        any: device/audio/sim_gear.py) takes the knob settings the capture names."""
        if msg["op"] == "capture":
            self.start(str(msg["name"]), Path(msg["path"]), float(msg["seconds"]), msg.get("knobs") or {}, io)
            self.by = _by(msg.get("by"))
        elif msg["op"] == "capture_cancel":
            self.cancel()
        elif msg["op"] == "capture_end":
            self.end_session()
        elif msg["op"] == "capture_keep":
            self.keep()

    def keep(self) -> bool:
        """``capture_keep``: the session lasts :data:`SESSION_S` from now (:meth:`InputMute.keep`); False when none
        lasts (a keep never opens one) or a capture plays or is written (it holds the session itself)."""
        with self._lock:                             # not between an end's check and its mute (nor a start's)
            return False if self.busy() else self.mute.keep()

    def end_session(self) -> None:
        """The laptop's run ended (``capture_end``): the live input fades back in (once the capture playing or being
        written, if any, has ended: a run cancelled by Ctrl-C sends its cancel and then this)."""
        with self._lock:                             # a keep at the same time cannot re-mute after it
            self._end_asked = True
            if not self.busy():
                self.mute.end()

    def busy(self) -> bool:
        """A capture is playing or being written."""
        return self.info.get("state") in ("playing", "writing")

    def start(self, cid: str, folder: Path, seconds: float, knobs: dict[str, Any], io: Any = None) -> None:
        """Start capture ``cid``: its signal is made here (not on the audio thread), the run handed to the engine,
        and the writer started.  CaptureBusy while another runs; HatboxError for a bad length or knob."""
        from device.audio.capture_signal import capture_signal, check_seconds
        with self._lock:
            if self.busy():
                raise CaptureBusy(f"capture '{self.info.get('name')}' is running: one capture at a time",
                                  hint="wait for it to finish, or cancel it")
            try:
                dry = capture_signal(check_seconds(seconds), self.rate)
            except ValueError as exc:
                raise HatboxError(str(exc)) from None
            settings = _knobs(knobs)
            follow = getattr(io, "follow_knobs", None)
            notes = list(follow(settings)) if callable(follow) else []   # the simulated gear: the musician's hand
            run = CaptureRun(dry, self.rate)
            self.join()
            self.mute.hold()                         # the session: the live input fades out with the output
            self._end_asked = False
            self.run, self.info = run, {"id": cid, "name": cid, "knobs": settings, "seconds": seconds,
                                        "rate": self.rate, "folder": str(folder), "state": "playing",
                                        "started_at": time.time(), "problem": None, "notes": notes}
            self.engine.capture = run                # the audio thread takes it at its next block
            self.writer = threading.Thread(target=self._write, args=(run, folder), daemon=True,
                                           name="hatbox-capture")
            self.writer.start()

    def cancel(self) -> bool:
        """Cancel the capture playing (it fades out and the box plays as before); False when none plays."""
        run = self.run
        if run is None or self.info.get("state") != "playing":
            return False
        run.cancel_asked = True
        return True

    def status(self) -> dict[str, Any] | None:
        """The capture playing or last played (None: none since the engine started): id, name, knobs, seconds,
        state (playing, writing, done, failed, cancelled), progress 0..1, once finished its figures, and ``session``
        (:meth:`InputMute.status`: whether the capture session mutes the live input; with ``by``, the paired device
        whose capture began it, when its capture message said so)."""
        if not self.info:
            return None
        run = self.run
        out = {k: v for k, v in self.info.items() if k != "folder"}
        out["session"] = self.mute.status()
        if out["session"]["muted"] and self.by:
            out["session"]["by"] = self.by
        out["progress"] = run.progress() if run is not None and out["state"] == "playing" else \
            1.0 if out["state"] in ("writing", "done", "failed") else out.get("progress", 0.0)
        return out

    def _write(self, run: CaptureRun, folder: Path) -> None:
        """Writer thread: wait for ``run`` to finish (or stall), then judge it and write its folder."""
        if self.thread_init is not None:
            self.thread_init()
        try:
            if self._wait_finished(run):
                self._finish(run, folder)
        finally:
            self._session_on()

    def _session_on(self) -> None:
        """A capture ended: the session lasts :data:`SESSION_S` more, or ends now if its end was asked meanwhile."""
        if self._end_asked:
            self.mute.end()
        else:
            self.mute.release()

    def _finish(self, run: CaptureRun, folder: Path) -> None:
        """Writer thread, ``run`` finished: judge it and write its folder; the status says what came of it."""
        if self.engine.capture is run:
            self.engine.capture = None
        self.info["state"] = "writing" if not run.cancelled else self.info["state"]
        try:
            rec = self._keep(run, folder)
        except Exception as exc:  # noqa: BLE001 - a full disk: said in the status, the box plays on
            rec = {"state": "failed", "problem": f"the capture could not be written on the box: {exc}"}
        self.info.update({k: v for k, v in rec.items() if k not in ("id", "name")})
        self.info["progress"] = run.progress()

    def _wait_finished(self, run: CaptureRun) -> bool:
        """Wait until ``run`` finished (True); False when the deck closes first; a run whose position stands still
        for :data:`STALL_S` is marked failed (the box's audio stopped)."""
        last, since = -1, time.monotonic()
        while not run.finished:
            if self._closing.wait(POLL_S):
                return False
            if run.pos != last:
                last, since = run.pos, time.monotonic()
            elif time.monotonic() - since > STALL_S:
                self.engine.capture = None if self.engine.capture is run else self.engine.capture
                self.info.update(state="failed", problem="the box's audio stopped during the capture")
                return False
        return True

    def _keep(self, run: CaptureRun, folder: Path) -> dict[str, Any]:
        """Judge ``run``'s recording and write its folder; returns the record written."""
        from device.audio.capture_result import judge, record, save
        base = {"id": self.info["id"], "name": self.info["name"], "knobs": self.info["knobs"],
                "seconds": self.info["seconds"], "rate": self.rate, "notes": self.info.get("notes") or []}
        if run.cancelled:
            take, figures = None, {"cancelled": True, "problem": "cancelled"}
        else:
            take, figures = judge(run.rec, run.dry, self.rate, run.tail)
            take = take if figures["problem"] is None else None
        rec = record(base, run.dry, figures, take)
        save(folder, rec, run.dry, take, self.rate)
        return rec

    def join(self, timeout: float = 10.0) -> None:
        """Wait for the writer of the last capture (if any) to end."""
        writer = self.writer
        if writer is not None and writer is not threading.current_thread():
            writer.join(timeout)

    def close(self) -> None:
        """Stop the writer (a capture still playing is left unwritten) and wait for it."""
        self._closing.set()
        self.join()


def _knobs(knobs: Any) -> dict[str, float]:
    """The knob settings a capture names, {name: value}; HatboxError for anything else."""
    import math
    if not isinstance(knobs, dict):
        raise HatboxError(f"a capture's knobs are {{name: value}}, not {knobs!r}")
    out: dict[str, float] = {}
    for name, value in knobs.items():
        if not isinstance(name, str) or isinstance(value, bool) or not isinstance(value, (int, float)) \
                or not math.isfinite(value):
            raise HatboxError(f"knob {name!r}: {value!r} is not a finite number")
        out[name] = float(value)
    return out


def _by(by: Any) -> str | None:
    """A capture message's ``by`` as the session shows it: printable text, at most :data:`BY_CHARS` characters (None:
    not said)."""
    if not isinstance(by, str):
        return None
    text = "".join(ch for ch in by if ch.isprintable())[:BY_CHARS]
    return text or None
