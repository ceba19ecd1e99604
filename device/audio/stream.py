"""Run a pack's ONNX model as a stateless function whose state the engine owns.

A streaming model takes its state tensors as inputs and returns the next state as outputs
(manifest.state pairs them).  :class:`StreamingModel` keeps that state between calls,
puts it back to its rest state on :meth:`reset` (zeros, unless :meth:`set_rest` gave another:
a network's zero state is seldom where it rests, see device/audio/effect.py ``settle``), and can
snapshot/restore it (for crossfades and retries).
"""
from __future__ import annotations

import numpy as np

from device.audio.runtime import make_session
from export.pack import Pack


class StreamingModel:
    """One onnxruntime session plus the state it carries from call to call."""

    def __init__(self, pack: Pack, *, threads: int = 1) -> None:
        self.manifest = pack.manifest
        self.session = make_session(pack.model_bytes, threads=threads)
        self._state_out_to_in = {s.output: s.input for s in self.manifest.state}
        self._outputs = [o.name for o in self.manifest.outputs]
        self._state: dict[str, np.ndarray] = {}
        self._rest = self.zero_state()
        self.reset()

    @property
    def output_names(self) -> list[str]:
        """Names of the non-state outputs, in manifest order."""
        return [n for n in self._outputs if n not in self._state_out_to_in]

    def zero_state(self) -> dict[str, np.ndarray]:
        """Every state tensor zeroed (state input name -> array of the manifest's shape)."""
        return {s.input: np.zeros(s.shape, dtype=s.dtype) for s in self.manifest.state}

    def set_rest(self, state: dict[str, np.ndarray] | None) -> None:
        """Make ``state`` (a :meth:`snapshot`; None: zeros) what :meth:`reset` returns to."""
        self._rest = self.zero_state() if state is None else {k: v.copy() for k, v in state.items()}

    def reset(self) -> None:
        """Put every state tensor back to the rest state (zeros unless :meth:`set_rest` said otherwise)."""
        self._state = {k: v.copy() for k, v in self._rest.items()}

    def snapshot(self) -> dict[str, np.ndarray]:
        return {k: v.copy() for k, v in self._state.items()}

    def restore(self, state: dict[str, np.ndarray]) -> None:
        self._state = {k: v.copy() for k, v in state.items()}

    def run(self, feeds: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Run one step: ``feeds`` holds the non-state inputs; returns the non-state outputs."""
        values = self.session.run(self._outputs, {**feeds, **self._state})
        result: dict[str, np.ndarray] = {}
        for name, value in zip(self._outputs, values):
            state_in = self._state_out_to_in.get(name)
            if state_in is None:
                result[name] = value
            else:
                self._state[state_in] = value
        return result
