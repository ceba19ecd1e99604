"""p53 review of the pack refusals (M5 #2-#4): a member stored in a way hatbox cannot read is said so, not "is
damaged: it is encrypted"; a damaged member of an upload is no upload "cut short"; a pack whose end is missing is
said in words, not zipfile's ("File is not a zip file"), and the box's answer to it carries a hint."""
from __future__ import annotations

import struct
import zipfile
from pathlib import Path
from typing import Any

import pytest

from export.pack import read_pack
from export.zip_damage import NOT_HATBOX_HINT
from hatbox.errors import PackError
from tests.api.packs import gain_pack


def _central_entry(data: bytes, name: bytes) -> int:
    """Where pack bytes ``data``'s table of contents holds the entry of member ``name``."""
    at = data.index(b"PK\x01\x02")
    while data[at + 46:at + 46 + len(name)] != name:
        at = data.index(b"PK\x01\x02", at + 4)
    return at


def _patched(path: Path, name: str, *, method: int | None = None, flags: int = 0) -> Path:
    """A copy of pack ``path`` whose member ``name`` claims compression ``method`` (in its header and the table of
    contents) or has the general-purpose ``flags`` bits set (the table of contents' entry)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        local = zf.getinfo(name).header_offset
    central = _central_entry(bytes(data), name.encode())
    if method is not None:
        data[local + 8:local + 10] = data[central + 10:central + 12] = struct.pack("<H", method)
    old = struct.unpack_from("<H", data, central + 8)[0]
    struct.pack_into("<H", data, central + 8, old | flags)
    out = path.with_name("odd.hatpack")
    out.write_bytes(bytes(data))
    return out


def _refused(path: Path, uploaded: bool = False) -> PackError:
    with pytest.raises(PackError) as err:
        read_pack(path, uploaded=uploaded)
    return err.value


def test_a_member_in_deflate64_is_said_stored_in_a_method_hatbox_cannot_read(tmp_path: Path) -> None:
    odd = _patched(gain_pack(tmp_path / "g.hatpack"), "golden.npz", method=9)
    err = _refused(odd)
    assert err.args[0] == "member 'golden.npz' uses a compression method hatbox cannot read (deflate64)", err.args[0]
    assert err.hint == NOT_HATBOX_HINT and _refused(odd, uploaded=True).hint == NOT_HATBOX_HINT


def test_an_encrypted_member_is_said_encrypted_not_damaged(tmp_path: Path) -> None:
    odd = _patched(gain_pack(tmp_path / "g.hatpack"), "golden.npz", flags=0x1)
    err = _refused(odd, uploaded=True)
    assert err.args[0] == "member 'golden.npz' is encrypted (a pack never is)", err.args[0]
    assert err.hint == NOT_HATBOX_HINT


def test_bzip2_and_lzma_members_read(tmp_path: Path) -> None:
    pack = read_pack(gain_pack(tmp_path / "g.hatpack"))
    for method in (zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA):
        out = tmp_path / f"m{method}.hatpack"
        with zipfile.ZipFile(out, "w", compression=method) as zf:
            zf.writestr("manifest.json", pack.manifest_bytes)
            for name, data in pack.members.items():
                zf.writestr(name, data)
        assert read_pack(out).members == pack.members


def _cut(tmp_path: Path) -> Path:
    data = gain_pack(tmp_path / "g.hatpack").read_bytes()
    cut = tmp_path / "cut.hatpack"
    cut.write_bytes(data[:len(data) // 2])
    return cut


def test_a_pack_cut_short_is_said_in_words(tmp_path: Path) -> None:
    err = _refused(_cut(tmp_path))
    assert err.args[0] == ("cut.hatpack is not a readable pack archive: its end, the archive's table of contents, "
                           "is missing"), err.args[0]
    assert "zip file" not in str(err) and err.hint == "the file is incomplete or damaged: copy it again, or build it " \
                                                      "again"


def test_the_box_answers_an_upload_cut_short_with_a_hint(playing: Any, tmp_path: Path) -> None:
    box, _ = playing
    r = box.push(_cut(tmp_path))
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["message"] == ("the upload is not a readable pack archive: its end, the archive's table of contents, "
                               "is missing; was the upload cut short?"), body
    assert body["hint"] and "send it again" in body["hint"] and "hatbox pack inspect" in body["hint"]
