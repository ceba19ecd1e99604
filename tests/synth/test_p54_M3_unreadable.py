"""p54 QA_A finding 1 (synth): a note folder, or an instrument folder in it, that may not be read crashed `hatbox train
synth` with "internal error: PermissionError ... please report it".  An instrument folder that cannot be read is
skipped and named, as a corrupt note is; a note folder that cannot be read, or one of whose instrument folders none
can, is refused in one line that says so and what to do."""
from __future__ import annotations

from pathlib import Path

import pytest

from hatbox.cli import main
from hatbox.errors import DataError
from tests.p54_M3_denied import chmod_000, refuse_file, refuse_folder
from tests.synth.test_musician_data_p20 import _notes
from trainer.synth.data import load_folder

RATE = 16000


def _warnings(capsys) -> list[str]:
    return [line for line in capsys.readouterr().err.splitlines() if line.startswith("warning: ")]


def _skipped_and_named(root: Path, capsys) -> None:
    notes = load_folder(root, RATE, 0.5)
    assert {n.instrument for n in notes} == {"soft"}
    said = [w for w in _warnings(capsys) if str(root / "bright") in w]
    assert len(said) == 1 and "permission denied" in said[0] and "skipped" in said[0], said
    assert "chmod" in said[0], said


def test_an_instrument_folder_that_may_not_be_read_is_skipped_and_named(tmp_path: Path, monkeypatch, capsys) -> None:
    root = _notes(tmp_path / "notes")
    refuse_folder(monkeypatch, root / "bright")
    _skipped_and_named(root, capsys)


def test_an_instrument_folder_of_mode_000_is_skipped_and_named(tmp_path: Path, capsys) -> None:
    root = _notes(tmp_path / "notes")
    with chmod_000(root / "bright"):
        _skipped_and_named(root, capsys)


def _refused(root: Path, *names: str) -> DataError:
    with pytest.raises(DataError) as caught:
        load_folder(root, RATE, 0.5)
    text = str(caught.value)
    assert "permission denied" in text and all(name in text for name in names), text
    assert "\n" not in caught.value.args[0] and "chmod" in (caught.value.hint or ""), (text, caught.value.hint)
    return caught.value


def test_no_instrument_folder_that_can_be_read_is_refused_naming_them(tmp_path: Path, monkeypatch) -> None:
    root = _notes(tmp_path / "notes")
    refuse_folder(monkeypatch, root / "bright")
    refuse_folder(monkeypatch, root / "soft")
    _refused(root, str(root / "bright"), str(root / "soft"))


def test_a_note_folder_that_may_not_be_read_is_refused(tmp_path: Path, monkeypatch) -> None:
    root = _notes(tmp_path / "notes")
    refuse_folder(monkeypatch, root)
    assert str(_refused(root, str(root))).startswith(f"cannot read the note folder {root}")


def test_a_note_folder_of_mode_000_is_refused(tmp_path: Path) -> None:
    root = _notes(tmp_path / "notes")
    with chmod_000(root):
        _refused(root, str(root))


def test_a_folder_inside_an_instrument_that_may_not_be_read_is_left_alone(tmp_path: Path, monkeypatch) -> None:
    """The stray-file search looks into folders inside instrument folders: one it may not read is no crash."""
    root = _notes(tmp_path / "notes")
    (root / "soft" / "takes").mkdir()
    refuse_folder(monkeypatch, root / "soft" / "takes")
    assert {n.instrument for n in load_folder(root, RATE, 0.5)} == {"soft", "bright"}


def test_a_note_that_may_not_be_opened_is_skipped_as_permission_denied(tmp_path: Path, monkeypatch, capsys) -> None:
    root = _notes(tmp_path / "notes")
    refuse_file(monkeypatch, root / "soft" / "55.wav")
    assert len(load_folder(root, RATE, 0.5)) == 7
    said = [w for w in _warnings(capsys) if "55.wav" in w]
    assert len(said) == 1 and "permission denied" in said[0] and "system error" not in said[0], said
    assert "chmod u+r" in said[0] and said[0].index("skipped") < said[0].index("chmod"), said   # what to do (p55)


def test_train_synth_says_it_in_one_error_line(tmp_path: Path, monkeypatch, capsys) -> None:
    root = _notes(tmp_path / "notes")
    refuse_folder(monkeypatch, root)
    assert main(["train", "synth", str(root), "--out", str(tmp_path / "s.hatpack"), "--minutes", "0.05",
                 "--seconds", "0.5"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"hatbox: error: cannot read the note folder {root}: permission denied"), err
    assert "internal error" not in err and "hint:" in err and "chmod" in err


def test_an_instrument_none_of_whose_notes_may_be_opened_is_refused_with_chmod(tmp_path: Path, monkeypatch) -> None:
    """p55: its notes all skipped for permission, the refusal said "replace the files"; now what to do about them."""
    root = _notes(tmp_path / "notes")
    for pitch in (55, 57, 60, 62):
        refuse_file(monkeypatch, root / "soft" / f"{pitch}.wav")
    with pytest.raises(DataError) as caught:
        load_folder(root, RATE, 0.5)
    assert "no note of instrument soft can be used" in caught.value.args[0], caught.value.args[0]
    hint = caught.value.hint or ""
    assert hint.startswith(f"let your user read it: chmod -R u+rX {root / 'soft'}"), hint


def test_an_instrument_of_one_note_that_may_not_be_opened_is_refused_with_its_chmod(tmp_path: Path,
                                                                                    monkeypatch) -> None:
    root = _notes(tmp_path / "notes", pitches=(60,))
    refuse_file(monkeypatch, root / "soft" / "60.wav")
    with pytest.raises(DataError) as caught:
        load_folder(root, RATE, 0.5)
    hint = caught.value.hint or ""
    assert hint.startswith(f"let your user read it: chmod u+r {root / 'soft' / '60.wav'}"), hint
