"""The box's MIDI transport: ALSA sequencer ports through mido's rtmidi backend (:func:`open_input`, each message
translated through the box's MIDI map, device/midi.py), and the controllers plugged into the box, connected as they
come and released as they go.

The box listens on its virtual ALSA sequencer port ``hatbox`` (:func:`open_input`), which a DAW or ``aconnect``
connects to.  A standalone box has no terminal to run ``aconnect`` in, so :class:`PortWatcher`
also opens every controller the sequencer lists (a USB keyboard, drum pads, a fader box) when the box starts and,
polling every :data:`POLL_S` seconds, each one plugged in later; their messages go through the same MIDI map.  One
that disappears (unplugged, switched off) is closed and what it held is let go (:class:`HeldNotes`: a note-off for
each of its keys down, its pedal up, its bend back to the middle): a keyboard pulled out with keys or the pedal down
left those notes sounding for ever.  Another controller's notes play on (before the thirty-eighth stop every note
of every source was released).

Ports it leaves alone (:func:`is_controller`): the kernel's ``Midi Through`` loopback, rtmidi's own clients (the
box's ``hatbox`` port, other programs' virtual ports: those connect themselves), and any port already connected to
the box's ``hatbox`` port (``aconnect nanoKEY2 hatbox``, a DAW's routing: :func:`routed_to_box`, read from the
kernel's ``/proc/asound/seq/clients``): the sequencer delivers a message once per connection, so opening such a
port too played every note twice.

The sequencer is reached through two callables (``list_names`` -> input port names, ``open_port(name, callback)`` ->
an object with ``close()``): :func:`watch_controllers` gives them mido's rtmidi backend; tests give stand-ins.  Not
verified on hardware yet (these machines have no ALSA sequencer).
"""
from __future__ import annotations

import itertools
import logging
import queue
import re
import sys
import threading
import time
import weakref
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from device.midi import ALL_NOTES_OFF, ALL_SOUND_OFF, MODE_CHANGES, RESET_CONTROLLERS, SUSTAIN_CC, MidiError
from hatbox.errors import HatboxError, first_line
from hatbox.text import count_words

BACKEND = "mido.backends.rtmidi"
SEQ_DEVICE = "/dev/snd/seq"              # the ALSA sequencer (kernel module snd-seq)
POLL_S = 2.0                                   # s between two looks at the sequencer's ports (USB hot-plug)
NOT_CONTROLLERS = ("Midi Through", "RtMidi")   # client name prefixes: the kernel's loopback, rtmidi's clients
SEQ_CLIENTS = "/proc/asound/seq/clients"       # the kernel's list of sequencer clients, ports and connections
BOX_PORT = "hatbox"                            # the box's own virtual input port (hatbox/cmd_device.py)
TIMED_OPS = ("note_on", "note_off", "sustain", "choke")  # controls stamped with when their MIDI message came (``at``)
READ_TOGETHER_S = 0.0005                       # s: a message whose callback starts this soon after the last one
                                               # returned was waiting with it (one read of the port): the same stamp
READ_AT_MOST_S = 0.002                         # s: ... but one stamp lasts no longer than this (a dense stream)
RELAY_DEPTH = 4096                             # controls queued for the engine before a MIDI reader waits
RELAY_BATCH = 64                               # controls queued up meanwhile, handed on in one round trip at most
CLOSING_CHECK_S = 0.1                          # s: how often a reader waiting for room in the relay looks for a stop
log = logging.getLogger("hatbox.midi")


def is_controller(name: str) -> bool:
    """Whether the sequencer input ``name`` ("nanoKEY2:nanoKEY2 MIDI 1 20:0": client, port, numbers) is a
    controller to connect: not the kernel's loopback, not an rtmidi client (the box's own port among them)."""
    client = name.split(":", 1)[0]
    return not client.startswith(NOT_CONTROLLERS)


def address(name: str) -> str:
    """"nanoKEY2:nanoKEY2 MIDI 1 20:0" -> "20:0" (client:port, as the sequencer numbers them); "" without one."""
    tail = name.rsplit(" ", 1)[-1]
    return tail if re.fullmatch(r"\d+:\d+", tail) else ""


def routed_to_box(clients: str, port: str = BOX_PORT) -> set[str]:
    """The addresses ("20:0") connected to the box's virtual input port ``port`` in ``clients``, the text of the
    kernel's :data:`SEQ_CLIENTS` (sound/core/seq/seq_clientmgr.c: ``Client 128 : "RtMidiIn Client" [User]``, then
    ``  Port   0 : "hatbox" (-We-)`` and ``    Connected From: 20:0, 24:0[ex]``)."""
    found: set[str] = set()
    in_user, in_port = False, False
    for line in clients.splitlines():
        if line.startswith("Client "):      # "[User]"; since Linux 6.5 "[User Legacy]", "[User UMP MIDI1]"...
            in_user, in_port = re.search(r"\[User\b[^\]]*\]\s*$", line) is not None, False
        elif line.startswith("  Port "):
            in_port = in_user and line.split(":", 1)[1].strip().startswith(f'"{port}" (')
        elif in_port and line.strip().startswith("Connected From:"):
            found |= {a for a in re.findall(r"(\d+:\d+)", line.split(":", 1)[1])}
    return found


def seq_links(clients: str) -> dict[str, set[str]]:
    """Every port in ``clients`` (the text of :data:`SEQ_CLIENTS`) by its address ("20:0"), with the addresses it
    sends to (its ``Connecting To:`` line; an empty set for a port connected to nothing)."""
    links: dict[str, set[str]] = {}
    client, port = "", ""
    for line in clients.splitlines():
        if line.startswith("Client "):
            found = re.match(r"Client\s+(\d+)\s*:", line)
            client, port = (found.group(1) if found else ""), ""
        elif line.startswith("  Port ") and client:
            found = re.match(r"\s+Port\s+(\d+)\s*:", line)
            port = f"{client}:{found.group(1)}" if found else ""
            if port:
                links[port] = set()
        elif port and line.strip().startswith("Connecting To:"):
            links[port] |= set(re.findall(r"(\d+:\d+)", line.split(":", 1)[1]))
    return links


def read_links() -> dict[str, set[str]]:
    """:func:`seq_links` of this machine's sequencer; empty when its list cannot be read (no /proc entry)."""
    try:
        return seq_links(Path(SEQ_CLIENTS).read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return {}


def read_routed() -> set[str]:
    """:func:`routed_to_box` of this machine's sequencer; empty when its list cannot be read (no /proc entry)."""
    try:
        return routed_to_box(Path(SEQ_CLIENTS).read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return set()


def short_name(name: str) -> str:
    """"nanoKEY2:nanoKEY2 MIDI 1 20:0" -> "nanoKEY2 MIDI 1": the port's own name, without its client and numbers."""
    port = name.split(":", 1)[1] if ":" in name else name
    head, _, tail = port.rpartition(" ")
    return head if head and tail.replace(":", "").isdigit() else port


class HeldNotes:
    """One controller's callback: what it holds down (its notes sounding, by channel; its channels' sustain pedals
    and pitch bends), read from the raw MIDI it sends on its way to ``callback`` (the MIDI map's translator).  When
    the controller goes, :meth:`let_go` sends ``callback`` the messages that release what it held, and nothing of
    another controller's: a note-off per key down, the pedal up, the bend back to the middle (the synth's pedal and
    bend are the box's, so a pedal another controller holds down is lifted too)."""

    def __init__(self, callback: Callable[[Any], None]) -> None:
        self.callback = callback
        self.notes: Counter[tuple[int, int]] = Counter()  # (channel, note) -> its note-ons not yet let go (re-strikes)
        self.pedals: set[int] = set()                   # channels whose sustain pedal is down
        self.bent: set[int] = set()                     # channels whose pitch bend is off the middle
        self.lock = threading.Lock()

    def __call__(self, message: Any) -> None:
        self._see(message)
        self.callback(message)

    def _see(self, m: Any) -> None:
        kind, channel = getattr(m, "type", None), getattr(m, "channel", 0)
        with self.lock:
            if kind == "note_on" and m.velocity > 0:
                self.notes[(channel, m.note)] += 1          # the synth sounds a re-struck note until each is let go
            elif kind in ("note_on", "note_off") and self.notes[(channel, m.note)] > 0:
                self.notes[(channel, m.note)] -= 1
            elif kind == "pitchwheel":
                (self.bent.add if m.pitch else self.bent.discard)(channel)
            elif kind == "control_change" and m.control == SUSTAIN_CC:
                (self.pedals.add if m.value >= 64 else self.pedals.discard)(channel)
            elif kind == "control_change" and m.control in (ALL_NOTES_OFF, ALL_SOUND_OFF, *MODE_CHANGES):
                self.notes = Counter({(c, n): k for (c, n), k in self.notes.items() if c != channel})
            elif kind == "control_change" and m.control == RESET_CONTROLLERS:
                self.pedals.discard(channel)
                self.bent.discard(channel)

    def let_go(self, notes_only: bool = False) -> str:
        """Send ``callback`` a release for what the controller holds (``notes_only``: its notes, not its pedal or
        bend); returns what that let go in words ("2 notes and the pedal"; "" for nothing)."""
        import mido
        with self.lock:
            notes = sorted(k for k, n in self.notes.items() if n > 0)
            offs = [(c, n) for c, n in notes for _ in range(self.notes[(c, n)])]
            pedals, bent = ([], []) if notes_only else (sorted(self.pedals), sorted(self.bent))
            self.notes = Counter()
            if not notes_only:
                self.pedals, self.bent = set(), set()
        for message in ([mido.Message("note_off", channel=c, note=n) for c, n in offs]
                        + [mido.Message("control_change", channel=c, control=SUSTAIN_CC, value=0) for c in pedals]
                        + [mido.Message("pitchwheel", channel=c, pitch=0) for c in bent]):
            try:
                self.callback(message)
            except Exception:  # noqa: BLE001 - the engine stopped meanwhile: nothing sounds to release
                pass
        return " and ".join(w for w in (count_words(len(notes), "note") if notes else "",
                                        "the pedal" if pedals else "", "the bend" if bent else "") if w)


class PortWatcher:
    """Keeps one open input per controller the sequencer lists (see the module doc).

    ``list_names()`` -> the sequencer's input port names; ``open_port(name, callback)`` -> an open port (``close()``);
    ``callback(message)``: what each open port's messages go to (the box's MIDI map, then the engine), through a
    :class:`HeldNotes` of the port's own, whose release goes there too when the controller goes; ``say(line)``: a
    line for the terminal and the log.  A ``callback`` with a ``for_source(name)`` (a :class:`Translator`) gives
    each port a callback of its own, so MIDI pick-up tells two controllers' knobs apart.

    ``links()`` -> each sequencer port's address with the addresses it sends to (:func:`read_links`; the default
    knows none).  It tells a controller unplugged and plugged back between two polls, which comes back under the
    same name: the connection the box made when it opened the port went with the old port (the kernel drops a
    port's connections with it), so the port of that name no longer sends to the box.  Such a controller is
    released as one that went (its notes and pedal were stuck, QA p42) and opened again."""

    def __init__(self, list_names: Callable[[], list[str]], open_port: Callable[[str, Callable[[Any], None]], Any],
                 callback: Callable[[Any], None], say: Callable[[str], None] = log.info,
                 routed: Callable[[], set[str]] = set, links: Callable[[], dict[str, set[str]]] = dict) -> None:
        self.list_names, self.open_port, self.callback, self.routed = list_names, open_port, callback, routed
        self.say, self.links = say, links
        self.ports: dict[str, tuple[Any, HeldNotes]] = {}   # name -> (open port, what that port holds down)
        self.refused: set[str] = set()               # names that would not open (said once; tried again each poll)
        self.linked: dict[str, set[str]] = {}        # name -> the connections opening it made (from its address)
        self.lock = threading.Lock()

    def connected(self) -> list[str]:
        """The controllers open now, by their short names."""
        with self.lock:
            return sorted(short_name(n) for n in self.ports)

    def not_opened(self) -> list[str]:
        """The controllers plugged in that would not open (busy: another program holds them), by their short names."""
        with self.lock:
            return sorted(short_name(n) for n in self.refused)

    def poll(self) -> None:
        """Open the controllers that came, close the ones that went (releasing what each held)."""
        try:
            listed = [n for n in self.list_names() if is_controller(n)]
        except Exception as exc:  # noqa: BLE001 - rtmidi raises its own types; the next poll tries again
            log.warning("cannot list the MIDI inputs: %s", first_line(exc))
            return
        routed = self.routed()
        names = [n for n in listed if address(n) not in routed]
        with self.lock:
            self.refused &= set(names)               # one unplugged is no longer "would not open"
            gone = [n for n in self.ports if n not in names]
            came = [n for n in names if n not in self.ports]
        for name in gone:
            if name in listed:                       # connected to the box's port meanwhile: that connection plays it
                self._close(name, why="")
                self.say(f"MIDI: controller '{short_name(name)}' is connected to the box's '{BOX_PORT}' port: "
                         "played through that connection")
            else:
                self._close(name, why="went away")
        for name in self._replugged(names):
            self._close(name, why="went away and came back")
            self._open(name)
        for name in came:
            self._open(name)

    def _replugged(self, names: list[str]) -> list[str]:
        """The open controllers listed in ``names`` whose port no longer sends to the box (:meth:`links`): the port
        went and one came back under its name, or someone disconnected it (``aconnect -d``).  [] when the kernel's
        list cannot be read or no open port's connections are known."""
        with self.lock:
            known = {n: self.linked[n] for n in self.ports if n in names and self.linked.get(n)}
        now = self.links() if known else {}
        return [n for n, ours in known.items() if address(n) in now and not ours & now[address(n)]]

    def _open(self, name: str) -> None:
        own = getattr(self.callback, "for_source", None)
        held = HeldNotes(own(name) if callable(own) else self.callback)
        before = self._links_of(name)
        try:
            port = self.open_port(name, held)
        except Exception as exc:  # noqa: BLE001 - a port that vanished meanwhile, or a busy one
            if name not in self.refused:
                with self.lock:
                    self.refused.add(name)
                self.say(f"warning: MIDI controller '{short_name(name)}' did not open: {first_line(exc)}")
            return
        made = self._links_of(name) - before
        with self.lock:
            self.refused.discard(name)
            self.ports[name] = (port, held)
            self.linked[name] = made
        self.say(f"MIDI: controller '{short_name(name)}' connected")

    def _links_of(self, name: str) -> set[str]:
        """Where port ``name`` sends to now (:meth:`links`); empty when unknown."""
        try:
            return set(self.links().get(address(name), set()))
        except Exception:  # noqa: BLE001 - a list that cannot be read: replugs go untold, as before
            return set()

    def _close(self, name: str, why: str | None) -> None:
        """Close port ``name``.  ``why``: the words for a controller that went (what it held is let go); "" for one
        connected to the box's port meanwhile (its notes are let go once: each one struck since came through both
        connections, so the synth counts it twice and the one note-off still to come would leave it sounding; a key held
        from before the connection is cut short: better than one sounding for ever);
        None when the box stops (nothing sent: the engine stops too)."""
        with self.lock:
            opened = self.ports.pop(name, None)
            self.linked.pop(name, None)
        if opened is None:
            return
        port, held = opened
        try:
            port.close()
        except Exception:  # noqa: BLE001 - the device is gone already: nothing more to close
            pass
        if why is None:
            return
        if not why:
            held.let_go(notes_only=True)
            return
        let_go = held.let_go()
        self.say(f"MIDI: controller '{short_name(name)}' {why}" + (f": released {let_go}" if let_go else ""))

    def close(self) -> None:
        """Close every controller's port (the box stops: no release sent, the engine stops anyway)."""
        with self.lock:
            names = list(self.ports)
        for name in names:
            self._close(name, why=None)

    def run(self, stop: threading.Event, every_s: float = POLL_S) -> None:
        """Poll until ``stop`` is set, then close every port."""
        try:
            while not stop.is_set():
                self.poll()
                stop.wait(every_s)
        finally:
            self.close()


def watch_controllers(callback: Callable[[Any], None],
                      say: Callable[[str], None]) -> tuple[PortWatcher, Callable[[], None]]:
    """Start a :class:`PortWatcher` over mido's rtmidi backend on a thread of its own (after a first poll on this
    one, so the controllers plugged in at start are said before the box says it runs); returns it and what stops
    it.  MidiError (device.midi) when there is no sequencer."""
    seq = backend()
    watcher = PortWatcher(lambda: list(seq.get_input_names()),
                          lambda name, cb: seq.open_input(name, callback=cb), callback, say, routed=read_routed,
                          links=read_links)
    watcher.poll()
    stop = threading.Event()
    thread = threading.Thread(target=watcher.run, args=(stop,), daemon=True, name="hatbox-midi-ports")
    thread.start()

    def stopped() -> None:
        stop.set()
        thread.join(POLL_S + 2.0)
    return watcher, stopped


def list_inputs() -> list[str]:
    """Names of the MIDI input ports the ALSA sequencer offers.  MidiError when there is none."""
    seq = backend()
    try:
        return list(seq.get_input_names())
    except Exception as exc:  # noqa: BLE001 - rtmidi raises its own SystemError types
        raise MidiError(f"cannot list the MIDI inputs: {exc}",
                        hint="check that the ALSA sequencer works: `aconnect -l` lists its clients") from None


def _check_sequencer() -> None:
    """MidiError in words when this (Linux) machine has no ALSA sequencer device: rtmidi would
    only say "MidiInAlsa::initialize: error creating ALSA sequencer client object"."""
    if sys.platform.startswith("linux") and not Path(SEQ_DEVICE).exists():
        raise MidiError(f"no MIDI sequencer on this machine ({SEQ_DEVICE} is missing): the box runs without MIDI",
                        hint="load the ALSA sequencer with `sudo modprobe snd-seq` (add snd-seq to "
                             "/etc/modules to keep it) and start the box again")


def backend() -> Any:
    """mido's rtmidi backend (the ALSA sequencer); MidiError in words when there is none."""
    _check_sequencer()
    import mido
    try:
        return mido.Backend(BACKEND, load=True)
    except Exception as exc:  # noqa: BLE001 - missing rtmidi or no ALSA sequencer
        raise MidiError(f"MIDI is not available ({exc})",
                        hint="install python-rtmidi and make sure /dev/snd/seq exists") from None


def open_input(name: str | None, mapping: Any, send: Callable[[dict[str, Any]], None], *,
               virtual: bool = False) -> Any:
    """Open MIDI input ``name`` (None: the first port; ``virtual``: create a port called ``name``
    that other programs connect to) and feed ``send`` with translated messages.

    Returns the open mido port (``close()`` it to stop).  MidiError names the port on failure.
    """
    seq = backend()
    try:
        return seq.open_input(name or ("hatbox" if virtual else None), virtual=virtual,
                              callback=translator(mapping, send, source=name or BOX_PORT))
    except Exception as exc:  # noqa: BLE001 - rtmidi raises its own types and IOError
        ports = ", ".join(_safe_names(seq)) or "none"
        raise MidiError(f"cannot open MIDI input '{name or 'default'}': {exc} (inputs: {ports})") from None


def translator(mapping: Any, send: Callable[[dict[str, Any]], None], source: str = "") -> "Translator":
    """The callback a MIDI input port calls with each message (:class:`Translator`); ``source``: the port's name."""
    return Translator(mapping, send, source)


class Translator:
    """The callback a MIDI input port calls with each message: translated through ``mapping`` as coming from port
    ``source`` (MIDI pick-up is per source, channel and CC), each control handed to ``send`` (one the engine
    refuses, a knob with no pack loaded, is dropped: nothing to play).  Notes and the pedal carry ``at``, when the
    message came (time.monotonic()): the sampler plays a drum hit where in its block it came, whatever held the
    message up on its way to the engine process.  The box gives a :class:`Relay`'s ``send``, so the callback returns
    before the engine has answered and the next message is stamped when it comes.  :meth:`for_source` gives the
    same callback for another port (:class:`PortWatcher`: one per controller)."""

    def __init__(self, mapping: Any, send: Callable[[dict[str, Any]], None], source: str = "") -> None:
        self.mapping, self.send, self.source = mapping, send, source
        self.order = getattr(mapping, "order", None) or threading.Lock()     # MidiHub's: shared by every reader
        self._read_at = 0.0                 # the stamp of the messages read last (time.monotonic())
        self._read_end = float("-inf")      # when the last callback returned

    def for_source(self, source: str) -> "Translator":
        """This callback for messages from port ``source``."""
        twin = Translator(self.mapping, self.send, source)
        twin.order = self.order
        return twin

    def __call__(self, message: Any) -> None:
        at = self._stamp()
        with self.order:
            for control in self.mapping.translate(message, self.source):
                if control["op"] in TIMED_OPS:
                    control["at"] = at
                try:
                    self.send(control)
                except (HatboxError, ValueError):   # ValueError: device.control.ControlError
                    pass
        self._read_end = time.monotonic()

    def _stamp(self) -> float:
        """When this message came: now, or for a message that was waiting behind the last one (its callback starts
        within :data:`READ_TOGETHER_S` of the last one's return: several messages read in one poll, a chord come
        late) the last one's stamp, so that the notes of one read start on the same sample (forty-sixth stop: each
        had its own stamp, a few samples apart).  One stamp lasts :data:`READ_AT_MOST_S` at most: in a dense stream
        (aftertouch, a backlog) every message starts within the gap of the last, and the first's stamp was kept for
        all of them (p46 review: 200 messages, one stamp 60 ms old at the last)."""
        now = time.monotonic()
        if now - self._read_end > READ_TOGETHER_S or now - self._read_at > READ_AT_MOST_S:
            self._read_at = now
        return self._read_at


class Relay:
    """Hands control messages to the engine on a thread of its own, in the order they were given, so a MIDI reader's
    callback returns at once and stamps the next message when it comes.  What has queued up meanwhile (a chord's
    other notes) goes in one round trip (``send_many``, :meth:`device.audio.server.EngineProcess.send_many`), so the
    engine process has them together.  Thirty-eighth stop: each callback waited for its message's round trip (0.2-0.5
    ms), so an 8-note chord was stamped, and reached the sampler, spread over 1-4 ms.

    One relay carries every MIDI source (the box's port, each controller's, the releases when a controller goes), so
    a release never overtakes the notes it releases and knob CCs reach the engine in the order MidiMap's pick-up
    read them (every reader translates and queues under the map's ``order`` lock: :func:`translator`).  A control the
    engine refuses (``send`` raising HatboxError or ValueError: a knob with no pack loaded; an error in
    ``send_many``'s list, each control's own) is dropped, as the reader did; anything else is logged and the relay
    goes on.  With ``depth`` controls waiting (an engine that stopped answering), :meth:`send` waits as the reader
    did rather than drop a note-off, until the relay is closed.

    Whoever made it closes it (``hatbox device run``'s MIDI stop); the API over the control it feeds closes it too
    when it stops (:func:`close_relays`, device/api/box.py ``Box.stop``), so no relay thread outlives its box."""

    _STOP = object()

    def __init__(self, send: Callable[[dict[str, Any]], None],
                 send_many: Callable[[list[dict[str, Any]]], Any] | None = None, depth: int = RELAY_DEPTH) -> None:
        if depth < 1:
            raise ValueError(f"a relay holds at least one control, not {depth}")
        self._send, self._send_many = send, send_many
        self._closing = False
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=depth)
        self._thread = threading.Thread(target=self._run, daemon=True, name="hatbox-midi-relay")
        self._thread.start()
        with _RELAYS_LOCK:
            _RELAYS.add(self)

    def feeds(self, target: Any) -> bool:
        """Whether this relay hands its controls to ``target`` (its ``send`` is a method of that object: the box's
        control, as ``hatbox device run`` makes it)."""
        return getattr(self._send, "__self__", None) is target

    def send(self, control: dict[str, Any]) -> None:
        """Queue ``control`` for the engine (returns at once unless ``depth`` are waiting; dropped once closing)."""
        while not self._closing:
            try:
                self._queue.put(control, timeout=CLOSING_CHECK_S)
                return
            except queue.Full:
                continue

    def wait(self) -> None:
        """Until every control queued so far has been handed on (tests; a stop)."""
        self._queue.join()

    def running(self) -> bool:
        """Whether the relay's thread still hands messages on (False once closed and drained)."""
        return self._thread.is_alive()

    def close(self, timeout_s: float = 2.0) -> None:
        """Hand on what is queued, then end the thread (waiting at most ``timeout_s``: an engine that hangs).  A
        reader waiting in :meth:`send` for room returns at once, and what comes later is dropped, so closing a MIDI
        port (which waits for its reader) never hangs on an engine that stopped answering.  Closing it again does
        nothing."""
        self._closing = True
        if not self._thread.is_alive():
            return
        try:
            self._queue.put(self._STOP, timeout=timeout_s)
        except queue.Full:                 # the engine does not answer: what waits is dropped
            return
        self._thread.join(timeout_s)

    def _run(self) -> None:
        while True:
            taken = [self._queue.get()]
            while len(taken) < RELAY_BATCH:
                try:
                    taken.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            controls = list(itertools.takewhile(lambda c: c is not self._STOP, taken))
            try:
                if self._send_many is not None and len(controls) > 1:
                    self._hand_on(self._send_many, controls)
                else:
                    for control in controls:
                        self._hand_on(self._send, control)
            finally:
                for _ in taken:
                    self._queue.task_done()
            if len(controls) < len(taken):
                return

    @staticmethod
    def _hand_on(send: Callable[[Any], Any], what: Any) -> None:
        try:
            send(what)
        except (HatboxError, ValueError):   # ValueError: device.control.ControlError
            pass
        except Exception as exc:  # noqa: BLE001 - one bad control must not end MIDI for the run
            ops = ", ".join(c.get("op", "?") for c in (what if isinstance(what, list) else [what]))
            log.warning("MIDI: not played (%s): %s", ops, first_line(exc))


_RELAYS: "weakref.WeakSet[Relay]" = weakref.WeakSet()    # every relay made in this process and not yet collected
_RELAYS_LOCK = threading.Lock()


def close_relays(target: Any, timeout_s: float = 2.0) -> int:
    """Close every relay that feeds ``target`` (:meth:`Relay.feeds`), each as :meth:`Relay.close` does (at most
    ``timeout_s`` each); returns how many were still running.  The API calls it with its control as it stops."""
    with _RELAYS_LOCK:
        feeding = [relay for relay in _RELAYS if relay.feeds(target)]
    running = [relay for relay in feeding if relay.running()]
    for relay in feeding:
        relay.close(timeout_s)
    return len(running)


def _safe_names(seq: Any) -> Iterable[str]:
    try:
        return list(seq.get_input_names())
    except Exception:  # noqa: BLE001 - listing is best effort inside an error message
        return []
