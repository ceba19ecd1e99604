"""A pack that is not a readable archive gets the hint that fits where it came from: a local file is
incomplete or damaged; only an upload the box received may have been cut short."""
from __future__ import annotations

from pathlib import Path

import pytest

from export.pack import read_pack
from hatbox.cli import main
from hatbox.errors import PackError
from tests.test_pack import _write


def _cut(tmp_path: Path) -> Path:
    data = _write(tmp_path).read_bytes()
    cut = tmp_path / "cut.hatpack"
    cut.write_bytes(data[: len(data) // 2])
    return cut


def test_a_truncated_local_pack_is_called_incomplete_not_a_cut_upload(tmp_path: Path, capsys) -> None:
    cut = _cut(tmp_path)
    with pytest.raises(PackError, match="not a readable pack archive") as err:
        read_pack(cut)
    assert "incomplete or damaged: copy it again, or build it again" in str(err.value)
    assert "upload" not in str(err.value)
    assert main(["pack", "inspect", str(cut)]) == 2
    said = capsys.readouterr().err
    assert "cut.hatpack is not a readable pack archive" in said and "incomplete or damaged" in said
    assert "upload" not in said


def test_a_truncated_upload_keeps_the_upload_hint(tmp_path: Path) -> None:
    from device.validate import validate_pack
    cut = _cut(tmp_path)
    with pytest.raises(PackError, match="was the upload cut short") as err:
        read_pack(cut, uploaded=True)
    assert "incomplete or damaged" not in str(err.value)
    with pytest.raises(PackError, match="was the upload cut short") as err:
        validate_pack(cut, uploaded=True)
    assert err.value.check == "archive"
