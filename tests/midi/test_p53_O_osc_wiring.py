"""p53 (O): ``hatbox device run`` hands its OSC listener the box's MIDI map, so that ``/hatbox/program N`` reaches the
set list (hatbox/cmd_device.py ``_start_osc``); before, the listener had no way to the program switcher."""
from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest
from pythonosc.udp_client import SimpleUDPClient

from hatbox import cmd_device
from hatbox.cli import build_parser
from tests.midi.p44_box import packs, program_box


def _free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_box_s_osc_listener_switches_the_set_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    box = program_box(tmp_path / "box", monkeypatch)
    stop = None
    try:
        p = packs(tmp_path / "packs")
        box.push(p["a"], activate=True)
        b = box.push(p["b"])
        r = box.client.put("/midi/programs/3", json={"pack": b}, headers=box.auth)
        assert r.status_code == 200, r.text
        port = _free_udp_port()
        args = build_parser().parse_args(["device", "run", "--store", str(tmp_path / "box"), "--osc-host",
                                          "127.0.0.1", "--osc-port", str(port)])
        stop = cmd_device._start_osc(args, box.control)
        SimpleUDPClient("127.0.0.1", port).send_message("/hatbox/program", 3)
        deadline = time.monotonic() + 10
        while box.switcher.last is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert box.switcher.wait(10)
        assert box.active() == b and box.switcher.last["ok"], box.switcher.last
    finally:
        if stop is not None:
            stop()
        box.stop()
