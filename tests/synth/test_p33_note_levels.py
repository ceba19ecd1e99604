"""Note files a synth must not learn its level from (thirty-third stop's QA): float WAVs holding integer-scale values
(a 16-bit 16384 written as a float) were trained without a word, and the pack then played 20 dB over full scale
offline and was silenced on the box at its first note; a header-only WAV (0 samples) stopped the whole training,
though an empty file is skipped."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hatbox.errors import DataError
from tests.synth.test_musician_data_p20 import _load, _notes, _tone, _write


def test_a_float_note_at_integer_scale_is_skipped_and_named(tmp_path: Path, capsys) -> None:
    root = _notes(tmp_path / "n")
    _write(root / "soft" / "64.wav", _tone(64) * 32768.0, subtype="FLOAT")
    notes, warnings = _load(root, capsys)
    assert sorted(n.pitch for n in notes if n.instrument == "soft") == [55, 57, 60, 62]
    said = [w for w in warnings if "64.wav" in w]
    assert len(said) == 1 and "written with integer values" in said[0] and "skipped" in said[0]
    assert max(float(np.abs(n.audio).max()) for n in notes) <= 1.0


def test_a_float_note_over_full_scale_is_trained_and_said(tmp_path: Path, capsys) -> None:
    root = _notes(tmp_path / "n")
    _write(root / "soft" / "64.wav", _tone(64) / np.abs(_tone(64)).max() * 2.0, subtype="FLOAT")   # +6 dBFS
    notes, warnings = _load(root, capsys)
    assert 64 in [n.pitch for n in notes if n.instrument == "soft"]
    said = [w for w in warnings if "64.wav" in w]
    assert len(said) == 1 and "+6.0 dBFS, over full scale" in said[0]


def test_a_header_only_note_file_is_skipped_not_fatal(tmp_path: Path, capsys) -> None:
    root = _notes(tmp_path / "n")
    _write(root / "bright" / "64.wav", np.zeros(0, np.float32), subtype="FLOAT")
    notes, warnings = _load(root, capsys)
    assert sorted(n.pitch for n in notes if n.instrument == "bright") == [55, 57, 60, 62]
    said = [w for w in warnings if "64.wav" in w]
    assert len(said) == 1 and "holds no audio" in said[0] and "skipped" in said[0]


def test_a_short_note_file_is_still_refused(tmp_path: Path, capsys) -> None:
    root = _notes(tmp_path / "n")
    _write(root / "bright" / "64.wav", _tone(64, seconds=0.01))
    with pytest.raises(DataError, match="shorter than"):
        _load(root, capsys)
