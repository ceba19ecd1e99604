"""p56 review R2 item 6: `box-logs --changes` and ``GET /logs?file=changes`` read changes.log with switches.log (the
program switches' own share since p56 F2), merged by time; their help and the API's schema said changes.log alone."""
from __future__ import annotations

import pytest

from device.api.log_routes import LogTail
from hatbox.cli import build_parser


def test_box_logs_help_says_the_switches_come_from_switches_log(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["box-logs", "--help"])
    said = " ".join(capsys.readouterr().out.split())
    assert "program switches, kept in switches.log, merged in by time" in said


def test_the_api_schema_says_the_changes_tail_has_switches_log_in_it() -> None:
    assert "logs/switches.log merged in by time" in str(LogTail.model_fields["file"].description)
