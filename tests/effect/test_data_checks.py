"""Each data check raises its own clear DataError; headers, knob ranges and latency are read right."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hatbox.errors import DataError
from tests.effect.synth import RATE, drive, drive_folder, plucks, write
from trainer.effect.data import load_folder, load_single, parse_header


def _csv(folder: Path, *rows: str) -> Path:
    (folder / "pairs.csv").write_text("\n".join(["input,output,drive[dB]", *rows]) + "\n")
    return folder


def test_good_folder_loads_with_knob_range_and_unit(tmp_path: Path) -> None:
    data = load_folder(drive_folder(tmp_path, settings=(0, 6, 12)))
    assert data.rate == RATE and len(data.pairs) == 3
    (knob,) = data.knobs
    assert (knob.name, knob.unit, knob.min, knob.max) == ("drive", "dB", 0.0, 12.0)
    assert data.knob_vector(data.pairs[1]).tolist() == [0.5]


def test_header_units_are_optional() -> None:
    assert parse_header(["input", "output", "drive[dB]", "tone"]) == [("drive[dB]", "drive", "dB"), ("tone", "tone", "")]
    with pytest.raises(DataError, match="input,output"):
        parse_header(["output", "input"])


def test_missing_csv(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no pairs.csv"):
        load_folder(tmp_path)


def test_sample_rate_mismatch(tmp_path: Path) -> None:
    x = plucks(1.0)
    write(tmp_path / "in.wav", x)
    write(tmp_path / "out.wav", drive(x, 6), rate=44100)
    with pytest.raises(DataError, match="48000 Hz but output is 44100 Hz"):
        load_folder(_csv(tmp_path, "in.wav,out.wav,6"))


def test_length_mismatch(tmp_path: Path) -> None:
    x = plucks(2.0)
    write(tmp_path / "in.wav", x)
    write(tmp_path / "out.wav", drive(x[: RATE], 6))
    with pytest.raises(DataError, match="input is 2.00 s but output is 1.00 s"):
        load_folder(_csv(tmp_path, "in.wav,out.wav,6"))


def test_clipping(tmp_path: Path) -> None:
    x = plucks(1.0)
    write(tmp_path / "in.wav", x)
    write(tmp_path / "out.wav", np.clip(4 * x, -1, 1))
    with pytest.raises(DataError, match="clipped"):
        load_folder(_csv(tmp_path, "in.wav,out.wav,6"))
    assert load_folder(tmp_path, allow_clipping=True).pairs


def test_silence(tmp_path: Path) -> None:
    x = plucks(1.0)
    write(tmp_path / "in.wav", x)
    write(tmp_path / "out.wav", np.zeros_like(x))
    with pytest.raises(DataError, match="silent"):
        load_folder(_csv(tmp_path, "in.wav,out.wav,6"))


def test_replicate_mismatch(tmp_path: Path) -> None:
    x = plucks(1.0)
    write(tmp_path / "in.wav", x)
    write(tmp_path / "a.wav", drive(x, 6))
    write(tmp_path / "b.wav", drive(x, 6))
    write(tmp_path / "c.wav", drive(x, 18))
    assert len(load_folder(_csv(tmp_path, "in.wav,a.wav,6", "in.wav,b.wav,6", "in.wav,c.wav,12")).pairs) == 3
    with pytest.raises(DataError, match="does not match its replicate"):
        load_folder(_csv(tmp_path, "in.wav,a.wav,6", "in.wav,c.wav,6"))


def test_bad_knob_value(tmp_path: Path) -> None:
    drive_folder(tmp_path)
    _csv(tmp_path, "in.wav,out_0.wav,loud")
    with pytest.raises(DataError, match="not a number"):
        load_folder(tmp_path)


def test_missing_audio_file_is_a_data_error(tmp_path: Path) -> None:
    drive_folder(tmp_path)
    with pytest.raises(DataError, match="line 2"):
        load_folder(_csv(tmp_path, "in.wav,nope.wav,3"))


def test_single_pair_and_constant_column(tmp_path: Path) -> None:
    drive_folder(tmp_path, settings=(6,))
    assert load_single(tmp_path / "in.wav", tmp_path / "out_6.wav").knobs == []
    data = load_folder(tmp_path)
    assert data.knobs == [] and "never changes" in data.notes[0]
