"""p47 QA (a producer scripting hatbox from cron), the laptop's side of `push-library`:

1. two pushes of one folder at once: the box's answer that it held the files already (``sent_before``) is said
   as that, one library, both commands name it;
2. the nightly `push-library FOLDER --name lib --wait --json && box-kit --from lib --yes` of a folder that changed:
   the name picks the newest library (a note on stderr names the older one), --json prints the new id;
3. a --wait that ends untagged because no tagger is active: exit 2 in `push-library` as in `box-library`;
4. a re-push of an unchanged folder asks the box before packing it ("nothing was sent again"), notes on stderr.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from hatbox.cli import main
from tests.api.conftest import paired_server  # noqa: F401 - the fixture
from tests.api.packs import tagger_pack
from tests.cli_run import run as _run


def _folder(tmp_path: Path, n: int = 3) -> Path:
    kit = tmp_path / "night" / "kit"
    kit.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        sf.write(kit / f"s{i}.wav", np.linspace(-0.5, 0.5, 2400 + 480 * i, dtype=np.float32), 48000)
    return kit.parent


def _tagger(tmp_path: Path) -> None:
    assert main(["push", str(tagger_pack(tmp_path / "t.hatpack")), "--activate", "--quiet"]) == 0


def test_the_nightly_flow_of_a_changed_folder_uses_the_new_library(paired_server, tmp_path, capsys) -> None:
    _tagger(tmp_path)
    folder = _folder(tmp_path)
    capsys.readouterr()
    rc, out, err = _run(capsys, "push-library", str(folder), "--name", "lib", "--wait", "--quiet", "--json")
    first = json.loads(out)
    assert rc == 0 and first["state"] == "done" and first["files"] == 3 and first["name"] == "lib", err
    assert first["sent_before"] is False and first["same_name"] == [] and "tagging done" in err
    sf.write(folder / "kit" / "new.wav", np.linspace(-0.5, 0.5, 7000, dtype=np.float32), 48000)
    rc, out, err = _run(capsys, "push-library", str(folder), "--name", "lib", "--wait", "--quiet", "--json")
    second = json.loads(out)
    assert rc == 0 and second["id"] != first["id"] and second["files"] == 4 and second["state"] == "done"
    assert second["same_name"] == [first["id"]] and "note: the box holds 1 other library called 'lib'" in err
    rc, out, err = _run(capsys, "box-kit", "--from", "lib", "--yes")
    assert rc == 0, err
    assert f"note: 2 libraries on the box are called 'lib': this is the newest, {second['id']} (yours" in err
    assert f"the other: {first['id']} (yours" in err and "--delete" in err
    assert {n.library for n in paired_server.app.state.box.kit.notes.values()} == {second["id"]}


def test_a_wait_with_no_tagger_active_fails_alike_in_push_library_and_box_library(paired_server, tmp_path,
                                                                                   capsys) -> None:
    folder = _folder(tmp_path)
    capsys.readouterr()
    rc, out, err = _run(capsys, "push-library", str(folder), "--wait", "--quiet")
    lid = paired_server.app.state.box.libraries.list()[0]["id"]
    assert rc == 2 and f"library {lid} is not tagged: no tagger pack is active" in err
    assert f"library {lid}: 3 files accepted" in out
    rc, _, err2 = _run(capsys, "box-library", "night", "--wait")
    assert rc == 2 and f"library {lid} is not tagged: no tagger pack is active" in err2
    rc, out, err = _run(capsys, "push-library", str(folder), "--wait", "--quiet")       # pushed again: the same
    assert rc == 2 and "nothing was sent again" in out and "is not tagged: no tagger pack is active" in err
    rc, out, _ = _run(capsys, "push-library", str(folder), "--quiet")                  # no --wait: exit 0
    assert rc == 0 and len(paired_server.app.state.box.libraries.list()) == 1


def test_an_unchanged_folder_pushed_again_is_not_packed(paired_server, tmp_path, capsys,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    _tagger(tmp_path)
    folder = _folder(tmp_path)
    for f in (folder / "kit").iterdir():        # p47 review: files modified in the last 2 s are not remembered
        os.utime(f, ns=(f.stat().st_mtime_ns - 10**10,) * 2)
    assert main(["push-library", str(folder), "--wait", "--quiet"]) == 0
    capsys.readouterr()

    def no_packing(*_a: Any, **_k: Any) -> Any:
        raise AssertionError("packed again")
    with monkeypatch.context() as patched:
        patched.setattr("hatbox.library_archive.as_archive", no_packing)
        rc, out, err = _run(capsys, "push-library", str(folder), "--wait")
    lid = paired_server.app.state.box.libraries.list()[0]["id"]
    assert rc == 0, err
    assert f"is already on the box as library {lid} ('night', done, 3 files); nothing was sent again; its tags as " \
           f"the box has them:" in out and "tagging done: " in out and "packing" not in err
    sf.write(folder / "kit" / "s0.wav", np.zeros(2400, dtype=np.float32) + 0.25, 48000)     # same size, changed
    rc, out, err = _run(capsys, "push-library", str(folder), "--quiet")
    assert rc == 0 and "3 files accepted" in out and len(paired_server.app.state.box.libraries.list()) == 2, err


def test_the_box_s_answer_that_another_push_came_first_is_said_so(paired_server, tmp_path, capsys,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _folder(tmp_path)
    assert main(["push-library", str(folder), "--quiet"]) == 0
    capsys.readouterr()
    monkeypatch.setattr("hatbox.cmd_box_library.remembered_there", lambda *a: None)     # as two pushes at once:
    monkeypatch.setattr("hatbox.cmd_box_library.library_there", lambda *a: None)        # both looked first
    rc, out, err = _run(capsys, "push-library", str(folder), "--quiet", "--json")
    [lib] = paired_server.app.state.box.libraries.list()
    assert rc == 0 and json.loads(out) == {"id": lib["id"], "name": "night", "files": 3, "state": "untagged",
                                           "sent_before": True, "same_name": []}
    assert f"already on the box as library {lib['id']}" in err and "the box kept no second copy" in err
