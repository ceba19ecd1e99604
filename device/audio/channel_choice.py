"""Which channels of a multi-channel recording the box's mono input hears, the one rule of `hatbox render`
(device.audio.effect.mono_mix) and `hatbox device run --input` (device.audio.io_open.scan_engine_input): the mean of
the channels that hold the sound (device.library.decode.held_channels: a channel 40 dB under the loudest holds none of
it), or the loudest alone where they cancel in their mean (decode.cancels: one in reverse polarity).  It is the rule
training mixes recordings by (decode.held_mix), judged from the channels' sums of products, so a file decoded a chunk
at a time is judged whole.  Before p60 the box took the mean of every channel: a DI recorded on one side of a stereo
interface played 6 dB lower on the box than in render, and than the pack was trained at.

Shapes: audio [C, N] float32 (C channels, N frames); sums [C, C] float64.
"""
from __future__ import annotations

import numpy as np

from device.library.decode import cancels, held_channels


class ChannelSums:
    """The sums of products of a recording's channels, [C, C] float64 (the diagonal: each channel's energy), added a
    chunk at a time (:meth:`add`)."""

    def __init__(self, channels: int) -> None:
        self.sums = np.zeros((channels, channels), np.float64)

    def add(self, audio: np.ndarray) -> None:
        """Count ``audio`` [C, n] in."""
        wide = audio.astype(np.float64)
        self.sums += wide @ wide.T


def sums_of(audio: np.ndarray, chunk: int = 1 << 16) -> np.ndarray:
    """The :class:`ChannelSums` of ``audio`` [C, N] (added ``chunk`` frames at a time: a float64 copy of one chunk,
    not of the whole)."""
    total = ChannelSums(audio.shape[0])
    for at in range(0, audio.shape[1], chunk):
        total.add(audio[:, at:at + chunk])
    return total.sums


def heard(sums: np.ndarray) -> tuple[np.ndarray, int | None]:
    """From a recording's channel sums [C, C]: (the indices of the channels whose mean is heard, None), or
    ([loudest], loudest) when the channels that hold the sound cancel in their mean."""
    energy = np.diag(sums)
    held = np.flatnonzero(held_channels(energy))
    if held.shape[0] > 1 and energy.max() > 0 and cancels(float(sums[np.ix_(held, held)].sum()), float(energy.max())):
        loudest = int(np.argmax(energy))
        return np.array([loudest]), loudest
    return held, None


def mono_of(audio: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """``audio`` [C, n] heard as mono [n] float32: the mean of its channels ``chosen`` (:func:`heard`)."""
    return audio[chosen].mean(axis=0).astype(np.float32, copy=False)


def everything(chosen: np.ndarray, channels: int) -> bool:
    """Whether ``chosen`` (:func:`heard`) is every one of ``channels``: the plain mean of them all."""
    return chosen.shape[0] == channels


def words(channels: int, chosen: np.ndarray, loudest: int | None, done: str, mixed: str) -> str:
    """What was done with a recording's ``channels`` (more than one) that :func:`heard` chose ``chosen`` of
    (``loudest``: the one taken alone where they cancel), for `hatbox render` and `hatbox device run --input`:
    ``done`` names the deed ("rendered", "plays"), ``mixed`` the plain mean of all ("were mixed", "are mixed")."""
    if loudest is not None:
        return (f"its {channels} channels cancel each other in a mono mix (one is the other upside down): "
                f"{done} channel {loudest + 1} alone")
    if chosen.shape[0] == 1 and channels > 1:
        return f"{done} channel {int(chosen[0]) + 1} alone (the other{'s are' if channels > 2 else ' is'} silent)"
    if chosen.shape[0] < channels:
        return f"{done} the {chosen.shape[0]} of its {channels} channels that hold sound, mixed to mono"
    return f"its {channels} channels {mixed} to mono (the box's input is mono)"
