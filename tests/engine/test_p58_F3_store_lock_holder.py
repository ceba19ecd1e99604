"""p58 F3 1: the store lock (STORE/box.lock) kept only its holder's pid, so a second box refused on the store could not
say whether a demo or a device run held it, nor since when.  The lock records the command as typed and when it
started, and the refusal says them; a lock with a pid only (an older hatbox's) is said as before."""
from __future__ import annotations

import argparse
import datetime
import os
import re
from pathlib import Path

import pytest

from hatbox import cmd_demo, demo_box
from hatbox.box_store_lock import BOX_LOCK, one_box
from hatbox.errors import HatboxError


def _second_box(store: Path) -> HatboxError:
    """The refusal a `hatbox device run` on ``store`` gets now."""
    with pytest.raises(HatboxError) as refused:
        with one_box(store):
            pass
    return refused.value


def test_a_device_run_holding_the_store_is_named_as_typed_with_its_start(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "store"
    store.mkdir()
    monkeypatch.setattr("sys.argv", ["/opt/hatbox/bin/hatbox", "device", "run", "--sim", "--store", "my store"])
    with one_box(store):
        err = _second_box(store)
    now = datetime.datetime.now().strftime("%H:%M")
    said = err.args[0]
    assert said.startswith(f"the store folder {store.absolute()} is in use by `hatbox device run --sim --store "
                           f"'my store'` (pid {os.getpid()}, started "), said
    assert re.search(r"started (\d\d:\d\d)\): one box per store$", said).group(1) in (now, _minute_before(now)), said
    assert "a hatbox device run or hatbox demo" not in said and "--store" in err.hint


def _minute_before(hhmm: str) -> str:
    t = datetime.datetime.strptime(hhmm, "%H:%M") - datetime.timedelta(minutes=1)
    return t.strftime("%H:%M")


def test_a_demo_holding_the_store_is_named_hatbox_demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`hatbox demo` run through main([...]) (no `hatbox` in sys.argv): the command's own words."""
    refused: list[HatboxError] = []

    def start_box(out: Path, store: Path, seconds: float) -> None:
        refused.append(_second_box(store))                # a device run --store on the demo's store
        raise HatboxError("the test's stop")
    monkeypatch.setattr(cmd_demo, "_own_folder", lambda out: out / cmd_demo.FOLDER)
    monkeypatch.setattr(cmd_demo, "KITS", tmp_path / "no-kits")
    monkeypatch.setattr(cmd_demo, "_start_box", start_box)
    with pytest.raises(HatboxError, match="the test's stop"):
        cmd_demo.demo(argparse.Namespace(out=tmp_path, seconds=1.0, kit=None))
    assert f"is in use by `hatbox demo` (pid {os.getpid()}, started " in refused[0].args[0], refused[0]


def test_a_lock_with_a_pid_only_is_said_as_before(tmp_path: Path) -> None:
    from export.atomic import held_exclusively
    store = tmp_path / "store"
    store.mkdir()
    with held_exclusively(store / BOX_LOCK, RuntimeError):              # an older hatbox's box: its pid alone
        err = _second_box(store)
    assert err.args[0] == (f"a hatbox device run or hatbox demo (pid {os.getpid()}) is already using the store folder "
                        f"{store.absolute()}: one box per store")


def test_a_box_started_another_day_says_the_date_and_odd_characters_are_escaped(tmp_path: Path) -> None:
    from export.atomic import locked_fd
    store = tmp_path / "store"
    store.mkdir()
    since = datetime.datetime.now().astimezone() - datetime.timedelta(days=2)
    fd = locked_fd(store / BOX_LOCK)
    try:
        os.write(fd, f"4321\nhatbox device run --store \x1b[31mred\n{since.isoformat(timespec='seconds')}\n".encode())
        said = _second_box(store).args[0]
    finally:
        os.close(fd)
    assert f"`hatbox device run --store \\x1b[31mred` (pid 4321, started {since:%Y-%m-%d %H:%M})" in said, said


def test_a_cleared_demo_folder_names_the_box_on_it_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "store"
    store.mkdir()
    monkeypatch.setattr("sys.argv", ["hatbox", "demo"])
    with one_box(store, command="hatbox demo"):
        with pytest.raises(HatboxError) as refused:
            demo_box.free_store(store)
    said = refused.value.args[0]
    assert said.startswith(f"the store folder {store.absolute()} is in use by `hatbox demo` (pid {os.getpid()}, ")
    assert said.endswith("one box per store; nothing was removed") and said.count("in use") == 1, said
    assert "--out" in refused.value.hint
