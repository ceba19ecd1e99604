"""p43 regression QA: a German Excel (Windows-1252) CSV naming "Übergröße" was read as Shift-JIS (Ü as half-width
kana, "öß" as a private-use character) and its files were "missing".  The cp932 reading is now taken only when it
is plain Japanese (kana or two kanji side by side, no private-use character, no half-width katakana) and the
Windows-1252 reading is mojibake (a byte 0x80-0x9F): trainer.csvtext.legacy_text."""
from __future__ import annotations

from pathlib import Path

import pytest
import soundfile as sf

from tests.effect.synth import RATE, drive, plucks
from trainer.csvtext import legacy_text
from trainer.effect.data import load_folder

QA_WORDS = ["Übergröße", "Übergrößen", "ÄÖÜ", "ÅÄÖ", "ÓÚ", "Àçé", "Þór"]
ACCENTED = ["Pédale", "Crème brûlée", "Größe", "Señor", "ÜBERGRÖSSE", "Straße", "Äußeres", "Mädchen für alles",
            "Señor Ñandú", "Überdrive DI ü", "Ça va", "naïve", "Café", "Øre", "Åsa", "Ärger", "Öl", "Müller",
            "Fußball", "Ökonomie", "São Paulo", "Coração", "Jalapeño", "Zürich", "Genève", "Málaga", "Córdoba",
            "Piñata", "Façade", "Rhône", "Noël", "Björk", "Sigur Rós", "Þórsmörk", "Æble", "Grüße", "Süß",
            "cœur", "Œuvre"]
JAPANESE = ["キック", "スネア", "音源", "ギター入力1", "歪み_弱", "ディストーション5", "ハイハット 音源"]


def _read(text: str, encoding: str) -> str:
    return legacy_text(Path("pairs.csv"), text.encode(encoding))[1]


@pytest.mark.parametrize("word", QA_WORDS + ACCENTED)
def test_accented_latin_words_stay_windows_1252(word: str) -> None:
    for text in (word, f"input,output,drive[dB]\r\nDI.wav,{word} 5dB.wav,5\r\n", f"„{word}“ – 5 …", f"{word}™ ‰"):
        assert _read(text, "cp1252") == "cp1252", text


@pytest.mark.parametrize("word", JAPANESE)
def test_japanese_excel_text_is_read_as_shift_jis(word: str) -> None:
    text = f"path,tag\r\n{word}.wav,kick\r\n"
    assert legacy_text(Path("tags.csv"), text.encode("cp932")) == (text, "cp932")


@pytest.mark.parametrize("word", ["ｷｯｸ", "キック ｷｯｸ", "鈴"])
def test_half_width_katakana_or_one_lone_kanji_is_read_as_windows_1252(word: str) -> None:
    """Decided (docs/names.md): bytes A1-DF are Ü, Ä, Ó... as often as half-width kana, and one kanji alone is
    what ``cœur`` makes: such a CSV is read as Windows-1252 (the note says to save it as UTF-8)."""
    assert _read(f"{word}.wav,kick\r\n", "cp932") == "cp1252"


def test_the_qa_german_excel_pairs_csv_finds_its_takes(tmp_path: Path) -> None:
    folder = tmp_path / "csv1252b"
    folder.mkdir()
    x = plucks(0.5)
    sf.write(folder / "DI.wav", x, RATE, subtype="FLOAT")
    for d in (5, 20):
        sf.write(folder / f"Übergröße {d}dB.wav", drive(x, d), RATE, subtype="FLOAT")
    (folder / "pairs.csv").write_bytes("input,output,drive[dB]\r\nDI.wav,Übergröße 5dB.wav,5\r\n"
                                       "DI.wav,Übergröße 20dB.wav,20\r\n".encode("cp1252"))
    data = load_folder(folder)
    assert [Path(p.files[1]).name for p in data.pairs] == ["Übergröße 5dB.wav", "Übergröße 20dB.wav"]
    assert any("Windows-1252" in n for n in data.notes) and not any("Shift-JIS" in n for n in data.notes)
