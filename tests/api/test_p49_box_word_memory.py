"""p49 M9 (regression QA "month2"): a word renamed or dropped on the box is remembered by the library
(device.library.word_memory) and made so in the corrections a later push brings (before, a laptop that still had
the old word undid the rename silently), also by a `push-library --replace`'s new library; the push says it.  And
the box's --fix says a word its tagger lacks, the foreign-words note gives each word its own commands, the box's
rename hint is conditional and the laptop's rename names the box's copy."""
from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf

from device.api.library_fixes import listed_fixes
from device.library.word_memory import applied, changed, empty
from hatbox.library_words import foreign_note
from tests.api.conftest import PairedServer
from tests.api.test_p49_box_words_cli import box  # noqa: F401 - the fixture (a tagger pack active)
from tests.cli_run import run as _run




def _folder(tmp_path: Path, n: int = 3) -> Path:
    root = tmp_path / "Samples"
    (root / "kit").mkdir(parents=True, exist_ok=True)
    back = time.time() - 10         # older than library_memory.RACY_S: the push remembers the folder (pushed.json)
    for i in range(n):
        sf.write(root / "kit" / f"s{i}.wav", np.linspace(-0.5, 0.5, 4800 + 2400 * i, dtype=np.float32), 48000)
        os.utime(root / "kit" / f"s{i}.wav", (back, back))
    return root


def _box_fixes(box: PairedServer, lid: str) -> dict[str, list[str]]:
    folder = box.app.state.box.libraries.root / lid
    return {f["path"]: f["tags"] for f in listed_fixes(folder, folder / "tags.db")}


def _laptop(tmp_path: Path, folder: Path, capsys: Any) -> str:
    """The folder tagged on the laptop: kit/s0 and kit/s1 corrected "punchy", kit/s2 "grit"."""
    assert _run(capsys, "tag", str(folder), "--pack", str(tmp_path / "t.hatpack"))[0] == 0
    db = str(folder / ".hatbox-tags.sqlite")
    for path, tag in (("kit/s0.wav", "punchy"), ("kit/s1.wav", "punchy"), ("kit/s2.wav", "grit")):
        assert _run(capsys, "library", "fix", db, path, tag)[0] == 0
    return db


def _only_library(box: PairedServer) -> str:
    (lib,) = box.app.state.box.libraries.list()
    return str(lib["id"])


def test_a_push_of_the_old_word_keeps_the_boxs_rename(box: PairedServer, tmp_path: Path, capsys: Any) -> None:
    folder = _folder(tmp_path)
    db = _laptop(tmp_path, folder, capsys)
    assert _run(capsys, "push-library", str(folder), "--wait", "--quiet")[0] == 0
    lid = _only_library(box)
    rc, out, err = _run(capsys, "box-library", lid, "--rename-word", "punchy", "thump")
    assert rc == 0, err
    assert "if this laptop's corrections use 'punchy': `hatbox library fix DB --rename-word punchy thump`" in out
    assert "the box's copy" not in out
    assert _run(capsys, "box-library", lid, "--drop-word", "grit")[0] == 0
    rc, out, err = _run(capsys, "push-library", str(folder), "--quiet")          # the laptop still says punchy
    assert rc == 0, err
    assert _box_fixes(box, lid) == {"kit/s0.wav": ["thump"], "kit/s1.wav": ["thump"]}
    assert "2 of your corrections said 'punchy', renamed 'thump' on the box: kept as 'thump'; `hatbox library fix " \
           f"{db} --rename-word punchy thump` does the same here" in out
    assert "1 of your corrections said 'grit', dropped on the box: kept without it; `hatbox library fix " \
           f"{db} --drop-word grit`" in out
    assert "corrected differently on the box" not in out
    # the laptop renames too: its rename names the box's copy (the folder was pushed)
    rc, out, err = _run(capsys, "library", "fix", db, "--rename-word", "punchy", "thump")
    assert rc == 0, err
    assert f"the box's copy keeps 'punchy' until `hatbox box-library {folder.name} --rename-word punchy thump`" in out


def test_a_rename_back_clears_the_memory(box: PairedServer, tmp_path: Path, capsys: Any) -> None:
    folder = _folder(tmp_path)
    _laptop(tmp_path, folder, capsys)
    assert _run(capsys, "push-library", str(folder), "--wait", "--quiet")[0] == 0
    lid = _only_library(box)
    assert _run(capsys, "box-library", lid, "--rename-word", "punchy", "thump")[0] == 0
    assert _run(capsys, "box-library", lid, "--rename-word", "thump", "punchy")[0] == 0
    rc, out, err = _run(capsys, "push-library", str(folder), "--quiet")
    assert rc == 0, err
    assert "on the box: kept as" not in out
    assert _box_fixes(box, lid) == {"kit/s0.wav": ["punchy"], "kit/s1.wav": ["punchy"], "kit/s2.wav": ["grit"]}


def test_replace_takes_the_older_librarys_memory(box: PairedServer, tmp_path: Path, capsys: Any) -> None:
    folder = _folder(tmp_path)
    _laptop(tmp_path, folder, capsys)
    assert _run(capsys, "push-library", str(folder), "--wait", "--quiet")[0] == 0
    old = _only_library(box)
    assert _run(capsys, "box-library", old, "--rename-word", "punchy", "thump")[0] == 0
    _folder(tmp_path, 4)                                                  # a new file: a new library replaces it
    rc, out, err = _run(capsys, "push-library", str(folder), "--replace", "--wait", "--quiet")
    assert rc == 0, err
    new = _only_library(box)
    assert new != old
    fixes = _box_fixes(box, new)
    assert fixes["kit/s0.wav"] == ["thump"] and fixes["kit/s1.wav"] == ["thump"] and fixes["kit/s2.wav"] == ["grit"]
    assert "said 'punchy', renamed 'thump' on the box: kept as 'thump'" in out
    rc, out, err = _run(capsys, "push-library", str(folder), "--quiet")          # the new library remembers it
    assert rc == 0, err
    assert _box_fixes(box, new)["kit/s0.wav"] == ["thump"]


def test_the_boxs_fix_says_a_word_its_tagger_lacks(box: PairedServer, tmp_path: Path, capsys: Any) -> None:
    folder = _folder(tmp_path)
    assert _run(capsys, "push-library", str(folder), "--wait", "--quiet", "--no-fixes")[0] == 0
    lid = _only_library(box)
    rc, out, err = _run(capsys, "box-library", lid, "--fix", "kit/s0.wav", "Ki-ck")
    assert rc == 0, err
    assert "'Ki-ck' is a new word (the tagger's words: kick, snare); did you mean 'kick'?" in out
    assert f"(hatbox box-library {lid} --export-fixes)" in out
    rc, out, err = _run(capsys, "box-library", lid, "--fix", "kit/s1.wav", "snare")
    assert rc == 0 and "new word" not in out


def test_word_memory_follows_renames_and_drops() -> None:
    memory = changed(empty(), "punchy", "thump")
    assert memory == {"renamed": {"punchy": "thump"}, "dropped": []}
    memory = changed(memory, "thump", "boom")                              # a -> b, b -> c: a -> c
    assert memory["renamed"] == {"punchy": "boom", "thump": "boom"}
    assert changed(changed(empty(), "punchy", "thump"), "thump", "punchy") == empty()     # back: cleared
    dropped = changed(memory, "boom", "")
    assert dropped == {"renamed": {}, "dropped": ["boom", "punchy", "thump"]}
    assert changed(dropped, "kick", "thump")["dropped"] == ["boom", "punchy"]           # thump in use again
    fixes, said = applied(changed(changed(empty(), "punchy", "thump"), "grit", ""),
                          [("a.wav", ["Punchy", "kick"]), ("b.wav", ["grit"]), ("c.wav", [""])])
    assert fixes == [("a.wav", ["kick", "thump"]), ("b.wav", []), ("c.wav", [""])]
    assert said == [{"word": "grit", "to": None, "files": 1}, {"word": "punchy", "to": "thump", "files": 1}]


def test_the_foreign_note_gives_each_word_its_commands() -> None:
    note = foreign_note({"grit": 4, "lo-fi": 2}, 6, ["dusty", "glitch"], "`hatbox library export`", "hatbox x")
    assert "new to this tagger: the next training learns them from your corrections" in note
    assert "`hatbox x --rename-word grit NEW` / `--drop-word grit`" in note
    assert "`hatbox x --rename-word lo-fi NEW` / `--drop-word lo-fi`" in note
    assert "renamed or dropped since" not in note
