"""The factory synth's playing level beside the factory kit's, before and after its levelling (p58 QA finding 5).

The QA heard a synth note at velocity 100 some 18 dB under a kit hit at velocity 100 on the box's output (the demo's
store: both through the same mix, effect and volume).  This measures the two sources on their own buses, where their
levels are set, at 48 kHz in 256-sample blocks:
  kit    the demo's kit (Debian's hydrogen-drumkits VariBreaks: the files `hatbox demo`'s kit put on notes 36, 38, 42,
         46) played by device.audio.sampler.SamplerSource at velocity 100: peak dBFS
  synth  factory/synth-gm4.hatpack played by device.audio.synth.SynthSource at velocity 100, each timbre (the pad's
         four corners on it) at notes 48 (the QA's C3), 60 (C4), 67 and 72, held 1 s: peak dBFS; and at the pad
         position the QA's store kept, (1.0, 0.49), notes 48 and 60; and chords of 1, 3, 4 and 6 notes at the pad's
         centre (what the sources' bus limiter, +6 dBFS, and the output stage's, -1 dBFS, then meet)
  before the same pack with its ``extras.level_db`` taken out: byte for byte the pack as it played before it was
         levelled (trainer.synth.level changes nothing else)

    .venv/bin/python bench/synth_factory_level.py [--pack factory/synth-gm4.hatpack]

Writes bench/results/synth_factory_level.json.
"""
from __future__ import annotations

import argparse
import json
import math
import zipfile
from pathlib import Path

import numpy as np

from device.audio.sampler import SamplerSource
from device.audio.synth import SynthSource
from export.pack import Pack, read_pack
from trainer.synth.level import render_peak

RATE, VELOCITY = 48_000, 100
KIT = Path("/usr/share/hydrogen/data/drumkits/VariBreaks")
KIT_NOTES = {"kick 36": "VP Kick 2.flac", "snare 38": "VP Snare 1.flac", "closed hat 42": "VP Hat 2 Cl.flac",
             "open hat 46": "VP Hat 1 Op.flac"}
NOTES = (48, 60, 67, 72)
QA_PAD, QA_NOTES = (1.0, 0.4923), (48, 60)
CHORDS = ((60,), (60, 64, 67), (60, 64, 67, 72), (55, 60, 64, 67, 72, 76))     # at the pad's centre
OUT = Path(__file__).resolve().parent / "results" / "synth_factory_level.json"


def db(x: float) -> float:
    return round(20.0 * math.log10(x), 2) if x > 0 else -math.inf


def kit_peaks() -> dict[str, float]:
    """Each kit hit's peak (dBFS) at velocity 100 on the sampler's bus; {} when the kit is not installed."""
    peaks = {}
    for name, file in KIT_NOTES.items():
        if not (KIT / file).is_file():
            return {}
        src = SamplerSource(RATE)
        src.handle({"op": "sample", "path": str(KIT / file), "velocity": VELOCITY})
        peaks[name] = db(render_peak(src, 1.0))
    return peaks


def synth_peak(pack: Pack, notes: int | tuple[int, ...], corners: list[str] | None = None,
               xy: tuple[float, float] = (0.0, 0.0)) -> float:
    """Peak (dBFS) of ``notes`` (one or a chord) struck together at velocity 100 and held 1 s."""
    src = SynthSource(pack, RATE)
    if corners:
        src.handle({"op": "corners", "names": corners})
    src.handle({"op": "xy", "x": xy[0], "y": xy[1]})
    for note in (notes,) if isinstance(notes, int) else notes:
        src.handle({"op": "note_on", "note": note, "velocity": VELOCITY})
    return db(render_peak(src, 1.0))


def synth_peaks(pack: Pack) -> dict[str, object]:
    names = list(pack.manifest.extras["names"])
    per = {t: {str(n): synth_peak(pack, n, [t] * 4) for n in NOTES} for t in names}
    pad = {str(n): synth_peak(pack, n, xy=QA_PAD) for n in QA_NOTES}
    chords = {"-".join(map(str, c)): synth_peak(pack, c, xy=(0.5, 0.5)) for c in CHORDS}
    every = [p for d in per.values() for p in d.values()]
    return {"level_db": pack.manifest.extras.get("level_db", 0.0), "per_timbre": per,
            "qa_pad_position": {"xy": list(QA_PAD), "peaks": pad}, "chords_at_pad_centre": chords,
            "median": round(float(np.median(every)), 2), "min": min(every), "max": max(every)}


def without_level(pack_path: Path, dst: Path) -> Path:
    """``pack_path`` with its extras.level_db (and level_fit) taken out: how it played before it was levelled."""
    with zipfile.ZipFile(pack_path) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "manifest.json":
                m = json.loads(data)
                m["extras"].pop("level_db", None)
                m["extras"].pop("level_fit", None)
                data = json.dumps(m).encode()
            zout.writestr(info.filename, data)
    return dst


def gaps(kit: dict[str, float], synth: dict[str, object]) -> dict[str, float]:
    """The kit's median hit minus the synth's median note (dB; positive: the synth is quieter), and the largest
    distance of any synth note measured from the nearest end of the kit's range."""
    if not kit:
        return {}
    lo, hi, med = min(kit.values()), max(kit.values()), float(np.median(list(kit.values())))
    notes = [p for d in synth["per_timbre"].values() for p in d.values()]           # type: ignore[union-attr]
    notes += list(synth["qa_pad_position"]["peaks"].values())                       # type: ignore[index]
    outside = max(max(lo - p, p - hi, 0.0) for p in notes)
    return {"kit_median_minus_synth_median_db": round(med - float(synth["median"]), 2),   # type: ignore[arg-type]
            "furthest_note_outside_kit_range_db": round(outside, 2)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pack", default="factory/synth-gm4.hatpack")
    args = ap.parse_args()
    import tempfile
    kit = kit_peaks()
    with tempfile.TemporaryDirectory() as tmp:
        before = synth_peaks(read_pack(without_level(Path(args.pack), Path(tmp) / "before.hatpack")))
    after = synth_peaks(read_pack(args.pack))
    result = {"pack": args.pack, "velocity": VELOCITY, "rate": RATE, "kit_peaks_dbfs": kit,
              "before": {**before, **gaps(kit, before)}, "after": {**after, **gaps(kit, after)}}
    print(f"kit hits at velocity {VELOCITY} (sampler bus, dBFS): {kit or 'VariBreaks not installed'}")
    for when in ("before", "after"):
        r = result[when]
        print(f"synth {when} (level_db {r['level_db']:+g}): notes {r['min']:.1f}..{r['max']:.1f} dBFS, median "
              f"{r['median']:.1f}; at the QA's pad position {r['qa_pad_position']['peaks']}; gap to the kit's median "
              f"{r.get('kit_median_minus_synth_median_db', 'n/a')} dB, furthest note outside the kit's range "
              f"{r.get('furthest_note_outside_kit_range_db', 'n/a')} dB; chords {r['chords_at_pad_centre']}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
