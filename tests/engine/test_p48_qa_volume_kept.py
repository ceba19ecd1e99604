"""p48 QA: the output volume set from the laptop (or the panel) was lost on a restart while the knobs were kept: a
box left at -12 dB came back at 0 dB, 12 dB louder.  Now the volume is kept in the knob file (STORE/knobs.json,
``volume_db``, written as the knobs are) whoever set it, and put back before the output fades in: the box comes
back as loud as it was left, never louder.  Driven through the engine process's own start and stop (the fixture of
tests/engine/test_p43_knobs_kept.py)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from device import knob_store
from device.audio.server import _Child
from device.store import KNOB_FILE
from tests.engine.quick_loads import quick_loads  # noqa: F401 - autouse: loads without GIL pauses
from tests.engine.test_p43_knobs_kept import Box, _blocks, _kept, _turn, box, fxd, store  # noqa: F401  (fixtures)


def _volume(child: _Child, db: float) -> None:
    child.request({"op": "volume", "db": db})       # as the panel, OSC and PUT /volume send it through the control


def test_the_volume_comes_back_as_it_was_left_after_a_restart(box: Box, store: Path, fxd: str) -> None:  # noqa: F811
    first = box.start({"effect": fxd})
    assert first.status()["volume_db"] == 0.0
    _volume(first, -12.0)
    box.stop(first)                                                   # a clean stop
    assert _kept(store)["volume_db"] == -12.0
    second = box.start({"effect": fxd})
    assert second.status()["volume_db"] == -12.0                      # was 0 dB: 12 dB louder than left
    assert second.status()["knobs_restored"] == "knobs restored as they were left: output.volume -12 dB"


def test_a_volume_turned_alone_is_written_without_a_stop(box: Box, store: Path, fxd: str) -> None:  # noqa: F811
    """A power cut after the volume moved: the keeper's thread wrote it (as a knob's turn), not only the stop."""
    first = box.start({"effect": fxd}, every_s=0.01)
    _volume(first, -30.0)
    for _ in range(500):
        if (store / KNOB_FILE).exists() and _kept(store).get("volume_db") == -30.0:
            break
        _blocks(first, 1)
        first.knobs._stop.wait(0.01)
    assert _kept(store)["volume_db"] == -30.0


def test_the_volume_and_the_knobs_come_back_together(box: Box, store: Path, fxd: str) -> None:  # noqa: F811
    first = box.start({"effect": fxd})
    _turn(first, "drive", 18.0)
    _volume(first, 3.0)
    box.stop(first)
    second = box.start({"effect": fxd})
    assert second.status()["volume_db"] == 3.0 and second.status()["slot_knobs"]["effect"]["drive"] == 18.0
    assert second.status()["knobs_restored"] == ("knobs restored as they were left: output.volume 3 dB, "
                                                 "effect.drive 18 dB")


@pytest.mark.parametrize("kept", [None, "loud", 20.0, float("nan"), True])
def test_a_file_without_a_volume_or_with_one_out_of_range_starts_at_0_db(box: Box, store: Path,  # noqa: F811
                                                                         fxd: str, kept: object) -> None:  # noqa: F811
    data = {"version": 1, "slots": {}, **({} if kept is None else {"volume_db": kept})}
    (store / KNOB_FILE).write_text(json.dumps(data))
    child = box.start({"effect": fxd})
    assert child.status()["volume_db"] == 0.0
    assert "knobs_restored" not in child.status()
    said = [w for w in child.status()["warnings"] if "output volume" in w]       # p48 review: it was dropped silently
    if kept is None:                                                  # a file from before the forty-eighth stop
        assert not said
    elif kept != kept:                                                # NaN: no store file holds it, set aside
        assert not said and "were damaged (NaN is no number" in child.status()["warnings"][0]
    else:
        assert said == [f"the kept output volume ({json.dumps(kept)} in knobs.json) was not a volume (-60 to 6 dB): "
                        "the box starts at 0 dB"]


def test_the_write_at_the_start_keeps_the_volume_put_back(box: Box, store: Path, fxd: str) -> None:  # noqa: F811
    """The start's own write (the packs loaded) keeps the volume the file had, not the engine's 0 dB of before."""
    (store / KNOB_FILE).write_bytes(knob_store.kept_bytes({}, 100.0, -6.0))
    child = box.start({"effect": fxd})
    assert child.status()["volume_db"] == -6.0
    box.stop(child)
    assert _kept(store)["volume_db"] == -6.0
