"""Forty-eighth stop's QA of a stranger's sample archive: a zip member whose header declares a 96 KB WAV while its
data holds far more was kept, cut to the 96 KB (zipfile stops at the declared size; its CRC was the first 96 KB's),
though docs/api.md says such a member is refused; and `push-library` of a possible archive bomb hinted "unpack the
archive first", the risky step for a stranger's archive."""
from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from device.library.archive import unpack_archive
from device.library.member_checks import open_zip_member
from hatbox import library_limits
from hatbox.archive_look import look_archive
from hatbox.errors import HatboxError


def _wav(frames: int = 24000) -> bytes:
    buf = io.BytesIO()
    sf.write(buf, (0.4 * np.sin(np.arange(frames) / 6.0)).astype(np.float32), 48000, format="WAV")
    return buf.getvalue()


def liar_zip(path: Path, extra: int, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip (the standard writer) of one WAV followed by ``extra`` zero bytes, whose headers (local and central) are
    then made to declare the WAV alone, with the WAV's CRC: what a stranger's tool can write.  Returns the WAV."""
    wav = _wav()
    with zipfile.ZipFile(path, "w", method) as zf:
        zf.writestr("kit/Kick.wav", wav + bytes(extra))
        zf.writestr("kit/Snare.wav", _wav(4800))
    raw = bytearray(path.read_bytes())
    crc = zlib.crc32(wav)
    struct.pack_into("<I", raw, 14, crc)               # local header: CRC at 14, sizes at 18 (packed), 22 (unpacked)
    struct.pack_into("<I", raw, 22, len(wav))
    central = raw.find(b"PK\x01\x02")                    # the first member's central entry: CRC at 16, size at 24
    struct.pack_into("<I", raw, central + 16, crc)
    struct.pack_into("<I", raw, central + 24, len(wav))
    path.write_bytes(bytes(raw))
    return wav


@pytest.mark.parametrize("method", [zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED], ids=["deflated", "stored"])
def test_a_member_holding_more_than_its_header_declares_is_refused(tmp_path: Path, method: int) -> None:
    wav = liar_zip(tmp_path / "liar.zip", 4_000_000 if method == zipfile.ZIP_DEFLATED else 50_000, method)
    with zipfile.ZipFile(tmp_path / "liar.zip") as zf:
        assert zf.infolist()[0].file_size == len(wav) and zf.read("kit/Kick.wav") == wav   # zipfile alone: cut, fine
    report = unpack_archive(tmp_path / "liar.zip", tmp_path / "lib")
    assert [f.path for f in report.accepted] == ["kit/Snare.wav"]
    (kick,) = report.rejected
    assert kick.path == "kit/Kick.wav"
    assert kick.reason == (f"holds more data than its header in the archive declares ({len(wav)} bytes): left out, "
                           "as a possible archive bomb")
    assert not (tmp_path / "lib" / "kit" / "Kick.wav").exists()


def test_reading_a_member_stops_one_byte_past_its_declared_size(tmp_path: Path) -> None:
    wav = liar_zip(tmp_path / "liar.zip", 8_000_000)
    with zipfile.ZipFile(tmp_path / "liar.zip") as zf:
        with open_zip_member(zf, zf.infolist()[0]) as member:
            assert len(member.read()) == len(wav) + 1        # never the 8 MB (the laptop's hot-sample check reads it)
        with open_zip_member(zf, zf.infolist()[1]) as member:
            assert member.read() == _wav(4800)                # an honest member: its bytes, its CRC checked


def test_an_honest_member_with_a_bad_crc_is_still_damaged(tmp_path: Path) -> None:
    path = tmp_path / "bad-crc.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("kit/Kick.wav", _wav())
    raw = bytearray(path.read_bytes())
    for at in (14, raw.find(b"PK\x01\x02") + 16):
        struct.pack_into("<I", raw, at, 12345)
    path.write_bytes(bytes(raw))
    (kick,) = unpack_archive(path, tmp_path / "lib").rejected
    assert "damaged inside the zip" in kick.reason


def test_the_bomb_hint_says_what_it_unpacks_to_and_not_to_unpack_a_stranger_s_archive(tmp_path: Path) -> None:
    bomb = tmp_path / "stranger.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("kit/q.wav", b"\0" * 3_000_000)
    look = look_archive(bomb)
    with pytest.raises(HatboxError) as caught:
        library_limits.check_archive(bomb, look.refusal)
    hint = caught.value.hint
    assert "it would unpack to 2.86 MiB, " in hint and " times its size: " in hint, hint
    assert "only if you trust where it came from and have that much room" in hint, hint
    assert "unpack the archive first" not in hint and "send the folder itself" in hint and "uncompressed" in hint


def test_a_tar_bomb_says_at_least_what_it_unpacks_to(tmp_path: Path) -> None:
    import tarfile
    bomb = tmp_path / "stranger.tar.gz"
    with tarfile.open(bomb, "w:gz") as tf:
        info = tarfile.TarInfo("kit/q.wav")
        info.size = 3_000_000
        tf.addfile(info, io.BytesIO(b"\0" * info.size))
    refusal = look_archive(bomb).refusal
    hint = library_limits.archive_hint(refusal, bomb)
    assert hint.startswith("it would unpack to at least 2.8") and "times its size" in hint, hint
