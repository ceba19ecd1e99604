"""p55 review R2 #6: the XY pad is a gesture, not a setting.  While it moved, the knob keeper rewrote and synced
knobs.json every second (about 3,600 writes an hour of pad play on the box's SD card).  Now the pad's position is
written once it has rested (no move for ``PAD_REST_S``) or at most every ``PAD_EVERY_S`` while it keeps moving;
knobs, the volume and a bypass are written as before (at once, then at most every ``every_s``), with the pad as it is
then.  (The constants are shortened here; the box's are 2 s and 10 s.)"""
from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from device import knob_store
from tests.engine.quick_loads import quick_loads  # noqa: F401 - autouse: loads without GIL pauses
from tests.engine.test_p43_knobs_kept import Box, _kept, _turn, box, fxd, store  # noqa: F401


@pytest.fixture
def writes(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    monkeypatch.setattr(knob_store, "PAD_REST_S", 0.4, raising=False)
    monkeypatch.setattr(knob_store, "PAD_EVERY_S", 1.2, raising=False)
    done: list[float] = []
    real = knob_store.write_atomic

    def counted(path: Path, data: bytes) -> None:
        done.append(time.monotonic())
        real(path, data)
    monkeypatch.setattr(knob_store, "write_atomic", counted)
    return done


def _play_pad(child, seconds: float, x0: float = 0.1) -> list[float]:  # noqa: ANN001
    """Move the pad every 20 ms for ``seconds``; the last position sent."""
    end, x = time.monotonic() + seconds, x0
    while time.monotonic() < end:
        x = round(0.1 + (x + 0.013) % 0.8, 3)
        child.request({"op": "xy", "x": x, "y": 0.5})
        time.sleep(0.02)
    return [x, 0.5]


def _quiet(writes: list[float], seconds: float = 0.3) -> int:
    """Wait until no write came for ``seconds`` (the start's own write); how many so far."""
    end = time.monotonic() + 5.0
    while time.monotonic() < end and (not writes or time.monotonic() - writes[-1] < seconds):
        time.sleep(0.05)
    return len(writes)


def test_the_pad_played_is_written_when_it_rests_not_every_second(box: Box, store: Path, fxd: str,  # noqa: F811
                                                                   writes: list[float]) -> None:
    child = box.start({"effect": fxd}, every_s=0.05)
    start = _quiet(writes)
    last = _play_pad(child, 1.5)                                        # (2 s until the p58 trim)
    moving = len(writes) - start
    assert moving <= 2, f"{moving} writes while the pad moved 1.5 s"   # one per PAD_EVERY_S (was one per every_s: ~30)
    end = time.monotonic() + 1.0                                        # rested: written within 1 s (PAD_REST_S 0.4)
    while time.monotonic() < end and _kept(store).get("xy") != last:
        time.sleep(0.02)
    time.sleep(0.3)                                                     # and no more writes (every_s is 0.05 s)
    assert _kept(store)["xy"] == last
    assert len(writes) - start <= moving + 1


def test_a_knob_turned_while_the_pad_moves_is_written_at_once(box: Box, store: Path, fxd: str,  # noqa: F811
                                                              writes: list[float]) -> None:
    child = box.start({"effect": fxd}, every_s=0.05)
    _quiet(writes)
    player = threading.Thread(target=_play_pad, args=(child, 1.0))
    player.start()
    time.sleep(0.3)
    _turn(child, "drive", 18.0)
    end = time.monotonic() + 0.6
    while time.monotonic() < end and [k["value"] for k in _kept(store)["slots"].get("effect", {}).get("knobs", [])] \
            != [18.0]:
        time.sleep(0.02)
    assert _kept(store)["slots"]["effect"]["knobs"][0]["value"] == 18.0
    assert "xy" in _kept(store)                                        # with the pad as it was then
    player.join()


def test_a_clean_stop_writes_the_pad_where_it_was_left(box: Box, store: Path, fxd: str,  # noqa: F811
                                                       writes: list[float]) -> None:
    child = box.start({"effect": fxd}, every_s=0.05)
    _quiet(writes)
    last = _play_pad(child, 0.2)
    box.stop(child)                                                    # before the pad rested
    assert _kept(store)["xy"] == last
