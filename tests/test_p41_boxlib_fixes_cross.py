"""Forty-first stop, QA of a producer's library workflow: corrections cross between laptop and box.  `push-library`
sends the laptop's corrections of the folder (its own `.hatbox-tags.sqlite` by default, or `--fixes DB`) and the box
keeps them as its own (before, it filed the file under the tagger's tags); `box-library ID --export-fixes CSV`
brings the box's corrections back as the CSV `hatbox train tagger` reads."""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import soundfile as sf

from device.library import tag_library
from hatbox.cli import main
from tests.api.conftest import paired_server  # noqa: F401 - the fixture
from tests.api.packs import tagger_pack


def _folder(tmp_path: Path) -> Path:
    kit = tmp_path / "lib" / "kit"
    kit.mkdir(parents=True)
    for i in range(3):
        sf.write(kit / f"s{i}.wav", np.linspace(-0.5, 0.5, 2400 + 480 * i, dtype=np.float32), 48000)
    return tmp_path / "lib"


def _lid(paired_server, name: str) -> str:
    return next(lib["id"] for lib in paired_server.app.state.box.libraries.list() if lib["name"] == name)


def test_push_library_sends_the_folders_corrections_and_the_box_keeps_them(tmp_path, paired_server, capsys):
    pack = tagger_pack(tmp_path / "t.hatpack")
    lib = _folder(tmp_path)
    db = lib / ".hatbox-tags.sqlite"                     # `hatbox tag lib` without --out
    tag_library(lib, pack, db)
    assert main(["library", "fix", str(db), str(lib / "kit" / "s1.wav"), "kick", "djembe"]) == 0
    assert main(["push", str(pack), "--activate", "--quiet"]) == 0
    capsys.readouterr()
    assert main(["push-library", str(lib), "--name", "mylib", "--wait", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "your corrections of 1 file (from " in out and "went with it" in out, out
    lid = _lid(paired_server, "mylib")
    box = paired_server.app.state.box
    from device.library import files_with_tag
    hits = files_with_tag(box.libraries.db_path(lid), "djembe")
    assert [(h.path.name, h.corrected) for h in hits] == [("s1.wav", True)]

    assert main(["box-library", lid, "--fix", "kit/s2.wav", "snare", "808"]) == 0
    capsys.readouterr()
    csv_out = lib / "fixes.csv"
    assert main(["box-library", lid, "--export-fixes", str(csv_out)]) == 0
    said = capsys.readouterr().out
    assert "2 corrected files -> " in said and "hatbox train tagger YOUR-TAGS/" in said, said
    with csv_out.open(newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[:2] == [["# your corrections", " written by hatbox (library export", " box-library --export-fixes)"],
                        ["path", "tags"]]                    # the mark a later export knows its own by
    assert sorted(rows[2:]) == [["kit/s1.wav", "djembe", "kick"], ["kit/s2.wav", "808", "snare"]]
    assert main(["box-library", lid, "--export-fixes", str(csv_out)]) == 0             # its own: replaced
    mine = lib / "labels.csv"                                  # the producer's own training CSV: never written over
    mine.write_text("path,tags\nkit/s0.wav,kick\n")
    assert main(["box-library", lid, "--export-fixes", str(mine)]) != 0
    assert "is a CSV hatbox did not write" in capsys.readouterr().err and mine.read_text().count("\n") == 2
    assert main(["box-library", lid, "--export-fixes", str(mine), "--force"]) == 0 and "s2.wav" in mine.read_text()


def test_no_fixes_sends_none_and_a_missing_fixes_db_is_refused_first(tmp_path, paired_server, capsys):
    pack = tagger_pack(tmp_path / "t.hatpack")
    lib = _folder(tmp_path)
    tag_library(lib, pack, lib / ".hatbox-tags.sqlite")
    assert main(["library", "fix", str(lib / ".hatbox-tags.sqlite"), str(lib / "kit" / "s0.wav"), "thump"]) == 0
    assert main(["push", str(pack), "--activate", "--quiet"]) == 0
    rc = main(["push-library", str(lib), "--fixes", str(tmp_path / "nope.db"), "--quiet"])
    assert rc != 0 and "no such tag database; nothing was sent" in capsys.readouterr().err
    assert paired_server.app.state.box.libraries.list() == []
    assert main(["push-library", str(lib), "--no-fixes", "--wait", "--quiet"]) == 0
    assert "went with it" not in capsys.readouterr().out

