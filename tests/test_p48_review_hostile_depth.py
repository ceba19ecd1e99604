"""Forty-eighth stop's review of json_depth: its string pattern backtracked on a string never closed, full of
escaped quotes, after more than 32 brackets (so that the depth is measured at all): 32 KB took 6 s, a 205-byte
deflated .hatpack with a 60 KB manifest 15 s in read_pack, and the 4 MiB a manifest may hold hours.  Now linear.

The timed runs go in a child process with a time limit, so that the old quadratic code fails the test instead of
holding the suite for hours."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from export.pack import json_depth, read_pack
from hatbox.errors import PackError
from tests.api.packs import gain_pack


def hostile(size: int) -> bytes:
    """``size`` bytes or so of the reviewer's input: 40 brackets, then a string of escaped quotes never closed."""
    return b"[" * 40 + b'"' + b'\\"' * (size // 2)


def test_a_string_never_closed_is_measured_in_linear_time() -> None:
    script = textwrap.dedent("""
        import json, time
        from tests.test_p48_review_hostile_depth import hostile
        from export.pack import json_depth
        out = {}
        for size in (1 << 20, 4 << 20):
            data = hostile(size)
            started = time.perf_counter()
            out[size] = [json_depth(data), time.perf_counter() - started]
        print(json.dumps(out))
    """)
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    (depth1, t1), (depth4, t4) = json.loads(done.stdout).values()
    assert depth1 == depth4 == 40
    assert t4 < 5.0 or t4 < 8 * t1, (t1, t4)            # 4x the size: linear, with room for a loaded machine


def test_a_small_pack_with_such_a_manifest_is_refused_at_once(tmp_path: Path) -> None:
    good = gain_pack(tmp_path / "good.hatpack", "fuzz", "1.0.0")
    with zipfile.ZipFile(good) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    members["manifest.json"] = hostile(60_000)
    bad = tmp_path / "bad.hatpack"
    with zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    with pytest.raises(PackError, match=r"nested too deeply \(40 levels") as caught:
        read_pack(bad)
    assert caught.value.check == "manifest"


@pytest.mark.parametrize("text, depth", [(b'[["a\\', 2), (b'[["a\\"]]', 2), (b'[["a"]', 2), (b'"[[[', 0),
                                         (b'[["\\\\"], [[[', 4), (b'[{"k\\"[": "]"}]', 2)])
def test_strings_never_closed_hide_the_brackets_after_them(text: bytes, depth: int) -> None:
    assert json_depth(text) == depth


def test_the_depth_of_valid_json_is_its_nesting() -> None:
    value: object = "\\\"[{"
    for level in range(1, 50):
        value = [value, {"k\"]": "}\\"}] if level % 2 else {"[": value}
        assert json_depth(json.dumps(value).encode()) == level + 1
