"""p50 FG: a `push-library` killed with kill -9 (while packing, or during the upload) left its temporary folder
(/tmp/hatbox-push-library-*, 165-224 MiB each) and the next push did not remove it (only those a day old).  Each
push's folder now says whose it is (owner.json: pid, boot id, start time); a push removes those whose push is gone,
never another live push's, and says how much it freed in one line."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from hatbox.library_push import OWNER, TEMP_PREFIX, boot_id, process_start, sweep_left, temp_folder, write_owner

DEAD_PID = 4194304 + 7          # over Linux's largest pid_max (2**22): never a live process


def _left(root: Path, name: str, size: int = 3 * 2**20) -> Path:
    folder = root / f"{TEMP_PREFIX}{name}"
    folder.mkdir()
    (folder / "kit.tar").write_bytes(b"\0" * size)
    return folder


def _owned(folder: Path, **owner: object) -> Path:
    (folder / OWNER).write_text(json.dumps({"pid": os.getpid(), "boot": boot_id(),
                                            "start": process_start(os.getpid()), **owner}))
    return folder


def test_a_killed_push_s_folder_goes_and_a_live_one_s_stays(tmp_path):
    dead = _owned(_left(tmp_path, "dead"), pid=DEAD_PID)
    live = _owned(_left(tmp_path, "live"))
    reused = _owned(_left(tmp_path, "reused"), start=(process_start(os.getpid()) or 0) + 1)   # the pid, another process
    rebooted = _owned(_left(tmp_path, "rebooted"), boot="another-boot")
    young = _left(tmp_path, "young")                   # says nothing of its owner, and is new: another push's, starting
    gone = sweep_left(tmp_path)
    assert sorted(f.name for f, _ in gone) == sorted(p.name for p in (dead, reused, rebooted))
    assert all(size >= 3 * 2**20 for _, size in gone), gone
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live.name, young.name])


def test_a_push_removes_them_first_and_says_how_much_it_freed(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    _owned(_left(tmp_path, "a"), pid=DEAD_PID)
    _owned(_left(tmp_path, "b", 2**20), pid=DEAD_PID)
    with temp_folder() as tmp:
        owner = json.loads((Path(tmp) / OWNER).read_text())
        assert owner["pid"] == os.getpid() and owner["boot"] == boot_id()
        assert [p.name for p in tmp_path.iterdir()] == [Path(tmp).name]
    said = capsys.readouterr()
    assert said.out == "", said                      # stdout stays the push's (--json)
    assert said.err.count("\n") == 1 and "removed 2 temporary folders" in said.err, said.err
    assert "(4.0 MiB freed" in said.err or "(4 MiB freed" in said.err, said.err


def test_write_owner_never_raises(tmp_path):
    write_owner(tmp_path / "gone")                   # no such folder: nothing written, no error
    assert not (tmp_path / "gone").exists()


def test_one_folder_is_said_in_the_singular(tmp_path):
    from hatbox.library_push import swept_words
    line = swept_words([(tmp_path / f"{TEMP_PREFIX}x", 224 * 2**20)])
    assert "removed 1 temporary folder left by a push-library run that was killed" in line, line
    assert "(224 MiB freed, in " in line, line
