"""p54 final read, finding 5: a database with its SQLite -wal and -shm files is removed by one helper,
device.library.db.remove_db (the journal files before the database, so that a cut-off removal never leaves a
journal beside a database it does not belong to), which the re-tag stage of `hatbox tag` and the box's both use."""
from __future__ import annotations

from pathlib import Path

import pytest

from device.api import library_fixes
from device.library import db as libdb
from device.library import retag


def _files(db: Path) -> list[Path]:
    """``db`` and its -wal and -shm, written."""
    made = [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")]
    for path in made:
        path.write_bytes(b"x")
    return made


def _unlinked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names Path.unlink is called on from now on, in order."""
    order: list[str] = []
    real = Path.unlink

    def unlink(self: Path, missing_ok: bool = False) -> None:
        order.append(self.name)
        real(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", unlink)
    return order


def test_remove_db_removes_the_journal_files_before_the_database(tmp_path: Path, monkeypatch) -> None:
    made = _files(tmp_path / "tags.db")
    order = _unlinked(monkeypatch)
    libdb.remove_db(made[0])
    assert not any(p.exists() for p in made)
    assert order == ["tags.db-wal", "tags.db-shm", "tags.db"]
    libdb.remove_db(made[0])            # nothing left: no error


def test_the_box_stage_goes_as_hatbox_tag_stage_goes(tmp_path: Path, monkeypatch) -> None:
    """library_fixes.drop_stage removed the database first (a -wal could be left beside no database)."""
    box = _files(library_fixes.stage_path(tmp_path))
    cli = _files(retag.stage_path(tmp_path / "lib.db"))
    order = _unlinked(monkeypatch)
    library_fixes.drop_stage(tmp_path)
    retag.drop(tmp_path / "lib.db")
    assert not any(p.exists() for p in box + cli)
    assert order == [p.name for p in box[1:] + box[:1] + cli[1:] + cli[:1]]


def test_both_drops_call_the_one_helper(tmp_path: Path, monkeypatch) -> None:
    called: list[Path] = []
    monkeypatch.setattr(libdb, "remove_db", called.append)
    library_fixes.drop_stage(tmp_path)
    retag.drop(tmp_path / "lib.db")
    assert called == [library_fixes.stage_path(tmp_path), retag.stage_path(tmp_path / "lib.db")]
