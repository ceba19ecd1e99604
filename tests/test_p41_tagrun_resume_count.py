"""A `hatbox tag` stopped again after a resumed run says what the database holds, not only this run's files (QA,
p41: "64 files tagged and saved" of a database holding 192 of 497), and its bar counts only the files to tag
(the unchanged ones, passed in a blink, made "1346 file/s" and a useless time left)."""
from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest
from tqdm import tqdm

from device.library import tag as tag_module
from hatbox.cli import main
from hatbox.cmd_tag import _bar_to

from tests.tagger.conftest import library_dir, small_pack  # noqa: F401 (fixtures)


def _ctrl_c_after(monkeypatch, files: int) -> None:
    """Ctrl-C arrives while `hatbox tag` works on the file after the first ``files``."""
    real, calls = tag_module._one, [0]

    def one(*args, **kwargs):
        calls[0] += 1
        if calls[0] > files:
            raise KeyboardInterrupt
        return real(*args, **kwargs)
    monkeypatch.setattr(tag_module, "_one", one)


def _done(db: Path) -> int:
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT COUNT(*) FROM files WHERE status = 'ok'").fetchone()[0]
    finally:
        con.close()


def test_a_second_stop_counts_the_whole_database_and_this_run(library_dir, small_pack, tmp_path, capsys,
                                                             monkeypatch):
    pytest.importorskip("torch")
    db = tmp_path / "lib.db"
    args = ["tag", str(library_dir), "--pack", str(small_pack), "--out", str(db)]
    _ctrl_c_after(monkeypatch, 3)
    assert main(args) == 130
    first = _done(db)
    assert first > 1 and f": {first} files tagged and saved in {db}; run the same" in capsys.readouterr().err
    monkeypatch.undo()
    _ctrl_c_after(monkeypatch, 5)
    assert main(args) == 130
    err = capsys.readouterr().err
    now = _done(db)
    assert now > first
    assert f"{now} of 6 files tagged and saved in {db} ({now - first} this run); run the same command" in err


def test_the_bar_counts_the_files_to_tag_and_shows_the_unchanged_apart():
    out = io.StringIO()
    bar = tqdm(total=500, file=out, unit="file")
    for done in range(1, 193):                    # 192 unchanged files pass first
        _bar_to(bar, 0, 500 - done, done)
    assert bar.n == 0 and bar.total == 308
    _bar_to(bar, 1, 308, 192)
    _bar_to(bar, 5, 308, 192)
    assert bar.n == 5 and bar.total == 308
    bar.refresh()
    assert "192 unchanged" in out.getvalue() and "5/308" in out.getvalue()
    bar.close()
