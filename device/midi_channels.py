"""Which MIDI channel plays the kit and which plays the synth (:class:`Channels`), as device/midi.py's ``MidiMap``
routes each note.

By default (as before the forty-second stop) every channel plays the kit, and every channel but 10 (General MIDI's
drums: what drum pads and a DAW's drum track send) plays the synth, so channel 10 plays the kit alone.  A keyboard
player whose C2 layered a kick (QA p42) sets the kit to channel 10 (``hatbox device run --kit-channel 10``): channel
10 plays the kit alone and every other channel the synth alone.  ``--synth-channel N`` lets channel N alone play the
synth, and then (given alone) the kit plays every channel but N, as the synth plays every channel but the kit's: a
keyboard on the synth's channel no longer layers a kick (p42 regression QA).  ``--kit-channel N --synth-channel N``
plays both on N and nothing on the 15 others: :meth:`Channels.warning` says so at start.  Channels are 1..16 in
words and options, 0..15 in messages (mido's count).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hatbox.errors import HatboxError

DRUM_CHANNEL = 9                 # MIDI channel 10 (mido counts from 0): General MIDI's drums
ALL = "all"


@dataclass(frozen=True)
class Channels:
    """``kit``: the channel (0..15) whose notes play the sampler's kit, None: every channel but the synth's (every
    channel when the synth's is not given); ``synth``: the channel whose notes play the synth, None: every channel
    but the kit's (channel 10 when the kit's is not given)."""

    kit: int | None = None
    synth: int | None = None

    def drums(self) -> int:
        """The channel whose polyphonic aftertouch chokes the kit's notes (a cymbal grab)."""
        return DRUM_CHANNEL if self.kit is None else self.kit

    def plays(self, channel: int | None) -> tuple[bool, bool]:
        """(the kit plays it, the synth plays it) for a note on ``channel`` (None: channel 1, mido's default)."""
        channel = 0 if channel is None else int(channel)
        kit = channel == self.kit if self.kit is not None else channel != self.synth
        synth = channel == self.synth if self.synth is not None else channel != self.drums()
        return kit, synth

    def route(self, channel: int | None) -> dict[str, str] | None:
        """What a note on ``channel`` adds to its message: ``{}`` (both play it), ``{"slot": "sampler"}`` or
        ``{"slot": "synth"}`` (that one alone, device/control.py NOTE_SLOTS); None: neither plays it."""
        kit, synth = self.plays(channel)
        if kit and synth:
            return {}
        if kit or synth:
            return {"slot": "sampler" if kit else "synth"}
        return None

    def state(self) -> dict[str, Any]:
        """As ``GET /midi`` gives them: ``kit_channel``, ``synth_channel`` 1..16, or None (see the class doc)."""
        return {"kit_channel": _one_based(self.kit), "synth_channel": _one_based(self.synth)}

    def words(self) -> str:
        """"kit: every channel; synth: every channel but 10" and the like."""
        return describe(self.state())

    def warning(self) -> str | None:
        """Words for a setting that leaves most channels silent (kit and synth on one channel), else None."""
        if self.kit is None or self.kit != self.synth:
            return None
        n = self.kit + 1
        return (f"the kit and the synth both play MIDI channel {n} alone: notes on the 15 other channels play "
                f"nothing (leave --synth-channel out to play the synth on every channel but {n})")


def _one_based(channel: int | None) -> int | None:
    return None if channel is None else channel + 1


def describe(state: dict[str, Any]) -> str:
    """Words for ``GET /midi``'s ``kit_channel`` and ``synth_channel`` (1..16 or None)."""
    kit, synth = state.get("kit_channel"), state.get("synth_channel")
    kit_words = f"channel {kit}" if kit is not None else "every channel" + (f" but {synth}" if synth else "")
    synth_words = (f"channel {synth}" if synth is not None else
                   f"every channel but {kit if kit is not None else DRUM_CHANNEL + 1}")
    return f"kit: {kit_words}; synth: {synth_words}"


def parse_channel(text: str) -> int | None:
    """``"10"`` -> 9 (mido's count), ``"all"`` -> None.  HatboxError for anything else."""
    word = str(text).strip().lower()
    if word == ALL:
        return None
    if not word.isdigit() or not 1 <= int(word) <= 16:
        raise HatboxError(f"MIDI channel {text!r} is not 1..16 or all",
                          hint="e.g. --kit-channel 10 (General MIDI's drums) --synth-channel 1")
    return int(word) - 1


def unheard_words(channel: int, routes: str) -> str:
    """"notes on MIDI channel 2 play nothing (kit: channel 10; synth: channel 1): ..." for a 1-based ``channel`` and
    the channels' words (device.midi_channels.describe)."""
    return (f"notes on MIDI channel {channel} play nothing ({routes}): set the keyboard to a channel that plays, or "
            f"play the synth there with hatbox box-midi --synth-channel {channel}")
