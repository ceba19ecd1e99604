"""A correction whose word differs from a library tag only in case ("Kick" where the pack says "kick", "Dusty"
after "dusty") is stored in the library's spelling, with a note: two such tags would share one folder of links on
macOS and Windows, and split one word in two in every listing."""
from __future__ import annotations

from device import library
from device.library.query import spelled_as_known
from hatbox.cli import main


def test_spelled_as_known_prefers_the_librarys_then_the_first_given() -> None:
    assert spelled_as_known(["Kick", "DUSTY", "dusty", "new"], ["kick", "hat"]) == ["kick", "DUSTY", "DUSTY", "new"]
    assert spelled_as_known([], ["kick"]) == []


def test_a_tag_in_another_case_is_the_librarys_tag(library_dir, small_pack, tmp_path, capsys) -> None:
    db, links = tmp_path / "lib.db", tmp_path / "links"
    library.tag_library(library_dir, small_pack, db)
    k1, h1 = library_dir / "kicks" / "k1.wav", library_dir / "hats" / "h1.wav"
    assert library.set_tags(db, k1, ["HAT", "Dusty"]) == ["Dusty", "hat"]      # "hat" is the pack's
    assert library.set_tags(db, h1, ["dusty"]) == ["Dusty"]                    # "Dusty" is the producer's now
    counts = library.list_tags(db)
    assert counts["Dusty"] == 2 and "dusty" not in counts and "HAT" not in counts
    library.tag_library(library_dir, small_pack, db, links_dir=links)
    assert sorted(p.name for p in (links / "Dusty").iterdir()) == ["hats__h1.wav", "kicks__k1.wav"]
    assert not (links / "dusty").exists() and not (links / "HAT").exists()
    capsys.readouterr()
    assert main(["library", "fix", str(db), str(k1), "Kick"]) == 0
    out = capsys.readouterr().out
    assert "note: 'Kick' is written 'kick', as this library has it" in out and "k1.wav: kick (yours;" in out
    assert main(["library", "fix", str(db), str(k1), "kick"]) == 0
    assert "note:" not in capsys.readouterr().out
