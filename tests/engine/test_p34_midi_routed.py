"""A controller already connected to the box's ``hatbox`` port (``aconnect nanoKEY2 hatbox``, a DAW's routing) is not
opened a second time by the box's port watcher: the sequencer delivers a message once per connection, so every note
played twice.  The connections are read from the kernel's /proc/asound/seq/clients (format of
sound/core/seq/seq_clientmgr.c); not verified on hardware (no sequencer on these machines)."""
from __future__ import annotations

import mido

from typing import Any

from device.midi_ports import PortWatcher, address, routed_to_box

CLIENTS = """Client info
  cur  clients : 5
  peak clients : 5
  max  clients : 192

Client   0 : "System" [Kernel]
  Port   0 : "Timer" (Rwe-)
  Port   1 : "Announce" (R-e-)
    Connecting To: 128:0
Client  14 : "Midi Through" [Kernel]
  Port   0 : "Midi Through Port-0" (RWe-)
Client  20 : "nanoKEY2" [Kernel]
  Port   0 : "nanoKEY2 MIDI 1" (RWeX)
    Connecting To: 128:0, 129:0
Client  24 : "microKORG" [Kernel]
  Port   0 : "microKORG MIDI 1" (RWeX)
    Connecting To: 128:0[t:0][ex]
Client 128 : "RtMidiIn Client" [User]
  Port   0 : "hatbox" (-We-)
    Connected From: 20:0, 24:0[t:0][ex]
  Input pool :
    Pool size          : 200
Client 129 : "RtMidiIn Client" [User]
  Port   0 : "RtMidi input" (-We-)
    Connected From: 20:0
"""


def test_the_ports_connected_to_the_box_s_port_are_read_from_the_kernel_s_list() -> None:
    assert routed_to_box(CLIENTS) == {"20:0", "24:0"}
    assert routed_to_box(CLIENTS.replace('"hatbox"', '"other"')) == set()
    assert address("nanoKEY2:nanoKEY2 MIDI 1 20:0") == "20:0" and address("no numbers") == ""


class Port:
    def __init__(self) -> None:
        self.closed = False

    def close(self) -> None:
        self.closed = True


def test_a_routed_controller_is_left_to_its_connection_and_closed_if_routed_later() -> None:
    names = ["nanoKEY2:nanoKEY2 MIDI 1 20:0", "Launchpad:Launchpad MIDI 1 32:0"]
    routed: set[str] = {"20:0"}
    opened: dict[str, Port] = {}
    said: list[str] = []
    sent: list[dict[str, Any]] = []

    def open_port(name: str, callback: Any) -> Port:
        opened[name] = Port()
        opened[name].callback = callback
        return opened[name]
    watcher = PortWatcher(lambda: names, open_port, sent.append, said.append, routed=lambda: routed)
    watcher.poll()
    assert list(opened) == ["Launchpad:Launchpad MIDI 1 32:0"]
    opened["Launchpad:Launchpad MIDI 1 32:0"].callback(mido.Message("note_on", note=60, velocity=90))
    sent.clear()
    routed.add("32:0")                                        # the musician connects the Launchpad by hand
    watcher.poll()
    assert opened["Launchpad:Launchpad MIDI 1 32:0"].closed and watcher.connected() == []
    assert "played through that connection" in said[-1]
    # the note struck on the direct port is let go once (struck meanwhile, it came through both connections), and
    # nothing else: no pedal, no all_notes_off (thirty-eighth stop)
    assert [(m.type, m.note) for m in sent] == [("note_off", 60)]
