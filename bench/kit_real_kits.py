"""Kits from tags made of Debian's Hydrogen drum kits (p54 M1): per kit, how many of the kick, snare, hi-hat and
cymbal notes of a General MIDI drum kit play, and how well device.kit_families.layer_key tells a drum's velocity
layers from different drums against the kit's own drumkit.xml.

1. Each kit's audio (symlinked into a library folder) is tagged by the factory tagger pack and a kit is made as the
   box's `box-kit --from` makes it (device.api.kit_routes: best files by the tagger, loudest layer first, toms by
   pitch, families=True).  Before p54 M1 rumpf_kit_z01_h2 (every file "beats_NN-NN.flac") filled only its toms.
2. Layers: two files of one Hydrogen instrument are layers of one drum; two of different instruments are not.
   "merged wrongly": pairs of different instruments with one layer_key; "missed": pairs of one instrument without.

Prints and writes bench/results/kit_real_kits.json.  Run: .venv/bin/python bench/kit_real_kits.py  (about a minute)
"""
from __future__ import annotations

import argparse
import itertools
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.kit_families import DRUMKITS, instruments  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "kit_real_kits.json"
KITS = ("rumpf_kit_z01_h2", "VariBreaks", "GMRockKit", "Millo_MultiLayered3", "ElectricEmpireKit", "TR808EmulationKit",
        "ColomboAcousticDrumkit", "HardElectro1", "Millo-Drums_v.1", "Audiophob")
GROUPS = {"kick": (35, 36), "snare": (37, 38, 40), "hihat": (42, 44, 46), "cymbal": (49, 51, 52, 53, 55, 57, 59),
          "tom": (41, 43, 45, 47, 48, 50)}
AUDIO = (".wav", ".flac", ".aiff")


def made_kit(name: str, pack: Path, tmp: Path) -> dict[str, object]:
    """Kit ``name`` tagged by ``pack`` and made as the box makes it: its notes and which drum notes play."""
    from device.api.kit_routes import file_pitch
    from device.kit import LAYER_CANDIDATES, fullest_first, kit_from_tags
    from device.library import files_with_tag, list_tags, tag_library
    from device.library.decode import peak_dbfs
    lib, db = tmp / name, tmp / f"{name}.sqlite"
    for f in sorted((DRUMKITS / name).rglob("*")):
        if f.suffix.lower() in AUDIO and f.is_file():
            (lib / f.relative_to(DRUMKITS / name)).parent.mkdir(parents=True, exist_ok=True)
            (lib / f.relative_to(DRUMKITS / name)).symlink_to(f)
    tag_library(lib, pack, db)
    peaks: dict[str, float] = {}

    def level(rel: str) -> float:
        if rel not in peaks:
            peaks[rel] = peak_dbfs(lib / rel)
        return peaks[rel]

    def best(tag: str, k: int) -> list[str]:
        hits = files_with_tag(db, tag, limit=k + LAYER_CANDIDATES)
        return fullest_first([(h.path.relative_to(lib).as_posix(), h.score) for h in hits], level)
    tags = list_tags(db)
    kit = kit_from_tags(name, tags, best, families=True, pitch=lambda rel: file_pitch(lib / rel), level=level)
    return {"tags": {t: n for t, n in tags.items() if n}, "notes_playing": len(kit),
            "filled": {g: [n for n in notes if n in kit] for g, notes in GROUPS.items()},
            "notes": {n: f"{e.file} (tag {e.tag})" for n, e in sorted(kit.items())}}


def layers(name: str) -> dict[str, int]:
    """Part 2 for kit ``name``: pairs of files layer_key merges wrongly or misses, against its drumkit.xml."""
    from device.kit_families import layer_key
    of = {f: ins for ins, _note, lay in instruments(DRUMKITS / name) for _v, f in lay}
    wrong = missed = same = 0
    for a, b in itertools.combinations(sorted(of), 2):
        one_key, one_drum = layer_key(a) == layer_key(b), of[a] == of[b]
        same += one_drum
        wrong += one_key and not one_drum
        missed += one_drum and not one_key
    return {"pairs_of_one_instrument": same, "merged_wrongly": wrong, "missed": missed}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--pack", type=Path, default=Path("factory/tagger-drums.hatpack"))
    args = p.parse_args()
    if not DRUMKITS.is_dir():
        sys.exit(f"error: {DRUMKITS} is missing: install hydrogen-drumkits (bash scripts/setup.sh)")
    result: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in (k for k in KITS if (DRUMKITS / k).is_dir()):
            kit = made_kit(name, args.pack, Path(tmp))
            result[name] = {**kit, "layers": layers(name)}
            filled = "  ".join(f"{g} {len(kit['filled'][g])}/{len(n)}" for g, n in GROUPS.items())  # type: ignore
            lay = result[name]["layers"]  # type: ignore[index]
            print(f"{name:24s} {filled}  {kit['notes_playing']:2d} notes; layer pairs merged wrongly "
                  f"{lay['merged_wrongly']}, missed {lay['missed']} of {lay['pairs_of_one_instrument']}")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
