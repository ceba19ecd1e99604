"""Effect data checks: one rig's latencies must agree, knob defaults are the true median, knob names
differing only in case are refused, and a recording rate the box does not run is warned about before
training (and the box's refusal says how to fix it)."""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from device.validate import EngineSpec, check_handshake
from hatbox.errors import DataError, PackError
from tests.effect.synth import drive, plucks, write
from trainer.effect import train as trainmod
from trainer.effect.data import latency_tolerance, load_folder, median_default, parse_header


def _folder(tmp: Path, delays: dict[str, int], rate: int = 48_000, header: str = "input,output,drive[dB]",
            values: dict[str, str] | None = None) -> Path:
    """pairs.csv: one input, one output per entry of ``delays`` (name -> delay in samples)."""
    x = plucks(1.0)
    write(tmp / "in.wav", x, rate)
    rows = [header]
    for i, (name, d) in enumerate(delays.items()):
        write(tmp / name, np.concatenate([np.zeros(d, np.float32), drive(x, 3 * i)])[: x.size], rate)
        rows.append(f"in.wav,{name},{(values or {}).get(name, str(3 * i))}")
    (tmp / "pairs.csv").write_text("\n".join(rows) + "\n")
    return tmp


def test_one_take_with_another_latency_is_refused_naming_it(tmp_path: Path) -> None:
    folder = _folder(tmp_path, {"a.wav": 144, "b.wav": 144, "c.wav": 16, "d.wav": 144})
    with pytest.raises(DataError) as err:
        load_folder(folder)
    text = str(err.value)
    assert "in.wav" in text and "16 samples at pairs.csv line 4 (c.wav)" in text
    assert "144 samples at pairs.csv line 2 (a.wav)" in text and "128 samples" in text
    assert "own copy of the input file" in err.value.hint and "record" in err.value.hint


def test_a_few_samples_of_spread_are_still_one_rig(tmp_path: Path) -> None:
    data = load_folder(_folder(tmp_path, {"a.wav": 40, "b.wav": 46}))
    assert list(data.latencies.values()) == [40, 46]
    assert [p.shifted for p in data.pairs] == [40, 40]


def test_separate_input_files_are_separate_rigs(tmp_path: Path) -> None:
    folder = _folder(tmp_path, {"a.wav": 144, "b.wav": 16})
    (folder / "in2.wav").write_bytes((folder / "in.wav").read_bytes())
    (folder / "pairs.csv").write_text("input,output,drive[dB]\nin.wav,a.wav,0\nin2.wav,b.wav,3\n")
    data = load_folder(folder)
    assert [p.shifted for p in data.pairs] == [144, 16]


def test_latency_tolerance_is_8_samples_or_0_2_ms() -> None:
    assert latency_tolerance(44_100) == 8
    assert latency_tolerance(48_000) == 9
    assert latency_tolerance(96_000) == 19


def test_knob_default_is_the_true_median(tmp_path: Path) -> None:
    folder = _folder(tmp_path, {"a.wav": 0, "b.wav": 0, "c.wav": 0, "d.wav": 0}, header="input,output,drive[dB],tone",
                     values={"a.wav": "0,0.2", "b.wav": "24,0.2", "c.wav": "0,0.8", "d.wav": "24,0.8"})
    data = load_folder(folder)
    assert {k.name: k.default for k in data.knobs} == pytest.approx({"drive": 12.0, "tone": 0.5})


def test_median_default_odd_even_and_huge_values() -> None:
    assert median_default(np.array([3.0, 1.0, 2.0])) == 2.0
    assert median_default(np.array([0.0, 10.0, 1.0, 4.0])) == 2.5
    huge = median_default(np.array([-1e308, 1e308, 1e308, 1e308]))
    assert np.isfinite(huge) and huge == 1e308


@pytest.mark.parametrize("columns", [["drive[dB]", "Drive"], ["tone", "TONE[%]"]])
def test_knob_names_equal_ignoring_case_are_refused(columns: list[str]) -> None:
    with pytest.raises(DataError, match="differ only in upper/lower case") as err:
        parse_header(["input", "output", *columns])
    assert repr(columns[0]) in str(err.value) and repr(columns[1]) in str(err.value)


def test_rate_warning_names_the_box_rate_and_a_resample_command() -> None:
    assert trainmod.rate_warning(EngineSpec().sample_rate) is None
    said = trainmod.rate_warning(44_100)
    assert said is not None
    assert "44100 Hz" in said and "48000 Hz" in said and "refuse" in said
    assert "sox" in said and "-r 48000" in said and "train again" in said
    assert "for every file in pairs.csv" in said
    assert "for both files" in trainmod.rate_warning(44_100, single=True)          # --input/--target: no pairs.csv
    assert "for both files" in trainmod.result_warnings({"sample_rate": 44_100, "single_pair": True})[0]


def test_a_44k_data_set_is_warned_about_before_training(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _folder(tmp_path / "d", {"a.wav": 0, "b.wav": 0}, rate=44_100)

    def no_training(*_a: object, **_k: object) -> None:
        raise RuntimeError("training started")
    monkeypatch.setattr(trainmod, "fit", no_training)
    with pytest.raises(RuntimeError, match="training started"):
        trainmod.train_effect(folder, tmp_path / "x.hatpack", progress=False)
    err = capsys.readouterr().err
    assert "warning:" in err and "box runs at 48000 Hz" in err and "sox" in err
    assert trainmod.result_warnings({"sample_rate": 44_100})[0] == trainmod.rate_warning(44_100)
    assert trainmod.result_warnings({"sample_rate": 48_000, "val_esr": 0.1}) == []


def test_the_box_refusal_says_to_resample_and_train_again() -> None:
    pack = SimpleNamespace(manifest=SimpleNamespace(kind="effect", sample_rate=44_100))
    with pytest.raises(PackError, match="44100 Hz") as err:
        check_handshake(pack, EngineSpec())  # type: ignore[arg-type]
    assert "resample the recordings to 48000 Hz" in err.value.hint and "train the pack again" in err.value.hint
    assert "re-export" not in err.value.hint
