"""The ALSA card backend: the engine's audio I/O on a sound card, capture + playback through pyalsaaudio.

Its three verbs (``read(buf) -> bool``, ``write(buf) -> bool``, ``close()``) are the file backend's
(device/audio/file_io.FileIO), so the block loop (device/audio/block_loop.run_loop) and the graph are identical online
and offline.  ALSA devices are opened in blocking mode with the requested rate, period size and period count
(interleaved, mono).  The ``file`` plugin (see :func:`write_file_pcm`) drives exactly this path with no sound card:
playback goes to a raw file, capture comes from one.  While a device opens, libasound's own error lines ("ALSA lib
confmisc.c:855:(parse_card) cannot find card '0'" ...) go to the log at debug level instead of stderr
(:func:`alsa_errors_logged`): hatbox's own one line says what is wrong.

Latency budget (see docs/engine.md): one capture period (a block is whole before it is read)
+ the playback queue ((``periods`` - 1) x ``period`` of priming silence ahead of every block)
+ model latency = ``period`` x ``periods`` + model latency.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from device.audio.alsa_log import alsa_errors_logged
from device.audio.block_loop import run_loop  # noqa: F401  (the tests' old home of it; device/audio/block_loop.py)
from device.audio.file_io import FileIO
from hatbox.errors import HatboxError, first_line

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

