"""Audio I/O for the engine: ALSA (pyalsaaudio) capture + playback, or files offline.

Both backends have the same three verbs, so the block loop (:func:`run_loop`) and the graph
are identical online and offline:

- ``read(buf) -> bool``  fill ``buf`` [period] float32 with the next captured block
  (False: an overrun happened before it; the block is still filled);
- ``write(buf) -> bool`` queue ``buf`` [period] for playback (False: an underrun happened);
- ``close()``.

ALSA devices are opened in blocking mode with the requested rate, period size and period
count (interleaved, mono).  The ``file`` plugin (see :func:`write_file_pcm`) drives exactly this
path with no sound card: playback goes to a raw file, capture comes from one.  Its ``null``
slave does not pace in real time, so :class:`Pacer` can hold each block to its wall-clock due
time and count a deadline miss as an xrun, as a card would.  While a device opens, libasound's own
error lines ("ALSA lib confmisc.c:855:(parse_card) cannot find card '0'" ...) go to the log at debug
level instead of stderr (:func:`alsa_errors_logged`): hatbox's own one line says what is wrong.

Latency budget (see docs/engine.md): one capture period (a block is whole before it is read)
+ the playback queue ((``periods`` - 1) x ``period`` of priming silence ahead of every block)
+ model latency = ``period`` x ``periods`` + model latency.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

from device.audio.alsa_log import alsa_errors_logged
from device.audio.audiofile import WAV_MAX_BYTES
from device.audio.pacer import Pacer, other_threads  # noqa: F401  (here since the start: bench/ imports them)
from device.audio.take_end import EndGlide, cut_ramp
from hatbox.errors import AudioFileError, HatboxError, first_line

SYSTEM_CONF = "/usr/share/alsa/alsa.conf"
FORMATS = {"float32": ("PCM_FORMAT_FLOAT_LE", "<f4"), "s16": ("PCM_FORMAT_S16_LE", "<i2"),
           "s32": ("PCM_FORMAT_S32_LE", "<i4")}


class AudioDeviceError(HatboxError):
    """An audio device cannot be opened or configured as asked, or stopped working while the box ran."""


log = logging.getLogger("hatbox.engine")
def _alsa_error() -> type[Exception]:
    """pyalsaaudio's exception type (imported only when an exception is being matched)."""
    import alsaaudio
    return alsaaudio.ALSAAudioError


@dataclass
class AudioConfig:
    """Where the audio goes. ``rate`` Hz, ``period`` samples per block, ``periods`` per buffer."""

    device: str = "default"
    rate: int = 48000
    period: int = 128
    periods: int = 3
    capture: bool = True
    capture_device: str | None = None
    format: str = "float32"

    def latency_budget(self, model_latency: int = 0) -> dict[str, float]:
        """Round trip in ms = period x periods + model latency (samples): one capture period
        (a block is whole before it is read) + the (periods - 1) periods queued ahead of each
        written block in the playback buffer (see :meth:`AlsaIO._prime`)."""
        ms = 1000.0 / self.rate
        parts = {"capture_ms": self.period * ms, "playback_ms": self.period * (self.periods - 1) * ms,
                 "model_ms": model_latency * ms}
        return {**parts, "round_trip_ms": sum(parts.values())}


def _to_float(raw: bytes, fmt: str) -> np.ndarray:
    x = np.frombuffer(raw, dtype=FORMATS[fmt][1])
    if fmt == "float32":
        return x
    return x.astype(np.float32) / float(np.iinfo(x.dtype).max)


def _from_float(x: np.ndarray, fmt: str) -> bytes:
    if fmt == "float32":
        return x.astype("<f4", copy=False).tobytes()
    info = np.iinfo(FORMATS[fmt][1])
    return np.clip(np.round(x * info.max), info.min, info.max).astype(FORMATS[fmt][1]).tobytes()


class AlsaIO:
    """Duplex ALSA I/O through pyalsaaudio (capture optional)."""

    _primed = False                     # the silence is queued at the first write: see :meth:`_prime`

    def __init__(self, cfg: AudioConfig) -> None:
        if cfg.format not in FORMATS:
            raise AudioDeviceError(f"audio format '{cfg.format}' is not one of {', '.join(FORMATS)}")
        self.cfg = cfg
        self.xruns = 0
        self.playback = self._open("playback", cfg.device)
        self.capture = None
        try:
            self._check_opened(self.playback, "playback", cfg.device)
            if cfg.capture:
                self.capture = self._open("capture", cfg.capture_device or cfg.device)
                self._check_opened(self.capture, "capture", cfg.capture_device or cfg.device)
        except AudioDeviceError:
            self.close()
            raise
        self.info = {"playback": self._info(self.playback), "capture": self._info(self.capture)}

    def _open(self, direction: str, device: str) -> Any:
        import alsaaudio
        kind = alsaaudio.PCM_PLAYBACK if direction == "playback" else alsaaudio.PCM_CAPTURE
        c = self.cfg
        try:
            with alsa_errors_logged():
                return alsaaudio.PCM(kind, alsaaudio.PCM_NORMAL, device=device, rate=c.rate, channels=1,
                                     format=getattr(alsaaudio, FORMATS[c.format][0]), periodsize=c.period,
                                     periods=c.periods)
        except alsaaudio.ALSAAudioError as exc:
            raise AudioDeviceError(f"cannot open ALSA {direction} device '{device}' at {c.rate} Hz, "
                                   f"period {c.period} x {c.periods}: {exc}",
                                   hint="list the devices with `aplay -L` / `arecord -L` and pass one "
                                        "with --audio DEVICE") from None

    def _check_opened(self, pcm: Any, direction: str, device: str) -> None:
        """AudioDeviceError unless ``pcm`` opened as asked.  pyalsaaudio goes on with what the device takes when it
        refuses the format, channel count, rate or period size asked (its docs: "there is no guarantee that a PCM
        device supports the requested configuration"; verify with ``info()``): an integer-only ``hw:`` device
        opened for float32 would play each float as four 8-bit samples - full-scale noise - and another rate or
        period plays at the wrong pitch or drops samples.  A different period count only moves the latency: it
        is logged."""
        import alsaaudio
        got, c = pcm.info(), self.cfg
        asked = {"format": getattr(alsaaudio, FORMATS[c.format][0]), "channels": 1, "rate": c.rate,
                 "period_size": c.period}
        wrong = [(key, want, got[key]) for key, want in asked.items() if key in got and got[key] != want]
        if wrong:
            said = {"format": (c.format, got.get("format_name")), "channels": (1, got.get("channels")),
                    "rate": (f"{c.rate} Hz", f"{got.get('rate')} Hz"),
                    "period_size": (f"{c.period} samples", f"{got.get('period_size')} samples")}
            what = ", ".join(f"{key.replace('_', ' ')} {said[key][1]} (asked {said[key][0]})" for key, _, _ in wrong)
            raise AudioDeviceError(f"the ALSA {direction} device '{device}' opened with {what}: hatbox plays mono "
                                   f"float32 at the rate and block it asks, so it would play noise or the wrong pitch",
                                   hint="give a device that converts, `plughw:CARD,DEV` in place of `hw:CARD,DEV` (or "
                                        "'default'), or a --rate / --block the device takes")
        if got.get("periods", c.periods) != c.periods:
            log.info("ALSA %s device '%s': %s periods of %d samples (asked %d): the latency is not the one budgeted",
                     direction, device, got.get("periods"), c.period, c.periods)

    @staticmethod
    def _info(pcm: Any) -> dict[str, Any]:
        if pcm is None:
            return {}
        info = pcm.info()
        return {k: info.get(k) for k in ("name", "rate", "period_size", "buffer_size", "periods",
                                         "format_name")}

    def _prime(self) -> None:
        """Queue (periods - 1) periods of silence so playback has headroom: just before the first block (playback
        starts at the first frame written, alsa-lib's default start threshold, so silence queued at open had run
        dry by the first block after the engine's start-up) and again after an underrun (the device is prepared
        again with an empty buffer: without it every later block would be written one period from running dry)."""
        silence = _from_float(np.zeros(self.cfg.period, np.float32), self.cfg.format)
        for _ in range(max(0, self.cfg.periods - 1)):
            self.playback.write(silence)
        self._primed = True

    @property
    def primed_samples(self) -> int:
        return max(0, self.cfg.periods - 1) * self.cfg.period

    def read(self, buf: np.ndarray) -> bool:
        """Fill ``buf`` [period] from capture (zeros without capture). False after an overrun."""
        if self.capture is None:
            buf.fill(0.0)
            return True
        try:
            n, data = self.capture.read()
            ok = n >= 0
            if not ok:
                self.xruns += 1
                n, data = self.capture.read()
        except _alsa_error() as exc:          # (the except expression is evaluated only on an exception)
            raise self._stopped("capture", self.cfg.capture_device or self.cfg.device, exc) from None
        x = _to_float(data, self.cfg.format) if n > 0 else np.zeros(0, np.float32)
        take = min(x.shape[0], buf.shape[0])
        buf[:take] = x[:take]
        buf[take:] = 0.0
        return ok

    def write(self, buf: np.ndarray) -> bool:
        """Queue ``buf`` [period]; False after an underrun.  pyalsaaudio's ``write`` answers an underrun with
        -EPIPE, the device prepared again and the block *not* written: the headroom is queued again and the block
        written after it, so one underrun costs one gap, not the headroom of every block after it."""
        data = _from_float(buf, self.cfg.format)
        try:
            if not self._primed:
                self._prime()
            n = self.playback.write(data)
            if n is not None and n < 0:
                self.xruns += 1
                self._prime()
                self.playback.write(data)
                return False
        except _alsa_error() as exc:
            raise self._stopped("playback", self.cfg.device, exc) from None
        return True

    @staticmethod
    def _stopped(direction: str, device: str, exc: Exception) -> AudioDeviceError:
        """What an ALSA error mid-run (an xrun is not one: read/write report those) becomes: the device
        is gone (a USB interface unplugged) or broken, and the engine stops on it."""
        why = first_line(exc)
        return AudioDeviceError(f"the ALSA {direction} device '{device}' stopped working: {why}",
                                hint="check that the audio interface is still connected and powered, then start "
                                     "the box again (`aplay -L` / `arecord -L` list the devices)")

    def close(self) -> None:
        for pcm in (self.capture, self.playback):
            if pcm is not None:
                pcm.close()
        self.capture = self.playback = None


class FileIO:
    """Offline backend: blocks from an input signal (the run ends with it) or, without one, endless
    silence (the run ends when it is stopped).  With ``out_path`` the output is written to that float
    WAV as it goes (device/audio/audiofile.WavRecorder; a quarter second is buffered, so memory stays
    flat however long it runs): its header is brought up to date every second of audio, so a box
    killed mid-run leaves a readable WAV, and the file is complete once :meth:`close` returns.  A WAV
    holds at most 4 GiB: past ``MAX_OUT_BYTES`` of audio (the WAV writer's ``WAV_MAX_BYTES``; 6.2 h at
    48 kHz) the recording goes on in ``NAME-002.wav``, ``NAME-003.wav``... (listed in
    ``info['playback']['files']``).  Output that cannot be written (a full disk) is counted in
    ``dropped`` and said in ``info``: the failed write never raises into the audio thread and nothing
    more is tried (the rest is dropped), and the file stays a readable WAV up to its last header update.
    :meth:`recording` says what was kept (safe to call from another thread while the audio runs: the
    engine status carries it), and :meth:`cut_short` says so in one line.  A take that got no audio in
    does not replace an older file at ``out_path``, and one with not even a WAV header in it (a disk
    full from the start) is removed at :meth:`close`; :meth:`cut_short` says which."""

    MAX_OUT_BYTES = WAV_MAX_BYTES                # audio per WAV file: the WAV writer's own limit (32-bit sizes)
    BUFFER_S = 0.25                              # output collected before each write to the file

    def __init__(self, cfg: AudioConfig, audio: np.ndarray | None = None,
                 out_path: str | Path | None = None, out_limit_s: float | None = None) -> None:
        """``out_limit_s``: write at most that many seconds of output, then stop recording (not an error: the
        default take of ``hatbox device run --sim`` in the store is bounded so that a box left running does not
        fill the disk; the rest of the run is not recorded, and :meth:`recording`'s ``note`` says so)."""
        self.cfg = cfg
        self.out_limit = None if out_limit_s is None else int(out_limit_s * cfg.rate)
        self.audio = None if audio is None else np.asarray(audio, np.float32).reshape(-1)
        self.out_path = Path(out_path) if out_path else None
        self.pos = 0
        self.xruns = 0
        self.written = 0                         # samples taken by write(), kept or not
        self.kept = 0                            # samples in the output file (after a failure: its header's count)
        self.dropped = 0                         # samples not in it (a failed write)
        self.info = {"playback": {"name": "file", "rate": cfg.rate, "period_size": cfg.period}}
        self.primed_samples = 0
        self._buf = np.zeros(max(cfg.period, int(cfg.rate * self.BUFFER_S)), np.float32)
        self._cut = cut_ramp(cfg.rate) if self.out_limit is not None else None    # the limit's glide to 0
        self._fill = 0
        self._writable = True                    # False after a failed write: the rest is dropped
        self._removed: list[str] = []            # after close: files the recorder created and removed (nothing valid)
        self._spared: list[str] = []             # after close: older files left as they were (no audio to replace them)
        self._out = self._open_out() if self.out_path is not None else None
        self.cue: Any = None                     # wait_for_cue's flag: the input waits for it (silence in meanwhile)

    def wait_for_cue(self, cue: Any) -> None:
        """Hold the input back until ``cue.value`` turns true (a flag in shared memory: EngineProcess.start_input;
        read once a block, no lock): silence in meanwhile, however long, then the input from its start.
        ``info["input"]["started_s"]`` says when it began: the seconds of output before it."""
        self.cue = cue
        self.info["input"] = {"cued": True, "started_s": None}

    def _cued(self) -> bool:
        """Whether the cue has come; the first time, the input starts now from its start."""
        if not self.cue.value:
            return False
        self.cue, self.pos = None, 0
        self.info["input"]["started_s"] = self.written / self.cfg.rate
        return True

    def _open_out(self) -> Any:
        from device.audio.audiofile import WavRecorder
        try:
            out = WavRecorder(self.out_path, int(self.cfg.rate), max_bytes=self.MAX_OUT_BYTES, role="the output")
        except AudioFileError as exc:
            raise AudioFileError(exc.args[0], hint="pass a writable file with --output WAV") from None
        self.info["playback"]["files"] = [str(p) for p in out.paths]
        return out

    @property
    def exhausted(self) -> bool:
        """The input signal has been read to its end (never without an input, nor while it waits for its cue)."""
        return self.audio is not None and self.cue is None and self.pos >= self.audio.shape[0]

    def read(self, buf: np.ndarray) -> bool:
        if self.cue is not None and not self._cued():
            buf[:] = 0.0
            return True
        seg = self.audio[self.pos:self.pos + buf.shape[0]] if self.audio is not None else buf[:0]
        buf[:seg.shape[0]] = seg
        buf[seg.shape[0]:] = 0.0
        self.pos += buf.shape[0]
        return True

    def write(self, buf: np.ndarray) -> bool:
        self.written += buf.shape[0]
        if self._out is None:
            return True
        x = buf
        while x.shape[0]:
            take = min(x.shape[0], self._buf.shape[0] - self._fill)
            self._buf[self._fill:self._fill + take] = x[:take]
            self._fill += take
            x = x[take:]
            if self._fill == self._buf.shape[0]:
                self._flush()
        return True

    def _flush(self) -> None:
        keep = self._fill if self._writable else 0
        if self.out_limit is not None and self.kept + keep > self.out_limit:
            keep = max(0, self.out_limit - self.kept)
            self.info["playback"].setdefault("limit", f"the take in {self.out_path} stopped at its limit, "
                                                      f"{self.out_limit / self.cfg.rate / 60:g} min; the rest of the "
                                                      "run is not recorded (--output FILE records a whole run)")
        if keep:
            self._glide_cut(keep)
            try:
                self._out.write(self._buf[:keep])
            except Exception as exc:  # noqa: BLE001 - a full disk ends the recording, not the engine
                self._fail(exc)
                keep = 0
            self.kept += keep
            if len(self._out.paths) != len(self.info["playback"]["files"]):
                self.info["playback"]["files"] = [str(p) for p in self._out.paths]
        if self._fill > keep and not self.dropped and "limit" not in self.info["playback"]:
            self.info["playback"].setdefault("note", f"output past {self.kept / self.cfg.rate:.1f} s not written")
        self.dropped += self._fill - keep
        self._fill = 0

    def _glide_cut(self, keep: int) -> None:
        """The ``keep`` buffered samples about to be written: the part of them in the last ~10 ms before the length
        limit (whichever buffers those fall in) glides to 0 on the limit's last sample, so a take cut there does not
        end on a click (a take that ends by itself there already glided: it glides once more, still to 0)."""
        if self._cut is None:
            return
        start = self.out_limit - self._cut.shape[0]              # the take's sample the glide starts on
        lo, hi = max(self.kept, start), min(self.kept + keep, self.out_limit)
        if lo < hi:
            self._buf[lo - self.kept:hi - self.kept] *= self._cut[lo - start:hi - start]

    def _fail(self, exc: Exception) -> None:
        why = first_line(exc)
        said = isinstance(exc, AudioFileError)       # the recorder's own message names the file already
        first = why if said else f"cannot write the output {self.out_path}: {why}"
        self._writable = False
        self.kept = self._out.kept if self._out is not None else self.kept   # what the file's header counts
        # last: the engine status reads recording() on another thread, and the error is what makes it a cut
        self.info["playback"].setdefault("error", first)           # the first failure is the cause

    def recording(self) -> dict[str, Any] | None:
        """What the output holds (None without one): ``files`` (paths), ``kept_s`` (seconds of audio
        the files hold, readable), ``written_s`` (seconds the engine produced) and ``problem`` (the
        one-line :meth:`cut_short` message, "" when nothing was lost) and ``note`` (the take stopped at its length
        limit: not a loss, the box was told to keep that much; "" otherwise).  Final once :meth:`close` returned."""
        if self.out_path is None:
            return None
        rate = float(self.cfg.rate)
        return {"files": list(self.info["playback"].get("files", [])), "kept_s": self.kept / rate,
                "written_s": self.written / rate, "problem": self.cut_short(),
                "note": self.info["playback"].get("limit", "")}

    def cut_short(self) -> str:
        """"" when the output file holds everything written so far; otherwise one line: why writing
        stopped, the file(s) and how many seconds they keep (readable up to there)."""
        error = self.info["playback"].get("error")
        if self.out_path is None or not error:
            return ""
        files = self.info["playback"].get("files") or [str(self.out_path)]
        if self.kept == 0:
            return f"recording failed: {error}; no audio was recorded{self._left_behind()}"
        where = files[0] if len(files) == 1 else f"{files[0]} ... {files[-1]} ({len(files)} files)"
        return (f"recording cut short: {error}; {where} keeps the first {self.kept / self.cfg.rate:.1f} s "
                f"of {self.written / self.cfg.rate:.1f} s and is readable up to there")

    def _left_behind(self) -> str:
        """What became of the output file when no audio was recorded ("" when it is a valid empty WAV,
        or not a file this run could remove)."""
        first = str(self.out_path)
        if first in self._removed:
            return f"; {first}, which held no valid WAV, was removed"
        if first in self._spared:
            return f"; the older {first} was left as it was"
        return ""

    def close(self) -> None:
        """Write what is buffered and finish the WAV (its header gets the final length).
        A write that fails is reported in ``info['playback']['error']``, never raised."""
        if self._out is not None:
            try:
                self._flush()
                self._out.close()
            except Exception as exc:  # noqa: BLE001
                self._fail(exc)
            if not self._writable:
                self.kept = self._out.kept       # the closing header update may count a little more
            self.info["playback"]["files"] = [str(p) for p in self._out.paths]      # less any removed at close
            self._removed = [str(p) for p in self._out.removed]
            self._spared = [str(p) for p in self._out.spared]
            self._out = None


def run_loop(engine: Any, io: Any, *, seconds: float | None = None, pace: bool = False,
             stop: threading.Event | None = None,
             on_block: Callable[[int], None] | None = None) -> dict[str, Any]:
    """The audio thread: read -> engine.process -> write, block after block.

    Runs for ``seconds`` of audio (None: until ``stop`` is set or a FileIO input ends; a FileIO
    without input feeds silence until ``stop`` is set).  Ctrl-C (KeyboardInterrupt) stops it as
    ``stop`` does, so the caller still closes the I/O (a file backend's WAV is finished).
    The output rises from silence at the start and glides to silence at every end, the engine's ``fade_in`` /
    ``fade_out``, so the speakers do not click and a take does not end on a full-level sample: once stopped (``stop``
    or Ctrl-C, or the end of ``seconds`` on a sound card) over a few more blocks; at the end of the file backend's
    take (its ``seconds``, or the end of its input), which keeps its exact length, over its own last 10 ms, after
    the output stage and without ``fade_out`` (:func:`_take_end`).  ``fade_blocks``: the blocks of that glide (counted in ``blocks``).  What the output
    stage holds after the engine's glide (an offset's tracked mean) glides to 0 with it (device/audio/take_end.py).
    Returns counters (blocks, xruns, deadline misses, worst lateness in ms, ``interrupted``).
    """
    period = io.cfg.period
    inp, out = np.zeros(period, np.float32), np.zeros(period, np.float32)
    pacer = Pacer(io.cfg.rate, period, io.cfg.periods) if pace else None
    total = None if seconds is None else int(round(seconds * io.cfg.rate / period))
    io_stats = {"io_max_ms": 0.0, "io_slow_blocks": 0, "misses_with_slow_io": 0}
    k = ending = 0                    # ending: the blocks of the take's own end glide, once it has begun
    glide = EndGlide(io.cfg.rate, period)
    interrupted = False
    if hasattr(engine, "fade_in"):
        engine.fade_in()
    try:
        while (total is None or k < total) and not (stop is not None and stop.is_set()):
            if total is None and isinstance(io, FileIO) and io.exhausted:
                break
            ending = ending or _take_end(engine, io, k, total, glide)
            _one_block(engine, io, inp, out, pacer, io_stats, glide)
            k += 1
            if on_block is not None:
                on_block(k)
    except KeyboardInterrupt:         # Ctrl-C in a terminal reaches the engine process too
        interrupted = True
    fade = 0
    # a sound card also glides to silence after the end of ``seconds``: it stopped on a full-level sample, a click on
    # the speakers (twenty-seventh stop's QA); the file backend's take, exactly ``seconds`` long, glided in its own
    # last blocks (_take_end)
    timed_out = total is not None and k >= total and not isinstance(io, FileIO)
    if (interrupted or timed_out or (stop is not None and stop.is_set())) and hasattr(engine, "fade_out"):
        fade = _fade_out(engine, io, inp, out, pacer, io_stats, glide)
    return {"blocks": k + fade, "fade_blocks": fade + ending, "xruns": engine.xruns, **io_stats,
            "interrupted": interrupted,
            "deadline_misses": pacer.misses if pacer else 0, "missed_blocks": pacer.missed if pacer else [],
            "worst_late_ms": 1000.0 * pacer.worst_late_s if pacer else 0.0}


MISS_DETAILS = 32                 # missed blocks whose timing breakdown run_loop keeps


def _take_end(engine: Any, io: Any, k: int, total: int | None, glide: EndGlide) -> int:
    """Before block ``k`` (0-based) of a file backend's take that ends by itself (after ``total`` blocks, or
    without ``total`` at the end of its input): once the take's end is within the engine's glide time
    (``glide.take_blocks`` blocks, this one included), start the output's glide to end on the take's last sample
    (``glide.end_in``: the input's last sample when the take ends on a part block) and return the blocks left;
    0 otherwise.  The take keeps its exact length and its content up to its last ~10 ms (p58 QA: a take ended by
    ``--seconds`` or by its input stopped on a full-level sample; R1: the engine's ``fade_out`` here, which starts on
    a block's first sample and adds a silent block, silenced up to 0.28 s of a take at block 8192)."""
    if not isinstance(io, FileIO):
        return 0
    period = io.cfg.period
    if total is not None:
        samples = (total - k) * period
    elif io.audio is not None and io.cue is None:      # (an input waiting for its cue has not begun)
        samples = io.audio.shape[0] - io.pos
    else:
        return 0
    left = -(-samples // period)
    if left > glide.take_blocks:
        return 0
    glide.end_in(samples)
    return max(1, left)


def _fade_out(engine: Any, io: Any, inp: np.ndarray, out: np.ndarray, pacer: Pacer | None,
              io_stats: dict[str, Any], glide: EndGlide) -> int:
    """Stopped: the last blocks glide the output to silence (the engine's ``fade_out``), so the speakers do not
    click when the device closes; returns the blocks run.  A second Ctrl-C cuts it short."""
    done = 0
    try:
        blocks = engine.fade_out(out.shape[0])
        glide.start(blocks)
        for _ in range(blocks):
            _one_block(engine, io, inp, out, pacer, io_stats, glide)
            done += 1
    except KeyboardInterrupt:
        pass
    return done


def _one_block(engine: Any, io: Any, inp: np.ndarray, out: np.ndarray, pacer: Pacer | None,
               io_stats: dict[str, Any], glide: EndGlide | None = None) -> None:
    """read -> process -> write; times the device calls (a slow write is the device's, not ours).

    For a block that misses its deadline, ``io_stats["miss_detail"]`` gets where the time went (ms):
    how late the thread woke (the OS or another thread holding the interpreter), the read, the
    engine's compute and the write."""
    if pacer is not None:
        pacer.wait()
    t0 = time.perf_counter()
    ok = io.read(inp)
    t1 = time.perf_counter()
    engine.process(inp, out)
    if glide is not None:
        glide.apply(out)
    t2 = time.perf_counter()
    ok = io.write(out) and ok
    t3 = time.perf_counter()
    io_s = (t1 - t0) + (t3 - t2)
    slow = io_s > 0.001
    io_stats["io_max_ms"] = max(io_stats["io_max_ms"], 1000.0 * io_s)
    io_stats["io_slow_blocks"] += slow
    if pacer is not None:
        before, k = pacer.misses, pacer.k
        woke_late = t0 - (pacer.start + (k + 1) * pacer.period_s)
        pacer.done()
        if pacer.misses != before:
            ok = False
            io_stats["misses_with_slow_io"] += slow
            details = io_stats.setdefault("miss_detail", [])
            if len(details) < MISS_DETAILS:
                details.append({"block": k, "woke_late_ms": round(1000 * woke_late, 3),
                                "read_ms": round(1000 * (t1 - t0), 3), "compute_ms": round(1000 * (t2 - t1), 3),
                                "write_ms": round(1000 * (t3 - t2), 3), "other_threads": other_threads()})
    if not ok:
        engine.note_xrun()


def write_file_pcm(conf: str | Path, out_raw: str | Path, in_raw: str | Path | None = None,
                   name: str = "hatbox_file") -> Path:
    """Write an ALSA config defining PCM ``name``: playback -> ``out_raw``, capture <- ``in_raw``.

    Raw files hold the stream's own sample format (float32 little-endian by default), mono.
    Use it with :func:`file_pcm_env` (ALSA_CONFIG_PATH) before opening the device.
    """
    conf = Path(conf)
    cap = (f'capture.pcm {{ type file; slave.pcm "null"; file "/dev/null"; infile "{in_raw}"; '
           f'format "raw" }}') if in_raw else 'capture.pcm "null"'
    conf.write_text(f'pcm.{name} {{\n  type asym\n'
                    f'  playback.pcm {{ type file; slave.pcm "null"; file "{out_raw}"; format "raw" }}\n'
                    f'  {cap}\n}}\n')
    return conf


def file_pcm_env(conf: str | Path) -> dict[str, str]:
    """Environment that makes alsa-lib read the system config plus ``conf``."""
    return {"ALSA_CONFIG_PATH": f"{SYSTEM_CONF}:{conf}"}


def use_file_pcm(conf: str | Path) -> None:
    """Point this process's alsa-lib at ``conf`` (before the device is opened)."""
    os.environ.update(file_pcm_env(conf))


def open_io(cfg: AudioConfig, *, fallback_audio: np.ndarray | None = None,
            fallback_out: str | Path | None = None, allow_fallback: bool = False) -> Any:
    """ALSA when the device opens; with ``allow_fallback`` the file backend otherwise."""
    try:
        return AlsaIO(cfg)
    except AudioDeviceError:
        if not allow_fallback:
            raise
        return FileIO(cfg, fallback_audio, fallback_out)
