"""p49 review: `hatbox box-logs` with the box's most lines asked for does not advise a larger --lines (it said both
"the box sends at most 5000" and "--lines N shows more, up to 5000"), and the out-of-range hint keeps --changes."""
from __future__ import annotations

from typing import Any

from hatbox.cli import main
from hatbox.cmd_logs import MAX_LINES
from tests.api.conftest import PairedServer


def _fill(paired_server: PairedServer, name: str, n: int) -> None:
    logs = paired_server.app.state.box.store.root / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    (logs / name).write_text("".join(f"line {i}\n" for i in range(n)))


def test_asking_for_the_most_lines_does_not_advise_asking_for_more(paired_server: PairedServer, capsys: Any) -> None:
    _fill(paired_server, "changes.log", MAX_LINES + 20)
    capsys.readouterr()
    assert main(["box-logs", "--changes", "--lines", str(MAX_LINES + 1000)]) == 0
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == MAX_LINES
    assert f"older lines are left out: the box sends at most {MAX_LINES}" in captured.err
    assert "--lines N shows more" not in captured.err
    assert main(["box-logs", "--changes", "--lines", "10"]) == 0           # fewer asked: the advice stays
    assert "hatbox box-logs --changes --lines N shows more" in capsys.readouterr().err


def test_the_out_of_range_hint_names_the_changes_log(paired_server: PairedServer, capsys: Any) -> None:
    capsys.readouterr()
    assert main(["box-logs", "--changes", "--lines", "0"]) == 2
    assert "e.g. hatbox box-logs --changes --lines 200" in capsys.readouterr().err
