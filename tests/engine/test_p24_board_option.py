"""`hatbox device run --board NAME|FILE`: the panel runs on the board named (a builder's own wiring), checked before
anything starts; before, only --sim / the Jetson default could be chosen."""
from __future__ import annotations

from pathlib import Path

import pytest

import device.ui.app as app
from hatbox.cli import main

ROOT = Path(__file__).resolve().parents[2]
BOX = ["device", "run", "--sim", "--seconds", "0.3", "--no-midi", "--no-api", "--osc-port", "0"]


def test_the_panel_runs_on_the_board_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mine = tmp_path / "my-box.toml"
    mine.write_text((ROOT / "hardware" / "boards" / "sim.toml").read_text().replace('name = "', 'name = "mine ', 1))
    seen = []
    monkeypatch.setattr(app, "run_panel", lambda control, board=None, **kw: seen.append(board))
    assert main([*BOX, "--store", str(tmp_path / "s"), "--board", str(mine)]) == 0
    assert len(seen) == 1 and seen[0].name.startswith("mine ")


def test_a_board_file_with_a_key_written_twice_stops_the_box_before_it_starts(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "dup.toml"
    bad.write_text('name = "x"\ngpio = "sim"\ngpio = "jetson"\n')
    assert main([*BOX, "--store", str(tmp_path / "s"), "--board", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "is not valid TOML" in err and "a key written twice in one section?" in err
    assert not (tmp_path / "s" / "sim-out.wav").exists()
    assert main([*BOX, "--store", str(tmp_path / "s"), "--board", "nosuch"]) == 2
    assert "known boards: jetson-orin-nano-devkit, sim" in capsys.readouterr().err


def test_a_second_box_on_the_same_store_is_refused_before_it_changes_anything(tmp_path: Path, capsys) -> None:
    """Before: a second `device run --effect X` on a store a box was using installed and activated X under the
    first box (whose engine went on playing the old pack), then ran on with only a port-in-use warning."""
    from export.atomic import held_exclusively
    store = tmp_path / "s"
    store.mkdir()
    with held_exclusively(store / "box.lock", RuntimeError):             # the first box
        assert main([*BOX, "--store", str(store), "--no-panel", "--effect",
                     str(ROOT / "factory" / "effect-drive.hatpack")]) == 2
    err = capsys.readouterr().err
    pid = __import__('os').getpid()
    assert f"a hatbox device run or hatbox demo (pid {pid}) is already using the store folder {store.absolute()}" in err
    assert not (store / "packs").exists() and not (store / "sim-out.wav").exists()


def test_board_is_checked_without_the_panel_too_and_a_store_that_cannot_be_made_is_one_line(tmp_path: Path,
                                                                                          capsys) -> None:
    assert main([*BOX, "--store", str(tmp_path / "s"), "--no-panel", "--board", "nosuch"]) == 2
    assert "no board file" in capsys.readouterr().err
    (tmp_path / "afile").write_text("x")
    assert main([*BOX, "--store", str(tmp_path / "afile" / "store"), "--no-panel"]) == 2
    err = capsys.readouterr().err
    assert "--store " in err and "cannot be used" in err and "internal error" not in err


def test_a_folder_named_box_lock_in_the_store_is_refused_not_run_unguarded(tmp_path: Path, capsys) -> None:
    """Before: a folder in the lock file's place made the lock quietly fail, and two boxes could share the store."""
    store = tmp_path / "s"
    (store / "box.lock").mkdir(parents=True)
    (store / "box.lock" / "keep.txt").write_text("mine")
    assert main([*BOX, "--store", str(store), "--no-panel", "--effect",
                 str(ROOT / "factory" / "effect-drive.hatpack")]) == 2
    err = capsys.readouterr().err
    assert "box.lock is a folder" in err and "move it out of the store folder" in err
    assert (store / "box.lock" / "keep.txt").read_text() == "mine"
    assert not (store / "packs").exists() and not (store / "sim-out.wav").exists()
