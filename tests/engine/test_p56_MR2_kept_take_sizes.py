"""p56 MR2 (RD2 finding 5): the kept takes of the simulated box (hatbox/sim_take.py) are each looked at once:
kept_takes gives each one's size from the one lstat that found it, which the bound on the takes kept sums (before, each
was stat'ed again to sum them).  The words are as they were ("stay under 1 GB")."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

import hatbox.sim_take
from hatbox.sim_take import keep_last_take, kept_takes


def _file(path: Path, size: int, at: float) -> None:
    path.write_bytes(b"\0" * size)
    os.utime(path, (at, at))


def test_kept_takes_give_their_sizes(tmp_path: Path) -> None:
    take = tmp_path / "sim-out.wav"
    _file(tmp_path / "sim-out.2026-12-07_021133.wav", 300, 1000.0)
    _file(tmp_path / "sim-out.2026-12-08_021133.wav", 200, 2000.0)
    assert [(t.path.name, t.at, t.size) for t in kept_takes(take)] == \
        [("sim-out.2026-12-07_021133.wav", 1000.0, 300), ("sim-out.2026-12-08_021133.wav", 2000.0, 200)]


def test_each_kept_take_is_looked_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hatbox.sim_take, "KEPT_BYTES", 1000)
    take = tmp_path / "sim-out.wav"
    old = [tmp_path / "sim-out.2026-12-07_021133.wav", tmp_path / "sim-out.2026-12-08_021133.wav"]
    _file(old[0], 600, 1000.0)
    _file(old[1], 300, 2000.0)
    _file(take, 400, 3000.0)
    looked: list[str] = []
    real_stat, real_lstat = os.stat, os.lstat

    def counted(real: Any) -> Any:
        def look(path: Any, *args: Any, **kw: Any) -> Any:
            looked.append(os.fspath(path))
            return real(path, *args, **kw)
        return look
    monkeypatch.setattr(os, "stat", counted(real_stat))
    monkeypatch.setattr(os, "lstat", counted(real_lstat))
    said = keep_last_take(take)
    monkeypatch.undo()
    assert said is not None
    assert f"({old[0].name}, the oldest take kept, is removed: the takes kept stay under 1 KB)" in said
    assert not old[0].exists() and old[1].exists()
    assert [looked.count(os.fspath(p)) for p in old] == [1, 1]


def test_the_bound_is_said_as_before() -> None:
    assert hatbox.sim_take.bytes_words(hatbox.sim_take.KEPT_BYTES) == "1 GB"
