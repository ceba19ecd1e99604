"""Wording found by hands-on QA (p22, F9 and F11 b/c).

F9: an effect pairs.csv and a tagger CSV say a missing listed file the same way (trainer.csvtext.missing_error):
a Windows drive path shown as written (it was glued to the CSV's folder: ``fx2/C:\\Users\\me\\di.wav``) with the
hint that it names a file on that computer, backslashes read as "/", and "there is recordings/di.wav" when a file's
name differs only in case.
F11 b/c: `hatbox render` on a pack without knobs says "no knobs" (not "knobs none", not "its knobs: none"), and a
knob value may carry the knob's own unit ("7dB", "3500 hz"); another unit is told to be left out."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from hatbox.cli import main
from hatbox.errors import DataError, KnobError
from tests.effect.synth import drive, plucks, write
from trainer.csvtext import case_twin, windows_path
from trainer.effect.data import load_folder
from trainer.tagger.data import load_items

FACTORY_EFFECT = Path(__file__).resolve().parents[1] / "factory" / "effect-drive.hatpack"


def _recordings(folder: Path) -> None:
    """folder/recordings/{di,amp}.wav: one dry take and the gear's."""
    x = plucks(1.0)
    write(folder / "recordings" / "di.wav", x)
    write(folder / "recordings" / "amp.wav", drive(x, 8))


def _effect_error(folder: Path, first: str) -> str:
    (folder / "pairs.csv").write_text(f"input,output\n{first},recordings/amp.wav\n")
    with pytest.raises(DataError) as err:
        load_folder(folder)
    return str(err.value)


def _tagger_error(csv: Path, first: str) -> str:
    csv.write_text(f"{first},kick\n")
    with pytest.raises(DataError) as err:
        load_items(csv)
    return str(err.value)


# ------------------------------------------------------------------------------------- F9: missing listed files
def test_a_windows_drive_path_is_shown_as_written_with_the_same_hint_in_both_csvs(tmp_path: Path) -> None:
    fx = tmp_path / "fx2"
    _recordings(fx)
    said = [_effect_error(fx, "C:\\Users\\me\\di.wav"), _tagger_error(tmp_path / "list.csv", "C:\\Users\\me\\di.wav")]
    for text in said:
        assert ": C:\\Users\\me\\di.wav (line " in text, text
        assert "fx2/C:" not in text and f"{tmp_path}/C:" not in text
        assert "a Windows path (C:\\...) names a file on that computer: give paths relative to the CSV" in text
    assert said[0].startswith("pairs.csv: 1 listed file does not exist") and "(line 2, input column)" in said[0]
    assert said[1].startswith(f"{tmp_path / 'list.csv'}: 1 listed file does not exist")


@pytest.mark.parametrize("cell", ["recordings\\DI.wav", "Recordings/di.wav"])
def test_a_name_that_differs_only_in_case_names_the_file_there_is(tmp_path: Path, cell: str) -> None:
    fx = tmp_path / "fx2"
    _recordings(fx)
    if (fx / "Recordings" / "DI.wav").exists():
        pytest.skip("this file system ignores case")
    effect = _effect_error(fx, cell)
    looked = "; also looked for as recordings/DI.wav" if "\\" in cell else ""    # backslashes read as "/" too
    there = "recordings\\di.wav" if "\\" in cell else "recordings/di.wav"       # as the cell writes it (p57 F2)
    assert f": {cell} (line 2, input column{looked}; there is {there})" in effect, effect
    assert "file names are case-sensitive here" in effect and "Windows path" not in effect
    tagger = _tagger_error(tmp_path / "list.csv", "fx2/" + cell)
    looked = "; also looked for as fx2/recordings/DI.wav" if "\\" in cell else ""
    assert f": fx2/{cell} (line 1{looked}; there is fx2/recordings/di.wav)" in tagger, tagger
    assert "file names are case-sensitive here" in tagger


def test_every_missing_file_of_a_pairs_csv_is_counted_before_any_audio_is_read(tmp_path: Path) -> None:
    _recordings(tmp_path)
    (tmp_path / "pairs.csv").write_text("input,output,drive\nrecordings/di.wav,gone1.wav,0\n"
                                        "recordings/di.wav,recordings/amp.wav,8\nnone.wav,gone2.wav,4\n")
    with pytest.raises(DataError, match=r"pairs\.csv: 3 listed files do not exist: .*gone1\.wav "
                                        r"\(line 2, output column\); .*none\.wav \(line 4, input column\)") as err:
        load_folder(tmp_path)
    assert "there is" not in str(err.value) and "case-sensitive" not in str(err.value)
    assert f"a relative path starts at the CSV's folder ({tmp_path})" in str(err.value)


def test_case_twin_and_windows_path_rules(tmp_path: Path) -> None:
    (tmp_path / "Kit" / "Snares").mkdir(parents=True)
    (tmp_path / "Kit" / "Snares" / "Rim.wav").write_bytes(b"x")
    if (tmp_path / "kit").exists():
        pytest.skip("this file system ignores case")
    assert case_twin(tmp_path, "kit\\snares\\rim.WAV") == Path("Kit/Snares/Rim.wav")
    assert case_twin(tmp_path, str(tmp_path / "KIT/snares/rim.wav")) == tmp_path / "Kit/Snares/Rim.wav"
    assert case_twin(tmp_path, "Kit/Snares/Rim.wav") is None           # the name is right: nothing to say
    assert case_twin(tmp_path, "kit/snares") is None                   # a folder is no file
    assert case_twin(tmp_path, "kit/other.wav") is None
    assert windows_path("C:\\x.wav") and windows_path("d:/x.wav") and windows_path("\\\\server\\share\\x.wav")
    assert not windows_path("clips\\x.wav") and not windows_path("/home/me/x.wav")


# ------------------------------------------------------------------------------------------- F11 b/c: render
def _knobless_pack(tmp_path: Path) -> Path:
    from tests.engine.packs import effect_pack
    return effect_pack(tmp_path / "gain.hatpack", "gain", 0.0, name="plain-gain")


def _input(tmp_path: Path) -> Path:
    src = tmp_path / "in.wav"
    sf.write(src, 0.1 * np.sin(np.arange(4800, dtype=np.float32) * 0.05), 48000, subtype="FLOAT")
    return src


def _render(tmp_path: Path, pack: Path, *knobs: str) -> int:
    args = ["render", str(pack), "--input", str(_input(tmp_path)), "--out", str(tmp_path / "out.wav")]
    return main(args + [a for k in knobs for a in ("--knob", k)])


def test_render_of_a_pack_without_knobs_says_no_knobs(tmp_path: Path, capsys) -> None:
    pack = _knobless_pack(tmp_path)
    assert _render(tmp_path, pack) == 0
    out = capsys.readouterr().out
    assert "(block 128, no knobs)" in out and "knobs none" not in out
    assert _render(tmp_path, pack, "drive=1") != 0
    err = capsys.readouterr().err
    assert "pack 'plain-gain' has no knobs" in err and "its knobs" not in err and "Traceback" not in err


@pytest.mark.parametrize("given,said", [("drive=7dB", "drive 7 dB"), ("drive=7 db", "drive 7 dB"),
                                        ("tone=3500HZ", "tone 3500 Hz"), ("drive=-0.5e1dB", None)])
def test_a_knob_value_may_carry_its_own_unit(tmp_path: Path, capsys, given: str, said: str | None) -> None:
    rc = _render(tmp_path, FACTORY_EFFECT, given)
    if said is None:                                   # -5 dB: a number, read, and out of range (0..24 dB)
        assert rc != 0 and "outside its range" in capsys.readouterr().err
        return
    assert rc == 0 and said in capsys.readouterr().out


@pytest.mark.parametrize("given,said", [
    ("drive=7Hz", "knob 'drive': '7Hz' is not a number (its unit is dB); give the number only: drive=7"),
    ("tone=3.5s", "knob 'tone': '3.5s' is not a number (its unit is Hz); give the number only: tone=3.5"),
    ("drive=loud", "knob 'drive': 'loud' is not a number")])
def test_another_unit_or_no_number_is_one_clear_line(tmp_path: Path, capsys, given: str, said: str) -> None:
    assert _render(tmp_path, FACTORY_EFFECT, given) != 0
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err
    assert not (tmp_path / "out.wav").exists()


def test_a_knob_without_a_unit_asks_for_the_number_only() -> None:
    from device.audio.effect import knob_number
    from export.manifest import Knob
    mix = Knob(name="mix", min=0.0, max=1.0, default=0.5)
    assert knob_number(mix, "0.25") == 0.25
    with pytest.raises(KnobError, match=r"'0\.5%' is not a number \(it has no unit\); give the number only: mix=0\.5"):
        knob_number(mix, "0.5%")
