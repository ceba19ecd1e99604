"""`train synth` on awkward note folders: held-out-only instruments, no held-out notes, outputs inside the
note folder, very short notes, instrument names `play --corners` cannot pick, and the report's plots."""
from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch

from device.audio import audiofile
from export.pack import Pack, read_pack
from hatbox.cli import main
from hatbox.errors import DataError
from tests.synth.conftest import harmonic_tone
from trainer.synth import pipeline
from trainer.synth import train as train_mod
from trainer.synth.data import Note, load_folder, split_heldout
from trainer.synth.report import spectrogram_png

RATE = 24000


def _write(root: Path, layout: dict[str, list[int]], seconds: float = 0.5) -> Path:
    """``root/<instrument>/<pitch>.wav`` harmonic tones, ``seconds`` long."""
    for inst, pitches in layout.items():
        for p in pitches:
            audiofile.write(root / inst / f"{p}.wav", harmonic_tone(p, RATE, seconds), RATE)
    return root


def _note(inst: str, pitch: int) -> Note:
    return Note(inst, float(pitch), 100, np.zeros(8, np.float32), f"{inst}/{pitch}.wav")


def _no_training(monkeypatch) -> None:
    def refuse(*_a, **_k):
        raise AssertionError("training started")
    monkeypatch.setattr(pipeline, "train", refuse)


# ------------------------------------------------------------------- 1. every instrument is trained
def test_an_instrument_on_held_out_pitches_only_keeps_a_trained_note() -> None:
    notes = [_note("full", p) for p in (60, 62, 64)] + [_note("odd", p) for p in (61, 65)]
    train, held = split_heldout(notes)
    # (p42: "full" has no C#, F or A, so its second pitch is held out of its own: tests/synth/test_p42_data_split.py)
    assert [(n.instrument, n.pitch) for n in train] == [("full", 60), ("full", 64), ("odd", 61)]
    assert [(n.instrument, n.pitch) for n in held] == [("full", 62), ("odd", 65)]
    # QA's 200 instruments with one note each (a quarter of them on held-out pitches): all trained
    many = [_note(f"inst{i:03d}", 48 + i % 36) for i in range(200)]
    train, held = split_heldout(many)
    assert {n.instrument for n in train} == {n.instrument for n in many} and held == []
    # an instrument with a trained pitch keeps the ordinary rule
    train, held = split_heldout([_note("a", 60), _note("a", 61)])
    assert [n.pitch for n in train] == [60.0] and [n.pitch for n in held] == [61.0]


def test_the_held_out_only_instrument_is_actually_trained(tmp_path: Path, monkeypatch) -> None:
    initial: dict[str, torch.Tensor] = {}

    class Recording(train_mod.NeuralSynth):
        def __init__(self, cfg) -> None:
            super().__init__(cfg)
            initial["embed"] = self.embed.weight.detach().clone()
    monkeypatch.setattr(train_mod, "NeuralSynth", Recording)
    notes = load_folder(_write(tmp_path / "n", {"full": [60, 62, 64], "odd": [61, 65]}), RATE, 0.5)
    cfg = train_mod.SynthConfig(hidden=32)
    result, _tr, ho = train_mod.train(notes, 0.01, cfg, batch=4, win_s=0.25, device="cpu", log_every_s=1e9)
    odd = result.names.index("odd")
    assert not torch.equal(result.model.embed.weight.detach()[odd], initial["embed"][odd])
    assert ho.pitch.tolist() == [62.0, 65.0] and result.eval_set == "heldout"      # p42: full's D4 held out too


# ------------------------------------------------------------------- 2. no held-out notes, said plainly
def test_without_held_out_notes_the_figures_are_labelled_training_set(tmp_path: Path, capsys) -> None:
    notes = _write(tmp_path / "n", {"a": [60, 62, 64], "b": [60, 67]})
    out = tmp_path / "p.hatpack"
    assert main(["train", "synth", str(notes), "--out", str(out), "--minutes", "0.01", "--seconds", "0.5"]) == 0
    printed = capsys.readouterr().out
    assert "no held-out notes" in printed and "spectral distance to the training notes" in printed     # (in words:
    assert "held-out notes 0." not in printed and "heldout_mrstft" not in printed               # p41, not keys)
    metrics = read_pack(out).manifest.metrics
    assert metrics["eval_set"] == "train_set" and metrics["heldout_notes"] == 0 and metrics["train_set_notes"] == 5
    assert not [k for k in metrics if k.startswith("heldout_") and k != "heldout_notes"]
    report = tmp_path / "p_report"
    saved = json.loads((report / "metrics.json").read_text())
    assert "train_set_pitch_median_abs_cents" in saved and all("heldout" not in h for h in saved["history"])
    assert (report / "train_set_spectrograms.png").is_file() and not list(report.glob("heldout*"))
    assert (report / "train_set_a_60_100_model.wav").is_file()


# ------------------------------------------------------------------- 3. outputs inside the note folder
def test_out_or_report_inside_the_note_folder_is_refused_before_any_work(tmp_path: Path, monkeypatch,
                                                                        capsys) -> None:
    _no_training(monkeypatch)
    notes = _write(tmp_path / "n", {"a": [60, 62]})
    assert main(["train", "synth", str(notes), "--out", str(notes / "v1.hatpack")]) == 2
    err = capsys.readouterr().err
    assert "--out" in err and "inside the note folder" in err
    assert main(["train", "synth", str(notes), "--out", str(tmp_path / "ok.hatpack"),
                 "--report", str(notes / "a" / "rep")]) == 2
    assert "--report" in capsys.readouterr().err
    assert sorted(p.name for p in notes.rglob("*")) == ["60.wav", "62.wav", "a"]      # nothing made


def test_a_report_folder_in_the_note_folder_is_skipped_with_a_note(tmp_path: Path, capsys) -> None:
    notes = _write(tmp_path / "n", {"a": [60, 62]})
    _write(notes, {"v1_report": [60]})                        # a report's model WAV, read as a note before
    (notes / "v1_report" / "metrics.json").write_text("{}")
    got = load_folder(notes, RATE, 0.5)
    assert {n.instrument for n in got} == {"a"}
    assert "skipped" in capsys.readouterr().out


# ------------------------------------------------------------------- 4. very short notes
def test_very_short_notes_are_refused_naming_them(tmp_path: Path, monkeypatch, capsys) -> None:
    _no_training(monkeypatch)
    notes = _write(tmp_path / "n", {"a": [60, 62]})
    for pitch, ms in ((64, 1), (65, 10), (67, 50)):
        audiofile.write(notes / "a" / f"{pitch}.wav", harmonic_tone(pitch, RATE, ms / 1000), RATE)
    with pytest.raises(DataError, match="3 note file"):
        load_folder(notes, RATE, 1.5, check_names=False)
    assert main(["train", "synth", str(notes), "--out", str(tmp_path / "o.hatpack")]) == 2
    err = capsys.readouterr().err
    assert "65.wav (10 ms)" in err and "shorter than" in err and not (tmp_path / "o.hatpack").exists()
    from trainer.synth.data import min_note_seconds
    assert min_note_seconds(1.5) == pytest.approx(0.1875) and min_note_seconds(0.25) == 0.1


def test_notes_just_long_enough_are_taken(tmp_path: Path) -> None:
    notes = _write(tmp_path / "n", {"a": [60, 62]}, seconds=0.2)
    assert len(load_folder(notes, RATE, 1.5)) == 2


# ------------------------------------------------------------------- 5. names --corners can pick
@pytest.mark.parametrize("name", ["Sax, alto", " lead", "lead "])
def test_instrument_names_play_corners_cannot_pick_are_refused(tmp_path: Path, name: str) -> None:
    notes = _write(tmp_path / "n", {"ok": [60, 62], name: [60, 62]})
    with pytest.raises(DataError, match="rename"):
        load_folder(notes, RATE, 0.5)


def test_corners_must_be_four_names(synth_pack: Pack, tmp_path: Path, capsys) -> None:
    from tests.synth.test_cli import write_midi
    midi = write_midi(tmp_path / "m.mid", [60])
    for bad in (",,,", "reed,brass,,pipe", "reed,brass"):
        assert main(["play", str(synth_pack.path), "--midi", str(midi), "--out", str(tmp_path / "o.wav"),
                     "--corners", bad]) == 2
        err = capsys.readouterr().err
        assert "four timbre names" in err and "unknown timbre" not in err
    assert not (tmp_path / "o.wav").exists()
    assert main(["play", str(synth_pack.path), "--midi", str(midi), "--out", str(tmp_path / "o.wav"),
                 "--corners", " pipe, reed ,brass,string", "--tail", "0"]) == 0


# ------------------------------------------------------------------- 6. the report's plots
def test_spectrogram_of_padded_notes_takes_no_log_of_zero(tmp_path: Path) -> None:
    x = np.zeros(RATE, np.float32)
    x[: RATE // 4] = harmonic_tone(60, RATE, 0.25)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        path = spectrogram_png([("real", x), ("model", np.zeros(RATE, np.float32))], RATE, tmp_path / "s.png")
    assert path.stat().st_size > 1000
