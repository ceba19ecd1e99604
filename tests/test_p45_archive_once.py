"""`hatbox push-library`'s checks of a zip or tar before sending it read the archive once (p45): the box's reader lists
and reads members in one walk (device.library.archive.each_member), and hatbox.archive_look takes every check from
that walk.  Before, each check was its own reading (refused names, audio files, others, samples over 0 dBFS), and a
.tar.gz's float sample was read by seeking back, which decompresses the archive again from its start."""
from __future__ import annotations

import gzip
import io
import tarfile
import zipfile
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from device.library.archive_errors import ArchiveError
from device.library.archive_members import Limits, each_member, others_if_no_audio
from device.library.member_names import refused_names
from hatbox.archive_look import look_archive
from hatbox.hot_samples import over_full_scale
from hatbox.library_push import audio_members

BAD_NAME = b"kit/caf\xe9.wav".decode("utf-8", "surrogateescape")     # Latin-1: not UTF-8, the box refuses it


def _wav(peak: float, subtype: str) -> bytes:
    buf = io.BytesIO()
    sf.write(buf, np.full(4800, peak, np.float32) * np.sign(np.sin(np.arange(4800))), 48000, subtype=subtype,
             format="WAV")
    return buf.getvalue()


MEMBERS = [("kit/kick.wav", _wav(0.5, "PCM_16")), ("kit/hot.wav", _wav(2.0, "FLOAT")),
           ("kit/quiet.wav", _wav(0.5, "FLOAT")), ("kit/readme.txt", b"a kit\n"), ("kit/hot2.wav", _wav(1.5, "FLOAT")),
           ("__MACOSX/kit/._kick.wav", b"x"), (BAD_NAME, _wav(0.5, "PCM_16"))]


def _tar(path: Path, members: list[tuple[str, bytes]]) -> Path:
    with tarfile.open(path, "w:gz") as tf:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return path


def _zip(path: Path, members: list[tuple[str, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members:
            if name != BAD_NAME:            # a zip's names are another story (zip_names): left to its own tests
                zf.writestr(name, data)
    return path


@pytest.fixture
def rewinds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the times a gzip stream is read again from its start (a seek back)."""
    count: list[int] = []
    real = gzip._GzipReader._rewind                         # type: ignore[attr-defined]

    def rewind(self) -> None:                              # type: ignore[no-untyped-def]
        count.append(1)
        real(self)
    monkeypatch.setattr(gzip._GzipReader, "_rewind", rewind)   # type: ignore[attr-defined]
    return count


def test_a_tar_gz_is_read_once_front_to_back(tmp_path: Path, rewinds: list[int]) -> None:
    """Before: the samples over 0 dBFS were read after the whole listing (a seek back to the first) and each float
    member opened twice (a seek back to its start), each a decompression from the archive's start."""
    tar = _tar(tmp_path / "kit.tar.gz", MEMBERS)
    assert [rel for rel, _ in over_full_scale(tar)] == ["kit/hot.wav", "kit/hot2.wav"]
    assert rewinds == []
    look = look_archive(tar)
    assert [rel for rel, _ in look.hot] == ["kit/hot.wav", "kit/hot2.wav"] and rewinds == []


@pytest.mark.parametrize("make", [_tar, _zip])
def test_one_look_says_what_each_check_said(tmp_path: Path, make) -> None:
    archive = make(tmp_path / ("kit.tar.gz" if make is _tar else "kit.zip"), MEMBERS)
    look = look_archive(archive)
    assert look.readable
    assert look.refused == refused_names(archive) and (look.refused != []) is (make is _tar)
    assert look.audio == audio_members(archive) and "kit/kick.wav" in look.audio
    assert look.others is None is others_if_no_audio(archive)
    assert look.hot == over_full_scale(archive)


@pytest.mark.parametrize("make", [_tar, _zip])
def test_an_archive_without_audio_counts_its_other_files(tmp_path: Path, make) -> None:
    docs = make(tmp_path / ("docs.tar.gz" if make is _tar else "docs.zip"),
                [("a.pdf", b"x"), ("__MACOSX/._k.wav", b"x"), ("notes.txt", b"y")])
    assert look_archive(docs).others == others_if_no_audio(docs) == 3
    assert look_archive(docs).audio == {}


def test_an_archive_that_does_not_read_gives_what_each_check_gave(tmp_path: Path) -> None:
    for cut, size in ((tmp_path / "cut.tar.gz", 600), (tmp_path / "not.tar.gz", 0)):
        cut.write_bytes(_tar(tmp_path / "whole.tar.gz", MEMBERS).read_bytes()[:size] or bytes(range(256)) * 4)
        look = look_archive(cut)
        assert not look.readable and look.others is None and look.refused == look.hot == [] and look.audio == {}
        assert refused_names(cut) == [] and over_full_scale(cut) == [] and others_if_no_audio(cut) is None


def test_each_member_walks_in_order_and_stops_at_a_limit(tmp_path: Path) -> None:
    tar = _tar(tmp_path / "kit.tar.gz", MEMBERS)
    walked = [(e.name, e.open().read()) for e in each_member(tar)]      # data read as each member comes
    assert walked == MEMBERS
    with pytest.raises(ArchiveError, match="more than 3 files"):
        list(each_member(tar, Limits(max_files=3)))
