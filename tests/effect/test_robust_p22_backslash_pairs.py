"""An effect ``pairs.csv`` made on Windows names its recordings with backslashes (``clips\\di.wav``): they are
found, as the tagger's CSV finds its files (one rule, trainer.csvtext.listed_file).  Before, only the tagger's
CSV reader had the rule and effect training said the listed files did not exist."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.effect.synth import drive, plucks, write
from trainer.csvtext import listed_file
from trainer.effect.data import load_folder


def _windows_folder(folder: Path) -> np.ndarray:
    """folder/clips/{di,amp_0,amp_8}.wav and a pairs.csv (CRLF) naming them as Windows would."""
    x = plucks(1.0)
    write(folder / "clips" / "di.wav", x)
    rows = ["input,output,drive[dB]"]
    for d in (0, 8):
        write(folder / "clips" / f"amp_{d}.wav", drive(x, d))
        rows.append(f"clips\\di.wav,clips\\amp_{d}.wav,{d}")
    (folder / "pairs.csv").write_text("\r\n".join(rows) + "\r\n")
    return x


def test_a_pairs_csv_with_backslash_paths_finds_its_recordings(tmp_path: Path) -> None:
    (tmp_path / "gear" / "clips").mkdir(parents=True)
    x = _windows_folder(tmp_path / "gear")
    data = load_folder(tmp_path / "gear")
    assert [k.name for k in data.knobs] == ["drive"] and len(data.pairs) == 2
    assert [tuple(Path(f).relative_to(tmp_path / "gear").as_posix() for f in p.files) for p in data.pairs] == [
        ("clips/di.wav", "clips/amp_0.wav"), ("clips/di.wav", "clips/amp_8.wav")]
    assert np.allclose(data.pairs[1].output, drive(x, 8)[: data.pairs[1].output.size], atol=1e-4)


def test_a_file_whose_name_holds_a_backslash_is_found_as_written_first(tmp_path: Path) -> None:
    (tmp_path / "clips").mkdir()
    (tmp_path / "clips" / "di.wav").write_bytes(b"the one in the folder")
    try:
        (tmp_path / "clips\\di.wav").write_bytes(b"the one named with a backslash")
    except OSError as exc:
        pytest.skip(f"this file system takes no backslash in a name: {exc}")
    assert listed_file(tmp_path, "clips\\di.wav", cp1252=False) == tmp_path / "clips\\di.wav"
    (tmp_path / "clips\\di.wav").unlink()
    assert listed_file(tmp_path, "clips\\di.wav", cp1252=False) == tmp_path / "clips" / "di.wav"
    assert listed_file(tmp_path, "clips\\gone.wav", cp1252=False) == tmp_path / "clips\\gone.wav"   # for the error
