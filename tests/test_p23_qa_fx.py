"""Effects and synths on the laptop after a hands-on QA pass (twenty-third stop): `render` mixes a stereo file to
mono by training's rule (a silent channel no longer halves the drive, channels in reverse polarity no longer render
silence) and says what it did; knob values take the unit's kilo/milli forms ("3kHz", "0.2s") in `render` and in a
pairs.csv cell ("24dB" in drive[dB]), and a text column is named; a pack the box would refuse for its rate says so
in `render` and `pack inspect`; `render` on a synth points at `play`; three notes train a synth; `play` reads
timbre names in any case and gives its peak in dBFS; `pack inspect` lists a synth's timbres and prints metrics
readably."""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from device.audio.effect import knob_number, mono_mix, render_file
from export.manifest import Knob
from hatbox.cli import main
from hatbox.errors import DataError, HatboxError, KnobError
from tests.synth.conftest import harmonic_tone

ROOT = Path(__file__).resolve().parents[1]
DRIVE = ROOT / "factory" / "effect-drive.hatpack"
SYNTH = ROOT / "factory" / "synth-gm4.hatpack"
RATE = 48000


def _riff(seconds: float = 1.0) -> np.ndarray:
    t = np.arange(int(RATE * seconds)) / RATE
    return (0.4 * np.exp(-3 * (t % 0.25)) * np.sin(2 * np.pi * 110 * t)).astype(np.float32)


def _rms_db(path: Path) -> float:
    y, _ = sf.read(path, dtype="float32")
    return float(10 * np.log10(np.mean(y ** 2) + 1e-20))


def test_stereo_renders_as_training_hears_it(tmp_path: Path) -> None:
    x = _riff()
    sf.write(tmp_path / "mono.wav", x, RATE)
    sf.write(tmp_path / "left.wav", np.stack([x, np.zeros_like(x)], 1), RATE)
    sf.write(tmp_path / "anti.wav", np.stack([x, -x], 1), RATE)
    said = {}
    for name in ("mono", "left", "anti"):
        said[name] = render_file(DRIVE, tmp_path / f"{name}.wav", tmp_path / f"out_{name}.wav", {"drive": 12})
    mono = _rms_db(tmp_path / "out_mono.wav")
    assert abs(_rms_db(tmp_path / "out_left.wav") - mono) < 0.1          # was 4.6 dB quieter (input halved)
    assert abs(_rms_db(tmp_path / "out_anti.wav") - mono) < 0.1          # was 36 dB down: near silence
    assert not any("note:" in line for line in said["mono"])
    assert any("rendered channel 1 alone (the other is silent)" in line for line in said["left"])
    assert any("cancel each other in a mono mix" in line for line in said["anti"])


def test_mono_mix_of_two_held_channels_says_it_mixed() -> None:
    x = _riff(0.1)
    mono, said = mono_mix(np.stack([x, 0.5 * x]))
    assert np.allclose(mono, 0.75 * x) and said == "its 2 channels were mixed to mono (the box's input is mono)"
    assert mono_mix(x)[1] == ""


@pytest.mark.parametrize(("unit", "text", "value"), [("Hz", "3kHz", 3000.0), ("Hz", "3 k", 3000.0),
                                                      ("Hz", "3500hz", 3500.0), ("ms", "0.2s", 200.0),
                                                      ("ms", "20 MS", 20.0), ("s", "150ms", 0.15),
                                                      ("dB", "7dB", 7.0)])
def test_knob_values_take_their_units_kilo_and_milli_forms(unit: str, text: str, value: float) -> None:
    assert knob_number(Knob("k", 0.0, 10000.0, 1.0, unit=unit), text) == pytest.approx(value)


def test_a_wrong_unit_is_still_refused() -> None:
    with pytest.raises(KnobError, match="is not a number"):
        knob_number(Knob("drive", 0.0, 24.0, 12.0, unit="dB"), "7k")


def _pairs(folder: Path, rows: list[str], header: str = "input,output,drive[dB]") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    x = _riff(2.0)
    sf.write(folder / "di.wav", x, RATE)
    for i in range(3):
        sf.write(folder / f"amp{i}.wav", np.tanh((1 + 2 * i) * x), RATE)
    (folder / "pairs.csv").write_text(header + "\n" + "\n".join(rows) + "\n")
    return folder


def test_a_csv_knob_cell_may_carry_its_columns_unit(tmp_path: Path) -> None:
    from trainer.effect.data import load_folder
    data = load_folder(_pairs(tmp_path / "s", ["di.wav,amp0.wav,0dB", "di.wav,amp1.wav,12 dB", "di.wav,amp2.wav,24"]))
    assert [p.setting["drive"] for p in data.pairs] == [0.0, 12.0, 24.0]


def test_a_text_column_is_named_as_a_knob_column(tmp_path: Path) -> None:
    from trainer.effect.data import load_folder
    folder = _pairs(tmp_path / "s", ["di.wav,amp0.wav,take 1", "di.wav,amp1.wav,take 2"], "input,output,notes")
    with pytest.raises(DataError) as err:
        load_folder(folder)
    assert "knob value 'take 1' in column 'notes' is not a number" in str(err.value)
    said = f"{err.value}\n{err.value.hint}"      # with every row's problems in one error, each row's hint is in it
    assert "every column besides input and output is read as a knob: remove 'notes'" in said


def test_a_pack_the_box_refuses_for_its_rate_says_so(tmp_path: Path, capsys) -> None:
    from export.pack import read_pack, write_pack
    pack = read_pack(DRIVE)
    m = pack.manifest
    m.sample_rate = 44100
    odd = write_pack(tmp_path / "odd.hatpack", m, {n: pack.members[n] for n in m.files})
    sf.write(tmp_path / "riff44.wav", _riff(), 44100)
    lines = render_file(odd, tmp_path / "riff44.wav", tmp_path / "o.wav")
    assert any(line.startswith("warning: pack 'hatbox-drive' runs at 44100 Hz, but the box runs at 48000 Hz and "
                               "refuses it") for line in lines)
    sf.write(tmp_path / "riff48.wav", _riff(), RATE)
    with pytest.raises(HatboxError) as err:
        render_file(odd, tmp_path / "riff48.wav", tmp_path / "o2.wav")
    assert err.value.hint.startswith("pack 'hatbox-drive' runs at 44100 Hz, but the box runs at 48000 Hz")
    assert main(["pack", "inspect", str(odd)]) == 0
    assert "warning: the box would refuse it: handshake check: pack runs at 44100 Hz but the engine runs at 48000 Hz" \
        in capsys.readouterr().out                   # (thirty-ninth stop: every check the box makes, this one too)


def test_render_on_a_synth_points_at_play(tmp_path: Path, capsys) -> None:
    sf.write(tmp_path / "riff.wav", _riff(), RATE)
    assert main(["render", str(SYNTH), "--input", str(tmp_path / "riff.wav"), "--out", str(tmp_path / "o.wav")]) == 2
    assert "hint: play a synth pack with hatbox play PACK --midi" in capsys.readouterr().err


def test_inspect_lists_a_synths_timbres_and_prints_metrics_readably(capsys) -> None:
    assert main(["pack", "inspect", str(SYNTH)]) == 0
    out = capsys.readouterr().out
    assert "  timbres: " in out and "(hatbox play --corners takes four of these)" in out
    assert main(["pack", "inspect", str(DRIVE)]) == 0
    lines = capsys.readouterr().out.splitlines()
    metrics = lines[lines.index("  model gru, 4,721 parameters"):-4]             # the figures, before the checksums
    assert len(metrics) > 4 and not any("{" in line or "e-0" in line for line in metrics)   # no dicts, no exponents
    assert not any(len(part) > 10 for line in metrics for part in line.split() if part.replace(".", "").isdigit())
    assert not any(line.startswith("  figure ") for line in lines)               # every figure in words
    assert "  held-out error per knob setting: drive=0 tone=1500: 0.001084; drive=0 tone=3500: 0.000469;" in "\n".join(lines)


def _song(path: Path) -> Path:
    import mido
    mid = mido.MidiFile()
    track = mido.MidiTrack()
    mid.tracks.append(track)
    track.append(mido.Message("note_on", note=60, velocity=100, time=0))
    track.append(mido.Message("note_off", note=60, velocity=0, time=480))
    mid.save(path)
    return path


def test_play_reads_timbre_names_in_any_case_and_gives_its_peak_in_dbfs(tmp_path: Path, capsys) -> None:
    from export.pack import read_pack
    names = read_pack(SYNTH).manifest.extras["names"]
    shouted = ",".join(n.upper() for n in names[:4])
    assert main(["play", str(SYNTH), "--midi", str(_song(tmp_path / "s.mid")), "--out", str(tmp_path / "o.wav"),
                 "--corners", shouted]) == 0
    out = capsys.readouterr().out
    assert " dBFS before the box's output limiter" in out and "unknown timbre" not in out


def test_three_notes_whose_held_out_pitches_leave_one_still_train(tmp_path: Path, capsys) -> None:
    """C4, F4 and A4: F and A are held out, which left one note, and three good notes were refused while two
    (C4, G4) trained."""
    from trainer.synth.data import load_folder
    from trainer.synth.train import train
    root = tmp_path / "n" / "piano"
    root.mkdir(parents=True)
    for name, pitch in (("C4.wav", 60), ("F4.wav", 65), ("A4.wav", 69)):
        buf = io.BytesIO()
        sf.write(buf, harmonic_tone(pitch, 24000, 0.6, 4), 24000, format="WAV")
        (root / name).write_bytes(buf.getvalue())
    notes = load_folder(tmp_path / "n", 24000, 0.5)
    result, tr, ho = train(notes, minutes=0.005)
    out = capsys.readouterr().out
    assert "holding out your C#, F and A notes would leave fewer than 2 to train on, so every note is trained" in out
    assert len(tr.audio) == 3
