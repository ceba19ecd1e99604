"""Safe unpacking of sample archives: every kind of hostile member is refused with a reason."""
from __future__ import annotations

import io
import struct
import tarfile
import zipfile
from pathlib import Path, PurePosixPath

import pytest

from device.audio.audiofile import wav_header_problem
from device.library.archive import ArchiveError, Limits, safe_relpath, unpack_archive
from device.library.folder_tar import pack_directory
from tests.api.conftest import wav_bytes


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
        zf.writestr("notes.wav", b"this is a text file\n" * 20)
    reasons = {f.path: f.reason for f in unpack_archive(arc, tmp_path / "out").rejected}
    # p25: a text file named .wav in words, without libsndfile's "Error opening 'PATH': Format not recognised."
    assert reasons["notes.wav"] == "not an audio file (no WAV, AIFF, FLAC, OGG or MP3 the box can read)"
    assert "Error opening" not in reasons["garbage.ogg"] and "out/" not in reasons["garbage.ogg"]
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
    assert [f.path for f in report.accepted] == ["hats/open.wav"] and report.rejected == [] and [f.path for f in report.not_audio] == ["notes.txt"]


# ------------------------------------------------------------ malformed members (per file)
def _named_tar(path: Path, members: list[tuple[str, bytes]]) -> Path:
    with tarfile.open(path, "w", format=tarfile.GNU_FORMAT, encoding="utf-8", errors="surrogateescape") as tf:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return path


def _files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_tar_name_not_utf8_rejected_per_file(tmp_path: Path) -> None:
    arc = _named_tar(tmp_path / "a.tar", [("kit/bad\udcff.wav", wav_bytes()), ("kit/ok.wav", wav_bytes())])
    report = unpack_archive(arc, tmp_path / "lib" / "files")
    assert [(f.path, f.ok) for f in report.files] == [("kit/bad\\xff.wav", False), ("kit/ok.wav", True)]
    assert "not valid UTF-8" in report.rejected[0].reason
    assert _files(tmp_path / "lib" / "files") == ["kit/ok.wav"]


@pytest.mark.parametrize("order", ["file first", "folder first"])
def test_tar_file_and_folder_of_the_same_name_rejected_per_file(tmp_path: Path, order: str) -> None:
    flac = wav_bytes(fmt="FLAC")
    members = [("k.flac", flac), ("k.flac/x.flac", flac)]
    members = members if order == "file first" else members[::-1]
    arc = _named_tar(tmp_path / "a.tar", members + [("z.wav", wav_bytes())])
    report = unpack_archive(arc, tmp_path / "lib" / "files")
    reasons = {f.path: f.reason for f in report.rejected}
    assert len(report.accepted) == 2 and len(reasons) == 1 and "z.wav" in [f.path for f in report.accepted]
    assert "clashes" in next(iter(reasons.values()))
    assert "z.wav" in _files(tmp_path / "lib" / "files")


def _corrupt_deflate_zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("bad.wav", wav_bytes())
        zf.writestr("good.wav", wav_bytes())
    data = bytearray(path.read_bytes())
    start = 30 + len("bad.wav") + 5                   # inside bad.wav's deflate stream
    for k in range(start, start + 40):
        data[k] ^= 0x55
    path.write_bytes(bytes(data))
    return path


def test_zip_member_with_corrupt_deflate_data_rejected_per_file(tmp_path: Path) -> None:
    report = unpack_archive(_corrupt_deflate_zip(tmp_path / "c.zip"), tmp_path / "lib" / "files")
    assert [(f.path, f.ok) for f in report.files] == [("bad.wav", False), ("good.wav", True)]
    assert "damaged inside the zip; make the zip again" in report.rejected[0].reason
    assert _files(tmp_path / "lib" / "files") == ["good.wav"]


def _bad_utf8_name_zip(path: Path) -> Path:
    """A zip that flags its names as UTF-8 (bit 11) where one is not."""
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("badXname.wav", wav_bytes())
        zf.writestr("ok.wav", wav_bytes())
    data = bytearray(path.read_bytes().replace(b"badXname", b"bad\xffname"))
    for sig, flag_at in ((b"PK\x03\x04", 7), (b"PK\x01\x02", 9)):
        at = data.find(sig)
        while at >= 0:
            data[at + flag_at] |= 0x08
            at = data.find(sig, at + 4)
    path.write_bytes(bytes(data))
    return path


def test_zip_name_flagged_utf8_but_not_refuses_the_archive_cleanly(tmp_path: Path) -> None:
    # zipfile cannot list such a zip at all, so it is refused whole (it was a server error), nothing made
    with pytest.raises(ArchiveError, match="zip the folder again"):
        unpack_archive(_bad_utf8_name_zip(tmp_path / "u.zip"), tmp_path / "lib" / "files")
    assert not (tmp_path / "lib").exists()


@pytest.mark.parametrize("name", ["del\x7f.wav", "c1\x9b2J.wav", "kit/\x85next.wav", "evil\u202ewav.mp3",
                                  "iso\u2066late.wav", "pop\u2069.wav", "line\u2028break.wav"])
def test_non_printable_names_refused(name: str) -> None:
    why = safe_relpath(name)
    assert isinstance(why, str) and "non-printable" in why
    assert str(safe_relpath("Bässe/Kick 01 – hart.wav")) == "Bässe/Kick 01 – hart.wav"  # printable Unicode: fine


# names real machines make: macOS's narrow no-break space in screen recordings, an ideographic space, Persian's
# zero-width non-joiner, an emoji with a zero-width joiner, a no-break space
@pytest.mark.parametrize("name", ["Clap 10.00.00\u202fPM.flac", "ハイ\u3000ハット.flac", "کیک\u200cها.flac",
                                  "drum \U0001f468\u200d\U0001f373.flac", "nbsp\u00a0clap.flac"])
def test_ordinary_unicode_names_of_any_script_are_taken(name: str) -> None:
    assert str(safe_relpath(name)) == name


def test_reasons_name_the_member_not_the_box_path(tmp_path: Path) -> None:
    arc = tmp_path / "a.zip"
    with zipfile.ZipFile(arc, "w") as zf:
        zf.writestr("kit/bad.flac", b"fLaC" + b"\x00" * 200)
        zf.writestr("kit/noise.ogg", b"OggS" + b"\x01" * 500)
    report = unpack_archive(arc, tmp_path / "lib" / "files")
    assert len(report.rejected) == 2
    for f in report.rejected:
        assert str(tmp_path) not in f.reason and "partial" not in f.reason, f.reason
    assert report.rejected[0].path == "kit/bad.flac"                       # the listing names it: not again in
    assert report.rejected[0].reason.startswith("undecodable audio (") and "Error opening" not in report.rejected[0].reason


def test_unforeseen_error_rejects_only_that_member(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import device.library.archive as archive

    real = archive.audio_problem

    def flaky(path: Path):
        if path.name == "odd.wav":
            raise KeyError(f"surprise at {path}")
        return real(path)
    monkeypatch.setattr(archive, "audio_problem", flaky)
    arc = tmp_path / "a.zip"
    with zipfile.ZipFile(arc, "w") as zf:
        zf.writestr("odd.wav", wav_bytes())
        zf.writestr("fine.wav", wav_bytes())
    report = unpack_archive(arc, tmp_path / "lib" / "files")
    assert [(f.path, f.ok) for f in report.files] == [("odd.wav", False), ("fine.wav", True)]
    assert "KeyError" in report.files[0].reason and str(tmp_path) not in report.files[0].reason
    assert _files(tmp_path / "lib" / "files") == ["fine.wav"]


def test_unforeseen_error_refuses_archive_and_removes_the_folders_it_made(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import device.library.archive as archive

    def boom(*_args):
        raise RuntimeError("something nobody foresaw")
    monkeypatch.setattr(archive, "_extract_one", boom)
    monkeypatch.setattr(archive, "_one", boom, raising=False)
    arc = tmp_path / "a.zip"
    with zipfile.ZipFile(arc, "w") as zf:
        zf.writestr("a.wav", wav_bytes())
    with pytest.raises(ArchiveError, match="could not be unpacked"):
        unpack_archive(arc, tmp_path / "libraries" / "lib-x" / "files")
    assert not (tmp_path / "libraries").exists()


# ------------------------------------------------------------------ pack_directory links
def test_pack_directory_follows_links_and_reports_what_it_leaves_out(tmp_path: Path) -> None:
    import os

    src, elsewhere = tmp_path / "lib", tmp_path / "elsewhere"
    (src / "kit").mkdir(parents=True)
    elsewhere.mkdir()
    (src / "kit" / "kick.wav").write_bytes(wav_bytes())
    (elsewhere / "snare.wav").write_bytes(wav_bytes())
    (src / "snares").symlink_to(elsewhere)                      # a linked folder
    (src / "kick-again.wav").symlink_to(src / "kit" / "kick.wav")   # a linked file
    (src / "kit" / "up").symlink_to(src)                         # a loop
    (src / "gone.wav").symlink_to(tmp_path / "missing.wav")      # broken
    os.mkfifo(src / "pipe.wav")
    (src / ".hatbox-links").write_text("kick/kit__kick.wav\n")          # hidden: stays behind, as hatbox tag ignores it
    (src / ".git").mkdir()
    (src / ".git" / "x.wav").write_bytes(wav_bytes())
    skipped: list[tuple[str, str]] = []
    report = unpack_archive(pack_directory(src, tmp_path / "lib.tar", skipped), tmp_path / "out")
    assert report.rejected == []
    # kick-again.wav links to a file already in the folder: the file goes once (hatbox tag --links folders);
    # snares/ links outside the folder: never sent
    assert sorted(f.path for f in report.accepted) == ["kit/kick.wav"]
    why = dict(skipped)
    assert set(why) == {"snares", "kit/up", "gone.wav", "pipe.wav", ""} and "1 link to a file already" in why[""]
    assert "outside the folder: not sent" in why["snares"]
    assert "loops" in why["kit/up"] and "broken link" in why["gone.wav"] and "not a regular file" in why["pipe.wav"]


def test_a_refused_member_is_named_as_the_accepted_ones_are(tmp_path: Path) -> None:
    """Before (twenty-seventh stop's QA): `tar -C kits -cf x.tar .` listed ./Audiophob/drumkit.xml beside Audiophob/a.wav."""
    arc = tmp_path / "x.tar"
    with tarfile.open(arc, "w") as tf:
        for name, data in (("./Audiophob/a.wav", wav_bytes()), ("./Audiophob/drumkit.xml", b"<drumkit_info/>")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    report = unpack_archive(arc, tmp_path / "out")
    assert [f.path for f in report.files] == ["Audiophob/a.wav", "Audiophob/drumkit.xml"]


def test_audio_in_formats_the_box_does_not_take_is_rejected_with_a_hint_not_filed_as_not_audio() -> None:
    """Review (twenty-seventh stop): .au, .rf64, .bwf, .sf2 ... were filed as 'not audio'."""
    from device.library.member_checks import format_problem, is_other_file
    for name in ("a.au", "d.sf2", "e.voc"):      # .rf64, .bwf (p50 FB) and .wave (p50 M5) are audio the box reads
        rel = PurePosixPath(name)
        assert not is_other_file(rel) and "convert it to WAV or FLAC" in format_problem(rel.suffix), name
    assert is_other_file(PurePosixPath("kit/drumkit.xml")) and is_other_file(PurePosixPath("readme.txt"))
