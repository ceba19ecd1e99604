"""p43 names QA, item 2: a CSV Japanese Excel saved (cp932, Shift-JIS) is read as such, not as Windows-1252
(which trained the tags ƒLƒbƒN); Windows-1252 CSVs still read as before; bytes neither reads are refused."""
from __future__ import annotations

import io
import csv
from pathlib import Path

import pytest

from hatbox.errors import DataError
from trainer.csvtext import csv_text_encoding
from trainer.tagger.data import load_items

from .conftest import hiss, tag_tree, thump


def _csv_bytes(rows: list[list[str]], encoding: str) -> bytes:
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return buf.getvalue().encode(encoding)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return tag_tree(tmp_path / "data", {"kick": thump, "hat": hiss}, 2)


def test_a_japanese_excel_csv_trains_japanese_tags(tree, tmp_path):
    rows = [[f.relative_to(tmp_path).as_posix(), "キック" if f.parent.name == "kick" else "ハイハット 閉"]
            for f in sorted(tree.rglob("*.wav"))]
    src = tmp_path / "tags.csv"
    src.write_bytes(_csv_bytes(rows, "cp932"))
    notes: list[str] = []
    items = load_items(src, notes)
    assert sorted({t for it in items for t in it.tags}) == ["キック", "ハイハット 閉"]
    assert any("read it as Shift-JIS (Japanese Excel)" in n for n in notes), notes


def test_a_shift_jis_file_name_is_found_by_its_bytes(tmp_path):
    """A file a Japanese Windows zip left with a Shift-JIS name (not UTF-8) is found through the CSV's bytes."""
    wav = (tmp_path / "a.wav")
    from .conftest import write_wav
    write_wav(wav, thump(48000), 48000)
    odd = tmp_path.joinpath(__import__("os").fsdecode("キック1.wav".encode("cp932")))
    wav.rename(odd)
    src = tmp_path / "tags.csv"
    src.write_bytes(_csv_bytes([["キック1.wav", "キック"]], "cp932"))
    assert [it.path for it in load_items(src, [])] == [odd]


def test_windows_1252_still_reads_as_it_did(tmp_path):
    src = tmp_path / "t.csv"
    src.write_bytes("path,tag\r\ncafé.wav,Müller crème\r\n".encode("cp1252"))
    text, encoding = csv_text_encoding(src)
    assert encoding == "cp1252" and "Müller crème" in text


def test_bytes_neither_encoding_reads_are_refused_in_words(tmp_path):
    src = tmp_path / "t.csv"
    src.write_bytes(b"a.wav,\x81\x7f\x8d\x90\x9d\n")
    with pytest.raises(DataError, match="neither Windows-1252 nor Shift-JIS"):
        csv_text_encoding(src)
