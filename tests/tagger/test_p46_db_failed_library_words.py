"""p46 QA "reg": a library whose tagging failed at its start (device.library.db's open race) was deleted after the
question "...with its tags (no file corrected)? [y/N]" though a laptop had sent it a correction: the box lists a
correction with the file the tagger wrote a row for.  Now a library not tagged to the end says "its tags and its
corrections" (a count it has: "..., and any corrections of files not tagged yet").  And `push-library --wait`'s bar says
"5 of 5 files", not "5 of 5 file"."""
from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import numpy as np
import soundfile as sf

from hatbox import cmd_box_library
from hatbox.cli import main
from tests.api.conftest import paired_server  # noqa: F401 - the fixture
from tests.api.packs import tagger_pack


def _tagged_library(tmp_path: Path, server) -> str:
    kit = tmp_path / "kitD" / "kicks"
    kit.mkdir(parents=True)
    for i in range(3):
        sf.write(kit / f"k{i}.wav", np.linspace(-0.5, 0.5, 2400 + 480 * i, dtype=np.float32), 48000)
    assert main(["push", str(tagger_pack(tmp_path / "t.hatpack")), "--activate", "--quiet"]) == 0
    assert main(["push-library", str(kit.parent), "--wait", "--quiet", "--no-fixes"]) == 0
    [lib] = server.app.state.box.libraries.list()
    assert main(["box-library", lib["id"], "--fix", "kicks/k0.wav", "snare"]) == 0
    return lib["id"]


def _as_failed(server, lid: str, keep: tuple[str, ...] = ()) -> None:
    """The library as a tagging that failed left it: rows only for ``keep``, the corrections all there."""
    libs = server.app.state.box.libraries
    con = sqlite3.connect(libs.db_path(lid))
    marks = ",".join("?" * len(keep))
    con.execute(f"DELETE FROM tags WHERE path NOT IN ({marks})", keep)
    con.execute(f"DELETE FROM files WHERE path NOT IN ({marks})", keep)
    con.commit()
    assert con.execute("SELECT COUNT(*) FROM user_tags").fetchone()[0] == 1
    con.close()
    with libs._lock:                            # as the box's tagging thread records a failure
        libs._jobs[lid].update(state="failed", error="HatboxError: tags.db is another program's database")


def _question(lid: str, monkeypatch, capsys) -> tuple[str, str]:
    asked: list[str] = []
    monkeypatch.setattr("builtins.input", lambda q: asked.append(q) or "n")
    capsys.readouterr()
    assert main(["box-library", lid, "--delete"]) == 0
    return asked[0], capsys.readouterr().err        # p47: the line before the question is on stderr, as it is


def test_a_failed_library_with_a_correction_the_box_does_not_list_is_not_asked_as_uncorrected(
        tmp_path, paired_server, monkeypatch, capsys) -> None:
    lid = _tagged_library(tmp_path, paired_server)
    _as_failed(paired_server, lid)
    assert main(["box-library", lid, "--export-fixes", str(tmp_path / "f.csv")]) == 0   # p47: the box lists it
    assert "1 corrected file ->" in capsys.readouterr().out
    question, said = _question(lid, monkeypatch, capsys)
    assert "your corrections of 1 file, and any" in question and "no file corrected" not in question, question
    assert "--export-fixes" in said, said                     # p47: it writes them
    assert paired_server.app.state.box.libraries.get(lid)["state"] == "failed"   # answered n: kept


def test_a_failed_library_says_the_corrections_it_lists_and_any_others(tmp_path, paired_server, monkeypatch,
                                                                       capsys) -> None:
    lid = _tagged_library(tmp_path, paired_server)
    _as_failed(paired_server, lid, keep=("kicks/k0.wav",))
    question, _ = _question(lid, monkeypatch, capsys)
    assert "your corrections of 1 file, and any corrections of files not tagged yet?" in question, question


def test_a_library_tagged_to_the_end_is_asked_as_before(tmp_path, paired_server, monkeypatch, capsys) -> None:
    lid = _tagged_library(tmp_path, paired_server)
    question, _ = _question(lid, monkeypatch, capsys)
    assert question.endswith("with its tags and your corrections of 1 file? [y/N] "), question
    assert main(["box-library", lid, "--fix", "kicks/k0.wav"]) == 0          # back to the tagger
    question, _ = _question(lid, monkeypatch, capsys)
    assert "with its tags (no file corrected)?" in question, question


def test_following_a_tagging_counts_files_in_the_plural(monkeypatch, capsys) -> None:
    answers = iter([{"id": "lib-x", "state": "tagging", "progress": {"done": 0, "total": 5}},
                    {"id": "lib-x", "state": "tagging", "progress": {"done": 3, "total": 5}},
                    {"id": "lib-x", "state": "done", "progress": {"done": 5, "total": 5}}])
    monkeypatch.setattr(cmd_box_library, "_call", lambda *a, **kw: next(answers))
    monkeypatch.setattr(time, "sleep", lambda s: None)
    monkeypatch.setenv("HATBOX_PROGRESS", "plain")
    assert cmd_box_library._follow(object(), "lib-x", quiet=False)["state"] == "done"
    err = capsys.readouterr().err
    assert "5 of 5 files" in err and "of 5 file\n" not in err and "of 5 file " not in err, repr(err)
