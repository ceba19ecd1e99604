"""How the panel names samples in a list (the Library page's rows): a file's bare name, unless another file of
the list reads the same; then its folder too, the rule the sampler's warnings use (device/ui/faults.py
``sample_label``), and more folders while two files still clash.
"""
from __future__ import annotations

from collections import defaultdict
from pathlib import PurePath
from typing import Sequence

from device.ui.faults import sample_label


def path_tail(path: str, parts: int) -> str:
    """The last ``parts`` parts of ``path``: 1 is the file's name, 2 :func:`sample_label` ("Kit3/Kick.wav",
    the sampler's warnings' rule), more folders after that; the whole path once ``parts`` reaches it."""
    if parts <= 1:
        return PurePath(path).name or path
    if parts == 2:
        return sample_label(path)
    names = PurePath(path).parts
    return str(PurePath(*names[-parts:])) if len(names) > parts else path


def row_labels(paths: Sequence[str]) -> list[str]:
    """What each sample row of a list shows, one per path: the file's name, unless another file of the list
    has the same name; then :func:`sample_label` ("Kit3/Kick.wav" beside "Kit7/Kick.wav"), and a folder more
    for as long as two different files still read the same (the same file twice reads the same)."""
    depth = [1] * len(paths)
    while True:
        labels = [path_tail(p, d) for p, d in zip(paths, depth)]
        files: dict[str, set[str]] = defaultdict(set)
        for label, path in zip(labels, paths):
            files[label].add(path)
        grown = False
        for i, label in enumerate(labels):
            if len(files[label]) > 1 and labels[i] != paths[i]:
                depth[i] += 1
                grown = True
        if not grown:
            return labels
