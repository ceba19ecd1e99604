"""MIDI timing the offline player must get right or refuse: SMPTE-timed files (a division with the
top bit set) play at frames per second x ticks per frame, format 2 files are refused in plain words,
and an --out that is a folder is named as one."""
from __future__ import annotations

import struct
from pathlib import Path

import mido
import pytest

from device.audio import audiofile
from device.audio.synth import midi_events
from hatbox.cli import main
from hatbox.errors import HatboxError
from tests.synth.test_cli import write_midi

RATE = 48000


def smpte_midi(path: Path, division: int, track: bytes) -> Path:
    """A format 0 file with the raw 16-bit ``division`` and one track of raw event bytes."""
    body = track + b"\x00\xff\x2f\x00"
    path.write_bytes(b"MThd" + struct.pack(">IHHH", 6, 0, 1, division) + b"MTrk" + struct.pack(">I", len(body)) + body)
    return path


def test_smpte_25fps_x_40_ticks_is_one_millisecond_per_tick(tmp_path: Path) -> None:
    # 0xE728: -25 frames/s x 40 ticks/frame = 1000 ticks/s.  Note on at 0, off 500 ticks later (0.5 s),
    # then a tempo change (ignored with SMPTE timing) and a note 250 ticks after that (0.75 s).
    track = (b"\x00\x90\x3c\x64" + b"\x83\x74\x80\x3c\x00"          # 500 = 0x83 0x74
             + b"\x00\xff\x51\x03\x0f\x42\x40"                        # tempo 1 s/beat: must not matter
             + b"\x81\x7a\x90\x3e\x64")                               # 250 = 0x81 0x7a
    events = midi_events(str(smpte_midi(tmp_path / "smpte.mid", 0xE728, track)), RATE)
    assert [(t, m["op"]) for t, m in events] == [(0, "note_on"), (24000, "note_off"), (36000, "note_on")]


def test_smpte_29_97_drop_frame_rate(tmp_path: Path) -> None:
    # 0xE350: -29 (30 drop frame = 29.97 frames/s) x 80 ticks/frame; 2398 ticks is just about 1 s.
    track = b"\x00\x90\x3c\x64" + b"\x92\x5e\x80\x3c\x00"                # 2398 = 0x92 0x5e
    events = midi_events(str(smpte_midi(tmp_path / "df.mid", 0xE350, track)), RATE)
    assert events[1][0] == round(2398 * 1001 / (30000 * 80) * RATE)


def test_smpte_with_an_undefined_frame_rate_is_refused(tmp_path: Path) -> None:
    path = smpte_midi(tmp_path / "odd.mid", 0xE928, b"\x00\x90\x3c\x64")   # -23 frames/s
    with pytest.raises(HatboxError, match="SMPTE timing .*23 frames/s.* not valid"):
        midi_events(str(path), RATE)


def test_metrical_timing_still_follows_tempo(tmp_path: Path) -> None:
    events = midi_events(str(write_midi(tmp_path / "m.mid", [60], seconds=0.5)), RATE)
    assert [t for t, _ in events] == [0, 24000]


def test_format_2_is_refused_in_plain_words(tmp_path: Path) -> None:
    mid = mido.MidiFile(type=2, ticks_per_beat=480)
    for note in (60, 64):
        mid.tracks.append(mido.MidiTrack([mido.Message("note_on", note=note, velocity=100, time=0),
                                          mido.Message("note_off", note=note, time=480)]))
    mid.save(tmp_path / "f2.mid")
    with pytest.raises(HatboxError) as err:
        midi_events(str(tmp_path / "f2.mid"), RATE)
    assert "format 2" in str(err.value) and "not supported" in str(err.value)
    assert "format 0 or format 1" in (err.value.hint or "")
    assert "merge" not in str(err.value)


def test_check_output_names_a_folder_as_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "renders"
    folder.mkdir()
    with pytest.raises(audiofile.AudioFileError, match="it is a folder"):
        audiofile.check_output(folder)
    (tmp_path / "also.wav").mkdir()             # a folder with an audio file's name
    with pytest.raises(audiofile.AudioFileError, match="it is a folder"):
        audiofile.check_output(tmp_path / "also.wav")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["also.wav", "renders"]


def test_play_out_folder_says_folder(synth_pack, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    midi = write_midi(tmp_path / "m.mid", [60], seconds=0.1)
    folder = tmp_path / "out"
    folder.mkdir()
    assert main(["play", str(synth_pack.path), "--midi", str(midi), "--out", str(folder)]) != 0
    err = capsys.readouterr().err
    assert "is a folder" in err and "cannot write audio of that kind" not in err
    assert list(folder.iterdir()) == []
