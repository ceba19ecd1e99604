"""`hatbox play` and `hatbox train synth` end to end (tiny data, seconds of training)."""
from __future__ import annotations

from pathlib import Path

import mido
import numpy as np
import pytest

from device.audio import audiofile
from export.pack import Pack, read_pack
from hatbox.cli import main
from hatbox.cmd_synth import parse_xy
from hatbox.errors import HatboxError
from tests.synth.conftest import write_notes
from trainer.synth.features import cents_error


def write_midi(path: Path, notes: list[int], seconds: float = 0.5) -> Path:
    mid = mido.MidiFile(ticks_per_beat=480)
    tr = mido.MidiTrack()
    mid.tracks.append(tr)
    for n in notes:
        tr.append(mido.Message("note_on", note=n, velocity=100, time=0))
        tr.append(mido.Message("note_off", note=n, time=int(seconds * 960)))
    mid.save(str(path))
    return path


def test_play_writes_the_notes(synth_pack: Pack, tmp_path: Path) -> None:
    midi = write_midi(tmp_path / "m.mid", [60, 67])
    out = tmp_path / "o.wav"
    rc = main(["play", str(synth_pack.path), "--midi", str(midi), "--out", str(out),
               "--corners", "pipe,reed,brass,string", "--xy", "0:0,0;1:1,1", "--tail", "0.5"])
    assert rc == 0
    y, rate = audiofile.read(out)
    assert rate == 48000 and abs(y.shape[1] / rate - 1.5) < 0.01
    assert abs(cents_error(y[0], rate, 67, 0.7, 0.2)) < 2


def test_play_rejects_bad_input(synth_pack: Pack, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    midi = write_midi(tmp_path / "m.mid", [60])
    assert main(["play", str(synth_pack.path), "--midi", str(midi), "--out", str(tmp_path / "o.wav"),
                 "--corners", "a,b,c,d"]) == 2
    assert "unknown timbre" in capsys.readouterr().err
    (tmp_path / "bad.mid").write_bytes(b"not midi")
    assert main(["play", str(synth_pack.path), "--midi", str(tmp_path / "bad.mid"),
                 "--out", str(tmp_path / "o.wav")]) == 2
    assert not (tmp_path / "o.wav").exists()


def test_parse_xy(tmp_path: Path) -> None:
    assert parse_xy("0.25,0.5") == [(0.0, 0.25, 0.5)]
    assert parse_xy("2:1,1;0:0,0") == [(0.0, 0.0, 0.0), (2.0, 1.0, 1.0)]
    f = tmp_path / "path.txt"
    f.write_text("# t x y\n0 0 0\n1.5 0.5 1\n")
    assert parse_xy(str(f)) == [(0.0, 0.0, 0.0), (1.5, 0.5, 1.0)]
    for bad in ("1,2", "x,y", "0:0.5"):
        with pytest.raises(HatboxError):
            parse_xy(bad)


def test_train_synth_makes_a_playable_pack(tmp_path: Path, capsys, monkeypatch) -> None:
    from trainer import cpuwatch
    monkeypatch.setattr(cpuwatch.CpuWatch, "others_cores", lambda self: 0.9)     # a busy machine
    notes = write_notes(tmp_path / "notes")
    out = tmp_path / "mine.hatpack"
    rc = main(["train", "synth", str(notes), "--out", str(out), "--minutes", "0.02", "--seconds", "0.5"])
    assert rc == 0
    assert "warning: other programs used 0.9 of" in capsys.readouterr().err        # every warning on stderr (p44)
    pack = read_pack(out)
    assert pack.manifest.extras["names"] == ["bright", "soft"]
    # 1.2 s of training: the pitch comes from the oscillator, but noise may still mask weak harmonics
    assert 0 <= pack.manifest.metrics["heldout_pitch_median_abs_cents"] < 50
    assert (tmp_path / "mine_report" / "heldout_spectrograms.png").stat().st_size > 1000
    # a report a musician reads (twenty-seventh stop's QA: no page, no curve, no scale): its page and its curve
    assert (tmp_path / "mine_report" / "curves.png").stat().st_size > 1000
    page = (tmp_path / "mine_report" / "report.md").read_text()
    assert f"- pack: `{out.absolute()}`" in page and "a plain sine at each note's pitch and loudness scores" in page
    assert pack.manifest.metrics["heldout_mrstft_sine"] > 0
    y, _ = audiofile.read(tmp_path / "mine_report" / "soft_57_100_model.wav")
    assert np.all(np.isfinite(y))


def test_train_synth_empty_folder_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    assert main(["train", "synth", str(tmp_path), "--out", str(tmp_path / "o.hatpack"), "--minutes", "0.01"]) == 2


def test_play_warns_of_notes_far_past_the_trained_range(tmp_path: Path, capsys) -> None:
    """Before (twenty-seventh stop's QA): a pack trained on 55..72 played notes 24 and 100 without a word."""
    from hatbox.cmd_synth import range_warning
    ranges = {"flute": [55, 72], "oboe": [60, 79]}
    said = range_warning({24, 60, 100, 90}, ["flute", "flute", "oboe", "oboe"], ranges)
    assert said == ("notes C1 (24) and E7 (100) lie over an octave outside what flute, oboe were trained on (G3-G5): "
                    "they may not sound like them")
    assert range_warning({60, 84}, ["flute"] * 4, ranges) is None           # within an octave of the range
    assert range_warning({24}, ["flute"] * 4, None) is None                 # a pack from before: nothing known
    notes = write_notes(tmp_path / "notes")
    out = tmp_path / "s.hatpack"
    assert main(["train", "synth", str(notes), "--out", str(out), "--minutes", "0.01", "--seconds", "0.5"]) == 0
    assert read_pack(out).manifest.extras["pitch_ranges"] == {"bright": [55, 67], "soft": [55, 67]}
