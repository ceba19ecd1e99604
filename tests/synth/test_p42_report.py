"""The synth report after the forty-second stop's QA: its sounds play held-out notes as the box does (velocity map
and the fitted envelope; the resynthesis from the recording's loudness kept, named so), scores per instrument (one
with no held-out note said), WAV names that never collide, and a record of what training did with the files; a
warning when every note has one velocity."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from device.audio import audiofile
from export.pack import read_pack
from hatbox.cli import main
from tests.synth.conftest import harmonic_tone
from trainer.synth.envelope_fit import fit_envelope
from trainer.synth.features import loudness_db
from trainer.synth.model import NeuralSynth, SynthConfig
from trainer.synth.report import TrainingLog, box_loudness, write_report
from trainer.synth.train import NoteSet, TrainResult, fit_velocity_map

RATE, HOP = 24000, 120


def _decaying(pitch: float, seconds: float = 1.3, db_s: float = 12.0) -> np.ndarray:
    x = harmonic_tone(pitch, RATE, seconds)
    return (x * 10.0 ** (-db_s * np.arange(len(x)) / RATE / 20.0)).astype(np.float32)


def _noteset(rows: list[tuple[int, float, int, str]], seconds: float = 1.3) -> NoteSet:
    """(instrument, pitch, velocity, path) rows of decaying tones."""
    audio = np.stack([_decaying(p, seconds) for _i, p, _v, _path in rows])
    audio = audio[:, :audio.shape[1] // HOP * HOP]
    return NoteSet(torch.from_numpy(audio), torch.from_numpy(np.stack([loudness_db(a, HOP) for a in audio])),
                   torch.tensor([p for _i, p, _v, _path in rows], dtype=torch.float32),
                   torch.tensor([i for i, _p, _v, _path in rows]), torch.tensor([float(v) for *_r, v, _p in rows]),
                   tuple(path for *_r, path in rows))


def _result(ho: NoteSet) -> TrainResult:
    torch.manual_seed(0)
    model = NeuralSynth(SynthConfig(hidden=16, n_instruments=2)).eval()
    fit = fit_envelope(ho.loud.numpy(), ho.inst.numpy(), ["piano", "epiano"], HOP / RATE)
    return TrainResult(model, ["piano", "epiano"], {"db_at_127": -10.0, "db_per_velocity": 0.3},
                       history=[{"t": 1.0, "step": 3, "train": 2.0, "heldout": 2.1}], seconds=1.0, steps=3,
                       envelope=fit)


def test_one_velocity_is_said_in_words() -> None:
    """Before: every note at velocity 100 (no velocity in the names) gave the default map without a word."""
    said: list[str] = []
    ds = _noteset([(0, 60, 100, "a/C4.wav"), (0, 64, 100, "a/E4.wav")], 0.5)
    vm = fit_velocity_map(ds, warn=said.append)
    assert vm["db_per_velocity"] == 0.25 and len(said) == 1
    assert "same velocity, 100" in said[0] and "NAME_PITCH_VELOCITY" in said[0] and "default" in said[0]
    said.clear()
    fit_velocity_map(_noteset([(0, 60, 60, "a/1.wav"), (0, 64, 100, "a/2.wav")], 0.5), warn=said.append)
    assert said == []


def test_the_report_plays_notes_as_the_box_does_per_instrument_with_unique_names(tmp_path: Path) -> None:
    """Three held-out piano takes of A3 at one velocity (before: one piano_57_100 pair, written over twice), no
    held-out epiano note (before: nothing said), and the box's loudness falling as the recordings do (before: the
    *_model.wav followed the recording's own loudness curve, which the box never plays)."""
    ho = _noteset([(0, 57, 100, "n/piano/A3 soft.wav"), (0, 57, 100, "n/piano/piano_A3_mf.wav"),
                   (0, 57, 100, "n/piano/note-57.wav"), (0, 69, 90, "n/piano/A4.wav")])
    result = _result(ho)
    fed = box_loudness(result, ho).numpy()
    at = lambda s: int(s / (HOP / RATE))                      # noqa: E731
    fed_change = fed[:, at(1.0)] - fed[:, at(0.2)]
    real_change = ho.loud.numpy()[:, at(1.0)] - ho.loud.numpy()[:, at(0.2)]
    assert np.allclose(fed_change, real_change, atol=2.0) and np.all(fed_change < -7.0)
    assert fed[3, at(0.2)] - fed[0, at(0.2)] == pytest.approx(-10 * 0.3, abs=0.01)     # velocity 90 vs 100
    log = TrainingLog(said=["warning: n/piano/x.wav is silent: skipped"],
                      instruments={"piano": {"notes": 9, "trained": 5, "held_out": 4, "lowest": "C3",
                                             "highest": "A4"}},
                      summary=lambda m: [f"trained {m['train_steps']} steps", "next: record more epiano notes"],
                      echo=False)
    metrics = write_report(result, ho, tmp_path, log=log)
    reals = sorted(p.name for p in tmp_path.glob("*_real.wav"))
    assert len(reals) == 4 and len(set(reals)) == 4 and "piano_57_100_A3-soft_real.wav" in reals
    assert "piano_69_90_real.wav" in reals
    for stem in (r[:-len("_real.wav")] for r in reals):
        assert (tmp_path / f"{stem}_model.wav").is_file() and (tmp_path / f"{stem}_resynth.wav").is_file()
    page = (tmp_path / "report.md").read_text()
    assert "- epiano: no held-out notes: not scored" in page
    assert "- piano: spectral distance" in page and "over 4 notes" in page
    assert "n/piano/piano_A3_mf.wav" in page and "resynthesises it from the recording's own loudness" in page
    assert "warning: n/piano/x.wav is silent: skipped" in page and "- piano: 9 notes (C3-A4)" in page
    assert "next: record more epiano notes" in page and "dB a second while held" in page
    saved = json.loads((tmp_path / "metrics.json").read_text())
    assert saved["instruments"]["epiano"] == {"notes": 0} and saved["instruments"]["piano"]["notes"] == 4
    assert saved["instruments"]["piano"]["level_change_recording_db"] < -7.0
    assert saved["training"]["said"] == log.said and saved["training"]["summary"][0] == "trained 3 steps"
    assert saved["envelope_fit"]["envelope"]["fall"] > 5.0 and "envelope" in metrics


def _notes(root: Path) -> Path:
    """piano: decaying notes over C3..A4 at one velocity, and a copy of one of them; epiano: one note."""
    for p in (48, 52, 55, 57, 60, 62, 64, 67, 69):
        audiofile.write(root / "piano" / f"{p}.wav", _decaying(p), RATE)
    audiofile.write(root / "piano" / "copy of 60.wav", _decaying(60), RATE)
    audiofile.write(root / "epiano" / "62.wav", _decaying(62), RATE)
    return root


def test_training_fits_the_envelope_and_records_what_it_did(tmp_path: Path, capsys) -> None:
    """`train synth` end to end: the pack plays the fitted envelope (before: DEFAULT_ENVELOPE, an organ's), the
    summary says it, and report.md keeps the warnings, each instrument's notes and the "next:" advice."""
    out = tmp_path / "keys.hatpack"
    rc = main(["train", "synth", str(_notes(tmp_path / "n")), "--out", str(out), "--minutes", "0.01",
               "--seconds", "1.2", "--trust-names"])
    assert rc == 0
    printed = "".join(capsys.readouterr())             # stdout and stderr (every warning on stderr: p44)
    extras = read_pack(out).manifest.extras
    env = extras["envelope"]
    assert env["fall"] > 6.0 and env["sustain"] > 0.3 and extras["envelope_fit"]["from"] == "notes"
    assert "  envelope from your notes" in printed and "same velocity, 100" in printed
    page = (tmp_path / "keys_report" / "report.md").read_text()
    assert "holds the same audio as another" in page and "same velocity, 100" in page
    assert "- piano: 10 notes (C3-A4)" in page and "- epiano: 1 note (D4)" in page
    assert "- epiano: no held-out notes: not scored" in page
    assert "next:" in page.split("## What training said after")[1]
    from device.audio.synth import synth_extras
    assert synth_extras(read_pack(out)).envelope["fall"] == env["fall"]       # the box takes it as it is
