"""`hatbox device run` in the test's own process (hatbox.cli.main), for the tests whose subject is what the box does and
says, not its process: its engine process is a process of its own as ever, and what both wrote on stdout and stderr is
read at the file descriptors (capfd), as a subprocess's pipes would have it.  A `python -m hatbox` per run cost
1.5-3 s of interpreter and imports on a loaded 2-core machine (p58 trim).  Import ``device_run`` into a test module
and take it as a fixture."""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Callable

import pytest

from hatbox.cli import main


@pytest.fixture
def device_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
               capfd: pytest.CaptureFixture[str]) -> Callable[..., SimpleNamespace]:
    """``device_run(args)``: `hatbox device run ARGS` run in ``tmp_path`` (its current directory) with no ALSA devices
    (an empty ALSA config); returns ``returncode``, ``stdout`` and ``stderr`` as subprocess.run would."""
    (tmp_path / "empty.conf").write_text("")
    monkeypatch.setenv("ALSA_CONFIG_PATH", str(tmp_path / "empty.conf"))
    monkeypatch.chdir(tmp_path)

    def run(args: list[str]) -> SimpleNamespace:
        capfd.readouterr()
        code = main(["device", "run", *args])
        said = capfd.readouterr()
        return SimpleNamespace(returncode=code, stdout=said.out, stderr=said.err)
    return run
