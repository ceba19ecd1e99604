"""p55 final read FR2 #1, #5, #6 on the words of what a restart keeps (device/kept_play.py, device/audio/held.py).

#1: a bypass kept for a pack from the store, the box started with a pack from outside the store in that slot: the
warning said "the slot starts empty" while that pack played there.
#5: one note rounded the kept knob by its dial and the turn dropped by three significant digits, and compared the raw
floats: "drive (20.6 dB; the 20.6 turned while it loaded was dropped)".
#6: a kept bypass's who edited by hand without ``set_at`` was taken as set in 1970 (``at`` 0, ``ago_s`` ~1.7e9)."""
from __future__ import annotations

import json
from pathlib import Path

from device.audio.alsa_io import AudioConfig
from device.audio.held import SetKnob, kept_note
from device.audio.server import ServerConfig, _Child
from device.kept_play import bypassed_of
from device.store import KNOB_FILE
from tests.engine.test_p42_knobs_carry import capture, drive, tone
from tests.engine.test_p43_knobs_kept import FXD, Box, _blocks, box, fxd, store  # noqa: F401


def _start(box: Box, packs: dict[str, str], store: Path) -> _Child:  # noqa: F811
    """Box.start as device/audio/server._engine_run does it, with the box's store folder given."""
    child = _Child(ServerConfig(audio=AudioConfig(rate=48000, period=128), backend="file", realtime=False))
    child.swapper.budget = 50.0
    box.children.append(child)
    child.extra["warnings"] += child.knobs.restore(packs, store)
    for slot, path in packs.items():
        child.request({"op": "load", "slot": slot, "path": path})
    child.extra.update(child.knobs.start())
    _blocks(child)
    return child


def test_a_bypass_kept_for_a_store_pack_names_the_outside_pack_that_plays_there(  # noqa: F811
        box: Box, store: Path, fxd: str, tmp_path: Path) -> None:  # noqa: F811
    mine = capture(tmp_path / "mine.hatpack", "fxE", drive(), tone())          # not installed: outside the store
    data = {"version": 1, "slots": {}, "bypassed": {"effect": {"pack": FXD, "name": "fxD", "version": "1.0.0"}}}
    (store / KNOB_FILE).write_text(json.dumps(data))
    child = _start(box, {"effect": mine}, store)
    status = child.status()
    assert status["bypassed"]["effect"] is False and status["active"]["effect"]["name"] == "fxE"
    assert [w for w in status["warnings"] if "bypass" in w] == [
        "the effect bypass was not put back: it was set on fxD, and fxE, a pack from outside the store, plays in "
        "that slot now, not bypassed (hatbox box-knob effect.bypass 1 or the panel's bypass button bypasses it)"]


def test_a_kept_who_without_its_time_is_none_and_said(box: Box, store: Path, fxd: str) -> None:  # noqa: F811
    bypassed = {"sampler": {"pack": "", "name": "sampler", "version": "", "by": "osc", "source": "10.0.0.7"}}
    said: list[str] = []
    assert bypassed_of(bypassed, said, "knobs.json") == {"sampler": {"pack": "", "name": "sampler", "version": ""}}
    assert said == ['the kept bypass of the sampler slot says who set it in a way that is none ({"by": "osc", '
                    '"source": "10.0.0.7"} in knobs.json): it is put back, without who']
    (store / KNOB_FILE).write_text(json.dumps({"version": 1, "slots": {}, "bypassed": bypassed}))
    status = box.start({"effect": fxd}).status()
    assert status["bypassed"]["sampler"] is True and "bypass_set" not in status      # no "set 54 years ago"
    told = [w for w in status["warnings"] if "says who set it" in w]
    assert len(told) == 1 and told[0].endswith(': it is put back, without who'), status["warnings"]


class _NoKnobs:
    knobs: list = []


def _note(kept: float, turned: float) -> str:
    k = SetKnob("drive", kept, "dB", on="hatbox-drive", dial=(0.0, 24.0, "linear"))
    return kept_note([(k, SetKnob("drive", turned, None, True))], _NoKnobs(), "hatbox-drive", "qa-od")


def test_a_turn_that_reads_as_the_kept_value_is_not_said_dropped() -> None:
    assert _note(20.63, 20.6) == ("'qa-od' has no knobs: drive (20.6 dB), set on 'hatbox-drive', is kept for a pack "
                                  "that has it")


def test_a_turn_dropped_reads_on_the_kept_knob_s_dial() -> None:
    assert _note(20.63, 3.5612) == ("'qa-od' has no knobs: drive (20.6 dB; the 3.6 turned while it loaded was "
                                    "dropped), set on 'hatbox-drive', is kept for a pack that has it")
