"""The file backend: the engine's audio I/O offline (no sound card), blocks from an input signal or silence, the
output written to a float WAV as it goes.

It has the ALSA card backend's three verbs (device/audio/alsa_io.py: ``read(buf) -> bool``, ``write(buf) -> bool``,
``close()``), so the block loop (device/audio/block_loop.run_loop) and the graph are the same online and offline.
Units: ``cfg.rate`` in Hz, positions and lengths in samples unless a name ends in ``_s``.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from device.audio.audiofile import WAV_MAX_BYTES
from device.audio.take_end import EndGlide
from hatbox.errors import AudioFileError, first_line

if TYPE_CHECKING:
    from device.audio.alsa_io import AudioConfig


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
        # the recording's fall to 0 on the limit's last sample (None: no limit, or the run ends first: run_ends_in)
        self._limit_glide = EndGlide(cfg.rate, cfg.period) if self.out_limit is not None and out_path else None
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

    def input_left(self) -> int | None:
        """Samples of the input not read yet (0 once it ended), or None: no input, or one waiting for a cue that has
        not come (it has not begun); a cue that came and is not taken yet counts the whole input."""
        if self.audio is None or (self.cue is not None and not self.cue.value):
            return None
        if self.cue is not None:                 # the cue came: read() takes it at this block, from the start (R1 5)
            return int(self.audio.shape[0])
        return max(0, self.audio.shape[0] - self.pos)

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
        """Record ``buf`` [n] (n = ``cfg.period`` from the block loop; any n here), a quarter second at a time."""
        at = self.written                        # the take's sample ``buf`` starts on
        self.written += buf.shape[0]
        if self._out is None:
            return True
        x = buf
        while x.shape[0]:
            take = min(x.shape[0], self._buf.shape[0] - self._fill, self.cfg.period)
            piece = self._buf[self._fill:self._fill + take]
            piece[:] = x[:take]
            self._glide_limit(at, piece)
            self._fill += take
            at += take
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

    def _glide_limit(self, at: int, piece: np.ndarray) -> None:
        """``piece`` [n <= period], the output from the take's sample ``at`` on as buffered for the file, times the
        recording's fall to exactly 0 on the length limit's last sample: the block loop's own :class:`EndGlide`,
        begun in the piece its ``due`` says (the last ~10 ms before the limit), so a take cut there does not end on a
        click.  Only the recording falls: the output goes on (a --sim box's gear loop plays on past its take)."""
        glide = self._limit_glide
        if glide is None:
            return
        if glide.at is None and glide.due(self.out_limit - at):
            glide.end_in(self.out_limit - at)
        glide.apply(piece)

    def run_ends_in(self, samples: int) -> bool:
        """The run ends by itself after ``samples`` more samples from the next :meth:`write`'s first (the block
        loop's own end of the take, or a stop's last blocks): whether the recording's length limit comes first (or
        its fall has begun), so that the recording falls to 0 there by itself and the output's own fall would ramp
        its last samples a second time (p59 F1: a take ending within 10 ms of its limit was ramped twice).
        Otherwise the limit's fall is called off: the run's own fall ends the recording on 0 before the limit."""
        glide = self._limit_glide
        if glide is None:
            return False
        if self.out_limit < self.written + samples:     # by position: a fall begun in a split piece is not heard yet (R1)
            return True
        self._limit_glide = None
        return False

    def _fail(self, exc: Exception) -> None:
        why = first_line(exc)
        said = isinstance(exc, AudioFileError)       # the recorder's own message names the file already
        first = why if said else f"cannot write the output {self.out_path}: {why}"
        self._writable = False
        if self._out is not None:
            self._out.seal(self._fall)           # the file ends on what the disk holds, falling to 0 (p59 M2)
        self.kept = self._out.kept if self._out is not None else self.kept   # what the file's header counts
        # last: the engine status reads recording() on another thread, and the error is what makes it a cut
        self.info["playback"].setdefault("error", first)           # the first failure is the cause

    def _fall(self, frames: int) -> np.ndarray:
        """The gains [min(frames, 10 ms)] of a take's fall to exactly 0 on its last sample, for a recording cut short
        at ``frames`` (a full disk: WavRecorder.seal applies them to what the file holds): :class:`EndGlide`'s own
        straight line, as at every other end of a take."""
        glide = EndGlide(self.cfg.rate, self.cfg.period)
        gains = np.ones(min(frames, glide.samples), np.float32)
        glide.end_in(gains.shape[0])
        glide.apply(gains)
        return gains

    def recording(self) -> dict[str, Any] | None:
        """What the output holds (None without one): ``files`` (paths), ``kept_s`` (seconds of audio
        the files hold, readable), ``written_s`` (seconds the engine produced) and ``problem`` (the
        one-line :meth:`cut_short` message, "" when nothing was lost), ``note`` (the take stopped at its length
        limit: not a loss, the box was told to keep that much; "" otherwise) and ``input_ended_s`` (the input's length
        in seconds once it was played to its end, which ends the run: block_loop.run_loop; None before, or without
        one).  Final once :meth:`close` returned."""
        if self.out_path is None:
            return None
        rate = float(self.cfg.rate)
        ended = self.audio.shape[0] / rate if self.exhausted else None
        return {"files": list(self.info["playback"].get("files", [])), "kept_s": self.kept / rate,
                "written_s": self.written / rate, "problem": self.cut_short(),
                "note": self.info["playback"].get("limit", ""), "input_ended_s": ended}

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
                self._out.update()               # with the file still open: a disk full here is sealed (_fail)
                self._out.close()
            except Exception as exc:  # noqa: BLE001
                self._fail(exc)
            if not self._writable:
                self.kept = self._out.kept       # the closing header update may count a little more
            self.info["playback"]["files"] = [str(p) for p in self._out.paths]      # less any removed at close
            self._removed = [str(p) for p in self._out.removed]
            self._spared = [str(p) for p in self._out.spared]
            self._out = None

