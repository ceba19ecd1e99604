"""p45 crash QA: after a power cut the box cleaned up without a word (a half-received tmp/up-*.hatpack removed; only
GET /status' ``recovery.removed_debris: 1`` showed it).  Now `hatbox device run` says at start, on its terminal and
in box.log, what its store's recovery dropped and repaired, and `hatbox status` has a line for it."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from device.store import PackStore
from hatbox.headless_status import cut_work, recovery_words
from hatbox.status_report import recovery_lines


def _left_by_a_power_cut(root: Path) -> None:
    """A store as a power cut leaves it: a pack and a library half received, a pack half installed, a deletion."""
    PackStore(root)
    (root / "tmp" / "up-a1b2c3d4.hatpack").write_bytes(b"PK\x03\x04 half")
    (root / "tmp" / "up-e5f6g7h8.archive").write_bytes(b"half a tar")
    (root / "tmp" / "stage-x1y2").mkdir()
    (root / "trash" / "fx-1.0.0-ab12").mkdir()


def test_the_box_names_each_cut_off_upload_it_dropped(tmp_path: Path) -> None:
    _left_by_a_power_cut(tmp_path)
    cut = cut_work(tmp_path)
    store = PackStore(tmp_path)
    store.recover()
    lines = recovery_words(store.last_recovery, cut)
    assert cut == {"pack": 1, "library": 1, "install": 1}
    assert "at start: a pack upload cut off when the box stopped was dropped: send it again (hatbox push)" in lines
    assert any("a library upload cut off" in line and "hatbox push-library" in line for line in lines)
    assert any("a pack install cut off" in line for line in lines)
    assert any("cleared 1 leftover of a deletion" in line for line in lines), lines
    assert recovery_words(PackStore(tmp_path / "clean").recover(), cut_work(tmp_path / "clean")) == []


def test_hatbox_status_says_cleared_work() -> None:
    [line] = recovery_lines({"removed_debris": 1, "removed_broken": [], "rebuilt": []})
    assert "cut off when the box stopped" in line and "send it again" in line
    assert recovery_lines({"removed_debris": 0}) == []


def test_device_run_says_it_on_the_terminal_and_in_box_log(tmp_path: Path) -> None:
    store = tmp_path / "store"
    _left_by_a_power_cut(store)
    (tmp_path / "empty.conf").write_text("")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "ALSA_CONFIG_PATH": str(tmp_path / "empty.conf"),
           "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    r = subprocess.run([sys.executable, "-m", "hatbox", "device", "run", "--sim", "--seconds", "0.2", "--no-api",
                        "--no-panel", "--no-midi", "--osc-port", "0", "--store", str(store)], cwd=tmp_path,
                       capture_output=True, text=True, timeout=120, env=env)
    said = "at start: a pack upload cut off when the box stopped was dropped: send it again (hatbox push)"
    assert r.returncode == 0, r.stderr
    assert said in r.stdout, r.stdout
    assert said in (store / "logs" / "box.log").read_text()
