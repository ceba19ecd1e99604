"""Twenty-fourth stop, from a QA pass of the box's HTTP API used directly (curl, scripts): UTF-8 member names of zips
that do not flag them (Linux `zip`), forms refused instead of installed with their wrapping, stalled uploads given
up, "the upload" instead of the box's temporary name, library names checked, uploads sent to the wrong route
pointed at the right one, corrections of a file the upload refused, 404 said as "not found", a pack sent again
flagged, plurals."""
from __future__ import annotations

import asyncio
import io
import struct
import zipfile
from pathlib import Path

import pytest
from starlette.requests import Request

import device.api.uploads as uploads
from device.api.errors import ApiError
from device.api.libraries import default_tagger
from device.library.archive import unpack_archive
from tests.api.conftest import BoxUnderTest, make_box, wav_bytes, zip_bytes
from tests.api.packs import tagger_pack
from tests.api.test_retag_p20 import _wait_done

ACCENTED = "kit/kicks/kïck_é.wav"


def _unflagged_utf8_zip(members: dict[str, bytes]) -> bytes:
    """A zip whose non-ASCII names are UTF-8 without the UTF-8 flag (bit 11), as Linux's Info-ZIP `zip` writes them:
    Python's zipfile sets the flag, so it is cleared in every local and central header afterwards."""
    data = bytearray(zip_bytes(members))
    for sig, at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (i := data.find(sig, start)) >= 0:
            flags = struct.unpack_from("<H", data, i + at)[0]
            struct.pack_into("<H", data, i + at, flags & ~0x800)
            start = i + 4
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:      # what zipfile makes of it: code page 437
        assert ACCENTED not in zf.namelist() and "kit/kicks/k├»ck_├⌐.wav" in zf.namelist()
    return bytes(data)


def test_unflagged_utf8_names_keep_their_accents(tmp_path: Path, box: BoxUnderTest) -> None:
    archive = tmp_path / "kit.zip"
    archive.write_bytes(_unflagged_utf8_zip({ACCENTED: wav_bytes(), "kit/snare.wav": wav_bytes()}))
    report = unpack_archive(archive, tmp_path / "out")
    assert sorted(f.path for f in report.accepted) == ["kit/kicks/kïck_é.wav", "kit/snare.wav"]
    assert (tmp_path / "out" / ACCENTED).is_file()
    r = box.client.post("/libraries", params={"name": "kit"}, content=archive.read_bytes(), headers=box.auth)
    assert r.status_code == 201, r.text
    assert ACCENTED in [f["path"] for f in r.json()["files"]]


def test_a_code_page_437_name_keeps_its_dos_reading(tmp_path: Path) -> None:
    """A real DOS name (bytes not valid UTF-8) reads as before."""
    raw = "kit/CAFÉ.WAV".encode("cp437")
    data = bytearray(zip_bytes({"kit/CAFX.WAV": wav_bytes()}))
    data = data.replace(b"kit/CAFX.WAV", raw)
    (tmp_path / "dos.zip").write_bytes(bytes(data))
    report = unpack_archive(tmp_path / "dos.zip", tmp_path / "out")
    assert [f.path for f in report.accepted] == ["kit/CAFÉ.WAV"]


def test_a_form_upload_is_refused_not_installed_with_its_wrapping(box: BoxUnderTest, good_pack: Path) -> None:
    """Before: `curl -F file=@good.hatpack` installed a pack whose bytes began with the form's boundary."""
    for route in ("/packs", "/libraries"):
        r = box.client.post(route, files={"file": ("good.hatpack", good_pack.read_bytes())}, headers=box.auth)
        assert r.status_code == 415, r.text
        assert r.json()["error"] == "not a file" and "--data-binary" in r.json()["hint"]
        assert r.headers["connection"] == "close"                  # its body is never read: hang up
    assert box.client.get("/packs", headers=box.auth).json() == []
    assert list((box.store_dir / "tmp").iterdir()) == []


def _stalling_request(first: bytes) -> Request:
    """A request that sends ``first`` and then nothing, without ever ending its body."""
    sent = []

    async def receive() -> dict:
        if not sent:
            sent.append(1)
            return {"type": "http.request", "body": first, "more_body": True}
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    scope = {"type": "http", "method": "POST", "path": "/packs", "headers": [(b"content-length", b"100000")],
             "query_string": b""}
    return Request(scope, receive)


def test_a_stalled_upload_is_given_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(uploads, "UPLOAD_IDLE_S", 0.2)
    with pytest.raises(ApiError) as err:
        asyncio.run(uploads.receive_upload(_stalling_request(b"x" * 1000), tmp_path / "up", 1 << 20, "pack"))
    assert err.value.status == 408 and "nothing of the pack came for 0.2 s" in err.value.body.message


def test_an_upload_that_is_no_zip_is_called_the_upload_and_a_tarball_points_at_libraries(box: BoxUnderTest) -> None:
    r = box.client.post("/packs", content=b"hello this is my notes", headers=box.auth)
    assert r.status_code == 422
    assert r.json()["message"] == "the upload is not a pack: a .hatpack is a zip archive, and this is not one"
    assert "up-" not in r.text and "cut short" not in r.text
    r = box.client.post("/packs", content=b"\x1f\x8b\x08\x00" + b"\0" * 64, headers=box.auth)
    assert "push-library" in r.json()["hint"]


def test_uploads_sent_to_the_wrong_route_point_at_the_right_one(box: BoxUnderTest, good_pack: Path) -> None:
    r = box.client.post("/packs", content=zip_bytes({"kit/kick.wav": wav_bytes()}), headers=box.auth)
    assert r.status_code == 422 and "push-library" in r.json()["hint"]
    r = box.client.post("/libraries", content=good_pack.read_bytes(), headers=box.auth)
    assert r.status_code == 422 and r.json()["hint"] == ("this is a hatbox pack, not a sample library: send it with "
                                                         "hatbox push")


@pytest.mark.parametrize("name,said", [("", "the library's name is empty"), ("   ", "the library's name is empty"),
                                       ("a\x00b", "holds a control or invisible character")])
def test_a_library_name_is_checked_before_the_upload(box: BoxUnderTest, name: str, said: str) -> None:
    r = box.client.post("/libraries", params={"name": name}, content=zip_bytes({"k.wav": wav_bytes()}),
                        headers=box.auth)
    assert r.status_code == 400 and said in r.json()["message"]
    assert box.client.get("/libraries", headers=box.auth).json() == []


def test_a_library_id_keeps_the_letters_of_an_accented_name(box: BoxUnderTest) -> None:
    r = box.client.post("/libraries", params={"name": "Mes sons tôt"}, content=zip_bytes({"k.wav": wav_bytes()}),
                        headers=box.auth)
    assert r.json()["id"].startswith("lib-mes-sons-tot-") and r.json()["name"] == "Mes sons tôt"


def test_correcting_a_file_the_upload_refused_says_so(tmp_path: Path) -> None:
    box = make_box(tmp_path, tagger=default_tagger)
    assert box.push(tagger_pack(tmp_path / "t.hatpack")).status_code == 201
    kit = zip_bytes({"kit/s0.wav": wav_bytes(2400), "kit/s1.wav": wav_bytes(2880), "kit/readme.wav": b"not audio"})
    lid = box.client.post("/libraries", content=kit, headers=box.auth).json()["id"]
    assert _wait_done(box, lid)["state"] == "done"
    r = box.client.put(f"/libraries/{lid}/files/tags", json={"path": "kit/readme.wav", "tags": ["x"]},
                       headers=box.auth)
    assert r.status_code == 422 and r.json()["message"].startswith("kit/readme.wav was refused when the library was "
                                                                    "uploaded (")
    r = box.client.put(f"/libraries/{lid}/files/tags", json={"path": "", "tags": ["x"]}, headers=box.auth)
    assert r.status_code == 422 and r.json()["message"] == "no file was named (the path is empty)"


def test_not_found_is_said_as_such_with_a_hint(box: BoxUnderTest) -> None:
    r = box.client.get("/nosuch", headers=box.auth)
    assert r.status_code == 404 and r.json()["error"] == "not found" and "/docs" in r.json()["hint"]
    r = box.client.get("/libraries/nope", headers=box.auth)
    assert r.status_code == 404 and "hatbox box-library lists" in r.json()["hint"]


def test_a_pack_sent_again_says_it_was_installed_before(box: BoxUnderTest, good_pack: Path) -> None:
    first = box.push(good_pack)
    again = box.push(good_pack)
    assert first.json()["installed_before"] is False and again.json()["installed_before"] is True
    assert again.json()["pack"]["id"] == first.json()["pack"]["id"]


def test_two_libraries_of_one_name_are_told_apart_by_when_they_came(box: BoxUnderTest) -> None:
    import time
    before = time.time()
    for _ in range(2):
        assert box.client.post("/libraries", params={"name": "kit"}, content=zip_bytes({"k.wav": wav_bytes()}),
                               headers=box.auth).status_code == 201
    listed = box.client.get("/libraries", headers=box.auth).json()
    assert [lib["name"] for lib in listed] == ["kit", "kit"]
    assert all(before <= lib["uploaded"] <= time.time() for lib in listed)


def test_a_stalled_upload_leaves_no_file_on_the_box(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Through the route, on a served box: a client that sends half a pack and then nothing gets 408 and the box's
    tmp/ holds nothing of it afterwards."""
    import socket
    import time

    from device.api.server import start_in_thread
    monkeypatch.setattr(uploads, "UPLOAD_IDLE_S", 0.5)
    box = make_box(tmp_path)
    running = start_in_thread(box.app)
    try:
        host, port = running.url.split("//")[1].split(":")
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            sock.sendall(f"POST /packs HTTP/1.1\r\nHost: box\r\nAuthorization: Bearer {box.token}\r\n"
                         "Content-Type: application/octet-stream\r\nContent-Length: 100000\r\n\r\n".encode()
                         + b"x" * 20000)
            reply = b""
            while b"\r\n\r\n" not in reply:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                reply += chunk
        assert reply.startswith(b"HTTP/1.1 408")
        deadline = time.monotonic() + 5
        while list((box.store_dir / "tmp").iterdir()) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert list((box.store_dir / "tmp").iterdir()) == []
    finally:
        running.stop()


def test_the_active_pack_sent_again_with_activate_is_not_reloaded(box: BoxUnderTest, good_pack: Path) -> None:
    """Before: it was loaded into the engine again (its knobs and bypass reset) and the laptop said "now active"."""
    first = box.push(good_pack)
    pid = first.json()["pack"]["id"]
    loads = [m for m in box.control.sent if m["op"] == "load"]
    box.control.send({"op": "bypass", "slot": "effect", "on": True})
    again = box.push(good_pack)
    assert again.status_code == 201, again.text
    body = again.json()
    assert body["installed_before"] is True and body["activated"] is False and body["pack"]["active"] is True
    assert [m for m in box.control.sent if m["op"] == "load"] == loads
    assert box.control.status()["bypassed"]["effect"] is True and box.active() == pid


def test_the_active_pack_the_engine_does_not_play_is_loaded_again(box: BoxUnderTest, good_pack: Path) -> None:
    pid = box.push(good_pack).json()["pack"]["id"]
    box.control.active["effect"] = None                 # the engine refused it at start-up
    again = box.push(good_pack)
    assert again.json()["activated"] is True
    assert pid in box.control.status()["active"]["effect"]["path"]
    assert sum(m["op"] == "load" for m in box.control.sent) == 2


def test_playing_a_file_the_upload_refused_says_it_cannot_play_it(tmp_path: Path) -> None:
    """Thirty-ninth stop's QA: `box-library --play` of such a file said the box held "no copy of it to tag"."""
    box = make_box(tmp_path, tagger=default_tagger)
    assert box.push(tagger_pack(tmp_path / "t.hatpack")).status_code == 201
    kit = zip_bytes({"kit/s0.wav": wav_bytes(2400), "kit/readme.wav": b"not audio"})
    lid = box.client.post("/libraries", content=kit, headers=box.auth).json()["id"]
    assert _wait_done(box, lid)["state"] == "done"
    r = box.client.post(f"/libraries/{lid}/play", json={"path": "kit/readme.wav"}, headers=box.auth)
    assert r.status_code == 422 and r.json()["message"].endswith("the box holds no copy of it to play")


def test_a_pack_name_too_long_is_shown_cut_and_the_rule_says_ascii() -> None:
    """Thirty-ninth stop's QA: a 5000-character name was repeated whole in a 5116-character error line, and
    "Überdrive" was refused as not "letters"."""
    from export.manifest import Manifest
    from hatbox.errors import HatboxError
    from tests.api.packs import gain_manifest
    m: Manifest = gain_manifest()
    m.name = "x" * 5000
    with pytest.raises(HatboxError) as err:
        m.validate()
    assert len(str(err.value)) < 200 and "(5000 characters)" in str(err.value)
    m.name = "Überdrive"
    with pytest.raises(HatboxError, match="ASCII letters"):
        m.validate()
