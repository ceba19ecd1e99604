"""`hatbox pair / push / push-library / status` against a real uvicorn server on 127.0.0.1
(plain HTTP and TLS with a self-signed certificate), and their errors."""
from __future__ import annotations

import datetime
import ipaddress
import io
import json
import socket
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from device.api.app import ApiConfig, create_app
from device.api.server import start_in_thread
from device.api.sim import RecordingControl
from hatbox.cli import main
from tests.api.conftest import FAST_ENGINE, start_remote_box
from tests.api.packs import gain_pack


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    running, codes, control, _ = start_remote_box(tmp_path, monkeypatch)
    yield running, codes, control
    running.stop()


BROWSE_S = 3.0                               # the CLI's own: 2 s left ~0.8 s of margin on a loaded CI worker


def _quick_browse(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """`hatbox pair` with no URL listens BROWSE_S seconds for boxes instead of its 3 s, and only its first look
    really listens: each later `hatbox pair` of the test is given what that look found (the boxes advertised stay
    the same for the whole test), so the CLI's choice among them is checked once a look, not the look itself.
    A box advertised a moment before answers the browser's second query, about 1 s in (an answer is not sent again
    within 1 s of its announcement), on 127.0.0.1 within 0.1 s of it (2 s would take a second off each look, at
    too thin a margin under load).  Returns the count of looks asked for, one item a look."""
    from device.api import discovery
    real = discovery.browse_named
    seen: list[list[tuple[str, str]]] = []
    asked: list[int] = []

    def browse_named(seconds: float = 3.0, interface: str | None = None) -> list[tuple[str, str]]:
        assert seconds == 3.0                    # what the CLI asks for: shortened here only
        asked.append(1)
        if not seen:
            seen.append(real(BROWSE_S, interface))
        return list(seen[0])
    monkeypatch.setattr(discovery, "browse_named", browse_named)
    return asked


def _advertise_all(names_ports: list[tuple[str, int]]) -> list[Any]:
    """The advertisements of (name, port) on 127.0.0.1, made side by side (each probes the network ~2 s first);
    all closed again if one fails."""
    from concurrent.futures import ThreadPoolExecutor

    from device.api.discovery import advertise
    with ThreadPoolExecutor(len(names_ports)) as pool:
        futures = [pool.submit(advertise, name, port, "127.0.0.1") for name, port in names_ports]
    made = [f.result() for f in futures if f.exception() is None]
    if len(made) < len(futures):
        for ad in made:
            ad.close()
        next(f for f in futures if f.exception() is not None).result()
    return made


def _pair(url: str, codes: list[str], *extra: str) -> int:
    return main(["pair", url, "--code", codes[-1], "--name", "laptop", *extra])


def test_pair_push_status(server, tmp_path: Path, capsys) -> None:
    running, codes, control = server
    assert _pair(running.url, codes) == 0
    cfg = json.loads((tmp_path / "cfg" / "remote.json").read_text())
    assert cfg["url"] == running.url and cfg["token"]
    assert ((tmp_path / "cfg" / "remote.json").stat().st_mode & 0o777) == 0o600
    pack = gain_pack(tmp_path / "fx.hatpack", "fuzz", "1.2.3")
    assert main(["push", str(pack), "--activate", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "fuzz 1.2.3 (effect) installed on the box at" in out and "passed every check: archive, " in out
    assert "now active" in out
    assert control.active["effect"]["path"].endswith("pack.hatpack")
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    assert "effect  effect-fuzz-1.2.3-" in out and "xruns (dropouts) 0" in out


def test_push_rejected_pack_names_the_check(server, tmp_path: Path, capsys) -> None:
    running, codes, _ = server
    _pair(running.url, codes)
    bad = gain_pack(tmp_path / "bad.hatpack", "bad", "1.0.0", random_op=True)
    assert main(["push", str(bad), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "the box refused the pack (its ops check)" in err and "RandomUniformLike" in err and "Traceback" not in err


def test_wrong_token_and_unreachable_box(server, tmp_path: Path, capsys) -> None:
    running, codes, _ = server
    _pair(running.url, codes)
    assert main(["status", "--token", "nope"]) == 2
    err = capsys.readouterr().err
    assert "the box refused" in err and "pair again" in err
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    assert main(["status", "--url", dead, "--token", "t"]) == 2     # (the saved token goes to its own box only)
    assert "cannot reach the box" in capsys.readouterr().err
    assert main(["pair", running.url, "--code", "WRNG23"]) == 2
    assert "wrong or expired pairing code" in capsys.readouterr().err


def test_push_library_folder_reports_rejections(server, tmp_path: Path, capsys) -> None:
    running, codes, _ = server
    _pair(running.url, codes)
    lib = tmp_path / "drums"
    (lib / "kick").mkdir(parents=True)
    buf = io.BytesIO()
    sf.write(buf, np.zeros(4800, np.float32), 48000, format="WAV")
    (lib / "kick" / "k1.wav").write_bytes(buf.getvalue())
    (lib / "kick" / "broken.wav").write_bytes(b"RIFF....WAVEnope")
    assert main(["push-library", str(lib), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "1 file accepted, 1 rejected" in out and "rejected kick/broken.wav" in out
    assert "not tagged: no tagger pack is active" in out
    arc = tmp_path / "more.zip"
    with zipfile.ZipFile(arc, "w") as zf:
        zf.writestr("../../x.wav", buf.getvalue())
    assert main(["push-library", str(arc), "--quiet"]) == 2      # nothing accepted: nothing kept on the box
    assert "goes outside the library" in capsys.readouterr().err


def _self_signed(tmp_path: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "hatbox.local")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / "box.pem", tmp_path / "box.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def test_tls_with_user_certificate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("HATBOX_CONFIG", str(tmp_path / "remote.json"))
    cert, key = _self_signed(tmp_path)
    codes: list[str] = []
    app = create_app(tmp_path / "box", RecordingControl(), ApiConfig(engine=FAST_ENGINE, on_code=codes.append))
    running = start_in_thread(app, certfile=cert, keyfile=key)
    try:
        assert running.url.startswith("https://")
        assert _pair(running.url, codes) == 2
        assert "TLS certificate this computer does not trust" in capsys.readouterr().err
        assert _pair(running.url, codes, "--ca", str(cert)) == 0
        assert main(["push", str(gain_pack(tmp_path / "a.hatpack")), "--quiet"]) == 0
        assert "gain 1.0.0 (effect) installed on the box at" in capsys.readouterr().out
    finally:
        running.stop()


def test_pair_finds_the_box_by_mdns_and_picks_one_of_several_by_name(server, monkeypatch: pytest.MonkeyPatch,
                                                                    capsys) -> None:
    """Two boxes advertised on 127.0.0.1 (one look on the network, see _quick_browse), in order: `hatbox pair`
    with no --box lists them both and refuses; --box with a name no box has says what answered; --box with the
    name finds that box and pairs; --box with the name in capitals (case ignored) finds it as well."""
    running, codes, _ = server
    port = int(running.url.rsplit(":", 1)[1])
    monkeypatch.setenv("HATBOX_MDNS_INTERFACE", "127.0.0.1")
    mine, other = f"studio-a-{port}", f"studio-b-{port}"     # another box on this network (a developer's) is no matter
    looks = _quick_browse(monkeypatch)
    ads = _advertise_all([(mine, port), (other, port + 1)])
    try:
        assert main(["pair", "--code", codes[-1]]) == 2
        err = capsys.readouterr().err
        assert "several boxes answered" in err and f"{mine} at {running.url}" in err and "--box NAME" in err
        assert main(["pair", "--code", codes[-1], "--box", "nobody"]) == 2
        err = capsys.readouterr().err
        assert "no box named 'nobody' answered" in err and other in err
        assert main(["pair", "--code", codes[-1], "--box", mine]) == 0
        assert f"found a box at {running.url} ({mine})" in capsys.readouterr().out
        assert main(["pair", "--code", codes[-1], "--box", mine.upper()]) == 0
        assert f"found a box at {running.url} ({mine})" in capsys.readouterr().out
    finally:
        for ad in ads:
            ad.close()
    assert len(looks) == 4                       # each `hatbox pair` looked for boxes


def test_start_api_one_call(tmp_path: Path, capsys) -> None:
    import httpx

    from device.api.server import start_api

    running = start_api(tmp_path / "box", RecordingControl(), host="127.0.0.1", port=0, rate=44100, block=64,
                        advertise=False)
    try:
        code = capsys.readouterr().out.split("pairing code: ")[1].split()[0]
        token = httpx.post(f"{running.url}/pair", json={"code": code}).json()["token"]
        r = httpx.post(f"{running.url}/packs", content=gain_pack(tmp_path / "a.hatpack").read_bytes(),
                       headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 422 and "engine runs at 44100 Hz" in r.json()["message"]
    finally:
        running.stop()


# ------------------------------------------------------------------ CLI rough edges
def test_pair_with_a_non_url_says_what_an_address_looks_like(server, capsys) -> None:
    assert main(["pair", "notaurl", "--code", "ABC"]) == 2
    err = capsys.readouterr().err
    assert "not a box address" in err and "http://HOST:PORT" in err and "internal error" not in err


@pytest.mark.parametrize("code", ["", None], ids=["empty --code", "closed stdin"])
def test_pair_without_a_code_is_a_clear_error(server, monkeypatch: pytest.MonkeyPatch, capsys, code) -> None:
    running, _, _ = server
    monkeypatch.setattr("sys.stdin", io.StringIO(""))          # nothing to read: EOF at the prompt
    assert main(["pair", running.url, *(["--code", code] if code is not None else [])]) == 2
    err = capsys.readouterr().err
    assert "no pairing code given" in err and "--code" in err and "internal error" not in err


def test_push_library_single_audio_file_is_not_a_library(server, tmp_path: Path, capsys) -> None:
    running, codes, _ = server
    _pair(running.url, codes)
    one = tmp_path / "one.wav"
    sf.write(one, np.zeros(480, np.float32), 48000)
    assert main(["push-library", str(one), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "one.wav is a single audio file, not a library" in err and "folder" in err
    assert len(err.strip().splitlines()) == 2                     # the message and its hint, nothing more


def test_push_library_prints_hostile_names_escaped(server, tmp_path: Path, capsys) -> None:
    running, codes, _ = server
    _pair(running.url, codes)
    buf = io.BytesIO()
    sf.write(buf, np.zeros(480, np.float32), 48000, format="WAV")
    arc = tmp_path / "evil.zip"
    with zipfile.ZipFile(arc, "w") as zf:
        zf.writestr("\x1b[2J\x1b]0;owned\x07.wav", buf.getvalue())
        zf.writestr("rtl\u202evaw.exe.wav", buf.getvalue())
        zf.writestr("ok.wav", buf.getvalue())
    assert main(["push-library", str(arc), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "1 file accepted, 2 rejected" in out
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "refused \\x1b[2J\\x1b]0;owned\\x07.wav: unsafe path" in out and "rtl\\u202evaw.exe.wav" in out


def test_push_library_keeps_links_inside_and_says_what_it_skipped(server, tmp_path: Path, capsys) -> None:
    running, codes, _ = server
    _pair(running.url, codes)
    buf = io.BytesIO()
    sf.write(buf, np.zeros(480, np.float32), 48000, format="WAV")
    lib, shared = tmp_path / "drums", tmp_path / "shared"
    (lib / "kick").mkdir(parents=True)
    shared.mkdir()
    (lib / "kick" / "k1.wav").write_bytes(buf.getvalue())
    (shared / "s1.wav").write_bytes(buf.getvalue())
    (lib / "snare").symlink_to(shared)
    (lib / "k1-link.wav").symlink_to(lib / "kick" / "k1.wav")
    (lib / "kick" / "loop").symlink_to(lib)
    assert main(["push-library", str(lib), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "1 file accepted, 0 rejected" in out                  # k1-link.wav is kick/k1.wav: sent once
    assert "skipped kick/loop: folder link loops back" in out and "1 link to a file already in the folder" in out
    assert "skipped snare: link to " in out and "outside the folder: not sent" in out     # shared/ stays here


def test_box_library_tag_with_a_slash_gives_the_tag_rule(server, capsys) -> None:
    running, codes, _ = server
    _pair(running.url, codes)
    assert main(["box-library", "lib-x", "--tag", "a/b"]) == 2
    err = capsys.readouterr().err
    assert "'a/b' cannot be a tag" in err and "slash" in err and "404" not in err


def test_a_library_is_named_after_its_folder_or_archive(tmp_path: Path, monkeypatch) -> None:
    from hatbox.library_archive import library_name
    (tmp_path / "Kit v1.2").mkdir()
    assert library_name(tmp_path / "Kit v1.2") == "Kit v1.2"            # was "Kit v1"
    monkeypatch.chdir(tmp_path / "Kit v1.2")
    assert library_name(Path(".")) == "Kit v1.2"                        # was "library"
    for name in ("drums.tar.gz", "drums.zip", "drums.tgz", "drums.tar"):
        (tmp_path / name).write_bytes(b"")
        assert library_name(tmp_path / name) == "drums"
