"""Safe unpacking of sample archives: every kind of hostile member is refused with a reason."""
from __future__ import annotations

import io
import struct
import tarfile
import zipfile
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from device.library.archive import (ArchiveError, Limits, pack_directory, safe_relpath, unpack_archive,
                                    wav_header_problem)


def wav_bytes(n: int = 2400, rate: int = 48000, fmt: str = "WAV") -> bytes:
    buf = io.BytesIO()
    sf.write(buf, np.linspace(-0.5, 0.5, n, dtype=np.float32), rate, format=fmt)
    return buf.getvalue()


def _tar(path: Path, members: list[tuple[tarfile.TarInfo, bytes | None]], mode: str = "w") -> Path:
    with tarfile.open(path, mode) as tf:
        for info, data in members:
            if data is not None:
                info.size = len(data)
            tf.addfile(info, io.BytesIO(data) if data is not None else None)
    return path


def _info(name: str, kind: bytes = tarfile.REGTYPE, link: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, link
    return info


@pytest.mark.parametrize("name, why", [
    ("../x.wav", "goes outside"), ("a/../../x.wav", "goes outside"), ("/abs.wav", "absolute"),
    ("C:/win.wav", "absolute"), ("a\\b.wav", "backslash"), ("bad\x07name.wav", "control"), ("", "empty"),
])
def test_unsafe_paths(name: str, why: str) -> None:
    assert why in str(safe_relpath(name))


def test_safe_paths_normalised() -> None:
    assert str(safe_relpath("./kits//808/kick.wav")) == "kits/808/kick.wav"


def test_tar_links_devices_and_fifos_refused(tmp_path: Path) -> None:
    good = wav_bytes()
    arc = _tar(tmp_path / "a.tar", [
        (_info("kit/kick.wav"), good),
        (_info("kit/sym.wav", tarfile.SYMTYPE, "/etc/passwd"), None),
        (_info("kit/hard.wav", tarfile.LNKTYPE, "kit/kick.wav"), None),
        (_info("kit/dev.wav", tarfile.CHRTYPE), None),
        (_info("kit/fifo.wav", tarfile.FIFOTYPE), None),
    ])
    report = unpack_archive(arc, tmp_path / "out")
    reasons = {f.path: f.reason for f in report.rejected}
    assert [f.path for f in report.accepted] == ["kit/kick.wav"]
    assert reasons["kit/sym.wav"] == reasons["kit/hard.wav"] == "links are not allowed"
    assert "device files" in reasons["kit/dev.wav"] and "device files" in reasons["kit/fifo.wav"]
    assert sorted(p.name for p in (tmp_path / "out").rglob("*") if p.is_file()) == ["kick.wav"]
    assert report.accepted[0].frames == 2400 and report.accepted[0].rate == 48000


def test_zip_symlink_member_refused(tmp_path: Path) -> None:
    arc = tmp_path / "l.zip"
    with zipfile.ZipFile(arc, "w") as zf:
        info = zipfile.ZipInfo("link.wav")
        info.external_attr = (0o120777 << 16)
        zf.writestr(info, "/etc/shadow")
        zf.writestr("ok.flac", wav_bytes(fmt="FLAC"))
    report = unpack_archive(arc, tmp_path / "out")
    assert [(f.path, f.ok) for f in report.files] == [("link.wav", False), ("ok.flac", True)]


def test_too_many_files_refuses_whole_archive(tmp_path: Path) -> None:
    arc = tmp_path / "many.zip"
    with zipfile.ZipFile(arc, "w") as zf:
        for i in range(12):
            zf.writestr(f"{i}.wav", b"x")
    with pytest.raises(ArchiveError, match="more than 10 files"):
        unpack_archive(arc, tmp_path / "out", Limits(max_files=10))
    assert not (tmp_path / "out").exists() and not (tmp_path / "out.partial").exists()


def test_tar_gz_bomb_refused_before_extracting(tmp_path: Path) -> None:
    arc = _tar(tmp_path / "b.tar.gz", [(_info("big.wav"), b"\0" * (24 << 20))], "w:gz")
    with pytest.raises(ArchiveError, match="archive bomb"):
        unpack_archive(arc, tmp_path / "out")
    with pytest.raises(ArchiveError, match="expands to more than"):
        unpack_archive(arc, tmp_path / "out2", Limits(max_total_bytes=1 << 20))
    assert not (tmp_path / "out").exists()


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_lying_truncated_and_undecodable_audio(tmp_path: Path) -> None:
    liar = bytearray(wav_bytes())
    struct.pack_into("<I", liar, liar.index(b"data") + 4, 1 << 30)
    arc = tmp_path / "a.zip"
    with zipfile.ZipFile(arc, "w") as zf:
        zf.writestr("liar.wav", bytes(liar))
        zf.writestr("cut.flac", wav_bytes(48000, fmt="FLAC")[:3000])
        zf.writestr("garbage.ogg", b"OggS" + b"\x01" * 500)
        zf.writestr("empty.wav", wav_bytes(0))
        zf.writestr("good.aiff", wav_bytes(fmt="AIFF"))
        zf.writestr("good.wav", wav_bytes())
        zf.writestr("good.wav", wav_bytes())       # the same path twice
    reasons = {f.path: f.reason for f in unpack_archive(arc, tmp_path / "out").rejected}
    assert f"claims {1 << 30} bytes" in reasons["liar.wav"]
    assert reasons["cut.flac"] and "undecodable" in reasons["garbage.ogg"]
    assert "no audio" in reasons["empty.wav"] and reasons["good.wav"] == "duplicate path in the archive"
    assert "good.aiff" not in reasons


def test_wav_header_check_accepts_honest_files(tmp_path: Path) -> None:
    p = tmp_path / "x.wav"
    p.write_bytes(wav_bytes())
    assert wav_header_problem(p) == ""
    p.write_bytes(wav_bytes()[:-100])
    assert "but the file holds" in wav_header_problem(p)


def test_truncated_archive(tmp_path: Path) -> None:
    arc = tmp_path / "t.zip"
    with zipfile.ZipFile(arc, "w") as zf:
        zf.writestr("a.wav", wav_bytes())
    arc.write_bytes(arc.read_bytes()[:60])
    with pytest.raises(ArchiveError, match="cut short"):
        unpack_archive(arc, tmp_path / "out")


def test_pack_directory_round_trip(tmp_path: Path) -> None:
    src = tmp_path / "lib"
    (src / "hats").mkdir(parents=True)
    (src / "hats" / "open.wav").write_bytes(wav_bytes())
    (src / "notes.txt").write_text("hi")
    report = unpack_archive(pack_directory(src, tmp_path / "lib.tar"), tmp_path / "out")
    assert [f.path for f in report.accepted] == ["hats/open.wav"] and len(report.rejected) == 1
