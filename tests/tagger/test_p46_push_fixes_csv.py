"""p46 QA "big": `box-library LIB --export-fixes "Samples/808 & 909/fixes.csv"`, then `--delete --yes`, then
`push-library "Samples/808 & 909" --fixes ".../fixes.csv"` uploaded the library and then failed "cannot use
fixes.csv as a library database: file is not a database" (exit 2): the box's 3 corrections were lost.  Now --fixes
takes that CSV (the corrections go to the box, the CSV is not sent as a sample), anything else is refused before a
byte is sent, the delete question says how to keep the corrections, and the export says when the CSV lands in the
library's own folder."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

from device.library import files_with_tag
from hatbox import cmd_box_library
from hatbox.cli import main
from tests.api.conftest import paired_server, spy_uploads  # noqa: F401 - the fixture
from tests.api.packs import tagger_pack


def _folder(tmp_path: Path) -> Path:
    kit = tmp_path / "Samples" / "808 & 909" / "kicks"
    kit.mkdir(parents=True)
    for i in range(3):
        sf.write(kit / f"k{i}.wav", np.linspace(-0.5, 0.5, 2400 + 480 * i, dtype=np.float32), 48000)
    return kit.parent


def _lid(server) -> str:
    [lib] = server.app.state.box.libraries.list()
    return lib["id"]


def test_export_delete_push_with_the_csv_brings_the_corrections_back(tmp_path, paired_server, monkeypatch,
                                                                     capsys) -> None:
    lib = _folder(tmp_path)
    assert main(["push", str(tagger_pack(tmp_path / "t.hatpack")), "--activate", "--quiet"]) == 0
    assert main(["push-library", str(lib), "--wait", "--quiet", "--no-fixes"]) == 0
    lid = _lid(paired_server)
    for name in ("k0", "k1"):
        assert main(["box-library", lid, "--fix", f"kicks/{name}.wav", "mytag"]) == 0
    capsys.readouterr()
    csv_out = lib / "fixes.csv"
    assert main(["box-library", lid, "--export-fixes", str(csv_out)]) == 0
    err = capsys.readouterr().err
    assert "is inside the library's folder: hatbox push-library" in err and "--fixes" in err, err

    asked: list[str] = []
    monkeypatch.setattr("builtins.input", lambda q: asked.append(q) or "n")
    assert main(["box-library", lid, "--delete"]) == 0
    said = capsys.readouterr().err                             # p47: the line before the question, on stderr too
    assert said.startswith(f"to keep the corrections, first: hatbox box-library {lid} --export-fixes FILE.csv"), said
    assert "your corrections of 2 files?" in asked[0], asked      # the question that follows the line
    assert main(["box-library", lid, "--delete", "--yes"]) == 0
    capsys.readouterr()

    assert main(["push-library", str(lib), "--fixes", str(csv_out), "--wait", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "your corrections of 2 files (from " in out and "went with it" in out, out
    assert "not audio" not in out and "fixes.csv" not in out.split("(from")[0], out   # not sent as a sample
    hits = files_with_tag(paired_server.app.state.box.libraries.db_path(_lid(paired_server)), "mytag")
    assert sorted((h.path.name, h.corrected) for h in hits) == [("k0.wav", True), ("k1.wav", True)]


def test_a_fixes_file_that_is_neither_is_refused_before_anything_is_sent(tmp_path, paired_server, monkeypatch,
                                                                         capsys) -> None:
    lib = _folder(tmp_path)
    sent = spy_uploads(monkeypatch, cmd_box_library)
    wav = lib / "kicks" / "k0.wav"
    assert main(["push-library", str(lib), "--fixes", str(wav), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert f"--fixes {wav} is neither a tag database nor a corrections CSV" in err and "nothing was sent" in err, err
    assert "the corrections CSV hatbox box-library LIB --export-fixes" in err, err
    no_tag = tmp_path / "rev-fixes.csv"
    no_tag.write_text('path,tags\nkicks/k0.wav,"kick\n')      # (a row with no tag is taken since p49's review)
    assert main(["push-library", str(lib), "--fixes", str(no_tag), "--quiet"]) == 2
    assert 'line 2: a quote (") opens here' in capsys.readouterr().err
    assert sent == [] and paired_server.app.state.box.libraries.list() == []


def test_a_hand_made_csv_with_paths_from_its_folder_is_read(tmp_path) -> None:
    """The QA's rev-fixes.csv: a header, a path from the CSV's folder, semicolons too (Excel)."""
    from hatbox.library_fixes import laptop_fixes
    lib = _folder(tmp_path)
    mine = tmp_path / "Samples" / "rev-fixes.csv"
    mine.write_text("path;tags\n808 & 909/kicks/k2.wav;clap;snare\n", encoding="utf-8")
    assert laptop_fixes(mine, lib) == ([{"path": "kicks/k2.wav", "tags": ["clap", "snare"]}], 0)
