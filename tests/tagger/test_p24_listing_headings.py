"""`hatbox library query --tag/--unsure/--like` put a heading over their columns on a terminal (what the numbers
are, which way is better); piped or captured output, which scripts read line by line, stays as it was."""
from __future__ import annotations

import sys

from hatbox.cli import main


def _query(db, *argv, tty: bool, monkeypatch, capsys) -> list[str]:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: tty)
    assert main(["library", "query", str(db), *argv]) == 0
    return capsys.readouterr().out.splitlines()


def test_headings_on_a_terminal_only(library_dir, small_pack, tmp_path, capsys, monkeypatch) -> None:
    db = tmp_path / "lib.db"
    assert main(["tag", str(library_dir), "--pack", str(small_pack), "--out", str(db)]) == 0
    capsys.readouterr()
    tag = _query(db, tty=False, monkeypatch=monkeypatch, capsys=capsys)[0].split()[-1]   # the most used tag
    plain = _query(db, "--tag", tag, tty=False, monkeypatch=monkeypatch, capsys=capsys)
    shown = _query(db, "--tag", tag, tty=True, monkeypatch=monkeypatch, capsys=capsys)
    assert shown[0].startswith(" score  file   (how sure the tagger is that it is ") and shown[1:] == plain
    plain = _query(db, "--unsure", tty=False, monkeypatch=monkeypatch, capsys=capsys)
    shown = _query(db, "--unsure", tty=True, monkeypatch=monkeypatch, capsys=capsys)
    assert shown[0].startswith("margin  its two best guesses") and "least sure first" in shown[0]
    assert shown[1:] == plain and not plain[0].startswith("margin")
    json_out = _query(db, "--unsure", "--json", tty=True, monkeypatch=monkeypatch, capsys=capsys)
    assert json_out[0] == "["
