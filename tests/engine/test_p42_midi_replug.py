"""A controller unplugged and plugged back between two polls (forty-second stop's QA, replug.py): it comes back
under the same name, so the names alone never told; its notes and pedal stayed down.  The box tells it by the
connection it made when it opened the port, which the kernel drops with the old port
(``/proc/asound/seq/clients``: the new port's ``Connecting To`` lacks the box's client).  Over stand-ins: these
machines have no ALSA sequencer."""
from __future__ import annotations

from typing import Any

import mido

from device.midi_ports import PortWatcher, routed_to_box, seq_links

KEYS = "nanoKEY2:nanoKEY2 MIDI 1 20:0"


def _clients(connected: bool, legacy: bool = False) -> str:
    """The kernel's list: the keyboard at 20:0, the box's rtmidi client for it at 129:0 (connected or not)."""
    user, kernel = ("[User Legacy]", "[Kernel Legacy]") if legacy else ("[User]", "[Kernel]")
    keys_to = "    Connecting To: 129:0\n" if connected else ""
    box_from = "    Connected From: 20:0\n" if connected else ""
    return (f'Client info\n  cur  clients : 4\n\nClient   0 : "System" {kernel}\n  Port   0 : "Timer" (Rwe-)\n'
            f'  Port   1 : "Announce" (R-e-)\n    Connecting To: 128:0\n'
            f'Client  20 : "nanoKEY2" {kernel}\n  Port   0 : "nanoKEY2 MIDI 1" (RWeX) [In/Out]\n{keys_to}'
            f'Client 128 : "RtMidiIn Client" {user}\n  Port   0 : "hatbox" (-We-)\n'
            f'Client 129 : "RtMidiIn Client" {user}\n  Port   0 : "RtMidi input" (-We-)\n{box_from}')


class _Sequencer:
    def __init__(self) -> None:
        self.names = [KEYS]
        self.connected = False
        self.callbacks: dict[str, Any] = {}
        self.opened = 0

    def open_port(self, name: str, callback: Any) -> Any:
        self.callbacks[name], self.connected = callback, True
        self.opened += 1
        return type("Port", (), {"close": lambda _self: None})()

    def links(self) -> dict[str, set[str]]:
        return seq_links(_clients(self.connected))


def test_seq_links_reads_each_ports_connections() -> None:
    assert seq_links(_clients(True)) == {"0:0": set(), "0:1": {"128:0"}, "20:0": {"129:0"}, "128:0": set(),
                                         "129:0": set()}
    assert seq_links(_clients(False, legacy=True))["20:0"] == set()


def test_routed_to_box_reads_linux_6_5s_client_lines() -> None:
    text = _clients(True, legacy=True).replace('"RtMidi input"', '"hatbox"')
    assert routed_to_box(text) == {"20:0"}                   # was set(): "[User Legacy]" did not end with "[User]"


def test_a_replugged_controller_is_released_and_opened_again() -> None:
    seq, sent, said = _Sequencer(), [], []
    watcher = PortWatcher(lambda: list(seq.names), seq.open_port, sent.append, said.append, links=seq.links)
    watcher.poll()
    seq.callbacks[KEYS](mido.Message("note_on", note=60, velocity=100))
    seq.callbacks[KEYS](mido.Message("control_change", control=64, value=127))
    watcher.poll()                                           # nothing changed: nothing released
    assert len(sent) == 2 and seq.opened == 1
    seq.connected = False                                    # out and back in between two polls: same name
    watcher.poll()
    released = sent[2:]
    assert [m.type for m in released] == ["note_off", "control_change"]
    assert released[0].note == 60 and released[1].value == 0
    assert seq.opened == 2 and seq.connected                 # opened again
    assert any("went away and came back: released 1 note and the pedal" in line for line in said)
    seq.callbacks[KEYS](mido.Message("note_on", note=62, velocity=100))
    assert sent[-1].note == 62                               # it plays on


def test_without_the_kernels_list_the_names_decide_as_before() -> None:
    seq, sent = _Sequencer(), []
    watcher = PortWatcher(lambda: list(seq.names), seq.open_port, sent.append, lambda _line: None)
    watcher.poll()
    seq.connected = False
    watcher.poll()
    assert seq.opened == 1 and sent == []
