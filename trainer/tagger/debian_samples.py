"""Data recipe: tagged drum one-shots from the sample folders of Debian's ``sonic-pi-samples``,
``lmms-common`` and ``freepats``.

The first two ship drum one-shots recorded or synthesised apart from any Hydrogen kit, named by what
they are (Sonic Pi: ``bd_haus.flac``, ``drum_tom_lo_hard.flac``, ``tabla_ghe3.flac``; LMMS:
``drums/hihat_closed02.ogg``, ``drums/clap03.ogg``).  File names map to the Hydrogen recipe's tags
(:data:`trainer.tagger.hydrogen.TAGS`) by keyword rules; names that fit none, or that are ambiguous
(Sonic Pi's ``drum_cymbal_open`` may be an open hi-hat or a cymbal, rolls, rims, zaps, loops), are
left out, and so are files that do not decode.  ``freepats`` holds Gravis UltraSound patches, one
per General MIDI drum note (``Drum_000/038_Snare_1.pat``): each patch's first sample is written out as a
WAV (:func:`read_pat`) and tagged by its note number with the GM map of
:mod:`trainer.tagger.gm_drums`.  Each package becomes one "kit" CSV (``path,tag``) under ``out/``, so
benchmarks can keep it on one side of a kit split; files whose bytes repeat are kept once.
"""
from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from device.audio import audiofile
from hatbox.errors import AudioFileError, DataError
from trainer.tagger.hydrogen import KitSample, first_time, tag_for, write_csv

SONIC_PI_DIR = Path("/usr/share/sonic-pi/samples")
LMMS_DIR = Path("/usr/share/lmms/samples/drums")
FREEPATS_DIR = Path("/usr/share/midi/freepats/Drum_000")

# First matching rule wins; patterns are searched in the lower-cased file stem.
SONIC_PI_RULES: tuple[tuple[str, str], ...] = (
    ("kick", r"^bd_|^drum_bass_|^drum_heavy_kick$|^elec_(soft|hollow)_kick$"),
    ("snare", r"^sn_|^drum_snare_|^elec_(hi_|lo_|mid_|filt_)?snare$"),
    ("tom", r"^drum_tom_|^elec_fuzz_tom$"),
    ("hihat", r"^drum_cymbal_(closed|pedal)$"),
    ("cymbal", r"^drum_cymbal_(hard|soft)$|^drum_splash_|^elec_cymbal$"),
    ("percussion", r"^drum_cowbell$|^perc_bell2?$|^perc_snap2?$|^elec_triangle$|^tabla_"),
)
LMMS_RULES: tuple[tuple[str, str], ...] = (
    ("kick", r"^bassdrum|^kick"),
    ("snare", r"^snare(?!_rim)|^nasty_snare"),
    ("tom", r"^tom"),
    ("hihat", r"^hihat_"),
    ("cymbal", r"^crash|^ride"),
    ("percussion", r"^clap|^shaker|^wood|^clav"),
)
SUFFIXES = (".wav", ".flac", ".ogg")


@dataclass(frozen=True)
class Collection:
    """One package's drum folder and the rules that tag its file names."""
    name: str
    folder: Path
    rules: tuple[tuple[str, str], ...]
    package: str


COLLECTIONS = (
    Collection("sonic-pi", SONIC_PI_DIR, SONIC_PI_RULES, "sonic-pi-samples"),
    Collection("lmms", LMMS_DIR, LMMS_RULES, "lmms-common"),
)


def tagged_files(c: Collection) -> list[KitSample]:
    """The tagged samples of a collection, sorted by file name, each sound once."""
    seen: set[bytes] = set()
    out = []
    for f in sorted(c.folder.glob("*")):
        if f.suffix.lower() not in SUFFIXES or not f.is_file():
            continue
        tag = tag_for(f.stem, c.rules)
        if tag is None or not first_time(f, seen) or not _decodes(f):
            continue
        out.append(KitSample(c.name, f.stem, tag, f))
    return out


# Gravis UltraSound patch layout (GF1PATCH110): 129-byte file header, 63-byte instrument header,
# 47-byte layer header, then per sample a 96-byte header followed by its data.
_PAT_MAGIC = b"GF1PATCH11"
_PAT_FIRST_SAMPLE = 129 + 63 + 47
_PAT_SAMPLE_HEADER = 96


def read_pat(path: Path) -> tuple[np.ndarray, int]:
    """The first sample of a GUS ``.pat`` patch: (float32 mono [N] in [-1, 1], sample rate in Hz).

    Raises DataError for a file that is not a patch or whose sample runs past the end of the file.
    """
    data = Path(path).read_bytes()
    if not data.startswith(_PAT_MAGIC) or len(data) < _PAT_FIRST_SAMPLE + _PAT_SAMPLE_HEADER:
        raise DataError(f"{path} is not a GUS patch (GF1PATCH110)")
    h = _PAT_FIRST_SAMPLE
    size, = struct.unpack_from("<I", data, h + 8)
    rate, = struct.unpack_from("<H", data, h + 20)
    modes = data[h + 55]
    start = h + _PAT_SAMPLE_HEADER
    if rate <= 0 or size <= 0 or start + size > len(data):
        raise DataError(f"{path}: sample header out of range (rate {rate}, {size} bytes)")
    raw = data[start:start + size]
    sixteen, unsigned = bool(modes & 1), bool(modes & 2)
    if sixteen:
        x = np.frombuffer(raw[: size - size % 2], dtype="<u2" if unsigned else "<i2").astype(np.float32)
        x = x - 32768.0 if unsigned else x
        return x / 32768.0, rate
    x = np.frombuffer(raw, dtype=np.uint8 if unsigned else np.int8).astype(np.float32)
    x = x - 128.0 if unsigned else x
    return x / 128.0, rate


def freepats_files(out_dir: Path, folder: Path = FREEPATS_DIR) -> list[KitSample]:
    """Write each tagged freepats drum patch as ``out_dir/freepats/<stem>.wav``; its samples, tagged by note."""
    from trainer.tagger.gm_drums import GM_TAGS
    wav_dir = out_dir / "freepats"
    wav_dir.mkdir(parents=True, exist_ok=True)
    out = []
    for f in sorted(folder.glob("*.pat")):
        m = re.match(r"(\d+)_", f.name)
        tag = GM_TAGS.get(int(m.group(1))) if m else None
        if tag is None:
            continue
        try:
            audio, rate = read_pat(f)
        except DataError:
            continue
        wav = audiofile.write(wav_dir / f"{f.stem}.wav", audio, rate, subtype="PCM_16")
        out.append(KitSample("freepats", f.stem, tag, wav.resolve()))
    return out


def _decodes(path: Path) -> bool:
    """Whether the file decodes (LMMS's kick04.ogg is a WAV with a malformed header)."""
    try:
        audiofile.read(path)
    except AudioFileError:
        return False
    return True


def build(out_dir: Path, collections: tuple[Collection, ...] = COLLECTIONS,
          freepats_dir: Path = FREEPATS_DIR) -> dict[str, int]:
    """Write ``out_dir/<collection>.csv`` for each collection found; returns samples per collection.

    Raises DataError when none of the collections' folders exists (the packages are not installed).
    """
    found = [c for c in collections if c.folder.is_dir()]
    if not found and not freepats_dir.is_dir():
        names = " ".join(c.package for c in collections)
        raise DataError("none of the Debian sample folders is installed",
                        hint=f"apt-get install {names} freepats")
    out_dir.mkdir(parents=True, exist_ok=True)
    tables = {c.name: tagged_files(c) for c in found}
    if freepats_dir.is_dir():
        tables["freepats"] = freepats_files(out_dir, freepats_dir)
    for name, samples in tables.items():
        write_csv(out_dir / f"{name}.csv", samples)
    return {name: len(samples) for name, samples in tables.items()}


def main() -> None:
    import argparse
    p = argparse.ArgumentParser(description="tagged drum one-shots from sonic-pi-samples, lmms-common and freepats")
    p.add_argument("--out", default="data/tagger-debian")
    a = p.parse_args()
    try:
        counts = build(Path(a.out))
    except DataError as e:
        raise SystemExit(f"error: {e}")
    for name, n in counts.items():
        print(f"{name:<12} {n:5d} samples -> {a.out}/{name}.csv")


if __name__ == "__main__":
    main()
