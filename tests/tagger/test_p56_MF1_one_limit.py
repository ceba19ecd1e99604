"""p56 final read FR1 finding 7: trainer/tagger/moved_files.MAX_FILES copied csvtext.SEARCH_MAX_FILES when the module
was imported, so the one limit still had two names, and a change of csvtext's did not reach the moved-file walk.
The walk reads csvtext.SEARCH_MAX_FILES itself now."""
from __future__ import annotations

from pathlib import Path

import pytest

from trainer import csvtext
from trainer.tagger import moved_files


def _moved(folder: Path, others: int) -> list[tuple[str, str]]:
    """The guesses for a CSV cell "gm/vibes.wav" whose file is now under lib/, beside ``others`` more files."""
    (folder / "lib").mkdir()
    (folder / "lib" / "vibes.wav").write_bytes(b"")
    for k in range(others):
        (folder / "lib" / f"take{k}.wav").write_bytes(b"")
    return moved_files.moved_guesses(folder, [("gm/vibes.wav", folder / "gm" / "vibes.wav", "line 2")], set())


def test_the_walk_follows_the_one_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csvtext, "SEARCH_MAX_FILES", 5)
    assert _moved(tmp_path, 10) == []                   # 11 files past a limit of 5: no guess


def test_under_the_limit_it_guesses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csvtext, "SEARCH_MAX_FILES", 50)
    assert _moved(tmp_path, 10) == [("lib/vibes.wav", "line 2")]


def test_no_second_name_for_it() -> None:
    assert not hasattr(moved_files, "MAX_FILES")
