"""OSC in: pure address translation (:class:`OscMap`) apart from the UDP server (:class:`OscServer`).

Addresses (arguments in brackets are optional):

=====================================  ========================================================
``/hatbox/note_on note [velocity]``    note on (velocity 0..127, default 100; 0 = note off)
``/hatbox/note_off note``              note off
``/hatbox/bend value``                 pitch bend in [-1, 1]
``/hatbox/sustain on``                 sustain pedal (non-zero = down)
``/hatbox/xy x y``                     the pad, each in [0, 1]
``/hatbox/knob slot name value``       a knob in its own units
``/hatbox/knob/<slot>/<name> value``   the same, TouchOSC-style (one address per control)
``/hatbox/fader/<slot>/<name> f``      a knob from a 0..1 fader, scaled to the knob's range
``/hatbox/volume db``                  output volume
``/hatbox/bypass slot on``             bypass a slot
``/hatbox/panic``                      all notes off
``/wek/outputs f1 f2 ...``             Wekinator's default output: by default f1, f2 -> x, y and
                                       f3.. -> the knobs of the effect slot in manifest order,
                                       each read as a 0..1 fraction of the knob's range
=====================================  ========================================================

Wekinator sends to port 6448 by default for inputs and listens for outputs wherever you point
it; hatbox listens on :data:`DEFAULT_PORT` (12000, Wekinator's default output port).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from device.midi import KnobRanges
from hatbox.errors import HatboxError

DEFAULT_PORT = 12000
PREFIX = "/hatbox/"
WEKINATOR = "/wek/outputs"


def _clamp01(v: float) -> float:
    return min(1.0, max(0.0, float(v)))


@dataclass
class OscMap:
    """OSC -> control messages (pure).

    ``wek_targets`` maps Wekinator outputs in order: "x", "y", "slot/knob" or "" (ignored).
    Empty: x, y, then every knob of the effect slot in the order :class:`KnobRanges` holds them.
    """

    knobs: KnobRanges = field(default_factory=KnobRanges)
    wek_targets: list[str] = field(default_factory=list)

    def translate(self, address: str, args: Sequence[Any]) -> list[dict[str, Any]]:
        if address == WEKINATOR:
            return self._wekinator([float(a) for a in args])
        if not address.startswith(PREFIX):
            return []
        parts = address[len(PREFIX):].split("/")
        handler = getattr(self, f"_{parts[0]}", None)
        if handler is None:
            return []
        try:
            return handler(parts[1:], list(args))
        except (IndexError, TypeError, ValueError):
            return []                     # malformed arguments: dropped, like an unknown address

    def _note_on(self, _p: list[str], a: list[Any]) -> list[dict[str, Any]]:
        vel = int(a[1]) if len(a) > 1 else 100
        if vel <= 0:
            return [{"op": "note_off", "note": int(a[0])}]
        return [{"op": "note_on", "note": int(a[0]), "velocity": min(127, vel)}]

    def _note_off(self, _p: list[str], a: list[Any]) -> list[dict[str, Any]]:
        return [{"op": "note_off", "note": int(a[0])}]

    def _bend(self, _p: list[str], a: list[Any]) -> list[dict[str, Any]]:
        return [{"op": "bend", "value": max(-1.0, min(1.0, float(a[0])))}]

    def _sustain(self, _p: list[str], a: list[Any]) -> list[dict[str, Any]]:
        return [{"op": "sustain", "on": bool(float(a[0]))}]

    def _xy(self, _p: list[str], a: list[Any]) -> list[dict[str, Any]]:
        return [{"op": "xy", "x": _clamp01(a[0]), "y": _clamp01(a[1])}]

    def _knob(self, p: list[str], a: list[Any]) -> list[dict[str, Any]]:
        slot, name, value = (p[0], p[1], a[0]) if len(p) >= 2 else (str(a[0]), str(a[1]), a[2])
        return [{"op": "knob", "slot": slot, "name": name, "value": float(value)}]

    def _fader(self, p: list[str], a: list[Any]) -> list[dict[str, Any]]:
        value = self.knobs.scale(p[0], p[1], float(a[0]))
        return [] if value is None else [{"op": "knob", "slot": p[0], "name": p[1], "value": value}]

    def _volume(self, _p: list[str], a: list[Any]) -> list[dict[str, Any]]:
        return [{"op": "volume", "db": float(a[0])}]

    def _bypass(self, _p: list[str], a: list[Any]) -> list[dict[str, Any]]:
        return [{"op": "bypass", "slot": str(a[0]), "on": bool(float(a[1]))}]

    def _panic(self, _p: list[str], _a: list[Any]) -> list[dict[str, Any]]:
        return [{"op": "panic"}]

    def targets(self) -> list[str]:
        if self.wek_targets:
            return list(self.wek_targets)
        effect = [f"{s}/{n}" for (s, n) in self.knobs.ranges if s == "effect"]
        return ["x", "y", *effect]

    def _wekinator(self, values: list[float]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        xy: dict[str, float] = {}
        for target, v in zip(self.targets(), values):
            if target in ("x", "y"):
                xy[target] = _clamp01(v)
            elif "/" in target:
                slot, name = target.split("/", 1)
                value = self.knobs.scale(slot, name, v)
                if value is not None:
                    out.append({"op": "knob", "slot": slot, "name": name, "value": value})
        if xy:
            out.insert(0, {"op": "xy", "x": xy.get("x", 0.5), "y": xy.get("y", 0.5)})
        return out


class OscServer:
    """A python-osc UDP server on its own thread feeding ``send`` with translated messages."""

    def __init__(self, mapping: OscMap, send: Callable[[dict[str, Any]], None],
                 host: str = "0.0.0.0", port: int = DEFAULT_PORT) -> None:
        from pythonosc.dispatcher import Dispatcher
        from pythonosc.osc_server import ThreadingOSCUDPServer
        self.mapping, self.send = mapping, send
        self.received = 0
        dispatcher = Dispatcher()
        dispatcher.set_default_handler(self._on_message)
        try:
            self.server = ThreadingOSCUDPServer((host, port), dispatcher)
        except OSError as exc:
            raise HatboxError(f"cannot listen for OSC on {host}:{port} ({exc.strerror or exc})",
                              hint="pick another port with --osc-port") from None
        self.thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def _on_message(self, address: str, *args: Any) -> None:
        self.received += 1
        for control in self.mapping.translate(address, args):
            try:
                self.send(control)
            except (HatboxError, ValueError):   # ValueError: device.control.ControlError
                pass                       # e.g. a knob with no pack loaded

    def start(self) -> "OscServer":
        self.thread = threading.Thread(target=self.server.serve_forever, name="hatbox-osc", daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        if self.thread is not None:
            self.thread.join(5)
