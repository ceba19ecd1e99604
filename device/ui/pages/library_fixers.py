"""Who made each correction the Library page shows (p46): "yours" for one made on the box's panel (or before the box
kept who), "laptopB's" for one a paired laptop made (`box-library --fix`, `push-library`), as the library's
``fixed_by.json`` says it (device/api/library_owners.py: ``{path: {by, token}}``, path inside the library's
``files/``).

The page reads it off the frame loop: :meth:`CorrectionOwners.read` runs in the page's reader jobs beside the
samples it looks at, and its answer replaces the page's whole map at once (one reference: the frame loop reads
either map, never half of one).  A correction made on the panel drops the file's note (:meth:`forget`): the laptop
that had corrected it before did not make this one.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from device.api.library_owners import fixers, note_fixers

YOURS = ("yours",)


def held_as(path: str, need_record: bool = True) -> tuple[Path, str] | None:
    """(the library folder, the path as its ``fixed_by.json`` keys it) of a sample at ``path`` (a file under a
    library's ``files/``: ``.../libraries/<id>/files/kit/a.wav``); None for a file of no library.  ``need_record``
    False: of the nearest ``files/`` folder in a named folder, whether its ``library.json`` is there (yet) or not."""
    p = Path(path)
    for parent in p.parents:
        record = (parent.parent / "library.json").is_file() if need_record else bool(parent.parent.name)
        if parent.name == "files" and record:
            return parent.parent, p.relative_to(parent).as_posix()
    return None


class CorrectionOwners:
    """Sample path -> the device name of the laptop that made its correction ("" for the panel's, or not known)."""

    def __init__(self) -> None:
        self.by: dict[str, str] = {}

    def read(self, samples: list[Any]) -> list[Any]:
        """Read who made the corrections among ``samples`` (the page's reader thread: files are read) and return
        ``samples`` as they are, for the page's jobs to show."""
        found: dict[str, str] = {}
        notes: dict[Path, dict[str, dict[str, str]]] = {}
        for sample in _corrected(samples):
            held = held_as(sample.path)
            if held is None:
                continue
            folder, rel = held
            if folder not in notes:
                notes[folder] = fixers(folder)
            by = (notes[folder].get(rel) or {}).get("by")
            found[sample.path] = by if isinstance(by, str) else ""
        if found:
            self.by = {**self.by, **found}
        return samples

    def forget(self, path: str) -> None:
        """The panel corrected ``path``: no laptop made its correction now (its note in the library goes)."""
        held = held_as(path)
        if held is not None and held[1] in fixers(held[0]):
            note_fixers(held[0], [(held[1], [])], "", "")
        self.by = {**self.by, path: ""}

    def words(self, sample: Any) -> tuple[str, ...]:
        """What a corrected sample's row says at its right, longest first: "laptopB's" ("by laptopB" ...) for a
        laptop's correction, else "yours"."""
        by = self.by.get(sample.path, "")
        return (f"{by}'s", by) if by else YOURS


def _corrected(samples: Iterable[Any]) -> Iterable[Any]:
    return (s for s in samples if getattr(s, "corrected", False))
