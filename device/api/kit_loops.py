"""Loops in a kit made from a library (p49 QA "loops": a beat-maker's bass and pad loops were one-shots, breaks the
factory drum tagger called kick sat on drum pads as one-shots, and nothing said so).

``POST /kit/from-library`` takes ``loop`` and ``no_loop``: tags the producer names to loop or not
(:class:`KitFromLibraryLoops`; `hatbox box-kit --from LIB --loop pad,bass --no-loop break`); the other tags loop by
device.kit.note_loops' rule.  Its answer (:class:`KitMade`) carries ``long_files``: the notes of the kit made whose
file is over device.kit.LONG_S long, looped or not, so that the laptop can say the long ones that play once
(hatbox/kit_words.py ``long_lines``).  A box from before leaves ``long_files`` out and ignores ``loop``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional

from pydantic import BaseModel, Field

from device.api.errors import ApiError
from device.api.kit_answers import HotNote, KitAnswer, KitFromLibrarySeen  # noqa: F401 - HotNote: KitAnswer's ref
from device.audio.file_length import seconds_in
from device.kit import LONG_S, KitNote, Loops, drum_word, is_long
from device.notes import note_name

WORDS_MAX = 64               # tags one request may name to loop (or not)


class KitFromLibraryLoops(KitFromLibrarySeen):
    loop: Optional[list[str]] = Field(None, max_length=WORDS_MAX, description="tags (any case) whose notes loop "
                                      "while held, whatever their length; 422 for a tag the library lacks")
    no_loop: Optional[list[str]] = Field(None, max_length=WORDS_MAX, description="tags whose notes play once, "
                                         "even a loop word (break) or long files")

    def words(self, key: str) -> frozenset[str]:
        """The tags of ``loop`` or ``no_loop`` (``key``), stripped and lower case."""
        return frozenset(str(w).strip().lower() for w in getattr(self, key) or [] if str(w).strip())


class LongFile(BaseModel):
    note: int
    name: str = Field(description="the note's name, e.g. E4")
    file: str
    tag: Optional[str] = None
    seconds: float = Field(description="the file's length")
    loop: bool = Field(description="the note loops while held (else it plays the file once)")
    drum: bool = Field(description="its tag is a drum word (kick, snare, hihat...): a pad of a drum module")


class MovedWord(BaseModel):
    word: str = Field(description="one of the producer's own words (no General MIDI drum word)")
    was: Optional[int] = Field(None, description="its note in the kit replaced (None: new to the kit)")
    now: Optional[int] = Field(None, description="its note now (None: no longer on the kit)")


class KitMade(KitAnswer):
    long_files: list[LongFile] = Field([], description=f"the notes of the kit made whose file is over {LONG_S:g} s "
                                                       "long (a loop played once misleads): `box-kit --from` says "
                                                       "those that do not loop")
    words_moved: list[MovedWord] = Field([], description="the producer's words of the library whose note changed "
                                         "against the kit replaced, made of the same library (a word keeps its note "
                                         "unless a drum word took it; new words, words gone); [] for a first kit "
                                         "(device.kit.word_moves, p53)")


def loops_asked(loops: Loops, tags: dict[str, int], files: Path) -> Loops:
    """``loops`` (the producer's tags to loop or not) checked against library ``tags`` (tag -> files; 422 naming a
    tag it lacks: a typo would loop nothing without a word) and given the lengths of the library's ``files`` (those
    ``loops`` carries, else read here: each header once)."""
    have = {t.strip().lower() for t in tags}
    wrong = sorted((loops.on | loops.off) - have)
    if wrong:
        shown = ", ".join(sorted(tags)[:12]) + (", ..." if len(tags) > 12 else "")
        raise ApiError(422, "rejected", f"the library has no tag {', '.join(repr(w) for w in wrong)}: the kit is as "
                       f"it was", hint=f"its tags: {shown}")
    if loops.on & loops.off:
        raise ApiError(422, "rejected", f"{', '.join(sorted(loops.on & loops.off))}: both to loop and not to loop")
    return Loops(loops.on, loops.off, loops.seconds or seconds_in(files))


def long_files(kit: dict[int, KitNote], seconds: Callable[[str], float]) -> list[LongFile]:
    """The notes of ``kit`` whose file is over :data:`device.kit.LONG_S` long; ``seconds``: a file's length, the
    request's one reader (device.audio.file_length.seconds_in, as :func:`loops_asked` gave the kit's making)."""
    return [LongFile(note=e.note, name=note_name(e.note), file=e.file, tag=e.tag, seconds=round(seconds(e.file), 2),
                     loop=e.loop, drum=bool(e.tag and drum_word(e.tag))) for _n, e in sorted(kit.items())
            if is_long(seconds(e.file))]
