"""What a Kit page pad's label says (device/ui/pages/kit.py): its tag, or the words of its file's name that tell it
from the other pads of the same tag in its bank ("tom Hi", "Hi"), or the file's name where it has no tag."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import PurePosixPath
from typing import Iterable

from device.kit import Pad


def pad_labels(pads: Iterable[Pad]) -> dict[int, tuple[str, ...]]:
    """Each pad's label options, longest first (for draw.fit): its tag ("kick"), or the file's name where there is no
    tag; a tag two or more pads of ``pads`` (a bank) share gets the words of each file's name that the others' lack
    ("Tom_Hi.wav", "Tom_Lo.wav": ("tom Hi", "Hi")), the file's whole stem where no word tells them apart."""
    pads = list(pads)
    shared = {tag for tag, n in Counter(p.tag for p in pads if p.tag).items() if n > 1}
    labels: dict[int, tuple[str, ...]] = {}
    for pad in pads:
        if pad.tag not in shared:
            labels[pad.note] = (pad.tag or pad.name,)
            continue
        others = [name_words(p.path) for p in pads if p.tag == pad.tag and p.note != pad.note]
        short = own_words(name_words(pad.path), others) or PurePosixPath(pad.path).stem
        labels[pad.note] = (f"{pad.tag} {short}", short)
    return labels


def name_words(path: str) -> list[str]:
    """The words of a file's name without its extension, split at spaces, "_", "-", "." and a lower-to-upper case
    step: "Kit 2/TomHi_hard.wav" -> ["Tom", "Hi", "hard"]."""
    stem = PurePosixPath(path.replace("\\", "/")).stem
    return [w for w in re.split(r"[\s_.\-]+|(?<=[a-z])(?=[A-Z])", stem) if w]


def own_words(words: list[str], others: list[list[str]]) -> str:
    """The words of ``words`` that not every one of ``others`` holds too (case aside), joined by spaces: what tells a
    file from the others of its tag ("" when none does)."""
    common = set.intersection(*({w.lower() for w in o} for o in others)) if others else set()
    return " ".join(w for w in words if w.lower() not in common)
