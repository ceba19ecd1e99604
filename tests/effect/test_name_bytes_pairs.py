"""An effect ``pairs.csv`` written in Latin-1 (``ls``-made, from an old sample CD) naming input/output files
whose names are not valid UTF-8 ("caf\\xe9.wav"): the CSV is read as Windows-1252 and each file is found by
the bytes the CSV lists (trainer.csvtext.listed_file, the tagger's CSV loader uses the same function)."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from hatbox.errors import DataError
from tests.effect.synth import RATE, drive, plucks
from trainer.effect.data import load_folder

IN = b"entr\xe9e.wav"                 # Latin-1 "entrée.wav"
OUT = b"caf\xe9_%d.wav"               # Latin-1 "café_<drive>.wav"


def _write(path: bytes, audio: np.ndarray) -> None:
    """A float WAV written through the name's bytes (skip where the file system refuses non-UTF-8 names)."""
    try:
        sf.write(path, audio, RATE, subtype="FLOAT")
    except (OSError, RuntimeError) as exc:
        pytest.skip(f"this file system refuses non-UTF-8 names: {exc}")


def _latin1_folder(folder: Path) -> tuple[Path, np.ndarray]:
    """pairs.csv (Latin-1 bytes) naming one Latin-1 input and two Latin-1 outputs (drive 0 and 8 dB)."""
    folder.mkdir()
    x = plucks(1.0)
    base = os.fsencode(folder)
    _write(base + b"/" + IN, x)
    rows = [b"input,output,drive[dB]"]
    for d in (0, 8):
        _write(base + b"/" + OUT % d, drive(x, d))
        rows.append(IN + b"," + OUT % d + b",%d" % d)
    (folder / "pairs.csv").write_bytes(b"\n".join(rows) + b"\n")
    return folder, x


def test_a_latin1_pairs_csv_finds_latin1_input_and_output_files(tmp_path: Path) -> None:
    folder, x = _latin1_folder(tmp_path / "gear")
    data = load_folder(folder)
    assert any("Windows-1252" in n for n in data.notes)
    assert [k.name for k in data.knobs] == ["drive"] and len(data.pairs) == 2
    files = [tuple(os.fsencode(Path(f).name) for f in p.files) for p in data.pairs]
    assert files == [(IN, OUT % 0), (IN, OUT % 8)]
    assert all(p.latency == 0 for p in data.pairs)
    assert np.allclose(data.pairs[1].output, drive(x, 8)[: data.pairs[1].output.size], atol=1e-6)


def test_a_latin1_pairs_csv_naming_no_file_still_says_which(tmp_path: Path) -> None:
    folder, _ = _latin1_folder(tmp_path / "gear")
    (folder / "pairs.csv").write_bytes(b"input,output,drive[dB]\n" + IN + b",gone\xe9.wav,0\n"
                                       + IN + b"," + OUT % 8 + b",8\n")
    with pytest.raises(DataError, match=r"gone\u00e9\.wav \(line 2, output column\)"):
        load_folder(folder)
