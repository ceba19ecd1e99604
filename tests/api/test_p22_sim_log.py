"""``python -m device.api --sim`` keeps the box's log in its store, as ``hatbox device run`` does."""
from __future__ import annotations

import logging
from pathlib import Path

import pytest

from device.api import server
from device.logs import LOG_DIR, LOG_FILE


def test_sim_api_logs_to_the_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fake_serve(store: str, control, **kw) -> None:      # what the running API would log
        logging.getLogger("hatbox.api").warning("an upload was refused: sim-test-line")

    monkeypatch.setattr(server, "serve", fake_serve)
    assert server.main(["--sim", "--store", str(tmp_path)]) == 0
    text = (tmp_path / LOG_DIR / LOG_FILE).read_text()
    assert "sim-test-line" in text and "WARNING hatbox.api" in text
    # the handlers are taken back: a later warning does not reach the file
    logging.getLogger("hatbox.api").warning("after-the-run")
    assert "after-the-run" not in (tmp_path / LOG_DIR / LOG_FILE).read_text()
