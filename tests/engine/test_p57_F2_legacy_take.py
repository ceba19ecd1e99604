"""p57 F2 2: the fifty-fifth stop's code kept one earlier take of the simulated box as sim-out.1.wav.  The takes kept
since (hatbox/sim_take.py) are named by when they were recorded, and that old file was neither counted under the
bound on the takes kept nor ever removed.  Now it is a kept take like the others, dated by its last write."""
from __future__ import annotations

from pathlib import Path

import pytest

import hatbox.sim_take
from hatbox.sim_take import keep_last_take, kept_takes
from tests.engine.test_p56_MR2_kept_take_sizes import _file


def test_the_old_kept_take_is_listed_by_when_it_was_recorded(tmp_path: Path) -> None:
    take = tmp_path / "sim-out.wav"
    _file(tmp_path / "sim-out.2026-12-07_021133.wav", 300, 2000.0)
    _file(tmp_path / "sim-out.1.wav", 200, 1000.0)
    assert [(t.path.name, t.at, t.size) for t in kept_takes(take)] == \
        [("sim-out.1.wav", 1000.0, 200), ("sim-out.2026-12-07_021133.wav", 2000.0, 300)]


def test_the_old_kept_take_counts_under_the_bound_and_goes_first(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hatbox.sim_take, "KEPT_BYTES", 1000)
    take = tmp_path / "sim-out.wav"
    _file(tmp_path / "sim-out.1.wav", 700, 1000.0)
    _file(take, 400, 3000.0)
    said = keep_last_take(take)
    assert said is not None and said.endswith(" (sim-out.1.wav, the oldest take kept, is removed: the takes kept "
                                              "stay under 1 KB)")
    assert not (tmp_path / "sim-out.1.wav").exists()
    assert [t.size for t in kept_takes(take)] == [400]


def test_a_link_named_so_is_never_touched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hatbox.sim_take, "KEPT_BYTES", 10)
    take, elsewhere = tmp_path / "sim-out.wav", tmp_path / "mine.wav"
    _file(elsewhere, 700, 1000.0)
    (tmp_path / "sim-out.1.wav").symlink_to(elsewhere)
    _file(take, 400, 3000.0)
    keep_last_take(take)
    assert (tmp_path / "sim-out.1.wav").is_symlink() and elsewhere.stat().st_size == 700
