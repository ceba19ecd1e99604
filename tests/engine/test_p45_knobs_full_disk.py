"""Knobs kept on a full card, and the start line (forty-fifth stop, crash-safety QA).  Knobs turned while the box's
disk was full played but were not kept, and nothing said so but box.log; after a power cut the box said "knobs
restored as they were left" with the old values.  And a knob kept for a pack that was not playing (a pack without
knobs made active after it) warned "was not restored" at every start.  Driven through the engine process's own start
steps (tests/engine/test_p43_knobs_kept.Box); a full disk is the atomic writer raising OSError(ENOSPC)."""
from __future__ import annotations

import errno
import json
import time
from pathlib import Path

import pytest

from device import knob_store
from device.store import KNOB_FILE
from tests.engine.packs import effect_pack
from tests.engine.quick_loads import quick_loads  # noqa: F401 - autouse: loads without GIL pauses
from tests.engine.test_p42_knobs_carry import capture, drive, tone
from tests.engine.test_p43_knobs_kept import FXD, Box, _install, _knobs, _turn, box  # noqa: F401 (box fixture)

NOFX = "effect-nofx-0.1.0-00000000000e"


@pytest.fixture
def store(tmp_path: Path) -> Path:
    (tmp_path / "store").mkdir()
    return tmp_path / "store"


@pytest.fixture
def fxd(store: Path, tmp_path: Path) -> str:
    return _install(store, FXD, capture(tmp_path / "d.hatpack", "fxD", drive(), tone()))


class FullDisk:
    """export.atomic.write_atomic as knob_store calls it, refusing with ENOSPC while :attr:`full`."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.full, self.real = False, knob_store.write_atomic
        monkeypatch.setattr(knob_store, "write_atomic", self)

    def __call__(self, path: Path, data: bytes) -> None:
        if self.full:
            raise OSError(errno.ENOSPC, "No space left on device")
        self.real(path, data)


def _settled(child, timeout: float = 3.0) -> dict:
    """The child's status once its keeper has written (or failed to write) every change so far."""
    end = time.monotonic() + timeout
    while (child.knobs._dirty.is_set() or child.knobs._saving) and time.monotonic() < end:
        time.sleep(0.01)
    return child.status()


def _file_drive(store: Path) -> float:
    return json.loads((store / KNOB_FILE).read_text())["slots"]["effect"]["knobs"][0]["value"]


def test_a_full_disk_is_said_while_the_knob_plays_and_the_warning_goes_once_a_write_succeeds(
        box: Box, store: Path, fxd: str, monkeypatch: pytest.MonkeyPatch) -> None:
    disk = FullDisk(monkeypatch)
    monkeypatch.setattr(knob_store, "RETRY_S", 0.2)
    child = box.start({"effect": fxd}, every_s=0.05)
    _settled(child)                                    # the start's own write, and the keeper's rest after it
    time.sleep(0.15)
    _turn(child, "drive", 20.0)
    status = _settled(child)
    assert "knobs_not_kept" not in status and _file_drive(store) == 20.0
    kept_at = status["knobs_keep"]["kept_at"]
    disk.full = True
    time.sleep(0.1)                                    # out of the keeper's rest: this turn's write is at once
    _turn(child, "drive", 7.0)
    status = _settled(child)
    assert _knobs(child)["drive"] == 7.0                               # the knob still plays as turned
    hhmm = time.strftime("%H:%M", time.localtime(kept_at))
    assert status["knobs_not_kept"] == ("the box's disk is full: knobs play as turned, but after a restart they "
                                        f"come back as of {hhmm}")
    assert status["knobs_keep"]["problem"] == "the box's disk is full"
    assert _file_drive(store) == 20.0
    disk.full = False                                  # room again: tried again without another turn
    end = time.monotonic() + 3.0
    while "knobs_not_kept" in child.status() and time.monotonic() < end:
        time.sleep(0.02)
    assert "knobs_not_kept" not in child.status()
    assert _file_drive(store) == 7.0


def test_after_a_power_cut_the_start_line_says_when_the_knobs_were_last_kept(
        box: Box, store: Path, fxd: str, monkeypatch: pytest.MonkeyPatch) -> None:
    disk = FullDisk(monkeypatch)
    first = box.start({"effect": fxd}, every_s=0.05)
    _settled(first)
    time.sleep(0.15)
    _turn(first, "drive", 20.0)
    kept_at = _settled(first)["knobs_keep"]["kept_at"]
    disk.full = True
    time.sleep(0.1)
    _turn(first, "drive", 7.0)
    assert "knobs_not_kept" in _settled(first)
    first.knobs._stop.set()                            # a power cut: no clean stop, no last write
    first.knobs._dirty.set()
    first.knobs._thread.join(5)
    disk.full = False
    second = box.start({"effect": fxd})
    assert _knobs(second)["drive"] == 20.0
    hhmm = time.strftime("%H:%M", time.localtime(kept_at))
    assert second.status()["knobs_restored"] == f"knobs restored as last kept at {hhmm}: effect.drive 20 dB"


def test_a_clean_stop_with_every_knob_written_still_says_as_they_were_left(
        box: Box, store: Path, fxd: str, monkeypatch: pytest.MonkeyPatch) -> None:
    disk = FullDisk(monkeypatch)
    first = box.start({"effect": fxd})
    _turn(first, "drive", 18.0)
    box.stop(first)
    second = box.start({"effect": fxd})
    assert second.status()["knobs_restored"] == "knobs restored as they were left: effect.drive 18 dB"
    disk.full = True                                   # a clean stop whose last write the disk refused
    _turn(second, "drive", 3.0)
    box.stop(second)
    disk.full = False
    third = box.start({"effect": fxd})
    assert third.status()["knobs_restored"].startswith("knobs restored as last kept at ")


def test_a_knob_kept_for_a_pack_not_playing_is_held_without_a_warning_at_each_start(
        box: Box, store: Path, fxd: str, tmp_path: Path) -> None:
    nofx = _install(store, NOFX, str(effect_pack(tmp_path / "n.hatpack", "gain", 0.0, name="crashfx1")))
    first = box.start({"effect": fxd})
    _turn(first, "drive", 18.0)
    first.request({"op": "load", "slot": "effect", "path": nofx})     # a pack without knobs made active
    box.stop(first)
    for _ in range(2):                                                  # every start, not only the first
        again = box.start({"effect": nofx})
        status = again.status()
        assert "warnings" not in status["active"]["effect"], status["active"]["effect"]
        assert status["warnings"] == [] and "knobs_restored" not in status
        box.stop(again)
    last = box.start({"effect": nofx})
    last.request({"op": "load", "slot": "effect", "path": fxd})        # the drive pack back: its 18 dB with it
    assert _knobs(last)["drive"] == 18.0


def test_a_knob_file_tells_when_it_was_written_and_older_files_still_read() -> None:
    kept = {"effect": {"pack": FXD, "name": "fxD", "version": "1.0.0", "knobs": []}}
    data = knob_store.kept_bytes(kept, 1_700_000_000.5)
    assert json.loads(data)["kept_at"] == 1_700_000_000.5
    assert knob_store.parse_kept(data) == kept
    assert knob_store.unkept_words("the box's disk is full", None, False) == (
        "the box's disk is full: knobs play as turned, but after a restart they come back at their packs' defaults")
