"""The factory synth's note set: General MIDI instruments of the FluidR3 soundfont (Debian's fluid-soundfont-gm)
rendered note by note by fluidsynth (scripts/factory_synth.sh, the benchmarks); split from trainer/synth/data.py,
which re-exports it."""
from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import numpy as np

from device.audio import audiofile
from hatbox.errors import DataError
from trainer.synth.note import fit_length


SOUNDFONT = Path("/usr/share/sounds/sf2/FluidR3_GM.sf2")


# General MIDI programs (0-based) of the factory set: sustained, clearly different timbres.
FACTORY_PROGRAMS = {"flute": 73, "trumpet": 56, "violin": 40, "clarinet": 71}


def write_midi(path: Path, program: int, notes: list[tuple[int, int]], hold_s: float, step_s: float) -> None:
    """A one-track MIDI file: ``notes`` (pitch, velocity) each held ``hold_s``, one every ``step_s``."""
    import mido
    mid = mido.MidiFile(ticks_per_beat=480)
    tr = mido.MidiTrack()
    mid.tracks.append(tr)
    tick = lambda s: int(round(s * 960))  # noqa: E731 - default 120 bpm at 480 tpb = 960 ticks / s
    tr.append(mido.Message("program_change", program=program, time=0))
    for p, v in notes:
        tr.append(mido.Message("note_on", note=p, velocity=v, time=0))
        tr.append(mido.Message("note_off", note=p, velocity=0, time=tick(hold_s)))
        tr.append(mido.Message("note_on", note=0, velocity=0, time=tick(step_s - hold_s)))
    mid.save(str(path))


def render_midi(midi: Path, wav: Path, rate: int = 48000) -> np.ndarray:
    """Render with fluidsynth (reverb and chorus off); returns mono [N] float32."""
    if not SOUNDFONT.is_file():
        raise DataError(f"soundfont {SOUNDFONT} missing", hint="apt-get install fluid-soundfont-gm")
    cmd = ["fluidsynth", "-ni", "-R", "0", "-C", "0", "-g", "0.5", "-F", str(wav), "-r", str(rate),
           str(SOUNDFONT), str(midi)]
    subprocess.run(cmd, check=True, capture_output=True)
    audio, _ = audiofile.read(wav, mono=True)
    return audio[0]


def build_fluid_set(out: str | Path, programs: dict[str, int] | None = None,
                    pitches: range = range(55, 85), velocities: tuple[int, ...] = (70, 110),
                    note_s: float = 1.5, hold_s: float = 1.0, rate: int = 48000) -> int:
    """Render instrument x pitch x velocity notes into ``out/<instrument>/<instr>_PPP_VVV.wav``."""
    out = Path(out)
    todo = [(p, v) for p in pitches for v in velocities]
    step = note_s + 0.5
    count = 0
    for name, program in (programs or FACTORY_PROGRAMS).items():
        with tempfile.TemporaryDirectory() as tmp:
            write_midi(Path(tmp) / "n.mid", program, todo, hold_s, step)
            audio = render_midi(Path(tmp) / "n.mid", Path(tmp) / "n.wav", rate)
        for i, (p, v) in enumerate(todo):
            a = int(round(i * step * rate))
            audiofile.write(out / name / f"{name}_{p:03d}_{v:03d}.wav",
                            fit_length(audio[a:], int(note_s * rate)), rate, subtype="PCM_16")
            count += 1
    return count
