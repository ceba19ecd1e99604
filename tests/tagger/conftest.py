"""Fixtures for the tagger tests: synthetic one-shots, a small untrained tagger pack, a tiny library; the
sampler tests' WAV writer and block-by-block render."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import numpy as np
import pytest
import soundfile as sf

if TYPE_CHECKING:
    from device.audio.sampler import SamplerSource

RATE = 16000
SAMPLER_RATE = 48000          # Hz: the engine rate of the sampler tests
SAMPLER_BLOCK = 128           # frames in one engine block of the sampler tests


def thump(rate: int, seconds: float = 0.5, freq: float = 60.0, seed: int = 0) -> np.ndarray:
    """A kick-like decaying low sine [N]."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(rate * seconds)) / rate
    f = freq * (1 + rng.uniform(-0.2, 0.2))
    return (0.8 * np.sin(2 * np.pi * f * t) * np.exp(-t * 10)).astype(np.float32)


def hiss(rate: int, seconds: float = 0.5, seed: int = 0) -> np.ndarray:
    """A hat-like burst of high-passed noise [N]."""
    rng = np.random.default_rng(seed)
    n = int(rate * seconds)
    x = np.diff(rng.standard_normal(n + 1)) * np.exp(-np.arange(n) / rate * 25)
    return (0.3 * x).astype(np.float32)


def tag_tree(root: Path, makers: dict, count: int, rate: int = 22050) -> Path:
    """Write a folder-per-tag training tree under ``root``: ``count`` clips per tag, made by
    ``makers[tag](rate, seed=i)`` (e.g. :func:`thump`, :func:`hiss`); returns ``root``."""
    for tag, fn in makers.items():
        (root / tag).mkdir(parents=True)
        for i in range(count):
            sf.write(root / tag / f"{i}.wav", fn(rate, seed=i), rate)
    return root


def write_wav(path: Path, x: np.ndarray, rate: int = SAMPLER_RATE, subtype: str = "PCM_24") -> Path:
    """Write ``x`` ([N] or [N, channels]) to ``path`` at ``rate`` Hz as ``subtype``; returns ``path``."""
    sf.write(path, x, rate, subtype=subtype)
    return path


def render_sampler(src: SamplerSource, total: int, block: int = SAMPLER_BLOCK) -> np.ndarray:
    """``total`` frames [total] of ``src`` rendered ``block`` frames at a time, as the engine calls it."""
    out, buf = [], np.zeros(block, np.float32)
    for _ in range(0, total, block):
        src.render(buf)
        out.append(buf.copy())
    return np.concatenate(out)[:total]


def kick_and_blank_zip() -> bytes:
    """A zip upload of two 16 kHz WAVs: kit/kick.wav (a 0.5 s :func:`thump`) and kit/blank.wav
    (0.5 s of exact zeros, which the tagger skips as silent)."""
    import io
    import zipfile
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, audio in (("kit/kick.wav", thump(16000)), ("kit/blank.wav", np.zeros(8000, np.float32))):
            wav = io.BytesIO()
            sf.write(wav, audio, 16000, format="WAV")
            zf.writestr(name, wav.getvalue())
    return buf.getvalue()


@pytest.fixture(scope="session")
def small_pack(tmp_path_factory) -> Path:
    """An untrained (random weights) two-tag tagger pack, 0.5 s clips."""
    import torch

    from trainer.tagger.onnx_export import export_tagger
    from trainer.tagger.model import TaggerConfig, TaggerNet
    torch.manual_seed(0)
    net = TaggerNet(TaggerConfig(clip_samples=8000, channels=(8, 16), embed_dim=16), 2).eval()
    return export_tagger(net, ["kick", "hat"], tmp_path_factory.mktemp("pack") / "small.hatpack",
                         name="small", thresholds=[0.5, 0.5])


@pytest.fixture
def library_dir(tmp_path) -> Path:
    """A folder of samples in several formats, rates and channel counts, plus one corrupt file."""
    root = tmp_path / "lib"
    (root / "kicks").mkdir(parents=True)
    (root / "hats" / "deep").mkdir(parents=True)
    sf.write(root / "kicks" / "k1.wav", thump(44100, seed=1), 44100)
    sf.write(root / "kicks" / "k2.flac", np.stack([thump(22050, seed=2)] * 2, 1), 22050)
    sf.write(root / "kicks" / "k3.aiff", thump(48000, seed=3), 48000, subtype="PCM_16")
    sf.write(root / "hats" / "h1.wav", hiss(48000, seed=4), 48000)
    sf.write(root / "hats" / "deep" / "h2.ogg", hiss(32000, seed=5), 32000)
    (root / "hats" / "broken.wav").write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunkjunk")
    (root / "notes.txt").write_text("not audio")
    return root


@contextmanager
def box_with_kicks(library_dir: Path, small_pack: Path, tmp_path: Path, monkeypatch) -> Iterator[None]:
    """A real box API on loopback (device.library tagging for real), this laptop paired with it (its config under
    ``tmp_path``), ``small_pack`` active and ``library_dir``'s kicks/ pushed and tagged; stopped on leaving."""
    from device.api.app import ApiConfig, create_app
    from device.api.libraries import default_tagger
    from device.api.server import start_in_thread
    from device.api.sim import RecordingControl
    from hatbox.cli import main
    from tests.api.conftest import FAST_ENGINE
    monkeypatch.setenv("HATBOX_CONFIG", str(tmp_path / "cfg" / "remote.json"))
    for var in ("HATBOX_URL", "HATBOX_TOKEN", "HATBOX_DEBUG"):
        monkeypatch.delenv(var, raising=False)
    codes: list[str] = []
    running = start_in_thread(create_app(tmp_path / "box", RecordingControl(),
                                         ApiConfig(engine=FAST_ENGINE, on_code=codes.append, tagger=default_tagger)))
    try:
        assert main(["pair", running.url, "--code", codes[-1]]) == 0
        assert main(["push", str(small_pack), "--activate", "--quiet"]) == 0
        assert main(["push-library", str(library_dir / "kicks"), "--wait", "--quiet"]) == 0
        yield
    finally:
        running.stop()
