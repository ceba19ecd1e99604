"""p49: the box's changes log (STORE/logs/changes.log: who changed what, every change a paired device made, apart from
box.log's rotation) is read from the laptop: ``GET /logs?file=changes`` and ``hatbox box-logs --changes``.  Before,
``GET /logs`` and ``hatbox box-logs`` read box.log only (``file`` was refused as an unknown query parameter).  A box
from before refuses it so: the laptop says what that box is in one line.  And a changes.log that cannot be written
turns off quietly (box.log keeps the lines), now through the same base as box.log (device/logs.py _TurnsOff)."""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import pytest

from device.logs import _ChangesFile, box_logging, changes_path, log_path
from hatbox.cli import main
from tests.api.conftest import BoxUnderTest, PairedServer

CHANGE = "pack effect-fuzz-1.0.%d-ab12 made the active effect pack by 'studio-mac' (its push)"   # device/api/app.py


def _write(store: Path, name: str, current: int, older: int = 0) -> None:
    """``name`` with lines "NAME N" (the ``current`` newest) and ``name``.1 with the ``older`` before them."""
    logs = store / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    if older:
        (logs / f"{name}.1").write_text("".join(f"{name} {n}\n" for n in range(older)))
    (logs / name).write_text("".join(f"{name} {n}\n" for n in range(older, older + current)))


def test_the_changes_log_is_answered_across_its_rotation_and_box_log_stays_the_default(box: BoxUnderTest) -> None:
    _write(box.store_dir, "box.log", current=4)
    _write(box.store_dir, "changes.log", current=2, older=30)
    r = box.client.get("/logs", params={"file": "changes", "lines": 5}, headers=box.auth)
    assert r.status_code == 200, r.text
    assert r.json() == {"file": "logs/changes.log", "lines": [f"changes.log {n}" for n in range(27, 32)],
                        "more": True, "note": None}
    everything = box.client.get("/logs", params={"file": "changes"}, headers=box.auth).json()
    assert len(everything["lines"]) == 32 and everything["more"] is False
    for params in ({}, {"file": "box"}):
        body = box.client.get("/logs", params=params, headers=box.auth).json()
        assert body["file"] == "logs/box.log" and body["lines"] == [f"box.log {n}" for n in range(4)]


def test_no_changes_log_is_said_a_wrong_file_is_a_400_and_the_token_is_needed(box: BoxUnderTest) -> None:
    _write(box.store_dir, "box.log", current=1)
    body = box.client.get("/logs", params={"file": "changes"}, headers=box.auth).json()
    assert body["lines"] == [] and body["file"] == "logs/changes.log"
    assert body["note"].startswith("the box keeps no changes log yet (logs/changes.log in its store)")
    r = box.client.get("/logs", params={"file": "box.log.1"}, headers=box.auth)
    assert r.status_code == 400 and r.json()["error"] == "bad request", r.text
    assert box.client.get("/logs", params={"file": "changes"}).status_code == 401


def test_a_volume_and_a_bypass_set_from_the_laptop_are_in_the_changes_log(box: BoxUnderTest) -> None:
    with box_logging(box.store_dir, terminal=False):
        logging.getLogger("hatbox.engine").warning("a line that is not a change")
        assert box.client.put("/volume", json={"db": -6}, headers=box.auth).status_code == 200
        assert box.client.put("/bypass/sampler", json={"on": True}, headers=box.auth).status_code == 200
        lines = box.client.get("/logs", params={"file": "changes"}, headers=box.auth).json()["lines"]
    said = [line.split(": ", 1)[1] for line in lines]
    assert len(said) == 2 and said[0].startswith("output volume set to -6 dB (was 0 dB) by '")
    assert said[1].startswith("sampler slot bypassed by '")


def test_box_logs_changes_prints_the_changes_log_only(paired_server: PairedServer, capsys: Any) -> None:
    store = paired_server.app.state.box.store.root
    with box_logging(store, terminal=False):
        for i in range(3):
            logging.getLogger("hatbox.api").info(CHANGE, i)
            logging.getLogger("hatbox.api").warning("not a change %d", i)
    capsys.readouterr()
    assert main(["box-logs", "--changes", "--lines", "2"]) == 0
    captured = capsys.readouterr()
    assert [line.split(": ", 1)[1] for line in captured.out.splitlines()] == [CHANGE % 1, CHANGE % 2]
    assert "older lines are left out: hatbox box-logs --changes --lines N shows more" in captured.err
    assert main(["box-logs", "--lines", "1"]) == 0                     # box.log as before
    assert capsys.readouterr().out.rstrip().endswith("not a change 2")


def test_box_logs_changes_says_when_the_box_keeps_none(paired_server: PairedServer, capsys: Any) -> None:
    capsys.readouterr()
    assert main(["box-logs", "--changes"]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "the box's changes log has no lines: the box keeps no changes log yet" in captured.err


def _as_older_box(app: Any) -> None:
    """``app``'s ``GET /logs`` as a box from before the forty-ninth stop has it: ``lines`` its only query parameter
    (the app's strict query check refuses any other)."""
    app.router.routes[:] = [r for r in app.router.routes if getattr(r, "path", None) != "/logs"]

    @app.get("/logs")
    def logs(lines: int = 200) -> dict[str, Any]:
        return {"file": "logs/box.log", "lines": ["a box.log line"], "more": False, "note": None}


def test_a_box_from_before_is_said_in_one_line(paired_server: PairedServer, capsys: Any) -> None:
    _as_older_box(paired_server.app)
    capsys.readouterr()
    assert main(["box-logs", "--changes"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "Traceback" not in captured.err
    assert ("the box cannot send its changes log: it runs a hatbox from before the forty-ninth stop, which sends "
            "box.log only") in captured.err
    assert "hatbox box-logs shows box.log" in captured.err
    assert main(["box-logs"]) == 0                                  # box.log as ever
    assert capsys.readouterr().out == "a box.log line\n"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_changes_log_that_cannot_be_written_turns_off_quietly_and_box_log_keeps_the_lines(
        tmp_path: Path, capsys: Any) -> None:
    changes_path(tmp_path).parent.mkdir(parents=True)
    changes_path(tmp_path).symlink_to("/dev/full")                  # every write: ENOSPC
    with box_logging(tmp_path, terminal=False) as box_log:
        handler = next(h for h in box_log.handlers if isinstance(h, _ChangesFile))
        logging.getLogger("hatbox.api").info(CHANGE, 0)
        assert handler.off
        logging.getLogger("hatbox.api").info(CHANGE, 1)
    text = log_path(tmp_path).read_text()
    assert CHANGE % 0 in text and CHANGE % 1 in text and box_log.problem is None
    assert capsys.readouterr().err == ""
