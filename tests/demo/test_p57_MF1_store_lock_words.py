"""p57 FR1 2: the store lock's refusal named "another hatbox device run" whoever held the store (a demo holds it
too since p57 M3), and the demo's own refusal could pass on the hint "give this one another --store", an option
`hatbox demo` does not have.  The refusal names the box that holds the store (p58 F3: as typed, with its start), and
each asker gets its own way out."""
from __future__ import annotations

import argparse
import os
from pathlib import Path

import pytest

from hatbox import cmd_demo, demo_box
from hatbox.box_store_lock import one_box
from hatbox.errors import HatboxError


def _refusal(store: Path, asking) -> HatboxError:
    with one_box(store):                                   # a box (a demo or a device run) runs on it
        with pytest.raises(HatboxError) as refused:
            asking()
    return refused.value


def test_a_device_run_is_told_which_box_holds_the_store(tmp_path: Path) -> None:
    store = tmp_path / "store"
    store.mkdir()

    def device_run() -> None:
        with one_box(store):
            pass
    err = _refusal(store, device_run)
    assert f"is in use by `hatbox device run` (pid {os.getpid()}, started " in str(err)     # named since p58 F3
    assert "another hatbox device run" not in str(err)
    assert "--store" in err.hint


@pytest.mark.parametrize("step", ["free_store", "held_store"])
def test_a_demo_is_told_its_own_way_out(tmp_path: Path, step: str, monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "hatbox-demo" / "store"
    store.mkdir(parents=True)

    def demo() -> None:
        if step == "free_store":
            demo_box.free_store(store)
        else:       # the demo holding its store (box_store_lock.held_store), its folder's own check passed
            monkeypatch.setattr(cmd_demo, "_own_folder", lambda out: out / cmd_demo.FOLDER)
            monkeypatch.setattr(cmd_demo, "KITS", tmp_path / "no-kits")
            cmd_demo.demo(argparse.Namespace(out=tmp_path, seconds=1.0, kit=None))
    err = _refusal(store, demo)
    words = f"{err} {err.hint}"
    assert "another hatbox device run" not in words and "--store" not in words
    assert "is in use by `hatbox device run` (pid" in str(err) and "--out" in err.hint
