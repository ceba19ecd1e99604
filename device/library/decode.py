"""Decode the head of an audio file for tagging: its channels, at most ``seconds`` long (memory bounded),
and the mono mix a tagger hears of them.

Files are decoded by device.audio.audiofile (whole when short; long ones, loops and whole songs, only as
far as the tagger looks), with its clear errors, whatever their name (one that is not valid UTF-8 too, a
Latin-1 "caf\xe9.wav" from an old sample CD: device.audio.audiofile.sound_name); of an ambisonic B-format file
(an .amb, or under any name a WAVE_FORMAT_EXTENSIBLE one with the B-format SubFormat GUID:
device.audio.audiofile.ambisonic) only its W channel is read (device.audio.audiofile.heard_channels: a mix of W with
X, Y and Z would play and tag a sound by its direction).  Silence is judged on the loudest channel (a stereo file
whose channels cancel in the mix is not silent); see :func:`mix` for what the tagger hears then.
"""
from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import Iterator

import numpy as np
import soundfile as sf

from device.audio import audiofile
from hatbox.errors import AudioFileError

WHOLE_FILE_SECONDS = 30.0
SILENT_DBFS = -90.0        # a peak below this is silence (1 LSB of 16-bit audio is -90.3 dBFS)
SILENT_LEVEL = 10.0 ** (SILENT_DBFS / 20.0)
DITHER_STEPS = 3           # a peak of this many steps of a file's integer grid, or fewer, is dither or rounding noise
GRID_BITS = (8, 16)        # the integer grids checked (24-bit's 3 steps are -132 dBFS, far under SILENT_DBFS)
# Channels cancel when adding the others takes more than half the loudest channel's amplitude away: their
# sum is more than 6 dB under it (stereo: the mix more than 12 dB under the louder channel).  Channels that
# do not oppose never get there: a copy adds +6 dB, an unrelated sound +0..3 dB, a silent channel 0 dB, and
# even wide stereo that is half out of phase (correlation -0.5) 0 dB; only a polarity error does: the other
# channel inverted at more than half the loudest one's amplitude (R = -0.9 L: -20 dB; stereo at equal levels:
# correlation under -0.875), or inverted and a little late (R = -L 0.5 ms late: -9 dB at 110 Hz, where the
# mix played 15 dB down; caught up to 160 Hz, above which such a mix loses under 12 dB).  Then the loudest
# channel is what a listener hears of the sound.
CANCEL_DB = 6.0
CONTAINERS = {b"RIFF": "little", b"RIFX": "big", b"FORM": "big"}     # WAV, big-endian WAV, AIFF


def read_channels(path: Path, seconds: float, *, empty_ok: bool = False, start: float = 0.0
                  ) -> tuple[np.ndarray, int]:
    """(channels [C, n] float32, rate Hz) of the first ``seconds`` of ``path`` from ``start`` seconds into it (the
    nearest frame; of a long file only those are decoded).  A file whose header says it holds no samples is an
    AudioFileError, or with ``empty_ok`` [C, 0] when its header accounts for all of it (one with bytes past where its
    header says it ends is a recording never finished: an error).  :func:`read_counted` also says the file's length."""
    channels, rate, _ = read_counted(path, seconds, empty_ok=empty_ok, start=start)
    return channels, rate


def read_counted(path: Path, seconds: float, *, empty_ok: bool = False, start: float = 0.0
                 ) -> tuple[np.ndarray, int, int]:
    """:func:`read_channels` and the whole file's length in frames as its header says it (read once: p49 review,
    the library tagging's "much longer than the clip" read the header again)."""
    rate, channels, frames = audiofile.info(path)
    if frames == 0 and empty_ok:
        gap = bytes_past_header(path)
        if gap:
            raise AudioFileError(f"{path}: its header says it holds no audio, but {gap} bytes follow where the "
                                 "header says the file ends (a recording that was never finished?)")
        return audiofile.heard_channels(np.zeros((channels, 0), np.float32), path), rate, 0
    head, skip = int(np.ceil(rate * seconds)), int(round(rate * max(start, 0.0)))
    if frames <= rate * max(start + seconds, WHOLE_FILE_SECONDS):
        audio, rate = audiofile.read(path)
        return audio[:, skip:skip + head], rate, frames
    if not skip:
        return (*audiofile.read(path, max_frames=head), frames)       # a long file: only its head is decoded
    return _read_part(path, skip, head), rate, frames


def _read_part(path: Path, skip: int, frames: int) -> np.ndarray:
    """Channels [C, <= frames] float32 of ``path`` from frame ``skip`` on: only those are decoded (memory bounded),
    their samples checked as device.audio.audiofile.read checks a file's."""
    try:
        data, _ = sf.read(audiofile.sound_name(path), start=skip, frames=frames, dtype="float32", always_2d=True)
    except Exception as exc:  # noqa: BLE001 - libsndfile reports many kinds of failure
        raise audiofile.decode_failure(path, exc, "cannot decode") from None    # its one wording
    audio = np.ascontiguousarray(audiofile.heard_channels(data.T, path))
    audiofile.check_samples(audio, path)
    return audio


def grid_bits(audio: np.ndarray) -> int | None:
    """The coarsest integer grid of :data:`GRID_BITS` that every sample of ``audio`` (any shape, float, full scale
    1.0) lies on: 8 for an 8-bit file's samples (steps of 1/128), 16 for a 16-bit one's (1/32768), None for
    finer ones (24-bit, float, a lossy file's decode) and for all zeros."""
    if not np.any(audio):
        return None                      # zeros lie on every grid: they say nothing of the file's
    for bits in GRID_BITS:
        scaled = audio * np.float32(2.0 ** (bits - 1))
        if np.array_equal(scaled, np.round(scaled)):
            return bits
    return None


def quiet_level(audio: np.ndarray, peak: float) -> tuple[float, int | None]:
    """(the level, linear, under which ``audio`` [C, n] or [n] whose peak is ``peak`` holds no sound; the bits of
    the integer grid that set it, or None): :data:`SILENT_LEVEL`, or, when every sample lies on an 8- or 16-bit
    grid (:func:`grid_bits`) and that is higher, a level just over :data:`DITHER_STEPS` of its steps: 16-bit
    dither or a quiet export's rounding noise peaks 1-3 steps (-90 to -81 dBFS), 8-bit's at -42 to -33 dBFS.
    The grid is only looked at when the peak is that low (a file louder than 8-bit's dither is sound)."""
    if peak >= (DITHER_STEPS + 0.5) / 2.0 ** (GRID_BITS[0] - 1):
        return SILENT_LEVEL, None
    bits = grid_bits(audio)
    level = 0.0 if bits is None else (DITHER_STEPS + 0.5) / 2.0 ** (bits - 1)
    return (level, bits) if level > SILENT_LEVEL else (SILENT_LEVEL, None)


def centred_energy(channels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(each channel's mean [C], its energy around that mean [C], sum of squares; float64) of ``channels`` [C, n]:
    a DC offset, shared or a channel's own, counts for nothing."""
    means = channels.mean(axis=1, dtype=np.float64)
    return means, np.einsum("cn,cn->c", channels, channels, dtype=np.float64) - channels.shape[1] * means ** 2


def mix(channels: np.ndarray) -> np.ndarray:
    """Channels [C, n] -> mono [n] float32, what a tagger hears: their mean, unless the channels cancel in it
    (:func:`cancels`: a stereo file whose right channel is the left one inverted, or nearly so) while a
    channel is not silent (peak at least :data:`SILENT_LEVEL`); then the loudest channel (by RMS), so the
    tagger hears the sound, not what is left of it after the cancelling.  Both are judged around each channel's
    mean, so a shared DC offset does not hide channels that cancel."""
    mono = channels.mean(axis=0)
    if channels.shape[0] > 1 and channels.shape[1]:
        n = channels.shape[1]
        means, energy = centred_energy(channels)     # a shared DC offset would hide channels that cancel
        total = channels.sum(axis=0, dtype=np.float64)                               # their sum, [n]
        loudest = int(np.argmax(energy))
        swing = max(float(channels[loudest].max()) - means[loudest], means[loudest] - float(channels[loudest].min()))
        summed = float(total @ total) - n * float(means.sum()) ** 2
        if swing >= SILENT_LEVEL and cancels(summed, float(energy[loudest])):
            mono = channels[loudest]
    return mono.astype(np.float32, copy=False)


PLAYED_SECONDS = 60.0        # what the sampler decodes of a file (device.audio.sampler.SamplerSource's max_seconds)
                             # and so what the Kit's loudness order weighs a file's channels over


def peak_dbfs(path: Path, seconds: float = 1.0, played_seconds: float = PLAYED_SECONDS) -> float:
    """The peak (dBFS) of the first ``seconds`` of the mono mix (:func:`play_mix`) of ``path``, as the sampler plays
    it: its channels weighed over the first ``played_seconds``, as much as the sampler decodes (a side that comes in
    later counts as it does there); -inf for a file that does not decode or holds nothing."""
    try:
        channels, rate = read_channels(path, max(seconds, played_seconds), empty_ok=True)
    except (AudioFileError, OSError):
        return float("-inf")
    head = int(np.ceil(rate * seconds))
    peak = float(np.max(np.abs(play_mix(channels)[:head]))) if channels.size else 0.0
    return 20.0 * float(np.log10(peak)) if peak > 0.0 else float("-inf")


EMPTY_CHANNEL_DB = 40.0     # a channel this far (energy) under the loudest one holds nothing of a recording


def held_channels(energy: np.ndarray) -> np.ndarray:
    """Which channels hold a recording [C] bool, from their energies [C] (sum of squares): those no more than
    :data:`EMPTY_CHANNEL_DB` under the loudest (all of them when every channel is silent)."""
    return energy >= energy.max() * 10.0 ** (-EMPTY_CHANNEL_DB / 10.0)


PLAY_FADE_DB = (30.0, 50.0)   # a channel this far (energy) under the loudest: from all of its weight to none


def play_mix(channels: np.ndarray) -> np.ndarray:
    """Channels [C, n] -> mono [n] float32, what the sampler plays: :func:`mix` of the channels that hold the sound,
    a channel :data:`PLAY_FADE_DB` under the loudest counting less and less (its energy judged around its mean, so a
    channel holding only a DC offset counts for nothing): a sound recorded on one side of a stereo file plays at its
    own level, not 6 dB under it as the mean of it and silence did, and two files whose quiet side differs a little
    play alike (a hard line at 40 dB made them 6 dB apart).  Channels that cancel play the loudest (:func:`mix`)."""
    if channels.shape[0] < 2 or not channels.shape[1]:
        return mix(channels)
    energy = np.maximum(centred_energy(channels)[1], 0.0)
    if energy.max() <= 0.0:
        return mix(channels)
    down = 10.0 * np.log10(energy.max() / np.maximum(energy, 1e-300))
    top, bottom = PLAY_FADE_DB
    weight = np.clip((bottom - down) / (bottom - top), 0.0, 1.0)
    full = weight >= 1.0
    if full.all():
        return mix(channels)
    part = (weight > 0.0) & ~full
    mono = mix(channels[full]).astype(np.float64) * int(full.sum())
    if part.any():
        mono += weight[part] @ channels[part]
    return (mono / (int(full.sum()) + float(weight[part].sum()))).astype(np.float32)


def held_mix(channels: np.ndarray) -> tuple[np.ndarray, int | None]:
    """A recording's channels [C, N] -> (the mean of the channels that hold it [N] float32, None), leaving out any
    more than :data:`EMPTY_CHANNEL_DB` under the loudest (a source recorded on one input of a stereo interface:
    averaging in the empty one would halve its level); or (the loudest channel [N], its index) when the held
    channels cancel in their mean (:func:`cancels`: one in reverse polarity).  What training data (effect pairs,
    synth notes) is mixed by; each trainer decides what a cancelling recording means.  The choice is
    device.audio.channel_choice's, the one `hatbox render` and `hatbox device run --input` hear by (imported here
    when called: that module reads this one's :func:`held_channels` and :func:`cancels`)."""
    from device.audio.channel_choice import heard, mono_of, sums_of
    if channels.shape[0] == 1 or not channels.shape[1]:
        return channels[0], None
    chosen, loudest = heard(sums_of(channels))
    return mono_of(channels, chosen), loudest


def cancels(sum_energy: float, loudest_energy: float) -> bool:
    """Whether channels whose sum holds ``sum_energy`` (sum of squares over the same frames) cancel, the
    loudest of them holding ``loudest_energy``: their sum is more than :data:`CANCEL_DB` under the loudest
    channel alone (for stereo, the mix, their mean, is then more than ``CANCEL_DB + 6`` dB = 12 dB under the
    louder channel)."""
    return sum_energy < loudest_energy * 10.0 ** (-CANCEL_DB / 10.0)


def read_head(path: Path, seconds: float) -> tuple[np.ndarray, int]:
    """(mono [n] float32, rate Hz) of the first ``seconds`` of ``path``: its channels' :func:`mix`."""
    channels, rate = read_channels(path, seconds)
    return mix(channels), rate


def bytes_past_header(path: Path) -> int:
    """How many bytes of a WAV (RIFF/RIFX) or AIFF (FORM) file lie past the end its header declares (0
    for other formats, and for one odd pad byte): audio a recorder wrote but never counted in the header."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(8)
    order = CONTAINERS.get(head[:4])
    if len(head) < 8 or order is None:
        return 0
    gap = size - 8 - int.from_bytes(head[4:8], order)
    return gap if gap > 1 else 0


def first_sound(path: Path, level: float, block: int = 1 << 16, offset: np.ndarray | None = None,
                start: float = 0.0, until: float | None = None) -> tuple[float | None, float]:
    """(seconds at which the loudest channel of ``path`` (an ambisonic file's W alone) first reaches ``level``
    (linear) or None, and the peak of what was decoded up to there: all of it when it never does), decoded
    ``block`` frames at a time from ``start`` seconds into the file up to ``until`` seconds (None: its end; memory
    stays one block); ``offset`` [C]: each channel's DC offset, taken off its samples first."""
    peak = 0.0
    try:
        with sf.SoundFile(audiofile.sound_name(path)) as f:
            rate = f.samplerate
            done = f.seek(int(round(rate * start))) if start > 0 else 0
            frames = -1 if until is None else max(int(np.ceil(rate * until)) - done, 0)
            heard = 1 if f.channels > 1 and audiofile.ambisonic(path) else f.channels    # an ambisonic file's W
            for data in f.blocks(blocksize=block, dtype="float32", always_2d=True, frames=frames):
                data = data[:, :heard]
                if offset is not None and offset.shape[0] == data.shape[1]:
                    data = data - offset
                mag = np.abs(data).max(axis=1, initial=0.0)     # the loudest channel's magnitude [frames]
                loud = np.flatnonzero(mag >= level)
                if loud.size:
                    return (done + int(loud[0])) / rate, float(mag.max())
                peak = max(peak, float(np.max(mag, initial=0.0)))
                done += data.shape[0]
    except Exception as exc:  # noqa: BLE001 - libsndfile reports many kinds of failure
        raise audiofile.decode_failure(path, exc, "cannot decode") from None    # its one wording
    return None, peak


@contextlib.contextmanager
def decoder_notes_hidden() -> Iterator[None]:
    """Hide what the decoders inside libsndfile write straight to the process's stderr (file descriptor 2) while
    the block runs: mpg123's "Note: Illegal Audio-MPEG-Header ..." lines for a file that is not quite an MP3,
    which would land on the progress bar; what is wrong with the file is said by the error raised or the reason
    recorded.  Python's own stderr is flushed first and fd 2 always put back.  fd 2 is the whole process's: only
    for a command that decodes in its one thread (`hatbox tag`), never in the box's server."""
    saved = _stderr_copy()
    if saved is None:                                  # no stderr to hide (closed, or no file descriptor)
        yield
        return
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _stderr_copy() -> int | None:
    """A duplicate of file descriptor 2 to put back later (Python's stderr flushed first, so nothing it held
    back is lost), or None when there is none."""
    try:
        if sys.stderr is not None:
            sys.stderr.flush()
        return os.dup(2)
    except (OSError, ValueError):
        return None
