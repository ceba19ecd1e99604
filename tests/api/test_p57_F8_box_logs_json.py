"""p57 QA_A 8: README says every listing has --json; `hatbox box-logs --changes --json` was refused ("unknown option
--json").  Now each line comes as an object a script reads: time, process, thread, level, logger, message, line."""
from __future__ import annotations

import json
from typing import Any

from hatbox.cli import main
from tests.api.conftest import PairedServer

LINES = ["2026-12-07 16:21:03,512 MainProcess AnyIO worker thread INFO hatbox.api: paired 'vm' (token 5292a751)",
         "2026-12-07 16:22:10,004 hatbox-engine MainThread WARNING hatbox.engine: a dropout: 1 xrun",
         "Traceback (most recent call last):"]


def _fill(paired_server: PairedServer, name: str) -> None:
    logs = paired_server.app.state.box.store.root / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    (logs / name).write_text("".join(f"{line}\n" for line in LINES))


def test_box_logs_json_gives_each_line_as_an_object(paired_server: PairedServer, capsys: Any) -> None:
    _fill(paired_server, "changes.log")
    capsys.readouterr()
    assert main(["box-logs", "--changes", "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["file"] == "logs/changes.log" and got["more"] is False and got["note"] is None
    first, second, third = got["lines"]
    assert first == {"time": "2026-12-07 16:21:03,512", "process": "MainProcess", "thread": "AnyIO worker thread",
                     "level": "INFO", "logger": "hatbox.api", "message": "paired 'vm' (token 5292a751)",
                     "line": LINES[0]}
    assert (second["level"], second["process"], second["message"]) == ("WARNING", "hatbox-engine", "a dropout: 1 xrun")
    assert third["message"] == LINES[2] and third["level"] is None and third["time"] is None


def test_box_logs_json_of_a_box_with_no_log_says_why_in_its_note(paired_server: PairedServer, capsys: Any) -> None:
    capsys.readouterr()
    assert main(["box-logs", "--json", "--lines", "5"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["lines"] == [] and "keeps no log file" in got["note"]


def test_a_message_with_a_colon_and_a_logger_with_dots_parse() -> None:
    from hatbox.cmd_logs import line_fields
    got = line_fields("2026-01-02 03:04:05,006 MainProcess hatbox-kit ERROR device.api.kit_keeper: note 48: gone")
    assert (got["thread"], got["logger"], got["message"]) == ("hatbox-kit", "device.api.kit_keeper", "note 48: gone")
