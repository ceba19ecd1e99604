"""Run a tagger pack on audio files (onnxruntime, no torch): prepare clips exactly as in training."""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from device.audio.mel import fit_clip
from device.audio.resample import resample
from device.audio.runtime import make_session
from device.library.decode import read_head
from export.manifest import kind_phrase
from export.pack import Pack, read_pack
from hatbox.errors import PackError


class PackTagger:
    """A loaded tagger pack: ``prepare(path) -> [N]``, ``run(audio [B, N]) -> (probs, embeddings)``."""

    def __init__(self, pack: Pack | str | Path, threads: int = 1) -> None:
        self.pack = pack if isinstance(pack, Pack) else read_pack(pack)
        m = self.pack.manifest
        if m.kind != "tagger":
            raise PackError(f"pack '{m.name}' is {kind_phrase(m.kind)}, not a tagger", check="kind")
        self.tags: list[str] = list(m.extras.get("tags") or m.tags)
        th = m.extras.get("thresholds", {})
        self.thresholds = np.array([float(th.get(t, 0.5)) for t in self.tags], np.float32)
        self.exclusive = bool(m.extras.get("exclusive", False))
        self.rate, self.n = int(m.sample_rate), int(m.extras["clip_samples"])
        self.session = make_session(self.pack.model_bytes, threads=threads)
        self.model_id = hashlib.sha256(self.pack.model_bytes).hexdigest()[:16]

    def prepare(self, path: Path) -> np.ndarray:
        """Decode, mono, resample to the pack's rate, onset-align, fit to [N] float32."""
        audio, rate = read_head(path, (self.n + 64) / self.rate)
        return fit_clip(resample(audio, rate, self.rate), self.n)

    def run(self, audio: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """audio [B, N] float32 -> (probs [B, n_tags], embeddings [B, E])."""
        probs, emb = self.session.run(["probs", "embedding"], {"audio": np.ascontiguousarray(audio, np.float32)})
        return probs, emb

    def hits(self, probs: np.ndarray) -> np.ndarray:
        """[B, n_tags] bool: the top tag for an exclusive pack, else every tag over its threshold."""
        if self.exclusive:
            return probs == probs.max(axis=1, keepdims=True)
        return probs >= self.thresholds

    def embed_file(self, path: Path) -> np.ndarray:
        """Embedding [E] of one file (for "more like this" with a file outside the library)."""
        return self.run(self.prepare(Path(path))[None])[1][0]
