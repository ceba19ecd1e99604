"""`hatbox play` leaves a MIDI file's drum track (channel 10) out of the synth, as the box does: there its notes play
the sampler's kit alone.  Before, a kick/snare/hat part on channel 10 played as synth notes (peak -15.2 dBFS of
clarinet), without a word."""
from __future__ import annotations

from pathlib import Path

import mido
import numpy as np
import pytest

from device.audio.synth import render_midi
from export.pack import Pack
from hatbox.errors import HatboxError


def song(path: Path, channels: list[int]) -> Path:
    """A MIDI file: a C4 then a G4 on each of ``channels`` (0-based; 9 is the drums' channel 10), 0.25 s each."""
    mid = mido.MidiFile(ticks_per_beat=480)
    tr = mido.MidiTrack()
    mid.tracks.append(tr)
    for n in (60, 67):
        for ch in channels:
            tr.append(mido.Message("note_on", channel=ch, note=n if ch != 9 else 36, velocity=100, time=0))
        for i, ch in enumerate(channels):
            tr.append(mido.Message("note_off", channel=ch, note=n if ch != 9 else 36, time=240 if i == 0 else 0))
    mid.save(str(path))
    return path


def test_drum_notes_are_left_out_with_a_warning(synth_pack: Pack, tmp_path: Path) -> None:
    said: list[str] = []
    both = render_midi(synth_pack, str(song(tmp_path / "both.mid", [0, 9])), warn=said.append)
    melody = render_midi(synth_pack, str(song(tmp_path / "melody.mid", [0])))
    np.testing.assert_array_equal(both, melody)
    assert any("2 notes on channel 10 (the drums') left out" in s for s in said)


def test_a_drum_track_alone_is_refused_in_words(synth_pack: Pack, tmp_path: Path) -> None:
    with pytest.raises(HatboxError, match=r"holds only drum notes \(2 on channel 10\)"):
        render_midi(synth_pack, str(song(tmp_path / "drums.mid", [9])))
