"""Rendering MIDI with fluidsynth and Debian's ``fluid-soundfont-gm`` (FluidR3 GM)."""
from __future__ import annotations

import tempfile
from pathlib import Path

import mido
import numpy as np

from device.audio import audiofile
from trainer.data.tools import require_file, run_tool

RATE = 48_000
SOUNDFONT = Path("/usr/share/sounds/sf2/FluidR3_GM.sf2")


def render(mid: mido.MidiFile, seconds: float, workdir: Path | None = None,
           soundfont: Path = SOUNDFONT) -> np.ndarray:
    """Render ``mid`` with fluidsynth (no reverb/chorus) -> mono float32 [N], N = seconds * 48 kHz.

    ``soundfont``: an SF2/SF3 file (default: Debian's FluidR3 GM).
    """
    default = soundfont == SOUNDFONT
    require_file(soundfont, "the General MIDI soundfont" if default else "the soundfont",
                 "fluid-soundfont-gm" if default else None)
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        midi_path, wav_path = Path(tmp) / "take.mid", Path(tmp) / "take.wav"
        mid.save(str(midi_path))
        # fluidsynth falls back to its default soundfont when ours fails to load: refuse that
        run_tool(["fluidsynth", "-ni", "-q", "-R", "0", "-C", "0", "-g", "0.5", "-o",
                  "audio.file.format=float", "-o", "synth.default-soundfont=", "-F", str(wav_path),
                  "-r", str(RATE), str(soundfont), str(midi_path)], "fluidsynth render",
                 fail_on="Failed to load")
        audio, _ = audiofile.read(wav_path, expect_rate=RATE, mono=True)
    return fit_length(audio[0], int(round(seconds * RATE)))


def fit_length(audio: np.ndarray, frames: int) -> np.ndarray:
    """Cut or zero-pad float audio [N] to exactly ``frames`` samples (float32)."""
    if audio.shape[0] >= frames:
        return np.ascontiguousarray(audio[:frames], dtype=np.float32)
    return np.pad(audio, (0, frames - audio.shape[0])).astype(np.float32)
