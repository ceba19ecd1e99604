"""p45 duo QA, MIDI: two laptops on one box.  ``PUT /midi/channels`` is a check-and-set (device/api/midi_routes.py
``ChannelSetters``): a change that would put the kit and the synth on one channel alone by setting only one of them is
refused, naming who set the other, so the first laptop's answer stays true (A's --kit-channel 3 and B's
--synth-channel 3 at once left the box with both on channel 3, A told "synth: every channel but 3"); a change of a
program's mapping names who mapped what it replaced (device/api/program_routes.py ``who_mapped``)."""
from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any, Iterator

import pytest

import device.midi_saved as midi_saved
from tests.midi.p44_box import ProgramBox, packs, program_box


class Duo:
    def __init__(self, box: ProgramBox) -> None:
        self.box = box
        self.a, self.b = self._pair("laptopA"), self._pair("laptopB")

    def _pair(self, name: str) -> dict[str, str]:
        code = self.box.app.state.box.pairing.current()
        r = self.box.client.post("/pair", json={"code": code, "name": name})
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['token']}"}

    def channels(self, who: dict[str, str], **body: Any) -> Any:
        return self.box.client.put("/midi/channels", json=body, headers=who)

    def now(self) -> tuple[Any, Any]:
        state = self.box.client.get("/midi", headers=self.a).json()
        return state["kit_channel"], state["synth_channel"]


@pytest.fixture
def duo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Duo]:
    box = program_box(tmp_path / "box", monkeypatch)
    yield Duo(box)
    box.stop()


def test_a_channel_clash_made_by_one_side_is_refused_naming_who_set_the_other(duo: Duo) -> None:
    r = duo.channels(duo.a, kit_channel=3)
    assert r.status_code == 200 and r.json()["message"].startswith("MIDI channels: kit: channel 3; synth: every "
                                                                   "channel but 3")
    r = duo.channels(duo.b, synth_channel=3)
    assert r.status_code == 409, r.text
    message = r.json()["message"]
    assert message.startswith("the kit plays MIDI channel 3 alone (laptopA set it ")
    assert message.endswith("the synth on channel 3 too would leave the 15 other channels silent; nothing was changed")
    assert "--kit-channel 3 --synth-channel 3" in r.json()["hint"]
    assert duo.now() == (3, None)                                      # A's answer is still what the box does
    r = duo.channels(duo.b, kit_channel=3, synth_channel=3)           # asked for in full: taken, with the warning
    assert r.status_code == 200 and "both play MIDI channel 3 alone" in r.json()["warning"]


def test_two_laptops_setting_channels_at_once_are_taken_one_after_the_other(duo: Duo,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    real = midi_saved.set_channels

    def slow(hub: Any, channels: Any) -> None:          # widen the window between reading and setting the channels
        time.sleep(0.2)
        real(hub, channels)
    monkeypatch.setattr(midi_saved, "set_channels", slow)
    answers: dict[str, Any] = {}
    threads = [threading.Thread(target=lambda: answers.__setitem__("A", duo.channels(duo.a, kit_channel=5))),
               threading.Thread(target=lambda: answers.__setitem__("B", duo.channels(duo.b, synth_channel=5)))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    codes = sorted(r.status_code for r in answers.values())
    assert codes == [200, 409], {k: r.text for k, r in answers.items()}
    taken = next(r.json() for r in answers.values() if r.status_code == 200)
    assert duo.now() == (taken["kit_channel"], taken["synth_channel"])     # the answer that went through holds


def test_remapping_a_program_names_who_mapped_what_it_replaced(duo: Duo, tmp_path: Path) -> None:
    made = packs(tmp_path / "packs")
    duo.box.push(made["a"])
    duo.box.push(made["b"])
    assert duo.box.client.put("/midi/programs/100", json={"pack": "alpha"}, headers=duo.a).status_code == 200
    r = duo.box.client.put("/midi/programs/100", json={"pack": "beta"}, headers=duo.b)
    assert r.status_code == 200, r.text
    assert "(it switched effect pack alpha 1.0.0, mapped by laptopA " in r.json()["message"]
    r = duo.box.client.delete("/midi/programs/100", headers=duo.a)
    assert "(it switched effect pack beta 1.0.0, mapped by laptopB " in r.json()["message"]
