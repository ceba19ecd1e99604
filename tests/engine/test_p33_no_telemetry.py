"""The box writes nothing outside its store through onnxruntime (thirty-third stop's QA: onnxruntime 1.32 kept a
device id and a queue of usage events under ~/.cache/Microsoft/DeveloperTools/.onnxruntime/, both box processes
holding its database open): device/audio/runtime.py turns its telemetry off before it loads."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SESSION = "make_session(read_pack('factory/effect-drive.hatpack').model_bytes)\n"


def _home_after(tmp_path: Path, code: str) -> list[str]:
    """The files a fresh process running ``code`` leaves in an empty HOME (onnxruntime keeps quiet under a test
    runner or CI, so their variables are left out)."""
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items()
           if k != "ORT_DISABLE_TELEMETRY" and not k.startswith("PYTEST") and k not in ("CI", "GITHUB_ACTIONS")}
    homes = {"HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache"), "XDG_CONFIG_HOME": str(home / ".config")}
    subprocess.run([sys.executable, "-c", "from export.pack import read_pack\n" + code], cwd=ROOT,
                   env={**env, **homes}, check=True, timeout=120)
    return sorted(p.name for p in home.rglob("*") if p.is_file())


def test_a_session_of_the_box_leaves_nothing_in_home(tmp_path: Path) -> None:
    assert _home_after(tmp_path, "from device.audio.runtime import make_session\n" + SESSION) == []


def test_onnxruntime_loaded_without_it_would(tmp_path: Path) -> None:
    """The precondition: what the setting keeps out (so the test above can fail)."""
    code = ("import onnxruntime\n"
            "def make_session(b):\n    return onnxruntime.InferenceSession(b, providers=['CPUExecutionProvider'])\n")
    assert "deviceid" in _home_after(tmp_path, code + SESSION)
