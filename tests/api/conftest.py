"""Fixtures for the device API: an app over a temporary store, a recording engine control,
a paired client, a box playing a good pack, a laptop paired with a served box, a few packs built with
onnx.helper, and the bytes of small WAV and zip uploads."""
from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pytest
import soundfile as sf
from fastapi.testclient import TestClient

from device.api.app import ApiConfig, create_app
from device.api.sim import RecordingControl
from device.validate import EngineSpec
from hatbox.cli import main
from tests.api.packs import gain_pack

FAST_ENGINE = EngineSpec(trial_seconds=0.05)


@dataclass
class BoxUnderTest:
    app: Any
    client: TestClient
    control: RecordingControl
    store_dir: Path
    codes: list[str]
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def push(self, path: Path, activate: bool = True) -> Any:
        return self.client.post("/packs", params={"activate": activate}, content=path.read_bytes(),
                                headers=self.auth)

    def active(self, slot: str = "effect") -> str | None:
        return self.client.get("/status", headers=self.auth).json()["active"][slot]

    def tagged(self, lid: str, seconds: float = 20.0) -> dict[str, Any]:
        """Library ``lid``'s record (GET /libraries/{id}) once its tagging has ended (``seconds`` at most)."""
        import time
        end = time.monotonic() + seconds
        while True:
            body = self.client.get(f"/libraries/{lid}", headers=self.auth).json()
            if body["state"] != "tagging":
                return body
            assert time.monotonic() < end, body
            time.sleep(0.02)

    def library_dirs(self) -> list[str]:
        """The names of the folders in the store's libraries/, sorted."""
        return sorted(p.name for p in (self.store_dir / "libraries").iterdir())


def make_box(tmp_path: Path, **cfg: Any) -> BoxUnderTest:
    codes: list[str] = []
    control = RecordingControl()
    config = ApiConfig(engine=cfg.pop("engine", FAST_ENGINE), on_code=codes.append, **cfg)
    app = create_app(tmp_path / "box", control, config)
    client = TestClient(app)
    token = client.post("/pair", json={"code": codes[-1], "name": "test"}).json()["token"]
    return BoxUnderTest(app, client, control, tmp_path / "box", codes, token)


@pytest.fixture
def box(tmp_path: Path) -> BoxUnderTest:
    return make_box(tmp_path)


@pytest.fixture
def good_pack(tmp_path: Path) -> Path:
    return gain_pack(tmp_path / "good.hatpack", "good", "1.0.0")


@pytest.fixture
def playing(tmp_path: Path) -> tuple[BoxUnderTest, str]:
    """A box with a good effect pack active: (the box, the pack's id)."""
    box = make_box(tmp_path)
    r = box.push(gain_pack(tmp_path / "good.hatpack", "good", "1.0.0"))
    assert r.status_code == 201, r.text
    return box, r.json()["pack"]["id"]


def start_remote_box(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, list[str], RecordingControl, Any]:
    """A box API served on a loopback port for the laptop commands (hatbox pair/push...): the laptop's config under
    ``tmp_path/cfg``, no HATBOX_URL/TOKEN from the environment.  (running server, pairing codes shown so far,
    the control it records, the app); the caller stops the server."""
    from device.api.server import start_in_thread
    monkeypatch.setenv("HATBOX_CONFIG", str(tmp_path / "cfg" / "remote.json"))
    for var in ("HATBOX_URL", "HATBOX_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    codes: list[str] = []
    control = RecordingControl()
    app = create_app(tmp_path / "box", control, ApiConfig(engine=FAST_ENGINE, on_code=codes.append))
    return start_in_thread(app), codes, control, app


class PairedServer(NamedTuple):
    """What :func:`paired_server` yields: the running server, its app, the control it records."""
    running: Any
    app: Any
    control: RecordingControl


@pytest.fixture
def paired_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[PairedServer]:
    """A box served on a loopback port (:func:`start_remote_box`) that the laptop (`hatbox pair ... --name
    laptop`) is paired with, so `hatbox push`, `box-pack`, `push-library`... reach it; stopped afterwards."""
    running, codes, control, app = start_remote_box(tmp_path, monkeypatch)
    assert main(["pair", running.url, "--code", codes[-1], "--name", "laptop"]) == 0
    yield PairedServer(running, app, control)
    running.stop()


def wav_bytes(n: int = 2400, rate: int = 48000, fmt: str = "WAV") -> bytes:
    """A file's bytes in ``fmt`` (a soundfile format, its default subtype): ``n`` frames of a -0.5..0.5 ramp
    at ``rate`` Hz, mono."""
    buf = io.BytesIO()
    sf.write(buf, np.linspace(-0.5, 0.5, n, dtype=np.float32), rate, format=fmt)
    return buf.getvalue()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    """The bytes of a zip archive (members stored, zipfile's default) of ``members`` {name: data}, in order."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def spy_uploads(monkeypatch: pytest.MonkeyPatch, module: Any) -> list[tuple[str, Path]]:
    """(route, file) of every upload the laptop commands of ``module`` (hatbox.cmd_remote, hatbox.cmd_box_library)
    make from now on, in order; the real upload still runs."""
    from hatbox import box_client
    made: list[tuple[str, Path]] = []

    def spy(client: Any, route: str, path: Path, *args: Any, **kw: Any) -> Any:
        made.append((route, path))
        return box_client.upload(client, route, path, *args, **kw)

    monkeypatch.setattr(module, "upload", spy)
    return made
