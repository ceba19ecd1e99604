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
    assert shown[0].startswith("margin  the tag in doubt") and "least sure first" in shown[0]   # multi-label (p42)
    assert shown[1:] == plain and not plain[0].startswith("margin")
    json_out = _query(db, "--unsure", "--json", tty=True, monkeypatch=monkeypatch, capsys=capsys)
    assert json_out[0] == "["


def test_box_library_headings_on_a_terminal_only(library_dir, small_pack, tmp_path, monkeypatch, capsys) -> None:
    from .conftest import box_with_kicks
    with box_with_kicks(library_dir, small_pack, tmp_path, monkeypatch):
        capsys.readouterr()
        assert main(["box-library"]) == 0
        listed = capsys.readouterr().out
        lid = listed.split()[0]
        assert ", uploaded 20" in listed                     # two libraries of one name are told apart
        assert main(["box-library", lid, "--fix", "k2.flac", "tom"]) == 0     # the tiny pack tags no file
        capsys.readouterr()
        assert main(["box-library", lid]) == 0
        plain = capsys.readouterr().out.splitlines()
        monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
        assert main(["box-library", lid]) == 0
        shown = capsys.readouterr().out.splitlines()
        assert shown[0].startswith(f"library {lid} ('kicks', done, ") and shown[0].endswith("files per tag:")
        assert shown[1:] == plain
        assert main(["box-library", lid, "--tag", "tom"]) == 0
        assert capsys.readouterr().out.startswith(" score  file   (how sure the tagger is that it is tom")
        assert main(["box-library", lid, "--unsure"]) == 0
        lines = capsys.readouterr().out.splitlines()
        # the small pack says yes or no per tag: the box says the tag in doubt and the tags the file was given, as the
        # laptop's `library query --unsure` does (p42: it listed them sorted, the tag in doubt not marked)
        assert lines[0].startswith("margin  the tag in doubt (its other tags)"), lines[0]
        assert all(" or " not in line and "(its other tags: " in line for line in lines[1:]) and len(lines) > 1
