"""CSV formats Excel writes, read for `hatbox train tagger` (p34 QA): "Unicode Text" (UTF-16 with its BOM,
tab-separated) and "Text (Tab delimited)", also with commas in the file names, each with a note saying what
was found; a comma CSV with a tab after its commas is still read with commas."""
from __future__ import annotations

from pathlib import Path

import pytest

from trainer.csvtext import separator
from trainer.tagger.data import load_items

from .conftest import hiss, tag_tree, thump


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tag_tree(tmp_path / "data", {"kick": thump, "hat": hiss}, 2)
    (root / "kick" / "0.wav").rename(root / "kick" / "BD, hard.wav")      # a comma in a file name
    return root


def _rows(tree: Path) -> list[tuple[str, str]]:
    return [(f.relative_to(tree.parent).as_posix(), f.parent.name) for f in sorted(tree.rglob("*.wav"))]


def _tags(items) -> dict[str, tuple[str, ...]]:
    """{"kick/0.wav": ("kick",)...} of loaded items."""
    return {f"{it.path.parent.name}/{it.path.name}": it.tags for it in items}


EXPECTED = {"kick/BD, hard.wav": ("kick",), "kick/1.wav": ("kick",), "hat/0.wav": ("hat",), "hat/1.wav": ("hat",)}


def test_excel_unicode_text_utf16_with_tabs_is_read_with_notes(tree, tmp_path):
    csv = tmp_path / "list.txt"
    text = "path\ttag\r\n" + "".join(f"{p}\t{t}\r\n" for p, t in _rows(tree))
    csv.write_bytes(text.encode("utf-16"))                 # what Excel's "Unicode Text" writes: BOM, UTF-16LE
    notes: list[str] = []
    items = load_items(csv, notes)
    assert _tags(items) == EXPECTED
    assert any("is UTF-16 text" in n and "Unicode Text" in n for n in notes)
    assert any("is separated by tabs" in n for n in notes)


def test_utf16_big_endian_and_a_name_windows_1252_cannot_write(tree, tmp_path):
    (tree / "hat" / "1.wav").rename(tree / "hat" / "ハット.wav")
    csv = tmp_path / "list.txt"
    text = "".join(f"{p}\t{t}\n" for p, t in _rows(tree))
    csv.write_bytes(b"\xfe\xff" + text.encode("utf-16-be"))
    items = load_items(csv)
    assert _tags(items) == {**{k: v for k, v in EXPECTED.items() if k != "hat/1.wav"}, "hat/ハット.wav": ("hat",)}


@pytest.mark.parametrize("header", [True, False])
def test_a_tab_separated_csv_with_commas_in_names_is_read_with_a_note(tree, tmp_path, header):
    csv = tmp_path / "tabs.csv"
    csv.write_text(("path\ttag\n" if header else "") + "".join(f"{p}\t{t}\n" for p, t in _rows(tree)))
    notes: list[str] = []
    items = load_items(csv, notes)
    assert _tags(items) == EXPECTED
    assert any(n.startswith(f"note: {csv} is separated by tabs") for n in notes)


def test_a_comma_csv_with_tabs_after_its_commas_is_still_read_with_commas(tree, tmp_path):
    csv = tmp_path / "commas.csv"
    csv.write_text("data/kick/1.wav,\tkick\ndata/hat/0.wav,\that\n")
    notes: list[str] = []
    assert _tags(load_items(csv, notes)) == {"kick/1.wav": ("kick",), "hat/0.wav": ("hat",)}
    assert not any("separated by" in n for n in notes)


@pytest.mark.parametrize("line,sep", [("path\ttag", "\t"), ("a, b.wav\tkick", "\t"), ("a.wav\tkick\tloud", "\t"),
                                      ("a.wav,\tkick", ","), ("a.wav,kick", ","), ("a.wav;kick", ";"),
                                      ("a.wav\t", ","), ("a.wav", ",")])
def test_the_separator_of_a_csv_whose_header_is_optional(line, sep):
    assert separator(line + "\n", None) == sep


def test_an_effect_pairs_csv_header_with_tabs_is_told_too():
    assert separator("input\toutput\tdrive\n") == "\t"
    assert separator("input,output\n") == "," and separator("input;output\n") == ";"
