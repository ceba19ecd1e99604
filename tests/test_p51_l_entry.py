"""The `hatbox` console script runs hatbox.entry.run: a Ctrl-C while it imports hatbox.cli (the first ~0.05 s of a
run) is one line and exit 130, not a Python traceback (fifty-first stop, fix L5: the script's own
`from hatbox.cli import main` lay outside main's catch)."""
from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from hatbox import entry

ROOT = Path(__file__).resolve().parents[1]


class _InterruptingFinder:
    """A meta path finder that meets the import of ``name`` with a Ctrl-C (KeyboardInterrupt), as a real one in
    its first ~0.05 s does."""

    def __init__(self, name: str) -> None:
        self.name = name

    def find_spec(self, fullname: str, path: object = None, target: object = None) -> None:
        if fullname == self.name:
            raise KeyboardInterrupt
        return None


def test_the_console_script_is_the_entry_module() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["hatbox"] == "hatbox.entry:run"


def test_a_ctrl_c_while_hatbox_cli_is_imported_is_one_line_and_130(monkeypatch, capsys) -> None:
    monkeypatch.delitem(sys.modules, "hatbox.cli", raising=False)
    monkeypatch.setattr(sys, "meta_path", [_InterruptingFinder("hatbox.cli"), *sys.meta_path])
    assert entry.run() == 130
    assert capsys.readouterr().err == "hatbox: interrupted\n"


def test_run_is_main_otherwise_and_loads_nothing_heavy() -> None:
    code = ("import sys; sys.argv = ['hatbox', '--version']\nfrom hatbox.entry import run\ntry:\n    run()\n"
            "except SystemExit as exc:\n    print('exit', exc.code)\n"
            "print(sorted(n for n in ('numpy', 'torch', 'onnxruntime') if n in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[-1] == "[]" and "hatbox 0.1.0" in out.stdout
