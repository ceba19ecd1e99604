"""A musician's own recordings with the usual mistakes (QA round p20): a bad single file is skipped and named,
what may be intended is a `warning:` line, a note is cut to its onset, and an interrupted re-run leaves the
last report whole."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from hatbox.errors import DataError
from tests.synth.conftest import harmonic_tone
from trainer.synth import pipeline
from trainer.synth.data import load_folder

RATE = 24000


def _tone(pitch: float, seconds: float = 0.6, n_harm: int = 4, rate: int = RATE) -> np.ndarray:
    return harmonic_tone(pitch, rate, seconds, n_harm)


def _write(path: Path, audio: np.ndarray, rate: int = RATE, subtype: str | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(path, audio, rate, subtype=subtype)
    return path


def _notes(root: Path, pitches: tuple[int, ...] = (55, 57, 60, 62)) -> Path:
    """Two instruments of clean named notes."""
    for inst, nh in (("soft", 2), ("bright", 8)):
        for p in pitches:
            _write(root / inst / f"{p}.wav", _tone(p, n_harm=nh))
    return root


def _load(root: Path, capsys, seconds: float = 0.5) -> tuple[list, list[str]]:
    """(notes, the `warning:` lines printed) of load_folder with its default warning printer."""
    notes = load_folder(root, RATE, seconds)
    lines = capsys.readouterr().err.splitlines()        # every warning on stderr (p44)
    return notes, [line for line in lines if line.startswith("warning: ")]


# ------------------------------------------------------------------- one bad file: skipped and named
def test_a_corrupt_an_empty_and_a_silent_file_are_skipped_and_named(tmp_path: Path, capsys) -> None:
    root = _notes(tmp_path / "n")
    (root / "soft" / "64.wav").write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt garbage" + bytes(200))
    (root / "soft" / "65.wav").write_bytes(b"")
    _write(root / "bright" / "66.wav", np.zeros(RATE // 2, np.float32))
    notes, warned = _load(root, capsys)
    assert len(notes) == 8 and all(n.path.endswith(("55.wav", "57.wav", "60.wav", "62.wav")) for n in notes)
    for name in ("soft/64.wav", "soft/65.wav", "bright/66.wav"):
        assert [w for w in warned if name in w and "skipped" in w], (name, warned)


def test_an_instrument_with_no_usable_note_is_refused_naming_its_files(tmp_path: Path) -> None:
    root = _notes(tmp_path / "n")
    (root / "broken").mkdir()
    (root / "broken" / "60.wav").write_bytes(b"")
    _write(root / "broken" / "62.wav", np.zeros(RATE // 2, np.float32))
    with pytest.raises(DataError, match=r"no note of instrument broken can be used") as err:
        load_folder(root, RATE, 0.5)
    assert "60.wav" in str(err.value) and "62.wav is silent" in str(err.value)


def test_the_cli_says_which_file_it_skipped_before_training(tmp_path: Path, monkeypatch, capsys) -> None:
    root = _notes(tmp_path / "n")
    (root / "soft" / "64.wav").write_bytes(b"")

    class Stop(Exception):
        pass

    def stop(notes, *_a, **_k):
        assert len(notes) == 8
        raise Stop
    monkeypatch.setattr(pipeline, "train", stop)
    with pytest.raises(Stop):
        pipeline.train_to_pack(root, tmp_path / "o.hatpack", minutes=0.01, seconds=0.5)
    out = capsys.readouterr().err                       # every warning on stderr (p44)
    assert "warning: " in out and "64.wav" in out and "skipped" in out


# ------------------------------------------------------------------- noise
def _noise(seconds: float = 0.6) -> np.ndarray:
    return (0.2 * np.random.default_rng(0).standard_normal(int(seconds * RATE))).astype(np.float32)


def test_noise_with_no_pitch_in_its_name_is_skipped_not_trained_at_a_made_up_pitch(tmp_path: Path, capsys) -> None:
    root = _notes(tmp_path / "n")
    _write(root / "soft" / "take.wav", _noise())
    notes, warned = _load(root, capsys)
    assert not [n for n in notes if n.path.endswith("take.wav")]
    assert [w for w in warned if "take.wav" in w and "noise" in w and "skipped" in w], warned


def test_noise_named_with_a_pitch_is_trained_as_named_with_a_warning(tmp_path: Path, capsys) -> None:
    root = _notes(tmp_path / "n")
    _write(root / "soft" / "66.wav", _noise())
    notes, warned = _load(root, capsys)
    assert [n.pitch for n in notes if n.path.endswith("66.wav")] == [66.0]
    assert [w for w in warned if "66.wav has no clear pitch" in w], warned


# ------------------------------------------------------------------- names an octave off
def test_a_name_an_octave_above_its_audio_is_a_warning(tmp_path: Path, capsys) -> None:
    root = _notes(tmp_path / "n")
    _write(root / "soft" / "72.wav", _tone(60.0, n_harm=3) * 0.9)          # a C4 named C5
    notes, warned = _load(root, capsys)
    assert [n.pitch for n in notes if n.path.endswith("72.wav")] == [72.0]
    assert [w for w in warned if "72.wav: name says C5" in w and "an octave below" in w], warned


def test_a_name_an_octave_under_a_note_with_only_even_harmonics_of_it_is_a_warning(tmp_path: Path,
                                                                                   capsys) -> None:
    root = _notes(tmp_path / "n")
    _write(root / "soft" / "48.wav", _tone(60.0, n_harm=3) * 0.9)          # a C4 named C3
    _notes_, warned = _load(root, capsys)
    assert [w for w in warned if "48.wav: name says C3" in w and "an octave above" in w], warned


def test_a_weak_fundamental_an_octave_under_the_measurement_passes(tmp_path: Path, capsys) -> None:
    """The estimator's own slip (a weak fundamental): the odd harmonics of the named pitch are there."""
    t = np.arange(int(0.6 * RATE)) / RATE
    f0 = 440.0 * 2 ** ((48 - 69) / 12)
    x = 0.01 * np.sin(2 * np.pi * f0 * t) + sum(np.sin(2 * np.pi * k * f0 * t) / k for k in range(2, 9))
    root = _notes(tmp_path / "n")
    _write(root / "soft" / "48.wav", (0.2 * x).astype(np.float32))
    notes, warned = _load(root, capsys)
    assert [n.pitch for n in notes if n.path.endswith("48.wav")] == [48.0]
    assert not [w for w in warned if "48.wav" in w], warned


def test_every_name_an_octave_off_is_said_once_as_an_octave_numbering(tmp_path: Path, capsys) -> None:
    root = tmp_path / "n"
    for p in (55, 57, 60, 62):
        _write(root / "a" / f"{p}.wav", _tone(p + 12, n_harm=3))        # middle C called C3
    _notes_, warned = _load(root, capsys)
    assert len(warned) == 1 and "all 4 measured notes sound an octave above their names" in warned[0], warned


# ------------------------------------------------------------------- the recording itself
def test_leading_silence_is_cut_to_the_onset(tmp_path: Path, capsys) -> None:
    root = _notes(tmp_path / "n")
    _write(root / "soft" / "66.wav", np.r_[np.zeros(int(1.5 * RATE), np.float32), _tone(66, n_harm=2)])
    notes, _warned = _load(root, capsys)
    (note,) = [n for n in notes if n.path.endswith("66.wav")]
    onset = int(np.argmax(np.abs(note.audio) > 0.01))
    assert onset <= 0.011 * RATE


def test_a_dc_offset_is_taken_out(tmp_path: Path, capsys) -> None:
    root = _notes(tmp_path / "n")
    _write(root / "soft" / "66.wav", _tone(66, n_harm=2) + 0.3)
    notes, _warned = _load(root, capsys)
    (note,) = [n for n in notes if n.path.endswith("66.wav")]
    assert abs(float(np.mean(note.audio))) < 0.01


def test_anti_phase_channels_use_one_channel_with_a_warning(tmp_path: Path, capsys) -> None:
    root = _notes(tmp_path / "n")
    x = _tone(66, n_harm=2)
    _write(root / "soft" / "66.wav", np.stack([x, -x], 1))
    notes, warned = _load(root, capsys)
    (note,) = [n for n in notes if n.path.endswith("66.wav")]
    assert abs(np.max(np.abs(note.audio)) - np.max(np.abs(x))) < 0.01
    assert [w for w in warned if "66.wav" in w and "cancel" in w], warned


def test_an_empty_channel_does_not_halve_the_note(tmp_path: Path, capsys) -> None:
    root = _notes(tmp_path / "n")
    x = _tone(66, n_harm=2)
    _write(root / "soft" / "66.wav", np.stack([np.zeros_like(x), x], 1))
    notes, warned = _load(root, capsys)
    (note,) = [n for n in notes if n.path.endswith("66.wav")]
    assert abs(np.max(np.abs(note.audio)) - np.max(np.abs(x))) < 0.01 and not warned


def test_clipping_and_a_low_sample_rate_are_warnings(tmp_path: Path, capsys) -> None:
    root = _notes(tmp_path / "n")
    _write(root / "soft" / "66.wav", np.clip(_tone(66, n_harm=2) * 8, -1, 1), subtype="PCM_16")
    _write(root / "bright" / "66.wav", _tone(66, n_harm=2, rate=8000), rate=8000)
    notes, warned = _load(root, capsys)
    assert len(notes) == 10
    assert [w for w in warned if "soft/66.wav is clipped" in w], warned
    assert [w for w in warned if "bright/66.wav is recorded at 8000 Hz" in w], warned


@pytest.mark.parametrize("subtype", ["PCM_U8", "PCM_32"])
def test_8_and_32_bit_files_load_without_warnings(tmp_path: Path, capsys, subtype: str) -> None:
    root = _notes(tmp_path / "n")
    _write(root / "soft" / "66.wav", _tone(66, n_harm=2), subtype=subtype)
    notes, warned = _load(root, capsys)
    assert len(notes) == 9 and not warned, warned


# ------------------------------------------------------------------- the folder
def test_audio_outside_the_instrument_folders_is_named(tmp_path: Path, capsys) -> None:
    root = _notes(tmp_path / "n")
    _write(root / "64.wav", _tone(64))
    _write(root / "soft" / "take 2" / "66.wav", _tone(66))
    (root / "soft" / "._67.wav").write_bytes(b"\x00\x05\x16\x07")      # macOS AppleDouble: not audio, not named
    notes, warned = _load(root, capsys)
    assert len(notes) == 8 and len(warned) == 1, warned
    assert "2 audio files are not in an instrument folder" in warned[0]
    assert "n/64.wav" in warned[0] and "take 2/66.wav" in warned[0] and "._67" not in warned[0]


def test_a_copied_note_is_a_warning(tmp_path: Path, capsys) -> None:
    root = _notes(tmp_path / "n")
    (root / "soft" / "60 copy.wav").write_bytes((root / "soft" / "60.wav").read_bytes())
    notes, warned = _load(root, capsys)
    assert len(notes) == 9
    assert [w for w in warned if "1 note file holds the same audio" in w and "60 copy.wav" in w], warned


# ------------------------------------------------------------------- an interrupted re-run
def test_an_interrupted_rerun_leaves_the_last_report_whole(tmp_path: Path, monkeypatch) -> None:
    import torch
    from types import SimpleNamespace
    root = _notes(tmp_path / "n")
    out, report = tmp_path / "o.hatpack", tmp_path / "o_report"
    report.mkdir()
    (report / "metrics.json").write_text("old")
    out.write_bytes(b"old pack")
    model = torch.nn.Linear(1, 1)
    monkeypatch.setattr(pipeline, "train", lambda *a, **k: (SimpleNamespace(model=model), None, None))

    def write_report(_r, _h, folder, **_k):
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / "metrics.json").write_text("new")
        (Path(folder) / "heldout_spectrograms.png").write_bytes(b"new")
        return {}
    monkeypatch.setattr(pipeline, "write_report", write_report)
    monkeypatch.setattr(pipeline, "save_checkpoint", lambda r, p: Path(p).write_bytes(b"ck"))

    def interrupted(*_a, **_k):
        raise KeyboardInterrupt
    monkeypatch.setattr(pipeline, "pack_from_result", interrupted)
    with pytest.raises(KeyboardInterrupt):
        pipeline.train_to_pack(root, out, minutes=0.01, seconds=0.5)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["n", "o.hatpack", "o_report"]
    assert sorted(p.name for p in report.iterdir()) == ["metrics.json"]
    assert (report / "metrics.json").read_text() == "old" and out.read_bytes() == b"old pack"
    monkeypatch.setattr(pipeline, "pack_from_result", lambda _r, o, _n, _m: Path(o).write_bytes(b"new pack"))
    pipeline.train_to_pack(root, out, minutes=0.01, seconds=0.5)
    assert (report / "metrics.json").read_text() == "new" and out.read_bytes() == b"new pack"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["n", "o.hatpack", "o_report"]


def test_a_single_note_is_refused_saying_what_to_record(tmp_path: Path) -> None:
    from hatbox.cli import main
    root = tmp_path / "n"
    _write(root / "a" / "60.wav", _tone(60))
    with pytest.raises(DataError, match=r"too few notes to train on: 1") as err:
        pipeline.train_to_pack(root, tmp_path / "o.hatpack", minutes=0.01, seconds=0.5)
    assert "record more notes" in err.value.hint
    assert main(["train", "synth", str(root), "--out", str(tmp_path / "o.hatpack"), "--seconds", "0.5"]) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["n"]


def test_phone_recordings_in_a_format_hatbox_cannot_read_are_named(tmp_path: Path, capsys) -> None:
    root = _notes(tmp_path / "n")
    (root / "soft" / "C5.m4a").write_bytes(b"\x00\x00\x00\x20ftypM4A ")
    _notes_, warned = _load(root, capsys)
    assert [w for w in warned if "C5.m4a" in w and "convert it to WAV" in w], warned
    only = tmp_path / "phone"
    (only / "voice").mkdir(parents=True)
    (only / "voice" / "C4.m4a").write_bytes(b"\x00\x00\x00\x20ftypM4A ")
    with pytest.raises(DataError, match=r"1 file is audio of a kind hatbox cannot read: .*C4\.m4a") as err:
        load_folder(only, RATE, 0.5)
    assert "ffmpeg -i C4.m4a C4.wav" in err.value.hint


def test_a_rerun_removes_the_last_reports_sounds_of_instruments_it_no_longer_has(tmp_path: Path,
                                                                                 monkeypatch) -> None:
    """Before (twenty-sixth stop's QA): saw_69_100_*.wav of the last run stayed beside the new run's a_*/b_* files,
    while metrics.json spoke of the new notes only; the producer's own files in the folder stay."""
    import torch
    from types import SimpleNamespace
    root = _notes(tmp_path / "n")
    out, report = tmp_path / "o.hatpack", tmp_path / "o_report"
    report.mkdir()
    for name in ("saw_69_100_real.wav", "saw_69_100_model.wav", "heldout_spectrograms.png", "my notes.txt",
                 "metrics.json"):                                  # a report: its metrics.json says so
        (report / name).write_bytes(b"old")
    model = torch.nn.Linear(1, 1)
    monkeypatch.setattr(pipeline, "train", lambda *a, **k: (SimpleNamespace(model=model), None, None))

    def write_report(_r, _h, folder, **_k):
        Path(folder).mkdir(parents=True, exist_ok=True)
        for name in ("metrics.json", "heldout_spectrograms.png", "a_60_100_real.wav", "a_60_100_model.wav"):
            (Path(folder) / name).write_bytes(b"new")
        return {}
    monkeypatch.setattr(pipeline, "write_report", write_report)
    monkeypatch.setattr(pipeline, "save_checkpoint", lambda r, p: Path(p).write_bytes(b"ck"))
    monkeypatch.setattr(pipeline, "pack_from_result", lambda _r, o, _n, _m: Path(o).write_bytes(b"new pack"))
    pipeline.train_to_pack(root, out, minutes=0.01, seconds=0.5)
    assert sorted(p.name for p in report.iterdir()) == sorted(
        [".hatbox-report", "a_60_100_model.wav", "a_60_100_real.wav", "checkpoint.pt", "heldout_spectrograms.png",
         "metrics.json", "my notes.txt"])
    assert (report / "heldout_spectrograms.png").read_bytes() == b"new" and (report / "my notes.txt").read_bytes() == b"old"


def test_a_note_folder_that_is_not_there_says_what_one_looks_like(tmp_path: Path) -> None:
    """Before (twenty-sixth stop's QA): `hatbox train synth my-notes/` said only "no note folder at my-notes"."""
    from hatbox.errors import DataError
    with pytest.raises(DataError) as err:
        pipeline.train_to_pack(tmp_path / "my-notes", tmp_path / "s.hatpack", minutes=0.01)
    assert "no note folder at" in str(err.value) and "my-notes/piano/C4.wav" in (err.value.hint or "")


def test_a_folder_of_the_producers_own_sounds_is_refused_as_the_report(tmp_path: Path) -> None:
    """Before (twenty-seventh stop): --report pointed at a folder of renders replaced its piano_model.wav."""
    from hatbox.errors import HatboxError
    root = _notes(tmp_path / "n")
    renders = tmp_path / "renders"
    renders.mkdir()
    (renders / "piano_model.wav").write_bytes(b"mine")
    with pytest.raises(HatboxError, match="holds piano_model.wav, not written by hatbox"):
        pipeline.train_to_pack(root, tmp_path / "o.hatpack", minutes=0.01, seconds=0.5, report=renders)
    assert (renders / "piano_model.wav").read_bytes() == b"mine" and not (tmp_path / "o.hatpack").exists()


def test_instrument_folders_whose_names_differ_only_in_case_are_refused(tmp_path: Path) -> None:
    """Before (twenty-seventh stop's QA): flute/ and Flute/ trained, and --corners Flute played flute's notes."""
    root = tmp_path / "n"
    for inst, nh in (("flute", 2), ("Flute", 8), ("oboe", 4)):
        for p in (55, 60):
            _write(root / inst / f"{p}.wav", _tone(p, n_harm=nh))
    with pytest.raises(DataError, match="differ only in case: 'Flute' and 'flute'"):
        load_folder(root, RATE, 0.5)


def test_a_synth_trained_on_every_note_says_its_figures_are_on_training_notes(tmp_path: Path, capsys) -> None:
    """--no-holdout (twenty-seventh stop's QA: every C#, F and A was held out, with no way to train the final pack on
    them too once the score had been seen)."""
    from hatbox.cli import main
    from trainer.synth.train import train
    notes = load_folder(_notes(tmp_path / "notes", pitches=(55, 57, 60, 61, 62, 65)), 24000, 0.5)
    result, tr, ho = train(notes, 0.01, hold_out=False)
    assert len(tr) == len(notes) and result.eval_set == "train_set" and result.no_holdout
    out = tmp_path / "s.hatpack"
    assert main(["train", "synth", str(tmp_path / "notes"), "--out", str(out), "--minutes", "0.01", "--seconds",
                 "0.5", "--no-holdout"]) == 0
    text = capsys.readouterr().out
    assert "--no-holdout: every note was trained on" in text and "spectral distance to the training notes" in text


def test_the_plan_is_said_and_the_spectral_distance_has_a_scale(tmp_path: Path) -> None:
    """Before (twenty-seventh stop's QA): training went straight to its bar, and 'heldout_mrstft: 1.936 ... lower is
    better' said nothing of what is good."""
    import torch

    from trainer.synth.data import split_heldout
    from trainer.synth.loss import multires_stft
    from trainer.synth.report import sine_notes
    from trainer.synth.train import plan_words, to_noteset
    notes = load_folder(_notes(tmp_path / "n", pitches=(55, 57, 60, 61, 62, 65)), RATE, 0.5)
    tr, ho = split_heldout(notes)
    said = plan_words(tr, ho, 15.0)
    assert said == ("training 2 instruments for 15 min: bright 3 notes (G3-D4), soft 3 notes (G3-D4); held out to "
                    "score it: 6 notes (A3, C#4, F4)")
    ds = to_noteset(ho, ["bright", "soft"], 120)
    sines = sine_notes(ds, RATE, 120)
    assert sines.shape == ds.audio.shape and float(sines.abs().max()) > 0.05
    plain = float(multires_stft(sines[:1], ds.audio[:1]))
    assert 0.0 < plain < float(multires_stft(torch.zeros_like(ds.audio[:1]), ds.audio[:1]))   # nearer than silence


def test_a_folder_holding_the_producers_own_report_md_is_refused_as_the_synth_report(tmp_path: Path) -> None:
    """Review (twenty-seventh stop): the synth's report gained report.md and curves.png, which the check missed."""
    from hatbox.errors import HatboxError
    root = _notes(tmp_path / "n")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "report.md").write_text("MY OWN NOTES")
    with pytest.raises(HatboxError, match="holds report.md, not written by hatbox"):
        pipeline.train_to_pack(root, tmp_path / "o.hatpack", minutes=0.01, seconds=0.5, report=mine)
    assert (mine / "report.md").read_text() == "MY OWN NOTES"
