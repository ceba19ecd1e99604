"""p50 FB: a zip is told from a tar by the archive's own start (device.library.archive_kind), on the laptop and on
the box.  zipfile.is_zipfile found a zip's end record in a tar whose last member is a zip (a .hatpack, a .zip) and
every caller read the tar as that inner zip."""
from __future__ import annotations

import gzip
import io
import tarfile
import zipfile
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from device.library.archive_kind import TAR, ZIP, archive_kind, is_zip, tar_header
from tests.api.conftest import zip_bytes


def _wav_bytes(seed: int) -> bytes:
    buf = io.BytesIO()
    audio = 0.2 * np.random.default_rng(seed).standard_normal(2205).astype(np.float32)
    sf.write(buf, audio, 44100, format="WAV", subtype="PCM_16")
    return buf.getvalue()


def _tar(path: Path, members: dict[str, bytes], mode: str = "w", fmt: int = tarfile.GNU_FORMAT) -> Path:
    with tarfile.open(path, mode, format=fmt) as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return path


PACK = zip_bytes({"manifest.json": b"{}", "model.onnx": bytes(3000)})
SAMPLES = {"Kit/a.wav": _wav_bytes(1), "Kit/b.wav": _wav_bytes(2)}


@pytest.mark.parametrize("last", ["tagger-drums.hatpack", "old kit.zip"])
@pytest.mark.parametrize("fmt", [tarfile.GNU_FORMAT, tarfile.PAX_FORMAT, tarfile.USTAR_FORMAT])
def test_a_tar_whose_last_member_is_a_zip_is_a_tar(tmp_path: Path, last: str, fmt: int) -> None:
    path = _tar(tmp_path / "lib.tar", {**SAMPLES, last: PACK}, fmt=fmt)
    assert zipfile.is_zipfile(path)                 # what misread it
    assert archive_kind(path) == TAR and not is_zip(path)


def test_zips_compressed_tars_and_the_rest(tmp_path: Path) -> None:
    zipped = tmp_path / "kit.zip"
    zipped.write_bytes(zip_bytes(SAMPLES))
    empty = tmp_path / "empty.zip"
    empty.write_bytes(zip_bytes({}))
    sfx = tmp_path / "kit.exe"                       # a self-extracting zip: a stub, then the zip
    sfx.write_bytes(b"MZ" + bytes(3000) + zip_bytes(SAMPLES))
    assert [archive_kind(p) for p in (zipped, empty, sfx)] == [ZIP, ZIP, ZIP]
    for mode in ("w:gz", "w:bz2", "w:xz"):
        path = _tar(tmp_path / f"lib.{mode[2:]}", {**SAMPLES, "zz.zip": PACK}, mode)
        assert archive_kind(path) == TAR, mode
    cut = tmp_path / "cut.zip"
    cut.write_bytes(zipped.read_bytes()[:-40])
    text = tmp_path / "notes.txt"
    text.write_text("not an archive " * 100)
    not_tar = tmp_path / "x.gz"
    not_tar.write_bytes(gzip.compress(b"plain text, no tar" * 50))
    assert [archive_kind(p) for p in (cut, text, not_tar)] == ["", "", ""]
    assert not is_zip(tmp_path / "missing.zip")
    with pytest.raises(OSError):
        archive_kind(tmp_path / "missing.zip")


def test_an_old_v7_tar_header_is_a_tar_header(tmp_path: Path) -> None:
    """A tar without the ustar magic (v7: the magic blanked, its checksum made right again) is told by its header."""
    path = _tar(tmp_path / "v7.tar", {"a.wav": SAMPLES["Kit/a.wav"], "zz.zip": PACK}, fmt=tarfile.USTAR_FORMAT)
    data = bytearray(path.read_bytes())
    data[257:265] = bytes(8)
    data[148:156] = b" " * 8
    data[148:156] = b"%06o\x00 " % sum(data[:512])
    path.write_bytes(bytes(data))
    assert tar_header(bytes(data[:512])) and not tar_header(bytes(512)) and not tar_header(b"PK\x03\x04")
    assert archive_kind(path) == TAR


def test_the_box_unpacks_the_tars_own_members(tmp_path: Path) -> None:
    """device.library.archive (the box's unpacking, so POST /libraries) and each_member (push-library's look)."""
    from device.library.archive import unpack_archive
    from device.library.archive_members import each_member, others_if_no_audio
    path = _tar(tmp_path / "lib.tar", {**SAMPLES, "tagger-drums.hatpack": PACK})
    assert [e.name for e in each_member(path)] == ["Kit/a.wav", "Kit/b.wav", "tagger-drums.hatpack"]
    assert others_if_no_audio(path) is None
    report = unpack_archive(path, tmp_path / "out")
    assert sorted(f.path for f in report.files if f.ok) == ["Kit/a.wav", "Kit/b.wav"]
    assert (tmp_path / "out" / "Kit" / "a.wav").is_file() and not (tmp_path / "out" / "model.onnx").exists()


def test_the_laptops_checks_read_the_tar_as_a_tar(tmp_path: Path) -> None:
    """push-library's archive checks (hatbox.library_archive, library_limits) and push's samples_archive."""
    from hatbox.archive_look import look_archive
    from hatbox.library_archive import as_archive, check_has_audio, is_pack
    from hatbox.library_limits import _unpacked_words
    from hatbox.push_checks import samples_archive
    path = _tar(tmp_path / "lib.tar", {**SAMPLES, "tagger-drums.hatpack": PACK})
    assert as_archive(path, tmp_path) == (path, [])
    look = look_archive(path)
    assert look.readable and sorted(look.audio) == ["Kit/a.wav", "Kit/b.wav"]
    check_has_audio(path, path, look)               # no HatboxError: it holds audio
    assert not is_pack(path)
    assert samples_archive(path) == "a tar of samples"
    assert _unpacked_words(path, 200).startswith("at least ")
