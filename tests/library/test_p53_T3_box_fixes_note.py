"""p53 QA T3 #1: `hatbox library export` of a library pushed to a box says that the box's corrections are not in the
CSV with a command that works as printed: the box's name for the library (pushed.json's ``name``, recorded by
push-library; NAME, said to be a placeholder, where a push before did not record it) and ``--folder`` the folder
pushed, so the CSV it writes lists files that are here.  Before, it named the local folder (`box-library lib`) and
gave no --folder: the CSV's paths were relative to the wrong place and training on it was refused."""
from __future__ import annotations

import csv
import json
import re
import shlex
from pathlib import Path

import pytest
import soundfile as sf

from hatbox.cli import build_parser, main
from tests.tagger.conftest import hiss, small_pack, thump  # noqa: F401 - small_pack: a fixture

FILES = ("808/808_Clave.wav", "808/808_Clap.wav", "electro/EE_Whistle.wav")


@pytest.fixture
def pushed_lib(tmp_path: Path, small_pack: Path, monkeypatch) -> tuple[Path, Path]:  # noqa: F811
    """A library ``lib`` of files in folders, tagged by ``small_pack`` into its own database, the working folder its
    parent, this laptop's config under tmp_path."""
    lib = tmp_path / "work" / "lib"
    for i, name in enumerate(FILES):
        (lib / name).parent.mkdir(parents=True, exist_ok=True)
        sf.write(lib / name, (thump if i % 2 else hiss)(16000, seed=i), 16000)
    assert main(["tag", str(lib), "--pack", str(small_pack)]) == 0
    monkeypatch.setenv("HATBOX_CONFIG", str(tmp_path / "cfg" / "remote.json"))
    monkeypatch.chdir(lib.parent)
    return lib, lib / ".hatbox-tags.sqlite"


def _pushed(tmp_path: Path, entries: dict[Path, dict[str, str]]) -> None:
    """pushed.json as push-library leaves it, with ``entries`` (folder -> its record)."""
    (tmp_path / "cfg").mkdir(exist_ok=True)
    (tmp_path / "cfg" / "pushed.json").write_text(json.dumps({str(k.resolve()): v for k, v in entries.items()}))


def _note_commands(db: Path, capsys) -> tuple[str, list[list[str]]]:
    """`library export DB`'s note on the box's corrections and each command in it, split as a shell splits it."""
    capsys.readouterr()
    assert main(["library", "export", str(db), "--out", "fixes.csv"]) == 0
    note = next(line for line in capsys.readouterr().out.splitlines() if "made on the box" in line)
    return note, [shlex.split(c) for c in re.findall(r"`(hatbox box-library [^`]*)`", note)]


def test_the_note_names_the_boxs_library_and_the_folder(pushed_lib, tmp_path, monkeypatch, capsys):
    lib, db = pushed_lib
    _pushed(tmp_path, {lib: {"fingerprint": "x", "name": "Samples"}})
    note, commands = _note_commands(db, capsys)
    assert commands == [["hatbox", "box-library", "Samples", "--export-fixes", "box-fixes.csv", "--folder", "lib"]]
    assert "NAME" not in note
    args = build_parser().parse_args(commands[0][1:])            # the printed command, through hatbox's own parser
    assert (args.id, args.export_fixes, args.folder) == ("Samples", "box-fixes.csv", "lib")
    from hatbox import library_fixes
    fixes = [{"path": "808/808_Clave.wav", "tags": ["keep", "metallic"], "heard": True},
             {"path": "electro/EE_Whistle.wav", "tags": [""], "heard": True}]
    monkeypatch.setattr(library_fixes, "_call", lambda client, method, path, expect=None: fixes)
    assert library_fixes.export_fixes(None, "lib-samples-1", Path(args.export_fixes), args.folder) == 0
    said = capsys.readouterr()
    assert "not under" not in said.err and "train the next tagger with it" in said.out, said
    with open(args.export_fixes, newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.reader(fh) if r and not r[0].startswith("#")][1:]
    assert [r[0] for r in rows] == ["lib/808/808_Clave.wav", "lib/electro/EE_Whistle.wav"]
    assert all((Path(args.export_fixes).parent / r[0]).is_file() for r in rows)    # the files here: it trains


def test_a_push_that_recorded_no_name_gives_name_as_a_placeholder(pushed_lib, tmp_path, capsys):
    lib, db = pushed_lib
    _pushed(tmp_path, {lib: {"fingerprint": "x"}})                   # a push before p53: no name recorded
    note, commands = _note_commands(db, capsys)
    assert commands == [["hatbox", "box-library", "NAME", "--export-fixes", "box-fixes.csv", "--folder", "lib"]]
    assert "(NAME: the library's name on the box, as hatbox box-library lists it: the folder's name, lib, unless " \
           "push-library was given --name)" in note
    args = build_parser().parse_args(commands[0][1:])
    assert (args.id, args.folder) == ("NAME", "lib")


def test_folders_pushed_from_inside_the_library_get_a_command_each(pushed_lib, tmp_path, capsys):
    lib, db = pushed_lib
    _pushed(tmp_path, {lib / "808": {"fingerprint": "x", "name": "Eights"},
                       lib / "electro": {"fingerprint": "y", "name": "My Electro"}})
    note, commands = _note_commands(db, capsys)
    assert commands == [
        ["hatbox", "box-library", "Eights", "--export-fixes", "box-fixes-1.csv", "--folder", "lib/808"],
        ["hatbox", "box-library", "My Electro", "--export-fixes", "box-fixes-2.csv", "--folder", "lib/electro"]]
    assert note.startswith("note: 808, electro of this library were sent to a box") and "write them" in note
    for command in commands:
        args = build_parser().parse_args(command[1:])
        assert Path(args.folder).resolve().parent == lib.resolve()


def test_a_library_outside_the_working_folder_is_given_by_its_whole_path(pushed_lib, tmp_path, monkeypatch, capsys):
    lib, db = pushed_lib
    _pushed(tmp_path, {lib: {"fingerprint": "x", "name": "Samples"}})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    capsys.readouterr()
    assert main(["library", "export", str(db), "--out", str(elsewhere / "fixes.csv")]) == 0
    note = next(line for line in capsys.readouterr().out.splitlines() if "made on the box" in line)
    assert f"--folder {shlex.quote(str(lib.resolve()))}`" in note
