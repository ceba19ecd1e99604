"""The engine process's own state (:class:`EngineChild`: the engine, its loader, knob keeper, sampler and capture deck)
and how it acts on one control request, or a batch of them; split out of device/audio/server.py (which spawns the
process, device/audio/engine_pipes.py serves the requests).  Runs in the engine process only, on its reader
threads (never the audio thread).
"""
from __future__ import annotations

import os
import threading
import time
from typing import Any

from device.audio.block_clock import batch_stamps
from device.audio.capture import CAPTURE_OPS, CaptureDeck
from device.audio.engine import Engine
from device.audio.file_io import FileIO
from device.audio.heap import pin_mmap_threshold
from device.audio.realtime import helper_priority
from device.audio.sample_handoff import take
from device.audio.server_config import ServerConfig
from device.control import ControlError, refusal, validate
from device.knob_store import KnobKeeper

# Ops that change which pack a slot holds, and "sample" (a file new to the sampler is decoded by the sender,
# EngineProcess.send, and its audio handed over: up to 60 s of audio): they travel on their own channel (one at
# a time, in the order sent), so a load or a hand-over never holds up the notes and knobs behind it.  A sample
# tap sent while a pack loads waits for that load.
PACK_OPS = frozenset({"load", "unload", "sample"})


class EngineChild:
    """The engine process's state: engine, swapper, I/O, flags."""

    def __init__(self, cfg: ServerConfig) -> None:
        from device.audio.sampler import SamplerSource
        from device.audio.swap import Swapper
        self.heap_pinned = pin_mmap_threshold()    # before any pack loads: a unit let go of gives its memory back
        self.cfg = cfg
        self.engine = Engine(cfg.engine)
        self.model_latency = 0                # samples: the latency the effect pack loaded declares (manifest)
        init = helper_priority if cfg.realtime else None
        self.swapper = Swapper(self.engine, thread_init=init).start()
        self.knobs = KnobKeeper(self.engine, thread_init=init)     # the knobs set, kept in the store (STORE/knobs.json)
        self.sampler = SamplerSource(cfg.engine.rate, decodes=cfg.decode_in_engine)
        self.engine.install("sampler", self.sampler, {"name": "sampler"})
        self.stop = threading.Event()
        self.extra: dict[str, Any] = {"warnings": [], "pid": os.getpid(), "backend": None}
        self.io: Any = None                   # the audio I/O once open (AlsaIO or FileIO)
        self.engine.latency_ms = self.latency_ms()
        self.capture = CaptureDeck(self.engine, cfg.engine.rate, init)    # capture mode (device/audio/capture.py)

    def request(self, msg: dict[str, Any], handoff: tuple[dict[str, Any], int | None] | None = None) -> None:
        """Act on one control message (a reader thread; never the audio thread); ``handoff``: the audio of the
        file a ``sample`` message names, decoded by the sender ((meta, descriptor): device/audio/sample_handoff.py),
        kept by the sampler first."""
        if handoff is not None:
            meta, fd = handoff
            got = take(meta, fd)
            for unit in self.engine.slots["sampler"].units():
                if hasattr(unit, "accept"):
                    unit.accept(str(meta["key"]), got, [str(w) for w in meta.get("warnings", [])])
        validate(msg)
        if msg["op"] == "load":
            self.engine.begin_load(msg["slot"])       # knobs sent meanwhile are kept for the new pack
            try:
                info = self.swapper.load(msg["slot"], msg["path"])
            finally:
                self.engine.end_load(msg["slot"])
            if msg["slot"] == "effect":               # the slot the input goes through (a synth's is not on it)
                self.model_latency = int(info.get("latency_samples", 0))
                self.engine.latency_ms = self.latency_ms()
        elif msg["op"] == "unload" and msg["slot"] == "effect":
            self.engine.handle(msg)
            self.model_latency = 0                    # the input goes straight to the output again
            self.engine.latency_ms = self.latency_ms()
        elif msg["op"] == "shutdown":
            self.stop.set()
        elif msg["op"] in CAPTURE_OPS:
            self.capture.handle(msg, self.io)
        else:
            self.engine.handle(msg)

    def request_many(self, msgs: list[dict[str, Any]]) -> list[str | None]:
        """Act on ``msgs`` in order, each as :meth:`request` does (no pack op: :data:`PACK_OPS` wait for their own
        answer); a refused one (its error in words) does not stop the rest.  Returns each one's error or None.  The
        stamps of those that came late are moved to when the batch came (:func:`batch_stamps`): a chord plays as one."""
        errors: list[str | None] = []
        for msg in batch_stamps(msgs, time.monotonic()):
            error = batch_error(msg)
            if error is None:
                try:
                    self.request(msg)
                except Exception as exc:  # noqa: BLE001 - refused, or a bug: the rest plays
                    error = refusal(exc)
            errors.append(error)
        return errors

    def on_file(self) -> bool:
        """Whether the engine plays on the file backend (FileIO, or GearLoopIO built on it): the I/O it opened, or,
        before that, the backend it was started with."""
        return isinstance(self.io, FileIO) if self.io is not None else self.cfg.backend == "file"

    def latency_ms(self) -> float:
        """What the box puts between its input and its output, in ms: on a sound card the round trip (period x
        periods + the effect pack's declared latency: AudioConfig.latency_budget); on the file backend the
        effect's latency only, as each block goes straight from --input to the take (p58 QA Q1 4: the status said
        8.0 ms where the take lined up with the input sample for sample)."""
        budget = self.cfg.audio.latency_budget(self.model_latency)
        return budget["model_ms"] if self.on_file() else budget["round_trip_ms"]

    def status(self) -> dict[str, Any]:
        """The engine's status, plus (file backend with an output) ``recording``: what the output file
        keeps so far (:meth:`FileIO.recording`; its ``problem`` says a cut as soon as a write failed)."""
        status = {**self.engine.status(), **self.extra, **self.knobs.status(), "loads": self.swapper.history[-5:],
                  "capture": self.capture.status(), "latency_ms": self.latency_ms()}   # of the I/O it opened
        recording = self.io.recording() if isinstance(self.io, FileIO) else None
        if recording is not None:
            status["recording"] = recording
        return status


def batch_error(msg: Any) -> str | None:
    """Why control message ``msg`` cannot go in a batch (not valid; a pack op waits for its own answer), or None."""
    try:
        validate(msg)
    except ControlError as exc:
        return str(exc)
    return f"a {msg['op']} message is not sent in a batch: send it alone" if msg["op"] in PACK_OPS else None
