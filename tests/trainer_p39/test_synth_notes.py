"""`train synth`'s words on a note folder (thirty-ninth stop's QA, trainer/synth/data.py): notes recorded at a low
sample rate are one warning with their count and a few names (it was one identical line per note: hundreds for a
real set), and an empty instrument folder is said, as the tagger says an empty tag folder (it was passed over)."""
from __future__ import annotations

from pathlib import Path

import pytest
import soundfile as sf

from hatbox.errors import DataError
from tests.synth.conftest import harmonic_tone
from trainer.synth.data import load_folder

RATE = 24000


def _notes(root: Path, rate: int = RATE, pitches: tuple[int, ...] = (55, 57, 60, 62)) -> Path:
    """Two instruments of clean named notes at ``rate`` Hz."""
    for inst, harmonics in (("soft", 2), ("bright", 6)):
        (root / inst).mkdir(parents=True, exist_ok=True)
        for p in pitches:
            sf.write(root / inst / f"{p}.wav", harmonic_tone(p, rate, 0.4, harmonics), rate)
    return root


def _warnings(root: Path, capsys) -> list[str]:
    """The `warning:` lines load_folder prints on ``root``: on stderr, none on stdout (p44: every warning goes to
    stderr, the summary stays on stdout)."""
    load_folder(root, RATE, 0.3)
    out, err = capsys.readouterr()
    assert "warning" not in out, out
    return [line for line in err.splitlines() if line.startswith("warning: ")]


def test_every_note_at_a_low_rate_is_one_warning_with_a_count_and_a_few_names(tmp_path: Path, capsys) -> None:
    root = _notes(tmp_path / "n", rate=8000)
    warned = [w for w in _warnings(root, capsys) if "recorded at" in w]
    assert len(warned) == 1, warned
    (line,) = warned
    assert "... (8 notes) are recorded at 8000 Hz, under 24000 Hz: they hold nothing above 4000 Hz" in line, line
    assert line.count(".wav") == 3 and "than the others" not in line


def test_a_few_notes_at_a_low_rate_are_named_against_the_others(tmp_path: Path, capsys) -> None:
    root = _notes(tmp_path / "n")
    for pitch, rate in ((55, 8000), (57, 16000)):
        sf.write(root / "soft" / f"{pitch}.wav", harmonic_tone(pitch, rate, 0.4, 2), rate)
    (line,) = [w for w in _warnings(root, capsys) if "recorded at" in w]
    assert f"{root / 'soft' / '55.wav'}, {root / 'soft' / '57.wav'} (2 notes) are recorded at 8000 Hz or 16000 Hz" \
        in line and "duller than the others" in line, line


def test_one_note_at_a_low_rate_is_said_as_before(tmp_path: Path, capsys) -> None:
    root = _notes(tmp_path / "n")
    sf.write(root / "soft" / "55.wav", harmonic_tone(55, 8000, 0.4, 2), 8000)
    (line,) = [w for w in _warnings(root, capsys) if "recorded at" in w]
    assert f"{root / 'soft' / '55.wav'} is recorded at 8000 Hz, under 24000 Hz: it holds nothing above 4000 Hz" \
        in line, line


def test_an_empty_instrument_folder_is_said(tmp_path: Path, capsys) -> None:
    root = _notes(tmp_path / "n")
    (root / "piano").mkdir()
    (root / "organ").mkdir()
    (root / "organ" / "readme.txt").write_text("notes to come")
    (root / "sax").mkdir()
    (root / "sax" / "C4.m4a").write_bytes(b"")                       # said by the warning on unreadable audio
    warned = _warnings(root, capsys)
    (line,) = [w for w in warned if "no note files" in w]
    assert line == f"warning: 2 instrument folders hold no note files, so they add no timbre to the synth: " \
                   f"{root / 'organ'}, {root / 'piano'}", warned
    assert [w for w in warned if "sax/C4.m4a" in w and "cannot read" in w], warned


def test_a_set_with_every_note_in_place_says_neither(tmp_path: Path, capsys) -> None:
    assert _warnings(_notes(tmp_path / "n"), capsys) == []


def test_no_note_at_all_is_refused_with_no_warning_before_it(tmp_path: Path, capsys) -> None:
    (tmp_path / "none" / "piano").mkdir(parents=True)
    with pytest.raises(DataError, match="needs a folder per instrument"):
        load_folder(tmp_path / "none", RATE, 0.3)
    out, err = capsys.readouterr()
    assert "warning" not in out + err
