"""Fixtures for the device API: an app over a temporary store, a recording engine control,
a paired client, and a few packs built with onnx.helper."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from device.api.app import ApiConfig, create_app
from device.api.sim import RecordingControl
from device.validate import EngineSpec
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
