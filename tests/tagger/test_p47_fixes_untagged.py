"""p47 F1: `GET /libraries/{id}/fixes` left out the producer's corrections of files the box's tagger had not reached
(a file not tagged yet, a library whose tagging failed or stopped, a library waiting for a tagger), so
`hatbox box-library LIB --export-fixes` wrote none of them and a `--delete` after it lost them.  Now the box lists
them too, each ``tagged: false`` (``heard`` None: not known), and the export writes them; an answer shaped as before
(no ``tagged``) is read as before."""
from __future__ import annotations

import argparse
import csv
import sqlite3
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import soundfile as sf

from device.api import models as M
from hatbox.cli import main
from hatbox.library_fixes import export_fixes
from tests.api.conftest import paired_server  # noqa: F401 - the fixture
from tests.api.packs import tagger_pack


def _folder(tmp_path: Path) -> Path:
    kit = tmp_path / "kitF" / "kicks"
    kit.mkdir(parents=True)
    for i in range(3):
        sf.write(kit / f"k{i}.wav", np.linspace(-0.5, 0.5, 2400 + 480 * i, dtype=np.float32), 48000)
    return kit.parent


def _lid(server) -> str:
    [lib] = server.app.state.box.libraries.list()
    return lib["id"]


def _box(server, method: str, route: str, **kw) -> Any:
    """The box's answer to ``method route`` asked as the paired laptop asks it."""
    from hatbox.box_client import _call, _client
    from hatbox.box_config import target
    with _client(*target(argparse.Namespace())) as c:
        return _call(c, method, route, expect=list if method == "GET" else dict, **kw)


def _fixes(server, lid: str) -> list[dict]:
    """GET /libraries/{id}/fixes as the laptop reads it."""
    return _box(server, "GET", f"/libraries/{lid}/fixes")


def _csv_rows(path: Path) -> list[list[str]]:
    return [r for r in csv.reader(path.read_text(encoding="utf-8").splitlines()) if r and not r[0].startswith("#")]


def _untag(server, lid: str, keep: tuple[str, ...]) -> None:
    """The library as a tagging that failed part way left it: rows only for ``keep``, every correction there."""
    libs = server.app.state.box.libraries
    con = sqlite3.connect(libs.db_path(lid))
    marks = ",".join("?" * len(keep))
    con.execute(f"DELETE FROM tags WHERE path NOT IN ({marks})", keep)
    con.execute(f"DELETE FROM files WHERE path NOT IN ({marks})", keep)
    con.commit()
    con.close()
    with libs._lock:                            # as the box's tagging thread records a failure
        libs._jobs[lid].update(state="failed", error="HatboxError: the tagger stopped")


def test_corrections_of_files_the_tagger_did_not_reach_are_listed_and_exported(tmp_path, paired_server,
                                                                                  capsys) -> None:
    lib = _folder(tmp_path)
    assert main(["push", str(tagger_pack(tmp_path / "t.hatpack")), "--activate", "--quiet"]) == 0
    assert main(["push-library", str(lib), "--wait", "--quiet", "--no-fixes"]) == 0
    lid = _lid(paired_server)
    assert main(["box-library", lid, "--fix", "kicks/k0.wav", "snare"]) == 0
    assert main(["box-library", lid, "--fix", "kicks/k1.wav", "tom"]) == 0
    _untag(paired_server, lid, keep=("kicks/k0.wav",))          # k1, k2: never tagged
    _box(paired_server, "POST", f"/libraries/{lid}/fixes",         # as push-library sends a laptop's
         json={"fixes": [{"path": "kicks/k2.wav", "tags": ["clap"]}]})
    got = {f["path"]: f for f in _fixes(paired_server, lid)}
    assert sorted(got) == ["kicks/k0.wav", "kicks/k1.wav", "kicks/k2.wav"], got
    assert (got["kicks/k0.wav"]["tagged"], got["kicks/k0.wav"]["heard"]) == (True, True)
    for rel, tag in (("kicks/k1.wav", "tom"), ("kicks/k2.wav", "clap")):
        assert (got[rel]["tags"], got[rel]["tagged"], got[rel]["heard"]) == ([tag], False, None), got[rel]
    capsys.readouterr()
    out = tmp_path / "fixes.csv"
    assert main(["box-library", lid, "--export-fixes", str(out), "--folder", str(lib)]) == 0
    said = capsys.readouterr().out
    assert "3 corrected files ->" in said and "2 of them are not tagged on the box yet" in said, said
    assert "left out" not in said, said
    assert sorted(_csv_rows(out)[1:]) == [[f"kitF/kicks/k{i}.wav", t] for i, t in enumerate(("snare", "tom", "clap"))]


def test_corrections_waiting_for_a_tagger_are_listed_and_exported(tmp_path, paired_server, capsys) -> None:
    """No tagger on the box: the library waits untagged, the corrections sent with it in its fixes.json (before:
    409 "not tagged", and --export-fixes wrote nothing)."""
    lib = _folder(tmp_path)
    mine = tmp_path / "mine.csv"
    mine.write_text("path,tags\nkitF/kicks/k1.wav,tom\n", encoding="utf-8")
    assert main(["push-library", str(lib), "--fixes", str(mine), "--quiet"]) == 0
    lid = _lid(paired_server)
    assert paired_server.app.state.box.libraries.get(lid)["state"] == "untagged"
    [fix] = _fixes(paired_server, lid)
    assert (fix["path"], fix["tags"], fix["tagged"], fix["heard"]) == ("kicks/k1.wav", ["tom"], False, None)
    out = tmp_path / "fixes.csv"
    assert main(["box-library", lid, "--export-fixes", str(out), "--folder", str(lib)]) == 0
    assert _csv_rows(out)[1:] == [["kitF/kicks/k1.wav", "tom"]]
    assert "1 of them is not tagged on the box yet" in capsys.readouterr().out


def test_a_library_without_tags_or_corrections_is_still_not_tagged(tmp_path, paired_server, capsys) -> None:
    lib = _folder(tmp_path)
    assert main(["push-library", str(lib), "--quiet", "--no-fixes"]) == 0
    capsys.readouterr()
    assert main(["box-library", _lid(paired_server), "--export-fixes", str(tmp_path / "f.csv")]) != 0
    assert "has not been tagged yet" in capsys.readouterr().err


def _client(answer: list[dict]) -> httpx.Client:
    return httpx.Client(base_url="http://box.invalid",
                        transport=httpx.MockTransport(lambda _req: httpx.Response(200, json=answer)))


def test_an_answer_shaped_as_before_is_read_as_before(tmp_path, capsys) -> None:
    """A box before p47: no ``tagged``; a file the tagger could not hear is left out, as before."""
    (tmp_path / "a.wav").write_bytes(b"")
    (tmp_path / "b.wav").write_bytes(b"")
    answer = [{"path": "a.wav", "tags": ["kick"], "heard": True, "by": None, "by_you": None},
              {"path": "b.wav", "tags": ["tom"], "heard": False, "by": None, "by_you": None}]
    out = tmp_path / "out" / "fixes.csv"
    out.parent.mkdir()
    assert export_fixes(_client(answer), "lib", out, str(tmp_path)) == 0
    said = capsys.readouterr().out
    assert _csv_rows(out)[1:] == [["../a.wav", "kick"]]
    assert "1 corrected file ->" in said and "1 corrected file left out: the tagger could not hear it" in said, said
    assert "not tagged on the box" not in said, said


def test_the_new_answer_reads_with_the_fields_an_older_laptop_knows(tmp_path, paired_server) -> None:
    """An older laptop reads path, tags, heard (a bool or None), by, by_you: the new field is one more."""
    lib = _folder(tmp_path)
    mine = tmp_path / "mine.csv"
    mine.write_text("path,tags\nkitF/kicks/k1.wav,tom\n", encoding="utf-8")
    assert main(["push-library", str(lib), "--fixes", str(mine), "--quiet"]) == 0
    [fix] = _fixes(paired_server, _lid(paired_server))
    old = M.FileFix.model_validate(fix)                 # the model older laptops and boxes share
    assert (old.path, old.tags, old.heard) == ("kicks/k1.wav", ["tom"], None)
    assert set(fix) == {"path", "tags", "heard", "by", "by_you", "tagged"}
