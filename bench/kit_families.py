"""A kit from tags on an electronic drum kit's notes (p48 G2): how many General MIDI drum notes (35-59) play, and
how often the sample on a note is what the kit's author put there; and whether the toms' pitch estimate orders them.

1. Hydrogen's GMRockKit (Debian's hydrogen-drumkits: every instrument on its GM note, five velocity layers each, as
   a library would hold them) is tagged by the factory tagger pack, and a kit made of it as ``hatbox box-kit --from``
   made it before this stop (one note per tag) and now (device.kit.kit_from_tags ``families``, toms by
   device.audio.drum_pitch).  "right": a note plays a layer of the instrument the kit's author put on that note.
2. Toms: each Hydrogen kit's tom instruments (loudest layer), their pitch (device.api.kit_routes.file_pitch), and
   whether it orders them as their GM notes or names (floor < low < mid < high; Tom 2 < Tom 1) do: pairs in order.

Prints and writes bench/results/kit_families.json.  Run: .venv/bin/python bench/kit_families.py  (about a minute)
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

DRUMKITS = Path("/usr/share/hydrogen/data/drumkits")
RESULTS = Path(__file__).resolve().parent / "results" / "kit_families.json"
TOM_KITS = ("GMRockKit", "The Black Pearl 1.0", "ForzeeStereo", "Audiophob", "Millo-Drums_v.1", "Millo_MultiLayered2",
            "Millo_MultiLayered3", "ColomboAcousticDrumkit", "TR808EmulationKit", "VariBreaks", "rumpf_kit_z01_h2")
NAME_RANK = (("floor", 0), ("low", 1), ("lo", 1), ("mid", 2), ("middle", 2), ("2", 2.5), ("hi", 3), ("high", 3),
             ("1", 3.5))


def instruments(kit: Path) -> list[tuple[str, int | None, list[tuple[float, str]]]]:
    """(name, midiOutNote or None, [(layer's top velocity, file)]) of each instrument of Hydrogen kit ``kit``."""
    root = ET.parse(kit / "drumkit.xml").getroot()
    ns = root.tag.split("}")[0] + "}" if root.tag.startswith("{") else ""
    out = []
    for ins in root.iter(f"{ns}instrument"):
        name = (ins.findtext(f"{ns}name") or "").strip()
        note = ins.findtext(f"{ns}midiOutNote")
        layers = [(float(lay.findtext(f"{ns}max") or 1), lay.findtext(f"{ns}filename") or "")
                  for lay in ins.iter(f"{ns}layer")]
        if not layers and ins.findtext(f"{ns}filename"):
            layers = [(1.0, ins.findtext(f"{ns}filename") or "")]
        out.append((name, int(note) if note and note.lstrip("-").isdigit() else None, [ly for ly in layers if ly[1]]))
    return out


def made_kits(pack: Path) -> dict[str, object]:
    """Part 1: GMRockKit tagged, its kit made both ways, each drum note 35-59 said."""
    from device.api.kit_routes import file_pitch
    from device.kit import LAYER_CANDIDATES, fullest_first, kit_from_tags
    from device.kit_families import empty_drum_notes
    from device.library import files_with_tag, list_tags, tag_library
    from device.library.decode import peak_dbfs
    kit_dir = DRUMKITS / "GMRockKit"
    author = {f: note for _n, note, layers in instruments(kit_dir) for _v, f in layers}
    with tempfile.TemporaryDirectory() as tmp:
        lib = Path(tmp) / "GMRockKit"
        lib.mkdir()
        for f in sorted(kit_dir.iterdir()):
            if f.suffix.lower() in (".wav", ".flac"):
                (lib / f.name).symlink_to(f)
        db = Path(tmp) / "lib.sqlite"
        tag_library(lib, pack, db)

        def best(tag: str, k: int) -> list[str]:
            hits = files_with_tag(db, tag, limit=k + LAYER_CANDIDATES)
            return fullest_first([(h.path.relative_to(lib).as_posix(), h.score) for h in hits],
                                 lambda rel: peak_dbfs(lib / rel))
        tags = list_tags(db)
        out: dict[str, object] = {"tags": tags}
        for way, families in (("one_note_per_tag", False), ("families", True)):
            start = time.perf_counter()
            kit = kit_from_tags("GMRockKit", tags, best, families=families,
                                pitch=lambda rel: file_pitch(lib / rel), level=lambda rel: peak_dbfs(lib / rel))
            seconds = time.perf_counter() - start
            drums = {n: e for n, e in kit.items() if 35 <= n <= 59}
            right = [n for n, e in drums.items() if author.get(e.file) == n]
            out[way] = {"drum_notes_playing": len(drums), "right": len(right), "seconds": round(seconds, 3),
                        "empty": empty_drum_notes(kit),
                        "notes": {n: f"{e.file} (tag {e.tag}; author's note {author.get(e.file)})"
                                  for n, e in sorted(drums.items())}}
        return out


def tom_rank(name: str) -> float | None:
    words = name.lower().replace("-", " ").split()
    return next((rank for word, rank in NAME_RANK if word in words), None)


def toms() -> dict[str, object]:
    """Part 2: each kit's toms ordered by pitch against their notes or names."""
    from device.api.kit_routes import file_pitch
    kits: dict[str, object] = {}
    pairs = agree = 0
    times = []
    for name in TOM_KITS:
        found = [(n, note, max(layers)[1]) for n, note, layers in instruments(DRUMKITS / name)
                 if "tom" in n.lower() and layers]
        notes = [note for _n, note, _f in found]
        by_notes = all(n in (41, 43, 45, 47, 48, 50) for n in notes) and len(set(notes)) == len(notes)
        truth = {n: (note if by_notes else tom_rank(n)) for n, note, _f in found}
        found = [t for t in found if truth[t[0]] is not None]
        if len(found) < 2:
            continue
        heard = {}
        for n, _note, f in found:
            start = time.perf_counter()
            heard[n] = round(file_pitch(DRUMKITS / name / f), 1)
            times.append(time.perf_counter() - start)
        ok = [(a, b) for a, b in combinations([t[0] for t in found], 2) if truth[a] != truth[b]]
        good = sum((truth[a] < truth[b]) == (heard[a] < heard[b]) for a, b in ok)
        pairs, agree = pairs + len(ok), agree + good
        kits[name] = {"truth": "GM notes" if by_notes else "names", "pairs": len(ok), "in_order": good,
                      "pitch_hz": heard, "order_by": {n: truth[n] for n, _x, _f in found}}
    times.sort()
    return {"kits": kits, "pairs": pairs, "in_order": agree,
            "median_ms_per_file": round(1000 * times[len(times) // 2], 2) if times else None}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--pack", type=Path, default=Path("factory/tagger-drums.hatpack"))
    args = p.parse_args()
    if not DRUMKITS.is_dir():
        sys.exit(f"error: {DRUMKITS} is missing: install hydrogen-drumkits (bash scripts/setup.sh)")
    result = {"gmrockkit": made_kits(args.pack), "toms": toms()}
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    kit = result["gmrockkit"]
    for way in ("one_note_per_tag", "families"):
        k = kit[way]
        print(f"GMRockKit {way:17s}: {k['drum_notes_playing']:2d} of 25 drum notes play, {k['right']:2d} the "
              f"author's instrument; {k['seconds']} s to make; empty {k['empty']}")
    t = result["toms"]
    print(f"toms: {t['in_order']} of {t['pairs']} pairs ordered by pitch as by note/name over {len(t['kits'])} kits; "
          f"{t['median_ms_per_file']} ms per file (median)")
    for name, k in t["kits"].items():
        print(f"  {name:24s} {k['in_order']}/{k['pairs']} ({k['truth']}) {k['pitch_hz']}")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
