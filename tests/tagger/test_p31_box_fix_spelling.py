"""Thirty-first stop: `hatbox box-library --fix` says when the box stored a tag in the library's spelling ("Kick"
kept as "kick"), as `hatbox library fix` on the laptop does; it used to change it silently."""
from __future__ import annotations

from hatbox.cli import main
from hatbox.listing import respelled_notes
from tests.tagger.conftest import box_with_kicks


def test_respelled_notes_name_each_tag_the_library_spelled_its_own_way():
    assert respelled_notes(["Kick", "mine", " Kick "], ["kick", "mine"]) == [
        "note: 'Kick' is written 'kick', as this library has it (tags that differ only in case would share one folder "
        "of links on macOS and Windows)"]
    assert respelled_notes(["kick"], ["kick"]) == []


def test_the_box_fix_says_it_kept_the_librarys_spelling(library_dir, small_pack, tmp_path, monkeypatch, capsys):
    with box_with_kicks(library_dir, small_pack, tmp_path, monkeypatch):
        capsys.readouterr()
        assert main(["box-library"]) == 0
        lid = capsys.readouterr().out.split()[0]
        assert main(["box-library", lid, "--fix", "k2.flac", "Kick"]) == 0
        lines = capsys.readouterr().out.strip().splitlines()
        said = ("note: 'Kick' is written 'kick', as this library has it (tags that differ only in case are one tag: "
                "the laptop's folders of links and training CSVs would merge them)")
        assert lines[0] == said and lines[1].startswith("k2.flac: kick (yours; the tagger says "), lines
