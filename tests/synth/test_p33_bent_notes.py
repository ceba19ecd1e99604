"""The offline player warns of notes a pitch bend carries above the band limit while they sound (thirty-third stop's
QA: note 124 bent up two semitones fell silent mid-bend, and only notes above the limit unbent were named)."""
from __future__ import annotations

from pathlib import Path

import mido

from device.audio.synth_render import bent_silent_notes
from export.pack import read_pack

FACTORY = Path(__file__).resolve().parents[2] / "factory" / "synth-gm4.hatpack"


def _source():
    from device.audio.synth import SynthSource
    return SynthSource(read_pack(FACTORY), 48_000)


def _on(n: int) -> dict:
    return {"op": "note_on", "note": n, "velocity": 100}


def _off(n: int) -> dict:
    return {"op": "note_off", "note": n}


BEND_UP = {"op": "bend", "value": 1.0}


def test_a_high_note_bent_over_the_limit_is_named() -> None:
    src = _source()
    top = src.highest_note                                           # 125 on the factory synth (11.5 kHz)
    said = bent_silent_notes(src, [(0, _on(top - 1)), (10, BEND_UP), (20, _off(top - 1))], "song.mid")
    assert said.startswith(f"song.mid: note {top - 1} is bent above the band limit of 'synth-gm4'")
    assert "falls silent while the bend lasts" in said


def test_a_low_note_bent_and_a_note_bent_after_its_release_are_not() -> None:
    src = _source()
    top = src.highest_note
    assert bent_silent_notes(src, [(0, _on(60)), (10, BEND_UP), (20, _off(60))], "m") == ""
    assert bent_silent_notes(src, [(0, _on(top - 1)), (5, _off(top - 1)), (10, BEND_UP)], "m") == ""


def test_a_note_held_by_the_pedal_counts_and_a_bend_before_the_note_too() -> None:
    src = _source()
    top = src.highest_note
    pedal = [(0, {"op": "sustain", "on": True}), (1, _on(top - 1)), (2, _off(top - 1)), (3, BEND_UP)]
    assert f"note {top - 1} is bent" in bent_silent_notes(src, pedal, "m")
    early = [(0, BEND_UP), (1, _on(top)), (2, _on(top - 1))]
    assert f"notes {top - 1}, {top} are bent" in bent_silent_notes(src, early, "m")


def test_hatbox_play_says_it(tmp_path: Path, capsys) -> None:
    from hatbox.cli import main
    top = _source().highest_note
    mid = mido.MidiFile()
    track = mido.MidiTrack()
    mid.tracks.append(track)
    track += [mido.Message("note_on", note=top - 1, velocity=100, time=0),
              mido.Message("pitchwheel", pitch=8191, time=240), mido.Message("note_off", note=top - 1, time=240)]
    mid.save(tmp_path / "bend.mid")
    assert main(["play", str(FACTORY), "--midi", str(tmp_path / "bend.mid"), "--out", str(tmp_path / "o.wav")]) == 0
    out, err = capsys.readouterr()
    said = f"note {top - 1} is bent above the band limit"
    assert (out + err).count(said) == 1 and said in err        # a warning: on stderr, once (p44)
    assert "wrote " in out                                      # the summary stays on stdout
