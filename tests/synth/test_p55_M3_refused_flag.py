"""p55 review R2 finding 7: `train synth` told a note the system would not open from one it could not use by
comparing the error's hint with chmod's (trainer/synth/data.py), so a hint worded otherwise (a folder on the way
that may not be entered: chmod -R on the folder) was taken for a bad note and its chmod advice dropped.  Now the
error carries the fact: AudioFileError.refused, set where the system would not open the file."""
from __future__ import annotations

from pathlib import Path

import pytest

from device.audio import audiofile
from hatbox.errors import AudioFileError
from tests.p54_M3_denied import refuse_file, refuse_folder
from tests.synth.test_musician_data_p20 import _notes, _tone, _write
from trainer.synth.data import load_notes

RATE = 16000


def _error(path: Path) -> AudioFileError:
    with pytest.raises(AudioFileError) as caught:
        audiofile.read(path)
    return caught.value


def test_the_error_says_whether_the_system_refused_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _notes(tmp_path / "notes")
    (root / "soft" / "bad.wav").write_bytes(b"RIFF not a wave at all")
    (root / "soft" / "takes").mkdir()
    assert _error(root / "soft" / "bad.wav").refused is False
    assert _error(root / "soft" / "missing.wav").refused is False
    refuse_file(monkeypatch, root / "soft" / "55.wav")
    refuse_folder(monkeypatch, root / "soft" / "takes")
    opened = _error(root / "soft" / "55.wav")
    entered = _error(root / "soft" / "takes" / "60.wav")
    assert opened.refused is True and "permission denied" in opened.args[0]
    assert entered.refused is True and "permission denied" in entered.args[0]


def test_a_note_in_a_folder_that_may_not_be_entered_is_skipped_with_the_folder_s_chmod(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _notes(tmp_path / "notes")
    takes = root / "soft" / "takes"
    _write(takes / "64.wav", _tone(64, n_harm=2))
    files = [(inst, f) for inst in ("soft", "bright") for f in sorted((root / inst).glob("*.wav"))]
    refuse_folder(monkeypatch, takes)
    said: list[str] = []
    notes = load_notes([*files, ("soft", takes / "64.wav")], RATE, 0.5, warn=said.append)
    assert len(notes) == len(files)
    skipped = [w for w in said if "64.wav" in w]
    assert len(skipped) == 1 and "permission denied: skipped, training goes on" in skipped[0], said
    assert skipped[0].endswith(f"(let your user read it: chmod -R u+rX {takes}; if another user owns it (ls -ld "
                               f"{takes} shows the owner), ask them or an administrator (sudo chown -R \"$USER\" "
                               f"{takes}))"), skipped[0]
