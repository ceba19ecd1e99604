"""p48 QA, the laptop's side: `hatbox status` said nothing of a volume a stranger's OSC had set to -60 dB, and
`hatbox box-knob volume 0` answered "the box plays no knob 'volume'".  Now the status has a volume line (when it is
not 0 dB) saying who set it, and box-knob reads and sets the output volume (``GET``/``PUT /volume``)."""
from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from device.osc import OscMap, OscServer
from hatbox.cli import main
from hatbox.cmd_box_knob import is_volume
from hatbox.errors import KnobError
from hatbox.status_report import volume_words
from tests.api.conftest import PairedServer
from tests.api.packs import gain_pack

STRANGER = "192.0.2.7"


def _stranger_sets(paired: PairedServer, db: float) -> None:
    server = OscServer(OscMap(), paired.control.send, host="127.0.0.1", port=0)
    try:
        server._on_message("/hatbox/volume", db, sender=STRANGER)
    finally:
        server.stop()


def _volumes(paired: PairedServer) -> list[float]:
    return [m["db"] for m in paired.control.sent if m["op"] == "volume"]


def test_status_shows_the_strangers_volume_and_box_knob_sets_it_back(paired_server: PairedServer,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    _stranger_sets(paired_server, -60.0)
    capsys.readouterr()
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    line = next((line for line in out.splitlines() if line.startswith("  volume")), out)
    assert re.fullmatch(rf"  volume -60 dB: you will hardly hear the box \(set over OSC from {re.escape(STRANGER)} at "
                        r"\d\d:\d\d; hatbox box-knob output.volume 0 puts it back\)", line), line
    assert main(["box-knob", "volume", "0"]) == 0
    said = capsys.readouterr().out
    assert said.startswith("output.volume        0 dB  (-60..6 dB, default 0 dB)  set by 'laptop' at "), said
    assert _volumes(paired_server) == [-60.0, 0.0]
    assert main(["status"]) == 0
    assert "volume" not in capsys.readouterr().out.replace("box-knob", "")       # 0 dB: no line


@pytest.mark.parametrize("args, db", [(["volume", "-6"], -6.0), (["master.volume", "-6", "dB"], -6.0),
                                      (["OUTPUT.VOLUME", "+3dB"], 3.0), (["volume", "-60"], -60.0)])
def test_box_knob_sets_the_volume_in_db(paired_server: PairedServer, capsys: pytest.CaptureFixture[str],
                                        args: list[str], db: float) -> None:
    assert main(["box-knob", *args]) == 0
    assert _volumes(paired_server) == [db]
    assert main(["box-knob", "volume", "--json"]) == 0
    assert f'"db": {db}' in capsys.readouterr().out


@pytest.mark.parametrize("value, words", [("20", "the output volume goes from -60 to +6 dB, not 20 dB"),
                                          ("loud", "'loud' is not a number"), ("nan", "is not a number"),
                                          ("6 Hz", "'6 Hz' is not a number")])
def test_box_knob_refuses_a_volume_it_cannot_set(paired_server: PairedServer, capsys: pytest.CaptureFixture[str],
                                                 value: str, words: str) -> None:
    assert main(["box-knob", "volume", value]) != 0
    assert words in capsys.readouterr().err
    assert _volumes(paired_server) == []


def test_box_knob_lists_the_volume_after_the_knobs(paired_server: PairedServer, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["push", str(gain_pack(tmp_path / "good.hatpack", "good", "1.0.0")), "--activate", "--quiet"]) == 0
    capsys.readouterr()
    assert main(["box-knob"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("effect.gain") and lines[-1] == "output.volume        0 dB  (-60..6 dB, default 0 dB)"


def test_a_box_without_the_volume_route_says_so(paired_server: PairedServer, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    routes = paired_server.app.router.routes                  # a box from before p48: GET /volume is a 404
    monkeypatch.setattr(paired_server.app.router, "routes", [r for r in routes if getattr(r, "path", "") != "/volume"])
    assert main(["box-knob", "volume", "0"]) != 0
    assert "this box does not set its output volume from the laptop" in capsys.readouterr().err
    assert _volumes(paired_server) == []


def test_volume_alone_is_refused_when_a_pack_has_a_knob_of_that_name() -> None:
    knobs = [{"slot": "effect", "name": "Volume"}]
    assert is_volume("output.volume", knobs) and is_volume("Master.Volume", knobs) and is_volume("volume", [])
    assert not is_volume("effect.volume", knobs) and not is_volume("drive", [])
    with pytest.raises(KnobError, match="names both the box's output volume and effect.Volume"):
        is_volume("volume", knobs)


@pytest.mark.parametrize("eng, words", [
    ({"volume_db": 0.0}, ""),
    ({"volume_db": 0.01}, ""),
    ({}, ""),
    ({"volume_db": True}, ""),
    ({"volume_db": -12.25}, "volume -12.2 dB (hatbox box-knob output.volume 0 puts it back)"),
    ({"volume_db": 6.0, "volume_set": {"by": "api", "source": "studio-mac"}},
     "volume +6 dB (set by 'studio-mac'; hatbox box-knob output.volume 0 puts it back)"),
    ({"volume_db": -60.0, "volume_set": {"by": "osc", "source": STRANGER, "ago_s": 60.0}},
     f"volume -60 dB: you will hardly hear the box (set over OSC from {STRANGER} at 12:00; hatbox box-knob "
     "output.volume 0 puts it back)"),
])
def test_the_status_volume_line(eng: dict, words: str) -> None:
    now = time.mktime((2026, 12, 6, 12, 1, 0, 0, 0, -1))
    assert volume_words(eng, now=now) == words
