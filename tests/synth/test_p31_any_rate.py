"""Thirty-first stop: a synth pack plays at any engine rate (its network gives frames in seconds, its oscillators
and noise run at the engine's rate), so the box takes a 48 kHz synth when it runs at 44.1 kHz: a push used to be
refused ("pack runs at 48000 Hz but the engine runs at 44100 Hz") while the same pack, active in the store, played.
An effect pack still must match the engine's rate."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from device.audio.synth import SynthSource, render_events
from device.validate import EngineSpec, validate_pack
from export.pack import Pack
from hatbox.errors import PackError
from tests.api.packs import gain_pack
from tests.synth.test_synth_source import on
from trainer.synth.features import cents_error

FACTORY_SYNTH = Path(__file__).resolve().parents[2] / "factory" / "synth-gm4.hatpack"


@pytest.mark.parametrize("rate", [44100, 96000])
def test_the_factory_synth_passes_every_check_at_another_engine_rate(rate: int) -> None:
    report = validate_pack(FACTORY_SYNTH, EngineSpec(sample_rate=rate, block_size=128))
    handshake = next(c for c in report.checks if c["check"] == "handshake")
    assert handshake["ok"] and f"trained at 48000 Hz, plays at the engine's {rate} Hz" in handshake["detail"]
    assert all(c["ok"] for c in report.checks)


def test_an_effect_at_another_rate_is_still_refused(tmp_path: Path) -> None:
    with pytest.raises(PackError, match="44100 Hz but the engine runs at 48000 Hz"):
        validate_pack(gain_pack(tmp_path / "g.hatpack", rate=44100), EngineSpec(sample_rate=48000, block_size=128))


@pytest.mark.parametrize("rate", [44100, 22050])
def test_a_synth_plays_in_tune_and_at_its_level_at_another_rate(synth_pack: Pack, rate: int) -> None:
    ref = render_events(SynthSource(synth_pack, 48000), [(0, on(60))], 48000, 128)        # 1 s at each rate
    y = render_events(SynthSource(synth_pack, rate), [(0, on(60))], rate, 128)
    assert abs(cents_error(y, rate, 60, 0.2, 0.6)) < 1.0
    level = lambda x, r: float(np.sqrt(np.mean(x[int(0.2 * r):int(0.6 * r)] ** 2)))  # noqa: E731
    assert abs(20 * np.log10(level(y, rate) / level(ref, 48000))) < 1.0


def test_at_a_low_rate_the_handshake_says_the_top_notes_are_duller() -> None:
    """The QA pass: at 8 kHz note 108 came out 72 dB down with the handshake saying only "plays at 8000 Hz"."""
    report = validate_pack(FACTORY_SYNTH, EngineSpec(sample_rate=16000, block_size=128))
    handshake = next(c for c in report.checks if c["check"] == "handshake")
    assert "its harmonics stop at 7.8 kHz here, not its 11.5: its highest notes sound duller" in handshake["detail"]
