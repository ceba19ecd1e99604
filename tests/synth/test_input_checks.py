"""Bad input to `hatbox play` / `hatbox train synth` is a clear error, checked before any work (QA round)."""
from __future__ import annotations

import signal
from pathlib import Path
from types import SimpleNamespace

import mido
import numpy as np
import pytest
import torch

from device.audio import audiofile
from device.audio.synth import SynthSource, midi_events, render_events, render_midi
from export.pack import Pack
from hatbox.cli import main
from hatbox.cmd_synth import parse_xy
from hatbox.errors import DataError, HatboxError
from tests.synth.conftest import harmonic_tone, write_notes
from tests.synth.test_cli import write_midi
from trainer.synth import pipeline
from trainer.synth.data import load_folder, pitch_from_name
from trainer.synth.train import train


@pytest.fixture
def deadline():
    """Fail (instead of hanging for ever, as the old code did) when the body runs past ``seconds``."""
    def arm(seconds: float) -> None:
        def boom(*_):
            raise TimeoutError("did not finish")
        signal.signal(signal.SIGALRM, boom)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    yield arm
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, signal.SIG_DFL)


# ------------------------------------------------------------------------------------- hatbox play
@pytest.mark.parametrize("option,value", [("--block", "0"), ("--block", "-1"), ("--tail", "-5"), ("--tail", "nan"),
                                          ("--tail", "inf"), ("--tail", "61"), ("--rate", "-1"), ("--rate", "0"),
                                          ("--rate", "1"), ("--rate", "7999"), ("--rate", "192001")])
def test_play_rejects_bad_numbers_before_work(synth_pack: Pack, tmp_path: Path, capsys, deadline,
                                              option: str, value: str) -> None:
    midi = write_midi(tmp_path / "m.mid", [60], seconds=0.1)
    out = tmp_path / "o.wav"
    deadline(60)
    with pytest.raises(SystemExit) as exc:
        main(["play", str(synth_pack.path), "--midi", str(midi), "--out", str(out), option, value])
    assert exc.value.code == 2
    assert f"argument {option}" in capsys.readouterr().err
    assert not out.exists()


def test_offline_render_checks_its_options(synth_pack: Pack, tmp_path: Path, deadline) -> None:
    midi = str(write_midi(tmp_path / "m.mid", [60], seconds=0.1))
    deadline(60)
    for kw in ({"block": 0}, {"block": -3}, {"rate": 1}, {"rate": 0}, {"rate": -1}, {"tail_s": -5.0},
               {"tail_s": float("nan")}, {"tail_s": float("inf")}):
        with pytest.raises(HatboxError):
            render_midi(synth_pack, midi, **kw)
    with pytest.raises(HatboxError, match="block"):
        render_events(SynthSource(synth_pack, 48000), [(0, {"op": "note_on", "note": 60, "velocity": 100})], 4800, 0)


def test_parse_xy_is_strict_and_names_the_line(tmp_path: Path) -> None:
    f = tmp_path / "p.txt"
    f.write_bytes("# départ\n0 0 0\n".encode("cp1252"))
    with pytest.raises(HatboxError, match="line 1: not UTF-8"):
        parse_xy(str(f))
    f.write_text("0 0 0\n1 1 1  # end\n", encoding="utf-16")
    assert parse_xy(str(f)) == [(0.0, 0.0, 0.0), (1.0, 1.0, 1.0)]
    f.write_text("0 0 0\n1 0.5\n")
    with pytest.raises(HatboxError, match=r"line 2: expected 't x y'"):
        parse_xy(str(f))
    f.write_text("0 0 0\n1 a 1\n")
    with pytest.raises(HatboxError, match=r"line 2 .*not numbers"):
        parse_xy(str(f))
    f.write_text("# only a comment\n\n")
    with pytest.raises(HatboxError, match="holds no 't x y' lines"):
        parse_xy(str(f))
    with pytest.raises(HatboxError, match="no such file"):
        parse_xy(str(tmp_path / "missing.txt"))
    for bad in ("0:1:2", "0:0,0;1,1", "0.5", "0:0,0,0"):
        with pytest.raises(HatboxError, match="is not"):
            parse_xy(bad)
    with pytest.raises(HatboxError, match="seconds >= 0"):
        parse_xy("-1:0,0;inf:1,1")
    long_path = ";".join(f"{i}:0.5,0.5" for i in range(100))     # longer than a file name may be
    assert len(parse_xy(long_path)) == 100


def test_play_bad_xy_is_a_one_line_error(synth_pack: Pack, tmp_path: Path, capsys) -> None:
    midi = write_midi(tmp_path / "m.mid", [60], seconds=0.1)
    f = tmp_path / "p.txt"
    f.write_bytes(b"0 0 0\n\x93oops\x94 1 1\n")                  # cp1252 quotes
    for xy in (str(f), "0:1:2"):
        assert main(["play", str(synth_pack.path), "--midi", str(midi), "--out", str(tmp_path / "o.wav"),
                     "--xy", xy]) == 2
        err = capsys.readouterr().err
        assert err.startswith("hatbox: error: --xy") and "internal error" not in err
    assert not (tmp_path / "o.wav").exists()


def test_midi_read_errors_give_a_reason(tmp_path: Path) -> None:
    good = write_midi(tmp_path / "good.mid", [60, 64])
    (tmp_path / "zero.mid").write_bytes(b"")
    (tmp_path / "cut.mid").write_bytes(good.read_bytes()[:30])
    with pytest.raises(HatboxError, match=r"zero\.mid: empty file"):
        midi_events(str(tmp_path / "zero.mid"), 48000)
    with pytest.raises(HatboxError) as exc:
        midi_events(str(tmp_path / "cut.mid"), 48000)
    assert str(exc.value).split("\n")[0].split("cut.mid: ")[1].strip()           # a reason after the colon
    with pytest.raises(HatboxError, match="no such file"):
        midi_events(str(tmp_path / "missing.mid"), 48000)


def test_a_note_never_released_fades_out(synth_pack: Pack, tmp_path: Path) -> None:
    mid = mido.MidiFile(ticks_per_beat=480)
    tr = mido.MidiTrack()
    mid.tracks.append(tr)
    tr.append(mido.Message("note_on", note=60, velocity=100, time=0))
    tr.append(mido.MetaMessage("end_of_track", time=480))        # 0.5 s at 120 bpm, the note still held
    mid.save(str(tmp_path / "held.mid"))
    for tail in (1.0, 0.1, 0.0):
        y = render_midi(synth_pack, str(tmp_path / "held.mid"), tail_s=tail)
        peak = float(np.max(np.abs(y)))
        assert peak > 1e-3
        assert np.max(np.abs(y[int(0.4 * 48000):int(0.5 * 48000)])) > 0.1 * peak     # sounds to the file's end
        assert np.max(np.abs(y[-240:])) < 1e-3 * peak, tail                          # then fades: no click
        if tail == 1.0:
            assert len(y) == int(1.5 * 48000)       # a tail longer than the release keeps its length
        else:
            assert len(y) > int((0.5 + tail) * 48000)      # a shorter one is extended until the note is silent


def _long_midi(path: Path, seconds: float) -> Path:
    """One short note, then the end of the track ``seconds`` later (120 bpm, 480 ticks a beat)."""
    mid = mido.MidiFile(ticks_per_beat=480)
    tr = mido.MidiTrack()
    mid.tracks.append(tr)
    tr.append(mido.Message("note_on", note=60, velocity=100, time=0))
    tr.append(mido.Message("note_off", note=60, time=96))
    tr.append(mido.MetaMessage("end_of_track", time=int(seconds * 960) - 96))
    mid.save(str(path))
    return path


def test_play_refuses_a_render_longer_than_the_limit_before_rendering(synth_pack: Pack, tmp_path: Path, capsys,
                                                                       monkeypatch) -> None:
    def boom(*_a, **_k):
        raise AssertionError("rendering started")
    monkeypatch.setattr("device.audio.synth.render_midi", boom)
    out = tmp_path / "o.wav"
    midi = _long_midi(tmp_path / "hours.mid", 3 * 3600.0)          # its last event is 3 hours away
    assert main(["play", str(synth_pack.path), "--midi", str(midi), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("hatbox: error:") and "internal error" not in err, err
    assert "would render 180.0 min of audio" in err and "limit of 30 minutes" in err
    assert "--max-minutes 181" in err
    assert not out.exists()
    short = _long_midi(tmp_path / "short.mid", 3.0)                   # 3 s + 1 s of tail: 0.07 minutes
    assert main(["play", str(synth_pack.path), "--midi", str(short), "--out", str(out),
                 "--max-minutes", "0.05"]) == 2
    assert "would render 4.0 s of audio" in capsys.readouterr().err and not out.exists()


def test_play_max_minutes_raises_the_limit(synth_pack: Pack, tmp_path: Path, capsys) -> None:
    midi = _long_midi(tmp_path / "short.mid", 2.0)
    out = tmp_path / "o.wav"
    assert main(["play", str(synth_pack.path), "--midi", str(midi), "--out", str(out), "--tail", "0",
                 "--max-minutes", "0.05"]) == 0           # 2 s against a 3 s limit
    assert audiofile.read(str(out))[0].shape[1] >= 2 * 48000
    for bad in ("0", "-1", "nan", "inf"):
        with pytest.raises(SystemExit) as exc:
            main(["play", str(synth_pack.path), "--midi", str(midi), "--out", str(out), "--max-minutes", bad])
        assert exc.value.code == 2 and "argument --max-minutes" in capsys.readouterr().err


# ------------------------------------------------------------------------------------- train synth
def _fake_training(monkeypatch) -> dict:
    """Training, report and pack writing replaced by stand-ins; returns what the pack writer was given."""
    model = torch.nn.Linear(1, 1)
    seen: dict = {}
    metrics = {"heldout_pitch_median_abs_cents": 1.0, "heldout_mrstft": 1.0, "train_seconds": 0.1,
               "train_steps": 1}
    monkeypatch.setattr(pipeline, "load_folder", lambda *a, **k: [])
    monkeypatch.setattr(pipeline, "train", lambda *a, **k: (SimpleNamespace(model=model), None, None))
    monkeypatch.setattr(pipeline, "write_report", lambda _r, _h, folder, **_k: Path(folder).mkdir() or metrics)
    monkeypatch.setattr(pipeline, "save_checkpoint", lambda r, p: Path(p).write_bytes(b"ck"))

    def pack(_result, out, name, _metrics):
        seen.update(out=Path(out), name=name)
        Path(out).write_bytes(b"pack")
    monkeypatch.setattr(pipeline, "pack_from_result", pack)
    return seen


def test_train_synth_makes_a_valid_name_from_the_out_stem_as_train_effect_does(tmp_path: Path, monkeypatch,
                                                                              capsys) -> None:
    from export.manifest import is_plain_name
    from trainer.effect.train import _default_name
    seen = _fake_training(monkeypatch)
    out = tmp_path / "my synth (v2).hatpack"
    assert main(["train", "synth", str(tmp_path / "notes"), "--out", str(out)]) == 0, capsys.readouterr().err
    assert seen == {"out": out, "name": "my synth v2"} and is_plain_name(seen["name"])
    assert _default_name(tmp_path / "my synth (v2)", None) == seen["name"]       # one rule for both trainers
    assert main(["train", "synth", str(tmp_path / "notes"), "--out", str(tmp_path / "(((.hatpack")]) == 0
    assert seen["name"] == "synth"                                                # nothing left: a fallback


def test_train_synth_refuses_a_given_name_that_breaks_the_rule(tmp_path: Path, monkeypatch, capsys) -> None:
    from export.manifest import NAME_RULE
    _no_training(monkeypatch)
    assert main(["train", "synth", str(tmp_path / "notes"), "--out", str(tmp_path / "ok.hatpack"),
                 "--name", "my synth (v2)"]) == 2
    err = capsys.readouterr().err
    assert "--name 'my synth (v2)' is not a valid pack name; nothing was trained" in err and NAME_RULE in err
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def _no_training(monkeypatch) -> None:
    def boom(*_a, **_k):
        raise AssertionError("work started before the options were checked")
    monkeypatch.setattr(pipeline, "train", boom)
    monkeypatch.setattr(pipeline, "load_folder", boom)


@pytest.mark.parametrize("option,value", [("--seconds", "0"), ("--seconds", "-1"), ("--seconds", "nan"),
                                          ("--threads", "0"), ("--threads", "-2"), ("--minutes", "0"),
                                          ("--minutes", "-1"), ("--minutes", "inf")])
def test_train_synth_rejects_bad_numbers(tmp_path: Path, monkeypatch, capsys, option: str, value: str) -> None:
    _no_training(monkeypatch)
    out = tmp_path / "o.hatpack"
    with pytest.raises(SystemExit) as exc:
        main(["train", "synth", str(tmp_path / "notes"), "--out", str(out), option, value])
    assert exc.value.code == 2 and f"argument {option}" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_train_to_pack_checks_options_first(tmp_path: Path, monkeypatch) -> None:
    _no_training(monkeypatch)
    for kw in ({"seconds": 0.0}, {"seconds": -1.0}, {"threads": 0}, {"minutes": 0.0}, {"minutes": -1.0}):
        args = {"minutes": 0.01, "name": "x", **kw}
        with pytest.raises(HatboxError):
            pipeline.train_to_pack(tmp_path, tmp_path / "o.hatpack", **args)
    assert list(tmp_path.iterdir()) == []


def test_train_makes_at_least_one_step(tmp_path: Path) -> None:
    notes = load_folder(write_notes(tmp_path), 24000, 0.3)
    result, _, _ = train(notes, 1e-9, log_every_s=1e9)
    assert result.steps >= 1
    with pytest.raises(DataError):
        train(notes, 0.0)


def test_train_synth_checks_outputs_before_training(tmp_path: Path, monkeypatch, capsys) -> None:
    _no_training(monkeypatch)
    notes = tmp_path / "notes"
    notes.mkdir()
    (tmp_path / "adir.hatpack").mkdir()
    (tmp_path / "afile").write_text("x")
    cases = [["--out", str(tmp_path / "adir.hatpack")],
             ["--out", str(tmp_path / "o.hatpack"), "--name", "bad/name!"],
             ["--out", str(tmp_path / "o.hatpack"), "--report", str(tmp_path / "afile")],
             ["--out", str(tmp_path / "afile" / "o.hatpack")]]
    for case in cases:
        assert main(["train", "synth", str(notes), "--minutes", "0.01", *case]) == 2, case
        err = capsys.readouterr().err
        assert err.startswith("hatbox: error:") and "internal error" not in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["adir.hatpack", "afile", "notes"]   # no report folders


def test_no_report_folder_without_a_pack(tmp_path: Path, monkeypatch, capsys) -> None:
    model = torch.nn.Linear(1, 1)
    monkeypatch.setattr(pipeline, "load_folder", lambda *a, **k: [])
    monkeypatch.setattr(pipeline, "train", lambda *a, **k: (SimpleNamespace(model=model), None, None))

    def report(_result, _ho, folder, **_k):
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / "metrics.json").write_text("{}")
        return {}

    def no_disk(*_a, **_k):
        raise HatboxError("cannot write the pack: disk full")
    monkeypatch.setattr(pipeline, "write_report", report)
    monkeypatch.setattr(pipeline, "save_checkpoint", lambda r, p: Path(p).write_bytes(b"ck"))
    monkeypatch.setattr(pipeline, "pack_from_result", no_disk)
    assert main(["train", "synth", str(tmp_path / "notes"), "--out", str(tmp_path / "new" / "o.hatpack")]) == 2
    assert "disk full" in capsys.readouterr().err
    assert not (tmp_path / "new").exists()


# ------------------------------------------------------------------------------------- note folders
@pytest.mark.parametrize("stem", ["take_01", "Piano 2", "sample_2023_07", "C-1", "take_01_060"])
def test_numbers_that_are_not_pitches(stem: str) -> None:
    assert pitch_from_name(stem) is None


def _folder_with(tmp_path: Path, files: dict[str, float]) -> Path:
    for name, pitch in files.items():
        audiofile.write(tmp_path / "notes" / name, harmonic_tone(pitch, 24000, 0.6, 4), 24000)
    return tmp_path / "notes"


def test_name_pitch_must_match_the_audio(tmp_path: Path, monkeypatch, capsys) -> None:
    root = _folder_with(tmp_path, {"a/a_060_100.wav": 60, "a/take_30.wav": 62, "a/Piano 64.wav": 64.3,
                                   "a/take_01.wav": 67})
    with pytest.raises(DataError, match=r"take_30\.wav: name says F#1 \(MIDI 30\), audio measures D4") as exc:
        load_folder(root, 24000, 0.5)
    assert "1 note file" in str(exc.value) and "take_01" not in str(exc.value)
    notes = load_folder(root, 24000, 0.5, check_names=False)
    assert sorted(round(n.pitch) for n in notes) == [30, 60, 64, 67]     # take_01: measured, not MIDI 1
    monkeypatch.setattr(pipeline, "train", lambda *a, **k: (_ for _ in ()).throw(AssertionError("trained")))
    assert main(["train", "synth", str(root), "--out", str(tmp_path / "o.hatpack")]) == 2
    assert "take_30.wav" in capsys.readouterr().err
    assert not (tmp_path / "o_report").exists()


def test_hidden_files_and_macosx_are_skipped(tmp_path: Path) -> None:
    root = _folder_with(tmp_path, {"b/C4.wav": 60, "b/D4.wav": 62})
    (root / "b" / "._C4.wav").write_bytes(b"\x00\x05\x16\x07" + b"\x00" * 80)     # AppleDouble junk
    (root / "b" / ".DS_Store").write_bytes(b"junk")
    (root / "__MACOSX" / "b").mkdir(parents=True)
    (root / "__MACOSX" / "b" / "._C4.wav").write_bytes(b"\x00\x05\x16\x07")
    (root / ".hidden").mkdir()
    (root / ".hidden" / "E4.wav").write_bytes(b"junk")
    notes = load_folder(root, 24000, 0.5)
    assert [Path(n.path).name for n in notes] == ["C4.wav", "D4.wav"]


def test_an_octave_or_a_twelfth_off_is_the_estimators_slip_not_a_wrong_name(tmp_path: Path) -> None:
    # bass and nylon guitar measure an octave low, organ a twelfth high: the names are right (re-QA of f016f83)
    root = _folder_with(tmp_path, {"b/bass_048_100.wav": 36, "b/organ_060_100.wav": 79, "b/nylon_081_100.wav": 69})
    notes = load_folder(root, 24000, 0.5)
    assert sorted(round(n.pitch) for n in notes) == [48, 60, 81]
