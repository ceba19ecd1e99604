"""What the panel's Kit page may do to the box's kit (device/kit.py): list its pads, put a library sample on a note,
clear a note, latch a loop, make the kit from a tagged library.

:class:`KitDesk` is the protocol; the box's own one works on the API's kit keeper (device/api/box_kit.py
``BoxKit``: the same lock, the same kit.json, the same sampler messages as ``hatbox box-kit``), handed to the panel
by whoever starts the API beside it (hatbox/cmd_device.py), as the pairing button is.  :class:`MemoryKit` keeps a
kit in memory (tests, screenshots).  Every method may block (a sample is decoded as it is mapped): the page calls
them through its reader, never on the frame.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from device.kit import (YOUR_WORDS, KitError, KitMade, KitRefused, Pad, check_note,
                        kit_from_tags)     # KitRefused: the Kit page imports it from here


class KitDesk(Protocol):
    def pads(self) -> dict[int, Pad]: ...                            # note -> pad, the notes that play something

    def assign(self, note: int, path: str, loop: bool = False, tag: str | None = None) -> Pad: ...
    # (HatboxError: not a library sample; ``tag``: the tag the note keeps, None for a sample set by hand)

    def clear(self, note: int) -> None: ...

    def latch(self, note: int, on: bool) -> Pad: ...
    # the loop on ``note`` latches (``on``: a tap starts it, the next stops it) or plays while held, as `hatbox box-kit
    # --latch/--no-latch NOTE` sets it (PATCH /kit/notes/NOTE); HatboxError for a note that plays nothing

    def holds(self, path: str) -> bool: ...        # ``path`` is a sample of a library on the box (one assign takes)

    def from_library(self, picked: str = "") -> str: ...
    # makes the kit of the tagged library holding the sample ``picked`` (the Library page's pick), else of the
    # biggest tagged library; says what it made: a short first line, then a line for each kind of the producer's
    # words that changed note ("moved: 808 C4 -> D4", "new: ...", "gone: ..."); a device.kit.KitMade carries the
    # parts it is made of, which :func:`made_said` shortens

    def loading(self) -> tuple[int, int] | None: ...
    # (notes handed to the sampler, of how many) while the box's start loads the kit (seconds for long loops); None
    # once it is loaded: the pads not handed over yet are ``Pad.loading``


def made_said(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What :meth:`KitDesk.from_library` said (``text``), for the panel, each as wordings longest first
    (PanelState.say, draw.fit): (its first line for the tab bar, then shorter ones, :func:`status_wordings`; the
    lines after it for the line over the buttons, :func:`list_wordings`; () when no word moved).  Shortened from the
    parts the box made it of (device.kit.KitMade); a desk's plain text is read into them (:func:`read_made`)."""
    made = text if isinstance(text, KitMade) else read_made(text)
    return status_wordings(made), list_wordings(made.details, made.counts)


def read_made(text: str) -> KitMade:
    """A desk's plain text ("kit made of drums: 14 notes; your words: 2 moved; ...", then a line a kind of word) in
    parts: its first line's "; " clauses, the notes said before them, the count after :data:`YOUR_WORDS`."""
    first, *details = text.splitlines() or [""]
    clauses = tuple(first.split("; "))
    counts = next((c[len(YOUR_WORDS):] for c in clauses if c.startswith(YOUR_WORDS)), "")
    return KitMade(clauses, clauses[0].rsplit(": ", 1)[-1], counts, tuple(details))


def status_wordings(made: KitMade) -> tuple[str, ...]:
    """The first line of ``made`` ("kit made of drums: 14 notes; your words: 2 moved, 1 gone; 3 of the drum notes
    35-59 empty"), then shorter wordings, each without its last clause, down to the one that still counts the words
    (its ``counts``: "2 moved, 1 gone"), then "14 notes; words: 2 moved, 1 gone" (a 320-px tab bar: R3 review)."""
    clauses, counts = made.clauses, made.counts
    keep = next((i + 1 for i, c in enumerate(clauses) if counts and c == YOUR_WORDS + counts), 1)
    said = tuple("; ".join(clauses[:n]) for n in range(len(clauses), keep - 1, -1))
    return (*said, f"{made.notes}; words: {counts}") if counts else said


def list_wordings(details: tuple[str, ...], counts: str) -> tuple[str, ...]:
    """The line over the Kit page's buttons for the words listed in ``details`` ("gone: punchy (was C#4)",
    "moved: 808 C4 -> D4", ...), longest first: the whole list, then the "gone" words (the ones that lost their note)
    with the others counted, then the counts alone ("your words: 2 moved, 1 gone"), never a list cut before the
    gone words (R3 review); () when ``details`` lists none."""
    if not details:
        return ()
    whole = "; ".join(details)
    gone = next((d for d in details if d.startswith("gone: ")), "")
    others = ", ".join(c for c in counts.split(", ") if c and not c.endswith(" gone"))
    said = [YOUR_WORDS + whole, whole]
    if gone and others:
        said.append(f"{gone}; also {others}")
    return tuple(said + ([YOUR_WORDS + counts] if counts else []))


@dataclass
class MemoryKit:
    """A kit in memory over ``library`` (tag -> sample paths, best first): assign takes any path the library
    holds; :meth:`from_library` gives its tags notes as the box does (device.kit.kit_from_tags)."""

    library: dict[str, list[str]] = field(default_factory=dict)
    notes: dict[int, Pad] = field(default_factory=dict)
    loading_at: tuple[int, int] | None = None      # what :meth:`loading` says (a box starting: its pads say it too)

    def pads(self) -> dict[int, Pad]:
        return dict(self.notes)

    def assign(self, note: int, path: str, loop: bool = False, tag: str | None = None) -> Pad:
        check_note(note)
        if not any(path in paths for paths in self.library.values()):
            raise KitError(f"{Path(path).name} is not in a library on this box")
        old = self.notes.get(note)          # its latch stays while it still loops, as the box's (device.kit.carried)
        self.notes[note] = Pad(note, path, tag, loop, latch=bool(old and old.latch and loop))
        return self.notes[note]

    def clear(self, note: int) -> None:
        self.notes.pop(note, None)

    def latch(self, note: int, on: bool) -> Pad:
        """As the box's (device.kit.carried): a latch makes the pad loop; its file and tag stay."""
        pad = self.notes.get(note)
        if pad is None:
            raise KitError(f"note {note} plays nothing in the kit")
        self.notes[note] = replace(pad, latch=on, loop=pad.loop or on)
        return self.notes[note]

    def holds(self, path: str) -> bool:
        return any(path in paths for paths in self.library.values())

    def loading(self) -> tuple[int, int] | None:
        return self.loading_at

    def from_library(self, picked: str = "") -> str:
        counts = {t: len(p) for t, p in self.library.items()}
        paths = sorted({p for ps in self.library.values() for p in ps})      # named by index: any path is fine here
        kit = kit_from_tags("memory", counts, lambda tag, k: [str(paths.index(p)) for p in self.library[tag][:k]])
        self.notes = {n: Pad(n, paths[int(e.file)], e.tag, e.loop) for n, e in kit.items()}
        return f"kit made: {len(kit)} notes, one per tag"
