"""A corpus of bad uploads: each gets its specific, clear error, and the pack that was active
before stays active (in the store and in the engine), with no debris left in the store."""
from __future__ import annotations

import http.client
import io
import json
import struct
import tarfile
import zipfile
from pathlib import Path
from typing import Callable

import numpy as np
import pytest
import soundfile as sf

from device.api.app import ApiConfig, create_app
from device.api.server import start_in_thread
from device.api.sim import RecordingControl
from device.store import PackStore
from device.realtime_trial import trial_feeds
from export.manifest import Manifest, TensorSpec
from export.signing import generate_key, public_pem, sign_pack
from hatbox.errors import PackError
from tests.api.conftest import FAST_ENGINE, BoxUnderTest, make_box, zip_bytes
from tests.api.packs import gain_pack


def assert_still_playing(box: BoxUnderTest, pid: str) -> None:
    assert box.active() == pid
    assert box.control.active["effect"]["path"].endswith(f"{pid}/pack.hatpack")
    assert PackStore(box.store_dir).problems() == []


def _rewrite(src: Path, dst: Path, change: Callable[[str, bytes], bytes]) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, change(info.filename, zin.read(info)))
    return dst


def _truncated(tmp: Path) -> Path:
    data = gain_pack(tmp / "t.hatpack", "bad", "2.0.0").read_bytes()
    (tmp / "cut.hatpack").write_bytes(data[: len(data) * 2 // 3])
    return tmp / "cut.hatpack"


def _wrong_checksum(tmp: Path) -> Path:
    src = gain_pack(tmp / "c.hatpack", "bad", "2.0.0")
    return _rewrite(src, tmp / "sum.hatpack", lambda n, d: d[:-1] + bytes([d[-1] ^ 1]) if n == "golden.npz" else d)


def _zip_slip_pack(tmp: Path) -> Path:
    src = gain_pack(tmp / "s.hatpack", "bad", "2.0.0")
    dst = tmp / "slip.hatpack"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info))
        zout.writestr("../../evil.onnx", b"owned")
    return dst


def _zip_bomb_pack(tmp: Path) -> Path:
    dst = tmp / "bomb.hatpack"
    with zipfile.ZipFile(dst, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", b"{}")
        zf.writestr("model.onnx", b"\0" * (32 << 20))
    return dst


def _deflated(src: Path, dst: Path) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", compression=zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info))
    return dst


def _corrupt_member(tmp: Path, member: str) -> Path:
    """The pack re-zipped with deflate, then 50 bytes in the middle of ``member``'s compressed data
    inverted: zlib fails on it (or the CRC does)."""
    dst = _deflated(gain_pack(tmp / "z.hatpack", "bad", "2.0.0"), tmp / f"corrupt-{member}.hatpack")
    with zipfile.ZipFile(dst) as zf:
        info = zf.getinfo(member)
    data = bytearray(dst.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    mid = start + info.compress_size // 2
    for i in range(mid, min(mid + 50, start + info.compress_size)):
        data[i] ^= 0xFF
    dst.write_bytes(bytes(data))
    return dst


def _manifest_edit(tmp: Path, name: str, edit: Callable[[dict], None]) -> Path:
    """The good pack with its manifest changed (the members' checksums still hold)."""
    def change(member: str, data: bytes) -> bytes:
        if member != "manifest.json":
            return data
        m = json.loads(data)
        edit(m)
        return json.dumps(m).encode()
    return _rewrite(gain_pack(tmp / f"{name}-src.hatpack", "bad", "2.0.0"), tmp / f"{name}.hatpack", change)


def _huge_input(m: dict) -> None:
    m["inputs"][0]["shape"] = [1, 300_000_000]
    m["inputs"][1]["shape"] = [1, 300_000_000, 1]


PACK_CORPUS = {
    "truncated archive": (_truncated, "archive", "was the upload cut short"),
    "wrong checksum": (_wrong_checksum, "checksum", "checksum mismatch for 'golden.npz'"),
    "disallowed op": (lambda t: gain_pack(t / "op.hatpack", "bad", "2.0.0", random_op=True), "ops",
                      "RandomUniformLike"),
    "too slow for real time": (lambda t: gain_pack(t / "slow.hatpack", "bad", "2.0.0", slow=(384, 6)),
                               "realtime", "too slow for real time"),
    "wrong sample rate": (lambda t: gain_pack(t / "sr.hatpack", "bad", "2.0.0", rate=44100), "handshake",
                          "44100 Hz but the engine runs at 48000 Hz"),
    "zip-slip member": (_zip_slip_pack, "members", "'../../evil.onnx' is not allowed"),
    "zip bomb member": (_zip_bomb_pack, "members", "archive bomb"),
    "corrupt deflate data in the model": (lambda t: _corrupt_member(t, "model.onnx"), "archive",
                                          "'model.onnx' is damaged"),
    "corrupt deflate data in the manifest": (lambda t: _corrupt_member(t, "manifest.json"), "archive",
                                             "'manifest.json' is damaged"),
    "manifest claims a 300-million-sample input": (lambda t: _manifest_edit(t, "huge", _huge_input), "manifest",
                                                   "more than 16777216 values"),
    "golden tolerance not a number": (lambda t: _manifest_edit(t, "atol", lambda m: m["golden"].update(atol="abc")),
                                      "manifest", "golden.atol"),
    "an effect labelled a synth": (lambda t: _manifest_edit(t, "synth", lambda m: m.update(kind="synth")),
                                   "contract", "lacks extras"),
    "an effect labelled a tagger": (lambda t: _manifest_edit(t, "tagger", lambda m: m.update(kind="tagger")),
                                    "contract", "clip_samples"),
}


@pytest.mark.parametrize("case", list(PACK_CORPUS))
def test_bad_pack_is_refused_and_good_pack_keeps_playing(playing, tmp_path: Path, case: str) -> None:
    box, good = playing
    make, check, words = PACK_CORPUS[case]
    r = box.push(make(tmp_path))
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["error"] == "pack rejected" and body["check"] == check and words in body["message"]
    assert not (tmp_path.parent / "evil.onnx").exists()
    assert_still_playing(box, good)


def test_real_time_trial_refuses_an_input_too_large_for_one_call() -> None:
    # fixed dims under the manifest's cap, times the engine's block of 128: far over it. The trial
    # must refuse before it allocates (a 300-million-sample claim once had the box killed for memory)
    m = Manifest(kind="effect", name="big", version="1.0.0", sample_rate=48000,
                 inputs=[TensorSpec("audio_in", (1 << 20, "T"))], outputs=[TensorSpec("audio_out", (1, "T"))])
    with pytest.raises(PackError, match="more than 16777216 values") as err:
        trial_feeds(m.validate(), 128)
    assert err.value.check == "realtime"
    assert trial_feeds(m, 8)["audio_in"].shape == (1 << 20, 8)       # under the cap: built as before


def test_tampered_manifest_fails_signature(tmp_path: Path) -> None:
    key = generate_key()
    keys = tmp_path / "keys"
    keys.mkdir()
    (keys / "me.pub").write_bytes(public_pem(key.public_key()))
    box = make_box(tmp_path, require_signature=True, trusted_keys=keys)
    good = box.push(sign_pack(gain_pack(tmp_path / "g.hatpack", "good", "1.0.0"), key)).json()["pack"]
    assert good["signed_by"] and good["active"]

    def tamper(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        d = json.loads(data)
        d["knobs"][0]["max"] = 100.0              # checksums still match: only the signature can tell
        return json.dumps(d).encode()
    bad = _rewrite(sign_pack(gain_pack(tmp_path / "b.hatpack", "bad", "2.0.0"), key), tmp_path / "x.hatpack", tamper)
    r = box.push(bad)
    assert r.status_code == 422 and r.json()["check"] == "signature"
    assert "(or changed since it was signed)" in r.json()["message"]
    unsigned = box.push(gain_pack(tmp_path / "u.hatpack", "bad", "3.0.0"))
    assert unsigned.json()["check"] == "signature" and "not signed" in unsigned.json()["message"]
    assert_still_playing(box, good["id"])


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_no_token_or_wrong_token(playing, good_pack: Path, token: str | None) -> None:
    box, good = playing
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    r = box.client.post("/packs", params={"activate": True}, content=good_pack.read_bytes(), headers=headers)
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert ("needs a token" if token is None else "does not accept this token") in r.json()["message"]
    assert_still_playing(box, good)


# ------------------------------------------------------------------------ libraries
def _wav(seconds: float = 0.05, rate: int = 48000) -> bytes:
    buf = io.BytesIO()
    sf.write(buf, np.zeros(int(seconds * rate), np.float32), rate, format="WAV", subtype="PCM_16")
    return buf.getvalue()


def _lying_wav() -> bytes:
    data = bytearray(_wav())
    pos = data.index(b"data")
    struct.pack_into("<I", data, pos + 4, 10_000_000)        # claims ~10 MB of audio
    return bytes(data)


def test_library_zip_slip_and_lying_wav_rejected_per_file(playing, tmp_path: Path) -> None:
    box, good = playing
    arc = tmp_path / "lib.zip"
    with zipfile.ZipFile(arc, "w") as zf:
        zf.writestr("kicks/kick.wav", _wav())
        zf.writestr("../../../escape.wav", _wav())
        zf.writestr("/etc/abs.wav", _wav())
        zf.writestr("snares/liar.wav", _lying_wav())
        zf.writestr("snares/noise.wav", b"RIFF\x10\0\0\0WAVEjunkjunk")
        zf.writestr("readme.txt", b"hello")
    r = box.client.post("/libraries", params={"name": "drums"}, content=arc.read_bytes(), headers=box.auth)
    assert r.status_code == 201, r.text
    body = r.json()
    reasons = {f["path"]: f["reason"] for f in body["files"] if not f["ok"]}
    assert body["accepted"] == 1 and [f["path"] for f in body["files"] if f["ok"]] == ["kicks/kick.wav"]
    assert "goes outside the library" in reasons["../../../escape.wav"]
    assert "absolute" in reasons["/etc/abs.wav"]
    assert "WAV header claims 10000000 bytes" in reasons["snares/liar.wav"]
    assert reasons["snares/noise.wav"] and "not an audio file" in reasons["readme.txt"]
    assert not list(tmp_path.rglob("escape.wav"))
    assert box.client.get(f"/libraries/{body['id']}", headers=box.auth).json()["accepted"] == 1
    assert_still_playing(box, good)


def test_library_zip_bomb_refused_whole(playing, tmp_path: Path) -> None:
    box, good = playing
    arc = tmp_path / "bomb.zip"
    with zipfile.ZipFile(arc, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.wav", _wav())
        zf.writestr("b.wav", b"\0" * (48 << 20))
    r = box.client.post("/libraries", content=arc.read_bytes(), headers=box.auth)
    assert r.status_code == 422 and "archive bomb" in r.json()["message"]
    assert box.client.get("/libraries", headers=box.auth).json() == []
    assert_still_playing(box, good)


def test_library_truncated_tar_refused(playing, tmp_path: Path) -> None:
    box, good = playing
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        info = tarfile.TarInfo("a.wav")
        info.size = len(_wav(1.0))
        tf.addfile(info, io.BytesIO(_wav(1.0)))
    r = box.client.post("/libraries", content=buf.getvalue()[:200], headers=box.auth)
    assert r.status_code == 422 and "cut short" in r.json()["message"]
    assert_still_playing(box, good)


# ----------------------------------------------------------------------- 2 GB upload
def _stream_upload(url: str, token: str, total: int, declare: bool) -> tuple[int, dict | None, int]:
    """Send a lazily generated ``total``-byte body; returns (status, body, bytes actually sent)."""
    host, port = url.split("//")[1].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    conn.putrequest("POST", "/packs")
    conn.putheader("Authorization", f"Bearer {token}")
    conn.putheader("Content-Type", "application/octet-stream")
    conn.putheader(*(("Content-Length", str(total)) if declare else ("Transfer-Encoding", "chunked")))
    conn.endheaders()
    sent, chunk = 0, b"\0" * (1 << 20)
    try:
        while sent < total:
            conn.send(chunk if declare else b"%x\r\n%s\r\n" % (len(chunk), chunk))
            sent += len(chunk)
    except (BrokenPipeError, ConnectionResetError):
        pass                                   # the box hung up: it has refused the body
    resp = conn.getresponse()
    try:
        body = json.loads(resp.read())
    except (http.client.IncompleteRead, ConnectionResetError):
        # the box hangs up on a body it will not read; with the sender still sending, the kernel may answer the
        # unread bytes with a reset that cuts the answer's body short (the status line has arrived)
        body = None
    return resp.status, body, sent


@pytest.mark.parametrize("declare", [True, False], ids=["content-length", "chunked"])
def test_two_gigabyte_upload_refused_at_limit(tmp_path: Path, good_pack: Path, declare: bool) -> None:
    codes: list[str] = []
    control = RecordingControl()
    limit = 16 << 20
    app = create_app(tmp_path / "box", control, ApiConfig(engine=FAST_ENGINE, on_code=codes.append,
                                                          max_pack_bytes=limit))
    server = start_in_thread(app)
    try:
        from fastapi.testclient import TestClient
        client = TestClient(app)
        token = client.post("/pair", json={"code": codes[-1]}).json()["token"]
        hdr = {"Authorization": f"Bearer {token}"}
        good = client.post("/packs?activate=true", content=good_pack.read_bytes(), headers=hdr).json()["pack"]["id"]
        status, body, sent = _stream_upload(server.url, token, 2 << 30, declare)
        assert status == 413
        assert body is None or (body["error"] == "too large" and str(limit) in body["message"])
        assert sent < 2 * limit + (8 << 20)             # the box hung up long before 2 GB
        assert not list((tmp_path / "box" / "tmp").iterdir())
        assert client.get("/status", headers=hdr).json()["active"]["effect"] == good
    finally:
        server.stop()


# ------------------------------------------------------------- malformed library archives
def _lib_tar(members: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT, encoding="utf-8",
                      errors="surrogateescape") as tf:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _lib_zip_corrupt_member() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("bad.wav", _wav())
        zf.writestr("kit/good.wav", _wav())
    data = bytearray(buf.getvalue())
    for k in range(30 + len("bad.wav") + 5, 30 + len("bad.wav") + 45):
        data[k] ^= 0x55                      # damage bad.wav's deflate stream
    return bytes(data)


def _lib_zip_bad_utf8_name() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("badXname.wav", _wav())
        zf.writestr("kit/good.wav", _wav())
    data = bytearray(buf.getvalue().replace(b"badXname", b"bad\xffname"))
    for sig, flag_at in ((b"PK\x03\x04", 7), (b"PK\x01\x02", 9)):      # flag the names as UTF-8
        at = data.find(sig)
        while at >= 0:
            data[at + flag_at] |= 0x08
            at = data.find(sig, at + 4)
    return bytes(data)


MALFORMED_LIBRARIES = {
    "tar name not UTF-8": (lambda: _lib_tar([("bad\udcff.wav", _wav()), ("kit/good.wav", _wav())]),
                           "bad\\xff.wav", "not valid UTF-8"),
    "tar file then folder of that name": (lambda: _lib_tar([("k.wav", _wav()), ("k.wav/x.wav", _wav()),
                                                            ("kit/good.wav", _wav())]), "k.wav/x.wav", "clashes"),
    "zip member with corrupt deflate data": (_lib_zip_corrupt_member, "bad.wav", "damaged inside the zip"),
    "zip name with an 8-bit CSI and a bidi override": (lambda: zip_bytes({"\x9b2Jwipe\u202evaw.wav": _wav(),
                                                                         "kit/good.wav": _wav()}),
                                                       "\x9b2Jwipe\u202evaw.wav", "non-printable"),
}


def _raw_client(box: BoxUnderTest):
    """A client that returns what the box answers to a server error (a 500) instead of raising it."""
    from fastapi.testclient import TestClient
    return TestClient(box.app, raise_server_exceptions=False)


@pytest.mark.parametrize("case", list(MALFORMED_LIBRARIES))
def test_malformed_library_member_rejected_per_file_rest_kept(playing, case: str) -> None:
    box, good = playing
    make, bad_path, why = MALFORMED_LIBRARIES[case]
    client = _raw_client(box)
    r = client.post("/libraries", params={"name": "odd"}, content=make(), headers=box.auth)
    assert r.status_code == 201, r.text
    body = r.json()
    reasons = {f["path"]: f["reason"] for f in body["files"] if not f["ok"]}
    assert why in reasons[bad_path] and "kit/good.wav" in [f["path"] for f in body["files"] if f["ok"]]
    assert str(box.store_dir) not in r.text
    assert box.library_dirs() == [body["id"]]
    assert (box.store_dir / "libraries" / body["id"] / "files" / "kit" / "good.wav").is_file()
    assert_still_playing(box, good)


def test_library_reasons_never_name_the_box_paths(playing) -> None:
    box, good = playing
    bad = {"kit/bad.flac": b"fLaC" + b"\0" * 300, "kit/bad.wav": b"RIFF\x10\0\0\0WAVEjunkjunk"}
    r = box.client.post("/libraries", content=zip_bytes({**bad, "kit/good.wav": _wav()}), headers=box.auth)
    assert r.status_code == 201, r.text
    reasons = [f["reason"] for f in r.json()["files"] if not f["ok"]]
    assert len(reasons) == 2 and all(reasons)
    assert str(box.store_dir) not in r.text and "partial" not in r.text and "libraries/" not in r.text
    assert reasons[0].startswith("undecodable audio (")                   # its path is beside it, not inside
    r = _raw_client(box).post("/libraries", content=zip_bytes(bad), headers=box.auth)     # nothing accepted
    assert r.status_code == 422 and "no audio file in the archive was accepted" in r.json()["message"]
    assert "kit/bad.flac" in r.json()["message"] and str(box.store_dir) not in r.text
    assert len(box.library_dirs()) == 1                       # the first library only: no empty one kept


def test_library_zip_with_a_name_falsely_flagged_utf8_refused_whole_nothing_left(playing) -> None:
    box, good = playing
    r = _raw_client(box).post("/libraries", content=_lib_zip_bad_utf8_name(), headers=box.auth)
    assert r.status_code == 422 and r.json()["error"] == "archive rejected", r.text
    assert "zip the folder again" in r.json()["message"]
    assert box.library_dirs() == [] and box.client.get("/libraries", headers=box.auth).json() == []


def test_library_damaged_xz_stream_refused_whole_nothing_left(playing) -> None:
    box, good = playing
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:xz") as tf:
        for i in range(3):
            data = np.random.default_rng(i).bytes(200_000)
            info = tarfile.TarInfo(f"kit/{i}.wav")
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    data = bytearray(buf.getvalue())
    for k in range(len(data) // 2, len(data) // 2 + 64):
        data[k] ^= 0xA5                              # lzma cannot list the members past this
    client = _raw_client(box)
    r = client.post("/libraries", content=bytes(data), headers=box.auth)
    assert r.status_code == 422 and r.json()["error"] == "archive rejected", r.text
    assert "damaged" in r.json()["message"]
    assert box.library_dirs() == [] and box.client.get("/libraries", headers=box.auth).json() == []
    assert_still_playing(box, good)


def test_library_unforeseen_unpack_error_is_a_clean_422_and_leaves_nothing(playing,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import device.library.archive as archive

    box, good = playing

    def boom(*_args):
        raise RuntimeError("nobody foresaw this")
    monkeypatch.setattr(archive, "_extract_one", boom)
    monkeypatch.setattr(archive, "_one", boom, raising=False)
    client = _raw_client(box)
    r = client.post("/libraries", content=zip_bytes({"kit/a.wav": _wav()}), headers=box.auth)
    assert r.status_code == 422 and r.json()["error"] == "archive rejected", r.text
    assert "Traceback" not in r.text and str(box.store_dir) not in r.text
    assert box.library_dirs() == []
    assert_still_playing(box, good)


@pytest.mark.parametrize("errno_, status", [(28, 507), (5, 500)],
                         ids=["disk full", "io error"])                 # EIO: the box's storage failed
def test_library_failure_after_unpacking_is_a_clean_answer(playing, monkeypatch: pytest.MonkeyPatch,
                                                          errno_: int, status: int) -> None:
    box, good = playing

    def broken(*_args):
        raise OSError(errno_, "the disk said no", str(box.store_dir / "libraries" / "x" / "library.json"))
    monkeypatch.setattr(box.app.state.box.libraries, "ingest", broken)
    r = _raw_client(box).post("/libraries", content=zip_bytes({"kit/a.wav": _wav()}), headers=box.auth)
    assert r.status_code == status, r.text
    assert r.json()["message"] and "Traceback" not in r.text and str(box.store_dir) not in r.text
    assert not list((box.store_dir / "tmp").iterdir())           # the upload itself is not kept
    assert_still_playing(box, good)


def test_library_whose_record_cannot_be_written_is_taken_away_whole(playing, monkeypatch: pytest.MonkeyPatch) -> None:
    box, good = playing
    libs = box.app.state.box.libraries

    def full(*_args):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(libs, "_save", full)
    r = _raw_client(box).post("/libraries", content=zip_bytes({"kit/a.wav": _wav()}), headers=box.auth)
    assert r.status_code == 507, r.text
    assert not list(libs.root.glob("*.partial"))     # p25: written in its staging folder, which goes too
    assert box.library_dirs() == []                   # the unpacked files went with the failed record
    assert_still_playing(box, good)
