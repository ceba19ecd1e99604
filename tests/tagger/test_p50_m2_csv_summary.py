"""Fiftieth stop's review of FA's CSV reader and training summary (M2): a semicolon CSV whose first row holds a cell
of several words was read with commas (its "#" first row dropped unsaid, the next row read as the header, and
`push-library --fixes` sent a bogus correction); a held-out set none of whose files carries a word said "macro-F1
0.000 over the 0 words" beside "exact-match accuracy 1.000"; the 2-4 examples note counted after the held-out split
(a word given 5 files read "door 4 ... add a few more"); `push-library --fixes` threw the reader's notes away; every
"#" line with non-ASCII text listed the CSV's whole folder (36 s for 1000 such lines beside 10,000 files)."""
from __future__ import annotations

import inspect
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from trainer.csvrows import csv_rows
from trainer.tagger.pipeline import picture_title
from trainer.tagger.report import evaluate, format_report

RATE = 16000


def _wav(path: Path, seed: int = 0, low: bool = False) -> Path:
    """A short sound at ``path``: a low thump (``low``) or a noise burst."""
    rng = np.random.default_rng(seed)
    t = np.arange(RATE // 2) / RATE
    x = np.sin(2 * np.pi * 80 * t) * np.exp(-t * 8) if low else rng.uniform(-0.3, 0.3, t.size) * np.exp(-t * 20)
    sf.write(path, x.astype(np.float32), RATE)
    return path


@pytest.fixture
def lib(tmp_path: Path) -> Path:
    for name in ("#03 Door.wav", "plain.wav", "b.wav"):
        _wav(tmp_path / name)
    return tmp_path


def _read(csv: Path, text: str, notes: list[str] | None = None) -> list[tuple[str, tuple[str, ...]]]:
    csv.write_text(text, encoding="utf-8")
    rows, _ = csv_rows(csv, [] if notes is None else notes, none_rows=True)
    return [(name, tags) for name, tags, _ in rows]


# ------------------------------------------------------------------------------------------ 1. the separator
def test_a_semicolon_csv_whose_hash_first_row_holds_several_words_keeps_every_row(lib: Path) -> None:
    notes: list[str] = []
    rows = _read(lib / "c.csv", "#03 Door.wav;door,wood\nplain.wav;kick\nb.wav;kick\n", notes)
    assert rows == [("#03 Door.wav", ("door", "wood")), ("plain.wav", ("kick",)), ("b.wav", ("kick",))]
    assert any("separated by semicolons" in n for n in notes) and not any("header" in n for n in notes)


def test_a_semicolon_csv_whose_plain_first_row_holds_several_words_is_read_so(lib: Path) -> None:
    assert _read(lib / "a.csv", "plain.wav;glass,impact\nb.wav;kick\n") == [
        ("plain.wav", ("glass", "impact")), ("b.wav", ("kick",))]
    # a first row naming a file that is not there: an audio file's name ends the cell all the same
    assert _read(lib / "g.csv", "gone.wav;glass,impact\nb.wav;kick\n") == [
        ("gone.wav", ("glass", "impact")), ("b.wav", ("kick",))]


def test_a_path_holding_the_other_separators_still_tells_the_separator(lib: Path) -> None:
    _wav(lib / "kick;1.wav")
    _wav(lib / "a, b.wav")
    assert _read(lib / "k.csv", "kick;1.wav,kick\n") == [("kick;1.wav", ("kick",))]
    assert _read(lib / "t.csv", "a, b.wav\tkick\n") == [("a, b.wav", ("kick",))]
    assert _read(lib / "h.csv", "File;Tags\nplain.wav;kick\n") == [("plain.wav", ("kick",))]     # a header


def test_push_fixes_sends_no_bogus_correction_of_a_semicolon_csv(lib: Path, capsys) -> None:
    from hatbox.fixes_given import given_corrections
    csv = lib / "fixes.csv"
    csv.write_text("#03 Door.wav;door,wood\nplain.wav;kick\nb.wav;kick\n", encoding="utf-8")
    assert given_corrections(csv, "fixes.csv") == {lib / "#03 Door.wav": ["door", "wood"],
                                                   lib / "plain.wav": ["kick"], lib / "b.wav": ["kick"]}


# ------------------------------------------------------------------------------------------ 4. push's notes said
def test_push_fixes_says_the_readers_notes_on_stderr(lib: Path, capsys) -> None:
    from hatbox.fixes_given import csv_corrections
    csv = lib / "fixes.csv"
    csv.write_text('#gone.wav,door\nplain.wav,"glass,impact"\n', encoding="utf-8")
    assert csv_corrections(csv, "fixes.csv") == {lib / "plain.wav": ["glass", "impact"]}
    err = capsys.readouterr().err
    assert "note: fixes.csv: 1 line starting with # read as comments; 1 looks like a path" in err
    assert "line 1 (#gone.wav)" in err and "1 cell holds several words separated by commas" in err


# ------------------------------------------------------------------------------------------ 5. the cost of "#" lines
def test_a_hash_line_is_looked_for_on_disk_only_when_it_looks_like_a_path_and_once(lib: Path, monkeypatch) -> None:
    import trainer.csvrows as csvrows
    looked: list[str] = []

    def counted(folder: Path, name: str, **kw: object) -> Path:
        looked.append(name)
        return real(folder, name, **kw)
    real = csvrows.listed_file
    monkeypatch.setattr(csvrows, "listed_file", counted)
    text = "".join(f"# café note {i}\n" for i in range(20)) + "#Old/gone.wav,kick\nplain.wav,kick\n#x.wav,y\n"
    assert _read(lib / "n.csv", text) == [("plain.wav", ("kick",))]
    hashed = [name for name in looked if name.startswith("#")]
    assert hashed == ["#Old/gone.wav", "#x.wav"]          # a leading comment once, a later one once, no "# café"


# ------------------------------------------------------------------------------------------ 2, 8. the summary
def test_no_word_scored_says_no_macro_f1_in_the_summary_and_the_picture() -> None:
    y = np.zeros((4, 2), np.float32)                        # every held-out file carries none of the words
    probs = np.array([[.9, .1], [.1, .1], [.1, .1], [.1, .1]])
    rep = evaluate(probs, y, ["door", "wood"], exclusive=False)
    lines = format_report(rep).splitlines()
    assert ("no macro-F1: none of the 4 held-out files carries any of your words; it gave 1 of them a word wrongly "
            "(door)") in lines
    assert not any(line.startswith("macro-F1") for line in lines)
    assert picture_title(rep, 4, None) == ("held-out: 4 files, no macro-F1: none of the 4 held-out files carries any "
                                           "of your words (1 word given to 1 file wrongly)")
    quiet = evaluate(probs * 0, y, ["door", "wood"], exclusive=False)
    assert "no macro-F1: none of the 4 held-out files carries any of your words" in format_report(quiet).splitlines()
    assert picture_title(quiet, 4, None) == \
        "held-out: 4 files, no macro-F1: none of the 4 held-out files carries any of your words"


def test_one_word_and_one_bracket() -> None:
    y = np.array([[1], [0], [1]], np.float32)
    assert "macro-F1 1.000 over its 1 word" in format_report(evaluate(y * 0.9, y, ["door"], exclusive=False))
    truth = np.array([[1, 0, 0], [0, 1, 0]], np.float32)
    rep = evaluate(np.array([[.9, .1, .6], [.1, .9, .1]]), truth, ["a", "b", "c"], exclusive=False)
    assert picture_title(rep, 2, (0.88, 9, ("a", "b", "c")), ["a", "b", "c"]) == \
        "held-out: 2 files, macro-F1 1.00 over 2 of 3 words (1 with none held out given to 1 file wrongly; the pack " \
        "replaced: 0.88 on 9 files)"


def test_the_csv_readers_lines_fit_and_separator_takes_no_comment_rule() -> None:
    import trainer.csvrows as csvrows
    from trainer.csvtext import separator
    assert "comment" not in inspect.signature(separator).parameters
    assert max(len(line) for line in inspect.getsource(csvrows).splitlines()) <= 120


# ------------------------------------------------------------------------------------------ 3. few examples, end to end
def test_training_counts_the_few_examples_note_over_every_file_listed(tmp_path: Path, capsys) -> None:
    """5 files a word, one of each held out: "examples per word: boom 4, tss 4", and no "add a few more" note (it
    read "boom 4, tss 4 ... add a few more")."""
    from hatbox.cli import main
    rows = []
    for i in range(5):
        _wav(tmp_path / f"#{i:02d} boom.wav", i, low=True)
        _wav(tmp_path / f"tss {i}.wav", i)
        rows += [f'#{i:02d} boom.wav,"boom,low"', f"tss {i}.wav,tss"]
    csv = tmp_path / "words.csv"
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "w.hatpack"
    assert main(["train", "tagger", str(csv), "--out", str(out), "--steps", "2", "--minutes", "0.2",
                 "--threads", "1"]) == 0
    said = capsys.readouterr()
    text = said.out + said.err
    assert "examples per word: " in text and "tss 4" in text and "boom 4" in text
    assert "fewer than 5 examples" not in text
