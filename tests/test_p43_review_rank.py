"""p43 review: "is this the first torchrun process?" had five readings of RANK (the CLI's, trainer.accel's, the synth
pipeline's, `train effect`'s two); now hatbox.cli.torchrun_rank is the one, torch-free, and the trainers use it."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from hatbox.cli import torchrun_rank

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("rank, world, said", [(None, None, 0), ("1", "2", 1), ("3", "4", 3), ("0", "2", 0),
                                                ("2", "1", 0), ("2", None, 0), ("x", "2", 0), ("1", "two", 0)])
def test_the_rank_is_read_only_under_torchrun(monkeypatch, rank, world, said) -> None:
    for key, value in (("RANK", rank), ("WORLD_SIZE", world)):
        if value is None:
            monkeypatch.delenv(key, raising=False)
        else:
            monkeypatch.setenv(key, value)
    assert torchrun_rank() == said


def test_the_cli_reads_it_without_torch() -> None:
    code = "import sys, hatbox.cli; hatbox.cli.torchrun_rank(); print('torch' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.stdout.strip() == "False", done.stderr


def test_nothing_else_reads_rank_itself() -> None:
    from trainer import accel
    assert accel.torchrun_rank is torchrun_rank
    reads = [str(p.relative_to(ROOT)) for top in ("hatbox", "trainer", "device") for p in (ROOT / top).rglob("*.py")
             if re.search(r"""environ(\.get\(|\[)\s*["']RANK["']""", p.read_text(encoding="utf-8"))]
    assert reads == ["hatbox/cli.py"], reads
