"""Archive member names in Unicode's two forms (QA p43, a Japanese producer in Berlin).

macOS writes accents decomposed (NFD: "a" + a combining diaeresis, 3 bytes where "ä" is 2), so a long German or
Japanese name that fits Linux's 255 bytes composed did not fit decomposed, and the file was refused as an "unsafe
path".  The box keeps every member's path in NFC; two members whose names differ only in that form are one name
there: the second is refused, saying so; a name that is merely too long says that, in bytes."""
from __future__ import annotations

import tarfile
import unicodedata
from pathlib import Path

from device.library.archive import safe_relpath, unpack_archive
from tests.api.conftest import wav_bytes
from tests.api.p43_raw_zip import raw_zip

LONG = "sehr langer Name " + "ä" * 40 + " サンプル" * 8 + ".wav"


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def test_the_long_mac_name_fits_once_composed(tmp_path: Path) -> None:
    name = "Mac Kit/lang/" + nfd(LONG)
    assert len(nfd(LONG).encode()) > 255 >= len(LONG.encode())
    arc = raw_zip(tmp_path / "mac.zip", [(name.encode(), wav_bytes())])
    report = unpack_archive(arc, tmp_path / "lib")
    assert [f.path for f in report.accepted] == ["Mac Kit/lang/" + LONG], report.to_dict()
    assert (tmp_path / "lib" / "Mac Kit" / "lang" / LONG).is_file()


def test_names_are_kept_in_nfc_from_zip_and_tar(tmp_path: Path) -> None:
    arc = raw_zip(tmp_path / "mac.zip", [(nfd("Räuspern/kick ü 02.wav").encode(), wav_bytes())])
    assert [f.path for f in unpack_archive(arc, tmp_path / "z").accepted] == ["Räuspern/kick ü 02.wav"]
    assert sorted(p.name for p in (tmp_path / "z").rglob("*")) == ["Räuspern", "kick ü 02.wav"]
    tar = tmp_path / "mac.tar"
    with tarfile.open(tar, "w") as tf:
        info = tarfile.TarInfo(nfd("é/café.wav"))
        data = wav_bytes()
        info.size = len(data)
        import io
        tf.addfile(info, io.BytesIO(data))
    assert [f.path for f in unpack_archive(tar, tmp_path / "t").accepted] == ["é/café.wav"]
    assert (tmp_path / "t" / "é" / "café.wav").is_file()


def test_two_spellings_of_one_name_keep_the_first_and_say_why(tmp_path: Path) -> None:
    arc = raw_zip(tmp_path / "two.zip", [("é/café.wav".encode(), wav_bytes(100)),
                                         (nfd("é/café.wav").encode(), wav_bytes(200))])
    report = unpack_archive(arc, tmp_path / "lib")
    assert [f.path for f in report.accepted] == ["é/café.wav"]
    assert report.accepted[0].frames == 100                       # the first one is kept
    (second,) = report.rejected
    assert "the same name as é/café.wav earlier in the archive" in second.reason
    assert "decomposed" in second.reason and "only the first is kept" in second.reason


def test_a_real_duplicate_still_says_duplicate(tmp_path: Path) -> None:
    arc = raw_zip(tmp_path / "dup.zip", [(b"a.wav", wav_bytes()), (b"a.wav", wav_bytes())])
    assert unpack_archive(arc, tmp_path / "lib").rejected[0].reason == "duplicate path in the archive"


def test_a_name_merely_too_long_says_so_in_bytes() -> None:
    assert safe_relpath("kit/" + "x" * 300 + ".wav") == (
        "name too long for the box's disk (304 bytes in one file name; at most 255)")
    assert safe_relpath("ü" * 135 + "/a.wav") == (
        "name too long for the box's disk (270 bytes in one folder name; at most 255)")
    assert str(safe_relpath(nfd("ü" * 100) + ".wav")) == "ü" * 100 + ".wav"     # 304 bytes NFD, 204 NFC
    assert "unsafe" not in safe_relpath("a" * 1100)
    assert safe_relpath("./") == "unsafe path: empty"
