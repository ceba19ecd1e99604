"""The pairing code never reaches the box's log file (p21).  It is a secret: whoever reads box.log (``GET /logs``
from any paired laptop, ``hatbox box-logs``, a copied store) must not be able to pair with it.  An API started
without ``hatbox device run``'s ``on_code`` shows it with device.api.app.log_code, which used to log it as a
warning: inside the box's logging (device/logs.py) that line went to STORE/logs/box.log.  Now it is printed on
stderr only, still readable on the terminal as ``pairing code: ...``."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from device.api.app import ApiConfig, create_app
from device.api.sim import RecordingControl
from device.logs import box_logging, log_path
from tests.api.conftest import FAST_ENGINE


def test_the_pairing_code_is_shown_on_the_terminal_but_never_written_to_box_log(tmp_path: Path,
                                                                                   capsys: Any) -> None:
    store = tmp_path / "box"
    with box_logging(store, terminal=True) as box_log:
        app = create_app(store, RecordingControl(), ApiConfig(engine=FAST_ENGINE))   # the default on_code
        first = app.state.box.pairing.current()
        client = TestClient(app)
        r = client.post("/pair", json={"code": first, "name": "laptop"})
        assert r.status_code == 200, r.text
        second = app.state.box.pairing.current()                          # a fresh code once one is used
        token = r.json()["token"]
        tail = client.get("/logs", headers={"Authorization": f"Bearer {token}"}).json()["lines"]
    assert box_log.path == log_path(store) and log_path(store).is_file()
    text = log_path(store).read_text()
    assert first != second
    assert first not in text and second not in text and "pairing code" not in text, text
    assert not any(first in line or second in line for line in tail)
    err = capsys.readouterr().err
    assert f"pairing code: {first}" in err and f"pairing code: {second}" in err
