"""Which velocity layer a kit made from a library puts on each pad (thirty-fourth stop).

Hydrogen's kits with velocity layers (Debian's hydrogen-drumkits and hydrogen-data, as the box would get them in a
library) are each tagged by the factory tagger pack into a temporary database, and a kit is made of each as
``hatbox box-kit --from`` makes it, two ways side by side: each tag's most confident file (before this stop), and
``device.kit.fullest_first`` (the loudest of the files near the best score: what the box does now).  For every pad:
how far its sample's peak lies under the loudest file carrying the pad's tag.

Prints and writes bench/results/kit_layers.json.  Run: .venv/bin/python bench/kit_layers.py  (about 1 min)
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Callable

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

KITS = ("GMRockKit", "Millo_MultiLayered2", "Millo_MultiLayered3", "ColomboAcousticDrumkit", "The Black Pearl 1.0")
DRUMKITS = Path("/usr/share/hydrogen/data/drumkits")
RESULTS = Path(__file__).resolve().parent / "results" / "kit_layers.json"


def linked_library(kit: Path, into: Path) -> Path:
    """A library folder of links to ``kit``'s audio files (no copies)."""
    into.mkdir(parents=True)
    for f in sorted(kit.iterdir()):
        if f.suffix.lower() in (".wav", ".flac"):
            (into / f.name).symlink_to(f)
    return into


def pads(db: Path, lib: Path, best: Callable[[str, int], list[str]]) -> list[dict[str, object]]:
    """The kit ``best`` makes of library ``lib`` (tagged into ``db``): per pad its tag, file, and dB under the tag's
    loudest file."""
    from device.kit import kit_from_tags
    from device.library import files_with_tag, list_tags
    from device.library.decode import peak_dbfs
    out = []
    for note, e in sorted(kit_from_tags(lib.name, list_tags(db), best).items()):
        loudest = max(peak_dbfs(h.path) for h in files_with_tag(db, e.tag))
        under = round(loudest - peak_dbfs(lib / e.file), 2)
        out.append({"note": note, "tag": e.tag, "file": e.file, "under_db": under})
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--pack", type=Path, default=Path("factory/tagger-drums.hatpack"))
    args = p.parse_args()
    from device.kit import LAYER_CANDIDATES, fullest_first
    from device.library import files_with_tag, tag_library
    from device.library.decode import peak_dbfs
    result: dict[str, object] = {"kits": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for name in KITS:
            if not (DRUMKITS / name).is_dir():
                sys.exit(f"error: {DRUMKITS / name} is missing: install hydrogen-drumkits (bash scripts/setup.sh)")
            lib = linked_library(DRUMKITS / name, Path(tmp) / name.replace(" ", "_"))
            db = Path(tmp) / f"{lib.name}.sqlite"
            tag_library(lib, args.pack, db)

            def first(tag: str, k: int) -> list[str]:
                return [h.path.relative_to(lib).as_posix() for h in files_with_tag(db, tag, limit=k)]

            def fullest(tag: str, k: int) -> list[str]:
                hits = files_with_tag(db, tag, limit=k + LAYER_CANDIDATES)
                return fullest_first([(h.path.relative_to(lib).as_posix(), h.score) for h in hits],
                                     lambda rel: peak_dbfs(lib / rel))
            result["kits"][name] = {"most_confident": pads(db, lib, first), "fullest_first": pads(db, lib, fullest)}
    for way in ("most_confident", "fullest_first"):
        under = np.array([pad["under_db"] for kit in result["kits"].values() for pad in kit[way]])
        result[way] = {"pads": int(under.size), "median_under_db": float(np.median(under)),
                       "worst_under_db": float(under.max()), "pads_over_6_db_under": int((under > 6).sum())}
        print(f"{way:15s} {under.size} pads: median {np.median(under):.1f} dB under the tag's loudest file, worst "
              f"{under.max():.1f} dB, {(under > 6).sum()} pads more than 6 dB under")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
