"""Data recipe: a tagged drum library from Debian's ``hydrogen-drumkits``.

Each kit's ``drumkit.xml`` names its instruments ("Kick", "Hi-Hat Closed", "Tom Low"...) and lists
the sample files of each instrument's velocity layers.  Instrument names map to the tags kick,
snare, hihat, tom, cymbal and percussion by keyword rules (:func:`tag_for`); instruments that fit
none (sticks, zaps, numbered empty slots) are left out.  The output is one CSV per kit
(``path,tag``) so that train/test splits can be made by kit, plus ``all.csv``.
"""
from __future__ import annotations

import csv
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from hatbox.errors import DataError

KITS_DIR = Path("/usr/share/hydrogen/data/drumkits")
TAGS = ("kick", "snare", "hihat", "tom", "cymbal", "percussion")

# First matching rule wins; patterns are searched in the lower-cased instrument name.
RULES: tuple[tuple[str, str], ...] = (
    ("hihat", r"hi-?\s?hat|\bhh\b|hihat|\bhat\b|\bohh\b"),
    # a cymbal maker's name marks a cymbal ("Paiste Bell" is a ride's bell, not a cowbell); hats matched above
    ("cymbal", r"crash|ride|china|splash|cymbal|paiste|sabian|zildjian|meinl|ufip|istanbul"),
    ("kick", r"kick|bass\s?drum|\bbd\b"),
    ("snare", r"snare"),
    ("tom", r"\btom|floor tom|tomhi"),
    ("percussion", r"clap|cowbell|tambourine|conga|bongo|clave|woodblock|maraca|shaker|agogo|djembe|"
                   r"cajon|snap|sangban|dununba|kenkeni|triangle|guiro|timbale|bell|waterglass"),
)


@dataclass(frozen=True)
class KitSample:
    kit: str
    instrument: str
    tag: str
    path: Path


def tag_for(instrument: str, rules: tuple[tuple[str, str], ...] = RULES) -> str | None:
    """The tag of a Hydrogen instrument name (or any sample name, under other ``rules``), or None
    when no rule fits."""
    name = instrument.lower()
    for tag, pattern in rules:
        if re.search(pattern, name):
            return tag
    return None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child_text(el: ET.Element, name: str) -> str:
    for child in el:
        if _local(child.tag) == name:
            return (child.text or "").strip()
    return ""


def kit_samples(xml_path: Path) -> list[KitSample]:
    """Every (instrument, layer file) of one kit that has a tag and whose file exists."""
    try:
        root = ET.parse(xml_path).getroot()
    except (ET.ParseError, OSError) as exc:
        raise DataError(f"cannot parse {xml_path}: {exc}") from None
    kit = _child_text(root, "name") or xml_path.parent.name
    out = []
    for inst in (el for el in root.iter() if _local(el.tag) == "instrument"):
        tag = tag_for(_child_text(inst, "name"))
        files = [el for el in inst.iter() if _local(el.tag) == "filename"]
        for f in files if tag else []:
            path = xml_path.parent / (f.text or "").strip()
            if path.is_file():
                out.append(KitSample(kit, _child_text(inst, "name"), tag, path))
    return out


def kit_dirs(kits_dir: Path = KITS_DIR) -> list[Path]:
    return sorted(p.parent for p in kits_dir.glob("*/drumkit.xml"))


def safe_name(kit: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", kit).strip("_")


def write_csv(path: Path, samples: list[KitSample]) -> Path:
    """``path,tag`` rows (absolute paths), no header."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        for s in samples:
            w.writerow([str(s.path), s.tag])
    return path


def build(out_dir: Path, kits_dir: Path = KITS_DIR) -> dict[str, int]:
    """Write ``out_dir/<kit>.csv`` per kit and ``out_dir/all.csv``; returns samples per kit.

    A sample file used by several kits is kept only once, so no sound can sit on both sides of a
    kit split.  Larger kits claim shared files first (ties by name), and a kit that shares more than
    half of its files with kits claimed before it is a derivative and is dropped whole (hydrogen-data's
    GMRockKit is 81 of The Black Pearl's files plus 5 rides from the same sessions): otherwise it would
    take recordings away from the kit they were made for, or carry that kit's sound across a split.
    """
    dirs = kit_dirs(kits_dir)
    if not dirs:
        raise DataError(f"no Hydrogen drum kits under {kits_dir}",
                        hint="install them: apt-get install hydrogen-drumkits")
    kits = {d.name: kit_samples(d / "drumkit.xml") for d in dirs}
    claim_order = sorted(kits, key=lambda k: (-len(kits[k]), k))
    seen: set[bytes] = set()
    kept: dict[str, list[KitSample]] = {}
    for name in claim_order:
        fresh = [s for s in kits[name] if first_time(s.path, seen)]
        kept[name] = fresh if 2 * len(fresh) >= len(kits[name]) else []
    everything, counts = [], {}
    for d in dirs:
        samples = kept[d.name]
        if samples:
            write_csv(out_dir / f"{safe_name(d.name)}.csv", samples)
            counts[safe_name(d.name)] = len(samples)
            everything += samples
    write_csv(out_dir / "all.csv", everything)
    return counts


def first_time(path: Path, seen: set[bytes]) -> bool:
    """Whether the file's bytes are new to ``seen`` (their SHA-1 is added to it)."""
    import hashlib
    digest = hashlib.sha1(path.read_bytes()).digest()
    if digest in seen:
        return False
    seen.add(digest)
    return True


def main() -> None:
    import argparse
    p = argparse.ArgumentParser(description="build data/tagger-drums/ from hydrogen-drumkits")
    p.add_argument("--out", default="data/tagger-drums")
    p.add_argument("--kits", default=str(KITS_DIR))
    a = p.parse_args()
    counts = build(Path(a.out), Path(a.kits))
    for kit, n in counts.items():
        print(f"{kit:<28} {n:5d} samples")
    print(f"total {sum(counts.values())} samples in {len(counts)} kits -> {a.out}")


if __name__ == "__main__":
    main()
