"""Simulated gear for the simulated box (``hatbox device run --sim --sim-gear drive``): the box's output goes through
a stand-in pedal and comes back to its input a few milliseconds later, as a re-amping loop through real gear would,
so capture mode (device/audio/capture.py) can be tried and tested without hardware.

- :class:`DriveGear`: a drive pedal in numpy/scipy, streaming (the same output whatever the block size): high-pass
  80 Hz -> ``tanh`` at ``drive`` dB of gain -> one-pole low-pass at ``tone`` Hz -> x 0.5 (-6 dB), plus its own hiss
  (seeded, :data:`HISS_DBFS`).  Its knobs: ``drive`` (dB, 0..36, default 12), ``tone`` (Hz, 500..12000, default
  4000).  :func:`process_offline` runs a fresh one over a whole recording (the same gear without the loop: what a
  musician recording the pedal by hand would get).
- :class:`DelayGear` (``--sim-gear delay``: its first echo louder than the direct sound) and :class:`ReverbGear`
  (``--sim-gear reverb``): time-based gear, whose round trip the capture must take at the direct sound.
- :class:`GearLoopIO`: the file backend (device/audio/file_io.FileIO) whose input is the gear's return of its own
  output ``latency`` samples earlier (at least one block: a block's input is read before its output is written), added
  to the ``--input`` file's audio if one is given.  A capture's knob settings are set on the gear as it starts
  (:meth:`GearLoopIO.follow_knobs`): in the simulation they stand for the musician's hand on the gear's knobs.

The simulated box runs with its live input off (nothing of the return is mixed into its output: with real gear in
the loop that would feed back through it).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from device.audio.alsa_io import AudioConfig
from device.audio.file_io import FileIO

HISS_DBFS = -84.0                 # the simulated gear's own noise (RMS)
DEFAULT_LATENCY_MS = 5.0          # the simulated round trip
GEARS = ("drive", "delay", "reverb")


class SimGear:
    """What every simulated gear shares: its knobs (``KNOBS``: name -> (min, max, default)), ``set``, and its own hiss
    (seeded, :data:`HISS_DBFS`).  A subclass's ``process(x)`` streams (the same output whatever the block size)."""

    KNOBS: dict[str, tuple[float, float, float]] = {}

    def __init__(self, rate: int, seed: int = 7) -> None:
        self.rate = int(rate)
        self.values = {name: spec[2] for name, spec in self.KNOBS.items()}
        self._rng = np.random.default_rng(seed)

    def set(self, name: str, value: float) -> bool:
        """Turn knob ``name`` to ``value`` (held to its range); False when the gear has no such knob."""
        spec = self.KNOBS.get(name)
        if spec is None:
            return False
        self.values[name] = _held(spec, value)
        self.turned(name)
        return True

    def turned(self, name: str) -> None:
        """A knob was set (a subclass whose state depends on it starts that state anew)."""

    def hiss(self, n: int) -> np.ndarray:
        """The gear's own noise for ``n`` samples -> [n] float64."""
        return self._rng.standard_normal(n) * 10.0 ** (HISS_DBFS / 20.0)

    def process(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError


class DriveGear(SimGear):
    """A simulated drive pedal (see the module); ``process(x)`` streams, ``set(name, value)`` turns a knob."""

    KNOBS = {"drive": (0.0, 36.0, 12.0), "tone": (500.0, 12000.0, 4000.0)}    # name: (min, max, default)

    def __init__(self, rate: int, seed: int = 7) -> None:
        super().__init__(rate, seed)
        self._hp_zi, self._lp_zi = np.zeros(1), np.zeros(1)      # the filters' states (lfilter's zi)
        self._hp_a = float(np.exp(-2 * np.pi * 80.0 / self.rate))

    def process(self, x: np.ndarray) -> np.ndarray:
        """The gear's output for input ``x`` [N] -> [N] float32 (its state carries on to the next call)."""
        from scipy.signal import lfilter
        x = np.asarray(x, np.float64)
        hp, self._hp_zi = lfilter([self._hp_a, -self._hp_a], [1.0, -self._hp_a], x, zi=self._hp_zi)
        driven = np.tanh(hp * 10.0 ** (self.values["drive"] / 20.0))
        b = 1.0 - float(np.exp(-2 * np.pi * self.values["tone"] / self.rate))
        lp, self._lp_zi = lfilter([b], [1.0, b - 1.0], driven, zi=self._lp_zi)
        return (0.5 * lp + self.hiss(x.shape[0])).astype(np.float32)


class Comb:
    """A streaming feedback comb: ``y[n] = x[n - d] + g y[n - d]`` (``d`` samples, ``g`` < 1)."""

    def __init__(self, d: int, g: float) -> None:
        self.b = np.zeros(d + 1)
        self.b[d] = 1.0
        self.a = np.zeros(d + 1)
        self.a[0], self.a[d] = 1.0, -g
        self.zi = np.zeros(d)

    def process(self, x: np.ndarray) -> np.ndarray:
        """``x`` [N] float64 -> [N] float64 (the state carries on)."""
        from scipy.signal import lfilter
        y, self.zi = lfilter(self.b, self.a, x, zi=self.zi)
        return y


class DelayGear(SimGear):
    """A simulated delay pedal: ``0.5 (x + level * echoes)``, the echoes ``time`` ms apart, each ``feedback`` x the
    one before.  By default (``level`` 1.6) the first echo is louder than the direct sound, the case that fooled a
    round trip taken at the strongest match.  Knobs: ``time`` (ms, 50..450, default 250), ``feedback`` (0..0.8,
    default 0.35), ``level`` (0..2, default 1.6)."""

    KNOBS = {"time": (50.0, 450.0, 250.0), "feedback": (0.0, 0.8, 0.35), "level": (0.0, 2.0, 1.6)}

    def __init__(self, rate: int, seed: int = 7) -> None:
        super().__init__(rate, seed)
        self.turned("time")

    def turned(self, name: str) -> None:
        if name in ("time", "feedback"):       # a new line (the echoes in it are dropped, as a real pedal re-set)
            self._line = Comb(int(round(self.values["time"] * self.rate / 1000.0)), self.values["feedback"])

    def process(self, x: np.ndarray) -> np.ndarray:
        """The pedal's output for ``x`` [N] -> [N] float32."""
        x = np.asarray(x, np.float64)
        wet = self._line.process(x)
        return (0.5 * (x + self.values["level"] * wet) + self.hiss(x.shape[0])).astype(np.float32)


class ReverbGear(SimGear):
    """A simulated reverb: the direct sound and four parallel feedback combs (29.7..43.7 ms, a Schroeder reverb's
    tail without its all-passes), ``0.5 ((1 - mix) x + mix * tail)``.  Knobs: ``decay`` (RT60 in s, 0.3..3, default
    1.2), ``mix`` (0..1, default 0.5)."""

    KNOBS = {"decay": (0.3, 3.0, 1.2), "mix": (0.0, 1.0, 0.5)}
    COMB_MS = (29.7, 37.1, 41.1, 43.7)

    def __init__(self, rate: int, seed: int = 7) -> None:
        super().__init__(rate, seed)
        self.turned("decay")

    def turned(self, name: str) -> None:
        if name == "decay":
            self._combs = []
            for ms in self.COMB_MS:
                d = int(round(ms * self.rate / 1000.0))
                self._combs.append(Comb(d, 10.0 ** (-3.0 * d / (self.rate * self.values["decay"]))))

    def process(self, x: np.ndarray) -> np.ndarray:
        """The reverb's output for ``x`` [N] -> [N] float32."""
        x = np.asarray(x, np.float64)
        tail = sum(c.process(x) for c in self._combs) / len(self._combs)
        mix = self.values["mix"]
        return (0.5 * ((1.0 - mix) * x + mix * tail) + self.hiss(x.shape[0])).astype(np.float32)


def _held(spec: tuple[float, float, float], value: float) -> float:
    """``value`` held to the knob range ``spec`` (min, max, default)."""
    return float(min(spec[1], max(spec[0], value)))


_GEAR_TYPES: dict[str, type[SimGear]] = {"drive": DriveGear, "delay": DelayGear, "reverb": ReverbGear}


def knob_notes(gear: SimGear, knobs: dict[str, float]) -> list[str]:
    """What ``gear`` would do other than ``knobs`` ask, in words: a value outside a knob's range is held to it, a
    knob it has not is ignored.  The simulation's own honesty (real gear cannot tell the box either)."""
    notes, kind = [], type(gear).__name__.replace("Gear", "").lower()
    for name, value in knobs.items():
        spec = gear.KNOBS.get(name)
        if spec is None:
            notes.append(f"the simulated {kind} has no knob {name!r} (it has {', '.join(gear.KNOBS)}): "
                         f"{name}={value:g} was ignored")
        elif not spec[0] <= value <= spec[1]:
            held = _held(spec, value)
            notes.append(f"the simulated {kind} holds {name} to {spec[0]:g}..{spec[1]:g}: {name}={value:g} played as "
                         f"{name}={held:g} (the take is labelled {name}={value:g}, as given)")
    return notes


def make_gear(name: str, rate: int) -> SimGear:
    """The simulated gear called ``name`` (:data:`GEARS`); ValueError for another."""
    if name not in _GEAR_TYPES:
        raise ValueError(f"no simulated gear '{name}' (there is: {', '.join(GEARS)})")
    return _GEAR_TYPES[name](rate)


def process_offline(audio: np.ndarray, knobs: dict[str, float], rate: int, name: str = "drive") -> np.ndarray:
    """``audio`` [N] through a fresh simulated gear at ``knobs``, with no loop and no latency -> [N] float32."""
    gear = make_gear(name, rate)
    for knob, value in knobs.items():
        gear.set(knob, value)
    return gear.process(audio)


class GearLoopIO(FileIO):
    """The file backend with simulated gear in a loop from its output to its input (see the module)."""

    def __init__(self, cfg: AudioConfig, gear: Any, latency: int, audio: np.ndarray | None = None,
                 out_path: Any = None, out_limit_s: float | None = None) -> None:
        super().__init__(cfg, audio, out_path, out_limit_s)
        self.gear = gear
        self.latency = max(int(latency), cfg.period)
        self._ring = np.zeros(self.latency + 2 * cfg.period, np.float32)
        self._read_at, self._write_at = 0, self.latency          # the first ``latency`` samples back are silence
        self.info["sim_gear"] = {"gear": type(gear).__name__, "latency_samples": self.latency,
                                 "latency_ms": 1000.0 * self.latency / cfg.rate}

    def follow_knobs(self, knobs: dict[str, float]) -> list[str]:
        """Set the gear's knobs named in ``knobs`` (a capture's settings); returns what the simulated gear did other
        than asked, in words (:func:`knob_notes`: a value held to its knob's range, a knob it has not)."""
        notes = knob_notes(self.gear, knobs)
        for name, value in knobs.items():
            self.gear.set(name, value)
        return notes

    def read(self, buf: np.ndarray) -> bool:
        ok = super().read(buf)
        buf += self._take(buf.shape[0])
        return ok

    def write(self, buf: np.ndarray) -> bool:
        ok = super().write(buf)
        self._put(self.gear.process(buf))
        return ok

    def _take(self, n: int) -> np.ndarray:
        """The next ``n`` samples of the return -> [n]."""
        size = self._ring.shape[0]
        idx = (self._read_at + np.arange(n)) % size
        self._read_at = (self._read_at + n) % size
        return self._ring[idx]

    def _put(self, y: np.ndarray) -> None:
        size = self._ring.shape[0]
        self._ring[(self._write_at + np.arange(y.shape[0])) % size] = y
        self._write_at = (self._write_at + y.shape[0]) % size
