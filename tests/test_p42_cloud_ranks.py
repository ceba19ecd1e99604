"""p42 cloud QA 3: under torchrun only the first process prints errors and "interrupted (SIGTERM)" (the exit codes
stay), and the busy-machine figure counts every rank's CPU time as this training's, not other programs'."""
from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import time
from pathlib import Path

import pytest

from hatbox import cli
from hatbox.errors import HatboxError, Terminated
from trainer import cpuwatch


def _handler(exc: BaseException):
    def run(_args):
        raise exc
    return run


def _main_with(monkeypatch, exc: BaseException) -> int:
    """cli.main with a command whose handler raises ``exc``."""
    parser = cli.build_parser()
    monkeypatch.setattr(cli, "build_parser", lambda: parser)
    monkeypatch.setattr(parser, "parse_args", lambda argv=None: argparse.Namespace(func=_handler(exc)))
    return cli.main(["pack", "inspect", "x"])


def _rank(monkeypatch, rank: int, world: int = 2) -> None:
    monkeypatch.setenv("RANK", str(rank))
    monkeypatch.setenv("WORLD_SIZE", str(world))


@pytest.mark.parametrize("exc, code", [(HatboxError("no notes"), 2), (Terminated("SIGTERM"), 143),
                                       (KeyboardInterrupt(), 130), (OSError(28, "No space left on device"), 1)])
def test_only_the_first_process_says_it(monkeypatch, capsys, exc, code):
    _rank(monkeypatch, 1)
    assert _main_with(monkeypatch, exc) == code
    assert capsys.readouterr().err == ""
    _rank(monkeypatch, 0)
    assert _main_with(monkeypatch, exc) == code
    assert capsys.readouterr().err.startswith("hatbox: ")


def test_without_torchrun_a_stray_rank_changes_nothing(monkeypatch, capsys):
    _rank(monkeypatch, 3, world=1)
    assert _main_with(monkeypatch, HatboxError("no notes")) == 2
    assert capsys.readouterr().err == "hatbox: error: no notes\n"


def test_an_internal_error_of_another_rank_is_said_on_one_line_with_its_rank(monkeypatch, capsys):
    """It may be that process's own (its GPU out of memory): silenced, nothing would say it."""
    _rank(monkeypatch, 2, world=4)
    assert _main_with(monkeypatch, RuntimeError("CUDA out of memory")) == 1
    assert capsys.readouterr().err == "hatbox (torchrun rank 2): internal error: RuntimeError: CUDA out of memory\n"


# ---------------------------------------------------------------------------------------- CPU time of the ranks

def _proc(root: Path, pid: int, ppid: int, utime: int, cutime: int = 0) -> None:
    (root / str(pid)).mkdir(exist_ok=True)
    (root / str(pid) / "stat").write_text(f"{pid} (hat box) S {ppid} 1 1 0 -1 0 0 0 0 0 {utime} 0 {cutime} 0 20 0\n")


def _machine(stat: Path, busy: int) -> None:
    stat.write_text(f"cpu  {busy} 0 0 100000 0 0 0 0 0 0\n")


def test_the_other_ranks_are_not_other_programs(tmp_path, monkeypatch):
    """Fake /proc: agent 100, rank 0 (us, 101) and rank 1 (102); over 1 s the machine is busy 2 cores, both ranks
    each spin one: nothing else ran.  The old watch subtracted rank 0's time only and said 1 core of others."""
    hz = os.sysconf("SC_CLK_TCK")
    proc, stat = tmp_path / "proc", tmp_path / "stat"
    proc.mkdir()
    monkeypatch.setattr(cpuwatch, "_PROC", proc, raising=False)      # (the old watch read no /proc/PID)
    monkeypatch.setattr(cpuwatch, "_STAT", stat)
    monkeypatch.setattr(os, "getppid", lambda: 100)
    monkeypatch.setenv("TORCHELASTIC_RUN_ID", "none")
    monkeypatch.setenv("WORLD_SIZE", "2")
    _proc(proc, 100, 1, utime=5)
    _proc(proc, 101, 100, utime=0)
    _proc(proc, 102, 100, utime=0)
    _proc(proc, 103, 1, utime=0)            # not the agent's child: another program
    _machine(stat, 0)
    t = [1000.0]
    monkeypatch.setattr(cpuwatch.time, "monotonic", lambda: t[0])
    watch = cpuwatch.CpuWatch()
    t[0] += 1.0
    _proc(proc, 101, 100, utime=hz)
    _proc(proc, 102, 100, utime=hz)
    _machine(stat, 2 * hz)
    assert watch.others_cores() == pytest.approx(0.0, abs=0.02)
    _proc(proc, 103, 1, utime=hz // 2)      # another program takes half a core more
    _machine(stat, 2 * hz + hz // 2)
    assert watch.others_cores() == pytest.approx(0.5, abs=0.02)


def test_a_rank_reaped_by_the_agent_still_counts(tmp_path, monkeypatch):
    hz = os.sysconf("SC_CLK_TCK")
    proc = tmp_path / "proc"
    proc.mkdir()
    monkeypatch.setattr(cpuwatch, "_PROC", proc)
    _proc(proc, 100, 1, utime=0)
    _proc(proc, 102, 100, utime=0)
    before = cpuwatch.group_seconds(100)
    (proc / "102" / "stat").unlink()
    (proc / "102").rmdir()
    _proc(proc, 100, 1, utime=0, cutime=hz)        # rank 1 exited after a second of CPU, and was reaped
    assert cpuwatch.group_seconds(100) - before == pytest.approx(1.0)


def test_not_under_torchrun_only_this_process_counts(monkeypatch):
    monkeypatch.delenv("TORCHELASTIC_RUN_ID", raising=False)
    assert cpuwatch.CpuWatch()._agent is None
    monkeypatch.setenv("TORCHELASTIC_RUN_ID", "none")
    monkeypatch.setenv("WORLD_SIZE", "1")
    assert cpuwatch.CpuWatch()._agent is None


def _spin_cpu(seconds: float) -> None:
    while time.process_time() < seconds:
        pass


@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="needs Linux /proc")
def test_group_seconds_counts_a_real_child_once_reaped():
    """This test process plays the agent: its child's CPU time is in the group once reaped (in our cutime)."""
    before = cpuwatch.group_seconds(os.getpid())
    child = mp.get_context("spawn").Process(target=_spin_cpu, args=(0.3,))
    child.start()
    child.join()
    after = cpuwatch.group_seconds(os.getpid())
    assert before is not None and after is not None and after - before >= 0.28
