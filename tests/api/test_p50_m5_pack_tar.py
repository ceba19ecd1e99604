"""p50 M5: a tar is no pack, whatever its last member.  zipfile found the end record of a tar's last member, so a tar
of old.hatpack then new.hatpack opened as new.hatpack: `hatbox push "my packs backup.tar"` installed it, and the box's
POST /packs took it too.  export.pack now asks device.library.archive_kind, which tells a tar by its own start."""
from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from export.pack import read_pack
from hatbox.cli import main
from hatbox.errors import PackError
from tests.api.conftest import BoxUnderTest, PairedServer
from tests.api.packs import gain_pack

TAR_WORDS = "is a tar archive, not a hatbox pack: take the .hatpack out of it first"


def _packs_tar(tmp_path: Path, mode: str = "w") -> Path:
    """A tar (``mode``: "w", "w:gz") of two packs, old.hatpack then new.hatpack (the last, as zipfile saw it)."""
    old = gain_pack(tmp_path / "src" / "old.hatpack", "fuzz", "1.0.0")
    new = gain_pack(tmp_path / "src" / "new.hatpack", "drive", "2.0.0")
    path = tmp_path / ("my packs backup.tar" + (".gz" if mode.endswith("gz") else ""))
    with tarfile.open(path, mode) as tf:
        tf.add(old, "old.hatpack")
        tf.add(new, "new.hatpack")
    return path


@pytest.fixture(autouse=True)
def _src(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()


@pytest.mark.parametrize("mode", ["w", "w:gz"])
def test_read_pack_refuses_a_tar_of_packs(tmp_path: Path, mode: str) -> None:
    path = _packs_tar(tmp_path, mode)
    with pytest.raises(PackError) as err:
        read_pack(path)
    assert f"{path.name} {TAR_WORDS}" in str(err.value) and err.value.check == "archive"
    with pytest.raises(PackError) as err:
        read_pack(path, uploaded=True)
    assert f"the upload {TAR_WORDS}" in str(err.value) and "push-library" in (err.value.hint or "")


def test_a_pack_is_still_read(tmp_path: Path) -> None:
    pack = gain_pack(tmp_path / "src" / "drive.hatpack", "drive", "2.0.0")
    assert read_pack(pack).manifest.name == "drive"


def test_the_box_refuses_a_tar_of_packs_uploaded(box: BoxUnderTest, tmp_path: Path) -> None:
    r = box.client.post("/packs", content=_packs_tar(tmp_path).read_bytes(), headers=box.auth)
    assert r.status_code == 422, r.text
    assert r.json()["message"] == f"the upload {TAR_WORDS}" and "push-library" in r.json()["hint"]
    assert box.client.get("/packs", headers=box.auth).json() == []


def test_push_of_a_tar_of_packs_installs_nothing(paired_server: PairedServer, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["push", str(_packs_tar(tmp_path)), "--quiet"])
    said = capsys.readouterr()
    assert rc != 0, said.out
    assert TAR_WORDS in said.err
    packs = tmp_path / "box" / "packs"                   # start_remote_box's store
    assert not (packs.is_dir() and any(packs.iterdir())), list(packs.iterdir())


def test_a_damaged_upload_still_says_cut_short(box: BoxUnderTest, tmp_path: Path) -> None:
    data = gain_pack(tmp_path / "src" / "cut.hatpack", "cut", "1.0.0").read_bytes()
    r = box.client.post("/packs", content=data[: len(data) // 2], headers=box.auth)
    assert r.status_code == 422 and "cut short" in r.json()["message"], r.text
    r = box.client.post("/packs", content=io.BytesIO(b"\x1f\x8b\x08\x00" + bytes(64)).getvalue(), headers=box.auth)
    assert "push-library" in r.json()["hint"]
