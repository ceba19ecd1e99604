"""Forty-first stop, first-run QA (a newcomer following the README): a folder given where a file goes was called
missing ("no audio file at my-pedal"), or a key ("my-pedal already exists; not overwriting a key"), and `device
check` hinted `sudo hatbox ...`, which sudo's PATH on Debian does not find."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from device.audio import audiofile
from hatbox.cli import main
from hatbox.errors import AudioFileError

FACTORY = Path(__file__).resolve().parents[1] / "factory"


def test_a_folder_read_as_audio_is_called_a_folder(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "my-pedal"
    folder.mkdir()
    with pytest.raises(AudioFileError, match="my-pedal is a folder, not an audio file"):
        audiofile.read(folder)
    with pytest.raises(AudioFileError, match="^no audio file at .*gone.wav$"):
        audiofile.read(tmp_path / "gone.wav")
    out = tmp_path / "x.wav"
    assert main(["render", str(FACTORY / "effect-drive.hatpack"), "--input", str(folder), "--out", str(out)]) != 0
    assert "my-pedal is a folder, not an audio file" in capsys.readouterr().err and not out.exists()


def test_keygen_and_sign_call_a_folder_a_folder(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "keys"
    folder.mkdir()
    assert main(["keygen", str(folder)]) != 0
    err = capsys.readouterr().err
    assert "keys is a folder: give the name of the key file to write" in err and "already exists" not in err
    assert main(["pack", "sign", str(FACTORY / "effect-drive.hatpack"), "--key", str(folder)]) != 0
    err = capsys.readouterr().err
    assert "is a folder: give the private key file" in err and "no signing key" not in err


def test_device_check_hints_sudo_with_hatbox_s_full_path(tmp_path: Path) -> None:
    from device import board_check as bc
    hint = bc.check_service("hatbox", tmp_path).hint
    assert hint.startswith(f"sudo {Path(sys.executable).parent / 'hatbox'} device service --install"), hint


def test_box_library_folder_alone_is_refused_not_ignored(capsys) -> None:
    """Box-library QA: `--folder` without `--export-fixes` was ignored without a word."""
    assert main(["box-library", "lib-x", "--tag", "kick", "--folder", "/tmp"]) == 2
    assert "--folder goes with --export-fixes" in capsys.readouterr().err
