"""The box's log from a laptop (p20): ``GET /logs?lines=N`` answers the tail of STORE/logs/box.log (continued from
box.log.1 just after a rotation; token required), and ``hatbox box-logs [--lines N]`` prints it.  Before, the log
(stderr) could only be read on the box itself."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from device.logs import box_logging
from hatbox.cli import main
from tests.api.conftest import BoxUnderTest, PairedServer


def _write_log(store: Path, current: int, older: int = 0) -> None:
    """box.log with lines "line N" (the ``current`` newest) and box.log.1 with the ``older`` before them."""
    logs = store / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    if older:
        (logs / "box.log.1").write_text("".join(f"line {n}\n" for n in range(older)))
    (logs / "box.log").write_text("".join(f"line {n}\n" for n in range(older, older + current)))


def test_logs_needs_the_token(box: BoxUnderTest) -> None:
    r = box.client.get("/logs")
    assert r.status_code == 401, r.text


def test_logs_answers_the_last_lines_across_a_rotation(box: BoxUnderTest) -> None:
    _write_log(box.store_dir, current=3, older=300)
    r = box.client.get("/logs", params={"lines": 5}, headers=box.auth)
    assert r.status_code == 200, r.text
    assert r.json() == {"file": "logs/box.log", "lines": [f"line {n}" for n in range(298, 303)], "more": True,
                        "note": None}
    body = box.client.get("/logs", headers=box.auth).json()                    # 200 by default
    assert body["lines"] == [f"line {n}" for n in range(103, 303)] and body["more"] is True
    body = box.client.get("/logs", params={"lines": 5000}, headers=box.auth).json()
    assert len(body["lines"]) == 303 and body["more"] is False


def test_logs_without_a_log_file_says_why_and_bad_counts_are_400(box: BoxUnderTest) -> None:
    body = box.client.get("/logs", headers=box.auth).json()
    assert body["lines"] == [] and "keeps no log file" in body["note"]
    for bad in ("0", "5001", "many"):
        r = box.client.get("/logs", params={"lines": bad}, headers=box.auth)
        assert r.status_code == 400 and r.json()["error"] == "bad request", r.text


def test_what_the_box_logged_reaches_the_laptop(paired_server: PairedServer, capsys: Any) -> None:
    store = paired_server.app.state.box.store.root
    with box_logging(store, terminal=False):
        logging.getLogger("hatbox.api").warning("library x: tagging failed \x1b[31m(red)")
    capsys.readouterr()
    assert main(["box-logs", "--lines", "1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and " WARNING hatbox.api: library x: tagging failed " in out[0]
    assert "\x1b" not in out[0]                                 # escaped for the terminal


def test_box_logs_says_when_there_is_no_log_and_checks_its_count(paired_server: PairedServer, capsys: Any) -> None:
    capsys.readouterr()
    assert main(["box-logs"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and "the box's log has no lines: the box keeps no log file" in captured.err
    assert main(["box-logs", "--lines", "0"]) == 2
    assert "--lines 0 is out of range" in capsys.readouterr().err


def test_more_lines_than_the_box_sends_shows_what_it_has_with_a_note(paired_server: PairedServer,
                                                                    capsys: Any) -> None:
    store = paired_server.app.state.box.store.root
    with box_logging(store, terminal=False):
        for i in range(3):
            logging.getLogger("hatbox.api").warning("line %d", i)
    capsys.readouterr()
    assert main(["box-logs", "--lines", "99999"]) == 0            # was: refused, out of range
    captured = capsys.readouterr()
    assert [line.rsplit(" ", 1)[-1] for line in captured.out.splitlines()] == ["0", "1", "2"]
    assert "note: the box sends at most 5000 lines" in captured.err and "error" not in captured.err


def test_zero_bytes_a_power_loss_left_in_the_log_are_one_line_saying_so(box: BoxUnderTest) -> None:
    """Before: 4096 zero bytes (what ext4 leaves of a write cut by a power loss) came back as one line of them."""
    logs = box.store_dir / "logs"
    logs.mkdir(parents=True)
    (logs / "box.log").write_bytes(b"line 0\nline 1\n" + b"\x00" * 4096 + b"line 2 after the restart\n")
    lines = box.client.get("/logs", headers=box.auth).json()["lines"]
    assert lines == ["line 0", "line 1",
                     "[4096 zero bytes: the log was cut off here, as when the box loses power while writing]",
                     "line 2 after the restart"]
