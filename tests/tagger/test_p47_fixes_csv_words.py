"""p47 F1: `hatbox push-library FOLDER --fixes FILE.csv` with a stray quote in the CSV (``"kick.wav,kick``) said
"neither a tag database nor a corrections CSV", with --fixes' generic hint, where the tagger's CSV reader
(trainer/csvrows.py, the one `hatbox train tagger` uses) names the line and the quote.  Now a file that looks like a
CSV (named .csv, or text) is told the reader's words and its hint; a binary file that is neither keeps the generic
words."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from hatbox.cli import main
from hatbox.errors import HatboxError
from hatbox.library_fixes import push_fixes


def _folder(tmp_path: Path) -> Path:
    kit = tmp_path / "kit"
    kit.mkdir()
    for name in ("kick", "snare"):
        sf.write(kit / f"{name}.wav", np.linspace(-0.5, 0.5, 2400, dtype=np.float32), 48000)
    return kit


def _refusal(src: Path, given: Path) -> HatboxError:
    with pytest.raises(HatboxError) as caught:
        push_fixes(src, str(given), False)
    return caught.value


def test_a_stray_quote_is_said_in_the_csv_reader_s_words(tmp_path, monkeypatch, capsys) -> None:
    src = _folder(tmp_path)
    given = tmp_path / "fixes.csv"
    given.write_text('path,tags\n"kick.wav,kick\nsnare.wav,snare\n', encoding="utf-8")
    monkeypatch.setenv("HATBOX_CONFIG", str(tmp_path / "cfg"))
    assert main(["push-library", str(src), "--fixes", str(given), "--url", "http://127.0.0.1:9", "--token", "x",
                 "--quiet"]) == 2
    err = capsys.readouterr().err
    assert f'--fixes {given}: line 2: a quote (") opens here and is never closed' in err, err
    assert "neither a tag database nor a corrections CSV" not in err, err
    assert "remove the quote, or close it at the end of its cell" in err and "nothing was sent" in err, err


def test_a_text_file_not_named_csv_is_read_as_one(tmp_path) -> None:
    given = tmp_path / "fixes.txt"
    given.write_text('kick.wav,"kick\n', encoding="utf-8")     # (a row with no tag is taken since p49's review)
    exc = _refusal(_folder(tmp_path), given)
    said = Exception.__str__(exc)
    assert said.startswith(f'--fixes {given}: line 1: a quote (") opens here'), said
    assert "then run hatbox push-library" in (exc.hint or "")


def test_a_binary_file_named_csv_gets_the_reader_s_words(tmp_path) -> None:
    given = tmp_path / "fixes.csv"
    given.write_bytes(bytes(range(256)) * 4)
    exc = _refusal(_folder(tmp_path), given)
    assert Exception.__str__(exc) == f"--fixes {given} is not a text CSV (it holds binary data); nothing was sent", exc


def test_a_binary_file_that_is_neither_keeps_the_generic_words(tmp_path) -> None:
    src = _folder(tmp_path)
    for given in (src / "kick.wav", tmp_path / "noise.bin"):
        if given.suffix == ".bin":
            given.write_bytes(np.random.default_rng(0).integers(1, 256, 600, dtype=np.uint8).tobytes())
        exc = _refusal(src, given)
        assert f"--fixes {given} is neither a tag database nor a corrections CSV" in str(exc), str(exc)
        assert "the corrections CSV hatbox box-library LIB --export-fixes" in (exc.hint or ""), exc.hint


def test_what_looks_like_a_csv(tmp_path) -> None:
    from hatbox.fixes_given import looks_like_csv
    cases = {"a.csv": b"\x00\x01", "b.txt": "path,tags\nk.wav,kick\n".encode(), "c": "\ufeffk.wav;kick".encode(),
             "d.tsv": "k.wav\tkick".encode("utf-16"), "e.dat": b"RIFF\x24\x00\x00\x00WAVE", "f": b"k.wav,\x01"}
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
    found = {name: looks_like_csv(tmp_path / name) for name in cases}
    assert found == {"a.csv": True, "b.txt": True, "c": True, "d.tsv": True, "e.dat": False, "f": False}
