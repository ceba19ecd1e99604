"""Data recipe: tagged one-shot drum samples from the drum kits of Debian's ``fluid-soundfont-gm``.

The General MIDI percussion map fixes what each note on channel 10 is (36 bass drum, 38 snare,
42 closed hi-hat, 62 conga...), so every drum preset in the soundfont (bank 128: Standard, Room,
Power, Electronic, TR-808, Jazz, Brush, Orchestra) gives labelled samples for free.  Each preset
is rendered once per velocity with fluidsynth (one MIDI file, the notes spaced apart so tails
decay), cut into one file per note, and written as ``out/gm_<preset>.csv`` (``path,tag``) plus the
16-bit WAVs under ``out/wav/``.  Notes a preset leaves silent (or where only the previous note's tail
sounds), and renders identical to one
already written (presets that share a sample), are skipped.  Tags follow the Hydrogen recipe's
(:data:`trainer.tagger.hydrogen.TAGS`); side stick is left out as it is there.
"""
from __future__ import annotations

import csv
import hashlib
import re
import struct
from dataclasses import dataclass
from pathlib import Path

import mido
import numpy as np

from device.audio import audiofile
from device.audio.resample import resample
from hatbox.errors import DataError
from trainer.data.fluid import RATE as RENDER_RATE
from trainer.data.fluid import SOUNDFONT, render

RATE = 32_000            # written sample rate (the tagger's front-end rate, trainer.tagger.model.tagger_spec), Hz
SPACING_S = 2.5          # note-to-note distance in the render, s
KEEP_S = 1.2             # length of each written sample, s
SILENT_PEAK = 3e-3       # a cut whose peak is below this (-50 dBFS) is "no sound for this note"
VELOCITIES = (50, 90, 127)

_KICK, _SNARE, _HAT, _TOM, _CYM, _PERC = "kick", "snare", "hihat", "tom", "cymbal", "percussion"
GM_TAGS: dict[int, str] = {
    35: _KICK, 36: _KICK, 38: _SNARE, 39: _PERC, 40: _SNARE,
    41: _TOM, 43: _TOM, 45: _TOM, 47: _TOM, 48: _TOM, 50: _TOM,
    42: _HAT, 44: _HAT, 46: _HAT,
    49: _CYM, 51: _CYM, 52: _CYM, 53: _CYM, 55: _CYM, 57: _CYM, 59: _CYM,
    **{n: _PERC for n in (54, 56, 58, *range(60, 82))},
}


@dataclass(frozen=True)
class Preset:
    """A soundfont preset: MIDI program number (0-127), bank, and its name."""

    program: int
    bank: int
    name: str


def presets(sf2: Path) -> list[Preset]:
    """Every preset in an SF2 file, read from its ``phdr`` chunk (no synthesiser needed)."""
    try:
        data = Path(sf2).read_bytes()
    except OSError as exc:
        raise DataError(f"cannot read soundfont {sf2}: {exc.strerror}") from None
    at = data.find(b"phdr")
    if data[:4] != b"RIFF" or data[8:12] != b"sfbk" or at < 0:
        raise DataError(f"{sf2} is not an SF2 soundfont")
    (size,) = struct.unpack_from("<I", data, at + 4)
    out = []
    for off in range(at + 8, at + 8 + size - 38, 38):      # the last record is the terminal "EOP"
        name, program, bank = struct.unpack_from("<20sHH", data, off)
        out.append(Preset(program, bank, name.split(b"\0", 1)[0].decode("latin-1").strip()))
    return out


def drum_presets(sf2: Path = SOUNDFONT) -> list[Preset]:
    """The percussion presets (bank 128), by program number."""
    return sorted((p for p in presets(sf2) if p.bank == 128), key=lambda p: p.program)


def kit_midi(program: int, velocity: int, notes: list[int]) -> mido.MidiFile:
    """One note per ``SPACING_S`` on channel 10 (index 9), after a program change to ``program``."""
    mid = mido.MidiFile(ticks_per_beat=480)
    track = mido.MidiTrack()
    mid.tracks.append(track)
    track.append(mido.MetaMessage("set_tempo", tempo=500_000, time=0))    # 120 bpm: 960 ticks/s
    track.append(mido.Message("program_change", channel=9, program=program, time=0))
    step, hold = int(SPACING_S * 960), int(0.3 * 960)
    first = step // 5                                                      # 0.5 s lead-in
    for i, note in enumerate(notes):
        track.append(mido.Message("note_on", channel=9, note=note, velocity=velocity,
                                  time=first if i == 0 else step - hold))
        track.append(mido.Message("note_off", channel=9, note=note, velocity=0, time=hold))
    return mid


def cut_notes(audio: np.ndarray, n_notes: int, rate: int) -> list[np.ndarray]:
    """Cut a render of :func:`kit_midi` into one ``KEEP_S`` slice per note: list of float32 [K]."""
    start, step, keep = int(0.5 * rate), int(SPACING_S * rate), int(KEEP_S * rate)
    return [audio[start + i * step - int(0.01 * rate): start + i * step + keep - int(0.01 * rate)]
            for i in range(n_notes)]


def has_attack(cut: np.ndarray, rate: int) -> bool:
    """True when the cut [K] sounds (peak >= SILENT_PEAK) and starts with its note: a sample within
    12 dB of the cut's peak in its first 50 ms (not just the tail of the note before)."""
    peak = float(np.max(np.abs(cut)))
    return peak >= SILENT_PEAK and float(np.max(np.abs(cut[: int(0.05 * rate)]))) >= 0.25 * peak


def safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") or "kit"


def build(out_dir: Path, velocities: tuple[int, ...] = VELOCITIES, sf2: Path = SOUNDFONT,
          programs: set[int] | None = None) -> dict[str, int]:
    """Render every drum preset (or those in ``programs``); writes ``out_dir/gm_<preset>.csv`` and
    ``all_gm.csv``.  Returns the number of samples written per preset.
    """
    kits = [k for k in drum_presets(sf2) if programs is None or k.program in programs]
    if not kits:
        raise DataError(f"{sf2} has no drum presets (bank 128)")
    notes = sorted(GM_TAGS)
    seconds = 0.5 + SPACING_S * len(notes)
    wav_dir = Path(out_dir) / "wav"
    wav_dir.mkdir(parents=True, exist_ok=True)
    seen: set[bytes] = set()
    counts: dict[str, int] = {}
    everything: list[tuple[str, str]] = []
    for kit in kits:
        rows = []
        for vel in velocities:
            audio = render(kit_midi(kit.program, vel, notes), seconds, soundfont=sf2)
            low = resample(audio, RENDER_RATE, RATE)
            for note, cut in zip(notes, cut_notes(low, len(notes), RATE)):
                pcm = np.clip(np.round(cut * 32767), -32768, 32767).astype(np.int16)
                digest = hashlib.sha1(pcm.tobytes()).digest()
                if not has_attack(cut, RATE) or digest in seen:
                    continue
                seen.add(digest)
                path = wav_dir / f"{safe_name(kit.name)}_{note}_v{vel}.wav"
                audiofile.write(path, pcm.astype(np.float32) / 32768.0, RATE, subtype="PCM_16")
                rows.append((str(path.resolve()), GM_TAGS[note]))
        if rows:
            _write_rows(Path(out_dir) / f"gm_{safe_name(kit.name)}.csv", rows)
            counts[kit.name] = len(rows)
            everything += rows
    if not everything:
        raise DataError(f"no drum sound could be rendered from {sf2}: every note came out silent",
                        hint="is it a soundfont fluidsynth can load (SF2, or SF3 with Vorbis support)?")
    _write_rows(Path(out_dir) / "all_gm.csv", everything)
    return counts


def _write_rows(path: Path, rows: list[tuple[str, str]]) -> None:
    with path.open("w", newline="") as fh:
        csv.writer(fh).writerows(rows)


def main() -> None:
    import argparse
    p = argparse.ArgumentParser(description="build tagged drum one-shots from a GM soundfont's drum presets")
    p.add_argument("--out", default="data/tagger-gm")
    p.add_argument("--soundfont", type=Path, default=SOUNDFONT,
                   help="SF2/SF3 file (default: fluid-soundfont-gm's FluidR3_GM.sf2; e.g. "
                        "/usr/share/sounds/sf3/MuseScore_General_Lite.sf3 from musescore-general-soundfont-small)")
    p.add_argument("--max-program", type=int, default=127,
                   help="only drum presets up to this program number (MuseScore's marching kits start at 55)")
    a = p.parse_args()
    try:
        counts = build(Path(a.out), sf2=a.soundfont, programs=set(range(a.max_program + 1)))
    except DataError as exc:
        raise SystemExit(f"error: {exc}") from None
    for kit, n in counts.items():
        print(f"{kit:<28} {n:5d} samples")
    print(f"total {sum(counts.values())} samples in {len(counts)} presets -> {a.out}")


if __name__ == "__main__":
    main()
