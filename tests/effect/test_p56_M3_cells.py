"""p56 review R3 finding 2: the "list X in its place" hints named the new file bare (di_1.5s.wav, out_24-ch1.wav), so
a set whose cells name a folder (takes/di.wav) broke when the hint was followed literally ("listed file does not
exist").  Each hint now names the cell as pairs.csv should write it: the cell's folder kept."""
from __future__ import annotations

import shlex
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from hatbox.errors import DataError
from tests.effect.synth import RATE, drive, plucks, write
from trainer.effect.data import load_folder

LATE = 32


def _late(y: np.ndarray) -> np.ndarray:
    return np.concatenate([np.zeros(LATE, np.float32), y])[: y.size]


def _refusal(folder: Path) -> tuple[str, str]:
    with pytest.raises(DataError) as caught:
        load_folder(folder)
    return caught.value.args[0], caught.value.hint or ""


def _length_set(folder: Path, extra: float) -> Path:
    """takes/di.wav, takes/out 0.wav and takes/out 12.wav ``extra`` seconds longer (<0: shorter) than the input."""
    x = plucks(2.0)
    write(folder / "takes" / "di.wav", x)
    write(folder / "takes" / "out 0.wav", drive(x, 0))
    y = drive(np.concatenate([x, plucks(abs(extra))]) if extra > 0 else x[: x.size - int(-extra * RATE)], 12)
    write(folder / "takes" / "out 12.wav", y)
    (folder / "pairs.csv").write_text("input,output,drive\ntakes/di.wav,takes/out 0.wav,0\n"
                                      "takes/di.wav,takes/out 12.wav,12\n")
    return folder


def _sox(hint: str) -> list[str]:
    start = hint.index("sox ")
    return shlex.split(hint[start:hint.index(")", start)])


def test_a_short_take_names_the_cut_input_as_its_cell(tmp_path: Path) -> None:
    folder = tmp_path / "it's recs"
    _said, hint = _refusal(_length_set(folder, -0.5))
    assert "list takes/di_1.5s.wav as its input" in hint, hint
    src, dst = _sox(hint)[1:3]
    x, rate = sf.read(src, dtype="float32")
    sf.write(dst, x[: int(1.5 * rate)], rate, subtype="FLOAT")
    (folder / "pairs.csv").write_text("input,output,drive\ntakes/di.wav,takes/out 0.wav,0\n"
                                      "takes/di_1.5s.wav,takes/out 12.wav,12\n")
    assert len(load_folder(folder).pairs) == 2                # followed literally, it loads


def test_a_long_take_names_the_trimmed_output_as_its_cell(tmp_path: Path) -> None:
    _said, hint = _refusal(_length_set(tmp_path, 0.5))
    assert "use takes/out 12_trimmed.wav as the output" in hint, hint


def test_the_di_refusal_names_the_gear_channel_file_as_its_cell(tmp_path: Path) -> None:
    x = plucks(2.0)
    write(tmp_path / "takes" / "in.wav", x)
    rows = ["input,output,drive[dB]"]
    for d in (0, 12):
        rows.append(f"takes/in.wav,takes/{write(tmp_path / 'takes' / f'out_{d}.wav', _late(drive(x, d)))},{d}")
    stereo = np.stack([0.25 * _late(drive(x, 24)), x], 1)
    rows.append(f"takes/in.wav,takes/{write(tmp_path / 'takes' / 'out_24.wav', stereo)},24")
    (tmp_path / "pairs.csv").write_text("\n".join(rows) + "\n")
    _said, hint = _refusal(tmp_path)
    assert "list takes/out_24-ch1.wav in its place in pairs.csv" in hint, hint
