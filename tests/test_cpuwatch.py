"""trainer/cpuwatch.py: how much CPU other programs took while we trained."""
from __future__ import annotations

import multiprocessing as mp
import os
import time
from pathlib import Path

import pytest

from trainer import cpuwatch


def _stat(path: Path, user: int, steal: int = 0) -> None:
    path.write_text(f"cpu  {user} 0 0 1000 0 0 0 {steal} 0 0\ncpu0 1 2 3\n")


def test_others_cores_from_a_fake_proc_stat(tmp_path, monkeypatch):
    stat = tmp_path / "stat"
    monkeypatch.setattr(cpuwatch, "_STAT", stat)
    hz = os.sysconf("SC_CLK_TCK")
    _stat(stat, user=0)
    watch = cpuwatch.CpuWatch()
    time.sleep(0.2)
    mine = time.process_time() - watch._mine0
    _stat(stat, user=int(hz * 0.2 * 1.5), steal=int(hz * 0.2 * 0.5))   # 2 cores busy over 0.2 s
    others = watch.others_cores()
    assert others == pytest.approx(2.0 - mine / 0.2, abs=0.35)


def test_unknown_without_proc_stat(tmp_path, monkeypatch):
    monkeypatch.setattr(cpuwatch, "_STAT", tmp_path / "missing")
    assert cpuwatch.CpuWatch().others_cores() is None
    assert cpuwatch.busy_warning(None, 100) is None


def test_busy_warning_only_above_the_threshold():
    assert cpuwatch.busy_warning(0.1, 500) is None
    text = cpuwatch.busy_warning(1.4, 500)
    assert text is not None and "1.4" in text and "500 steps" in text and "--minutes" in text


def _spin(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


@pytest.mark.skipif(not Path("/proc/stat").is_file(), reason="needs Linux /proc/stat")
def test_a_busy_neighbour_process_is_seen():
    ctx = mp.get_context("spawn")
    watch = cpuwatch.CpuWatch()
    child = ctx.Process(target=_spin, args=(1.5,))
    child.start()
    child.join()
    others = watch.others_cores()
    assert others is not None and others > 0.5, others      # one spinning core (minus start-up)


def test_the_busy_warning_counts_one_step_in_the_singular() -> None:
    from trainer.cpuwatch import busy_warning
    assert "(1 step)" in busy_warning(5.0, 1) and "(3 steps)" in busy_warning(5.0, 3)


def test_a_run_that_reached_its_step_limit_is_not_told_to_give_it_more_minutes() -> None:
    """--max-steps N runs N steps however busy the machine: a busy machine only made it slower."""
    from trainer.cpuwatch import busy_warning
    text = busy_warning(1.4, 40, step_limit=40)
    assert text is not None and "all 40 steps" in text and "--minutes" not in text
    assert "--minutes" in busy_warning(1.4, 30, step_limit=40)     # cut short by the time budget: more time helps
