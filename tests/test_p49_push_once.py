"""p49 F2: `hatbox push-library FOLDER` walks the folder once (its fingerprint, its files' marks and --replace's
Carry each walked it: three walks) and reads its corrections file once (--fixes was read by its check, by
--replace's check before packing, by the upload's corrections and by the replacement: four reads); against a box
served on loopback.  Also: push_library in named steps, find_library's one choice, one table-name helper."""
from __future__ import annotations

import ast
import inspect
import os
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np
import pytest
import soundfile as sf

from hatbox import cmd_box_library, library_fixes, push_walk
from hatbox.cli import main
from tests.api.push_steps import paired_box


@pytest.fixture
def box(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A served box, this laptop paired with it (its own config, so its own pushed.json)."""
    yield from paired_box(tmp_path, monkeypatch)


def _folder(tmp_path: Path, n: int = 3) -> Path:
    """tmp_path/a/kit of ``n`` ramps, dated 10 s back (a folder push-library remembers); returns tmp_path/a."""
    kit = tmp_path / "a" / "kit"
    kit.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        _ramp(kit / f"s{i}.wav", 2400 + 480 * i)
    return kit.parent


def _ramp(path: Path, frames: int) -> None:
    sf.write(path, np.linspace(-0.5, 0.5, frames, dtype=np.float32), 48000)
    os.utime(path, ns=(path.stat().st_mtime_ns - 10**10,) * 2)


class Counted:
    """Calls of one function, counted (the function still runs)."""

    def __init__(self, real: Callable[..., Any]) -> None:
        self.real, self.calls = real, 0

    def __call__(self, *a: Any, **k: Any) -> Any:
        self.calls += 1
        return self.real(*a, **k)


@pytest.fixture
def walks(monkeypatch: pytest.MonkeyPatch) -> Counted:
    counted = Counted(push_walk.walk_folder)          # the one lister of a folder (p50: the push's one walk)
    monkeypatch.setattr(push_walk, "walk_folder", counted)
    return counted


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Counted:
    counted = Counted(library_fixes.read_fixes)
    monkeypatch.setattr(library_fixes, "read_fixes", counted)
    return counted


def test_a_replace_with_fixes_walks_the_folder_once_and_reads_the_fixes_once(
        box: Any, tmp_path: Path, walks: Counted, reads: Counted, capsys: pytest.CaptureFixture[str]) -> None:
    src = _folder(tmp_path)
    assert main(["push-library", str(src), "--quiet"]) == 0
    [old] = [lib["id"] for lib in box.state.box.libraries.list()]
    _ramp(src / "kit" / "new.wav", 7000)
    csv = tmp_path / "fixes.csv"
    csv.write_text("a/kit/s0.wav,snare\n")
    walks.calls = reads.calls = 0
    capsys.readouterr()
    assert main(["push-library", str(src), "--replace", "--fixes", str(csv), "--quiet"]) == 0
    assert walks.calls == 1, f"the folder was walked {walks.calls} times"
    assert reads.calls == 1, f"--fixes was read {reads.calls} times"
    out = capsys.readouterr().out                                       # behaviour as before
    assert "your corrections of 1 file" in out and f"--replace: deleted your older library {old}" in out, out
    assert [lib["id"] for lib in box.state.box.libraries.list()] != [old]


def test_an_unchanged_folder_sent_again_with_replace_walks_once_and_reads_its_fixes_once(
        box: Any, tmp_path: Path, walks: Counted, reads: Counted) -> None:
    src = _folder(tmp_path)
    csv = tmp_path / "fixes.csv"
    csv.write_text("a/kit/s1.wav,kick\n")
    assert main(["push-library", str(src), "--fixes", str(csv), "--quiet"]) == 0
    walks.calls = reads.calls = 0
    assert main(["push-library", str(src), "--replace", "--fixes", str(csv), "--quiet"]) == 0
    assert (walks.calls, reads.calls) == (1, 1)


def test_a_plain_push_walks_the_folder_once(box: Any, tmp_path: Path, walks: Counted) -> None:
    assert main(["push-library", str(_folder(tmp_path)), "--quiet"]) == 0
    assert walks.calls == 1


def test_push_library_is_named_steps_of_at_most_30_lines() -> None:
    tree = ast.parse(Path(inspect.getsourcefile(cmd_box_library) or "").read_text())
    steps = {n.name: n.end_lineno - n.lineno + 1 for n in ast.walk(tree)
             if isinstance(n, ast.FunctionDef) and (n.name == "push_library" or n.name.startswith("_checked"))}
    push = next(n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and n.name == "_Push")
    steps.update({f"_Push.{n.name}": n.end_lineno - n.lineno + 1 for n in push.body if isinstance(n, ast.FunctionDef)})
    assert steps["push_library"] <= 30 and len(steps) >= 5, steps
    assert max(steps.values()) <= 30, steps


def test_find_library_takes_one_choice_of_how_it_picks() -> None:
    from hatbox.errors import HatboxError
    params = list(inspect.signature(cmd_box_library.find_library).parameters)
    assert params == ["libraries", "given", "picks"]
    libs = [{"id": f"lib-rock-{i}", "name": "Rock", "uploaded": float(i), "uploaded_by_you": i == 1} for i in (1, 2)]
    find = cmd_box_library.find_library
    assert find(libs, "rock")["id"] == "lib-rock-1"                  # reading: the newest of yours
    assert find(libs, "rock", picks="yours")["id"] == "lib-rock-1"
    with pytest.raises(HatboxError):
        find(libs, "rock", picks="none")                              # to delete: an id is asked for
    with pytest.raises(ValueError):
        find(libs, "rock", picks="oldest")                            # type: ignore[arg-type]


def test_the_kept_corrections_use_the_databases_one_table_names(tmp_path: Path) -> None:
    import sqlite3

    from device.library import db as libdb
    from device.library import kept
    assert not hasattr(kept, "_has_table") and not hasattr(libdb, "_tables")
    con = sqlite3.connect(tmp_path / "old.sqlite")
    con.execute("CREATE TABLE meta (k TEXT)")
    assert libdb.table_names(con) == {"meta"}
    assert kept.count(con) == 0 and kept.entries(con) == []          # a database from before kept_tags
    con.close()
