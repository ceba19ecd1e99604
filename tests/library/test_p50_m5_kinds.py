"""p50 M5, the review of FB's "what counts as an archive, an audio file and junk": a tar whose first member's name
starts "PK\\x03\\x04" is a tar; a dot name has no junk kind (a Mac drive's ._kick.wav.asd is not a second sidecar);
the box's name check skips macOS's Icon\\r as its unpacking does; .wave is WAV."""
from __future__ import annotations

import io
import tarfile
import zipfile
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from device.library.archive_kind import TAR, ZIP, archive_kind

RATE = 44100


def _wav_bytes(seed: int = 0) -> bytes:
    buf = io.BytesIO()
    sf.write(buf, 0.3 * np.random.default_rng(seed).standard_normal(4410).astype(np.float32), RATE, format="WAV",
             subtype="PCM_16")
    return buf.getvalue()


def _tar(path: Path, members: dict[str, bytes], fmt: int) -> Path:
    with tarfile.open(path, "w", format=fmt) as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return path


@pytest.mark.parametrize("fmt", [tarfile.GNU_FORMAT, tarfile.USTAR_FORMAT, tarfile.PAX_FORMAT])
def test_a_tar_whose_first_name_starts_as_a_zip_is_a_tar(tmp_path: Path, fmt: int) -> None:
    path = _tar(tmp_path / "kit.tar", {"PK\x03\x04 kick.wav": _wav_bytes(), "snare.wav": _wav_bytes(1)}, fmt)
    assert path.read_bytes()[:4] == b"PK\x03\x04"
    assert archive_kind(path) == TAR


def test_a_v7_tar_whose_first_name_starts_as_a_zip_is_a_tar(tmp_path: Path) -> None:
    info = tarfile.TarInfo("PK\x03\x04kick.wav")
    info.size = 3
    head = bytearray(info.tobuf(format=tarfile.USTAR_FORMAT))
    head[257:265] = bytes(8)                                 # no ustar magic: an old v7 header
    head[148:156] = b" " * 8
    head[148:155] = (b"%06o\0" % sum(head))[:7]
    path = tmp_path / "old.tar"
    path.write_bytes(bytes(head) + b"abc" + bytes(509) + bytes(1024))
    assert archive_kind(path) == TAR


def test_a_zip_whose_start_looks_like_a_tar_header_is_still_a_zip(tmp_path: Path) -> None:
    """A first member whose name puts "ustar" at byte 257 (30 bytes of local header, then the name)."""
    path = tmp_path / "kit.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("k" * 227 + "ustar.wav", _wav_bytes())
    assert path.read_bytes()[257:262] == b"ustar"
    assert archive_kind(path) == ZIP


def test_push_library_calls_an_empty_zip_cut_short_a_damaged_zip(tmp_path: Path) -> None:
    """hatbox.library_archive's "damaged or incomplete zip" by device.library.archive_kind.ZIP_STARTS (an empty zip
    starts with its end record, PK\\x05\\x06), not by its own copy of one of them."""
    from hatbox.errors import HatboxError
    from hatbox.library_archive import as_archive
    whole = io.BytesIO()
    zipfile.ZipFile(whole, "w").close()
    path = tmp_path / "kit.zip"
    path.write_bytes(whole.getvalue()[:10])
    with pytest.raises(HatboxError) as err:
        as_archive(path, tmp_path)
    assert "damaged or incomplete zip" in str(err.value)


def test_a_macs_appledouble_twin_of_a_sidecar_is_not_counted_twice(tmp_path: Path) -> None:
    from device.audio.junk_names import SIDECAR, junk_kind
    from device.library.folder_tar import walk_folder
    for name in ("._kick.wav.asd", ".#recycle", "._Icon\r", "._kick.wav@SynoEAStream"):
        assert junk_kind(name) == ""
    (tmp_path / "kick.wav").write_bytes(_wav_bytes())
    for name in ("kick.wav.asd", "._kick.wav.asd", "._kick.wav"):
        (tmp_path / name).write_bytes(b"\0Mac" * 10)
    walk = walk_folder(tmp_path)
    assert [e.rel for e in walk.entries] == ["kick.wav"] and walk.junk == {SIDECAR: 1}


def _kit_zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("Kit/kick.wav", _wav_bytes())
        zf.writestr("Kit/Icon\r", b"")
        zf.writestr("Icon\r", b"")
        zf.writestr("Kit/kick.wav.asd", b"x")
    return path


def test_the_boxs_name_check_skips_icon_cr_as_its_unpacking_does(tmp_path: Path) -> None:
    from device.library.archive import unpack_archive
    from device.library.member_names import refused_names
    from hatbox.archive_look import look_archive
    kit = _kit_zip(tmp_path / "kit.zip")
    assert refused_names(kit) == []
    look = look_archive(kit)
    assert look.refused == [] and look.audio == {"Kit/kick.wav": len(_wav_bytes())}
    report = unpack_archive(kit, tmp_path / "out")
    assert [(f.path, f.ok) for f in report.files] == [("Kit/kick.wav", True)] and report.skipped == 3


def test_a_control_character_elsewhere_is_still_refused(tmp_path: Path) -> None:
    from device.library.member_names import refused_names
    path = tmp_path / "kit.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("Kit/Kick\r.wav", _wav_bytes())
        zf.writestr("Kit/Icon\r\r", b"")
    assert [name for name, _ in refused_names(path)] == ["Kit/Kick\r.wav", "Kit/Icon\r\r"]


def test_dot_wave_is_wav_the_box_reads(tmp_path: Path) -> None:
    from device.audio.audiofile import READABLE_SUFFIXES, read
    from device.library.archive import unpack_archive
    from device.library.member_checks import AUDIO_EXTENSIONS, OTHER_AUDIO_SUFFIXES, format_problem
    assert ".wave" in READABLE_SUFFIXES and ".wave" in AUDIO_EXTENSIONS and ".wave" not in OTHER_AUDIO_SUFFIXES
    assert "convert" not in format_problem(".WAVE")
    path = tmp_path / "kit.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("Kit/kick.wave", _wav_bytes())
    report = unpack_archive(path, tmp_path / "out")
    assert [(f.path, f.ok, f.frames) for f in report.files] == [("Kit/kick.wave", True, 4410)], report.files
    assert read(tmp_path / "out" / "Kit" / "kick.wave")[0].shape == (1, 4410)


def test_push_librarys_own_name_check_skips_icon_cr_too(tmp_path: Path) -> None:
    """hatbox.library_fixes.refused_names (push-library's check of the tar it packed) by the box's rule: Icon\\r is
    skipped, a control character elsewhere still refused."""
    from hatbox.library_fixes import refused_names
    members = {"Kit/kick.wav": _wav_bytes(), "Kit/Icon\r": b"", "Kit/Kick\r.wav": _wav_bytes(1)}
    path = _tar(tmp_path / "kit.tar", members, tarfile.PAX_FORMAT)
    assert [name for name, _ in refused_names(path)] == ["Kit/Kick\r.wav"]


def test_float_samples_over_full_scale_are_said_in_every_wav_name(tmp_path: Path) -> None:
    """hatbox.hot_samples.FLOAT_SUFFIXES: READABLE_SUFFIXES but the compressed ones (.bwf and .amb were missed)."""
    from hatbox.hot_samples import FLOAT_SUFFIXES, over_full_scale
    loud = (1.9 * np.sin(np.arange(RATE // 10) * 0.05)).astype(np.float32)
    for name, fmt in (("hot.wav", "WAV"), ("hot.wave", "WAV"), ("hot.bwf", "WAV"), ("hot.amb", "WAVEX"),
                      ("hot.rf64", "RF64")):
        sf.write(tmp_path / name, loud, RATE, format=fmt, subtype="FLOAT")
    said = [name for name, _ in over_full_scale(tmp_path)]
    assert said == ["hot.amb", "hot.bwf", "hot.rf64", "hot.wav", "hot.wave"]
    assert not {".flac", ".ogg", ".oga", ".mp3"} & set(FLOAT_SUFFIXES)
