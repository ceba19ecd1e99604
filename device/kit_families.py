"""Drum families of a kit made from tags (device.kit.kit_from_tags with ``families``): a General MIDI drum tag
fills its family of notes with different files of the tag, as an electronic drum kit sends them on channel 10.

A generic drum word (kick, snare, hihat, tom, cymbal, percussion) is a family: hihat -> 42 closed, 46 open, 44 pedal;
tom -> 41 43 45 47 48 50 low to high by the files' pitch (device.audio.drum_pitch); cymbal -> 49 crash, 51 ride,
57 crash 2, 59 ride 2; snare -> 38, 40; kick -> 36, 35; percussion -> 56 and the GM percussion notes after it.
Within a family a file whose name (or folder's name) says which one it is goes to that note first (a "crash" to 49,
a "ride" to 51, an "open" hat, "Op" or "OHH" too, to 46, a semi-open or half-open one there only where no plain open
hat is); the notes whose sound is its own (37 side stick, 52 china, 53 ride bell, 55 splash, 39 clap) take only
files named so: a ride-bell zone that plays a third crash misleads more than one said to be empty.  Pure data and
functions: no audio is read here (``pitch`` is handed in).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, Callable, Iterable

GM_DRUMS = range(35, 60)        # the notes a drum module sends for its pads (General MIDI percussion, 35-59)
GM_DRUM_WORDS: dict[int, str] = {
    35: "kick 2", 36: "kick", 37: "side stick", 38: "snare", 39: "clap", 40: "snare 2 (rim)", 41: "low floor tom",
    42: "closed hi-hat", 43: "high floor tom", 44: "pedal hi-hat", 45: "low tom", 46: "open hi-hat",
    47: "low-mid tom", 48: "high-mid tom", 49: "crash", 50: "high tom", 51: "ride", 52: "china", 53: "ride bell",
    54: "tambourine", 55: "splash", 56: "cowbell", 57: "crash 2", 58: "vibraslap", 59: "ride 2"}
FAMILY_POOL = 32                # a family tag's first this many files are weighed (by name, then in order)
# what else a name word may be written together with ("OpenHat", "sidestick", "rimshot", "floortom", "RideBell")
JOINED = frozenset({"s", "es", "hat", "hats", "hh", "hihat", "tom", "toms", "shot", "side", "cross", "x", "cym",
                    "cymbal", "bell", "ride", "crash", "snare", "sn"})
TOM_RANKS: tuple[tuple[str, int], ...] = (("floor", 0), ("low", 1), ("lo", 1), ("mid", 2), ("rack", 2),
                                          ("high", 3), ("hi", 3))
# words (and markers before a number: v2, vel3, rr1, layer4) that tell a drum's velocity layers or round robins apart:
# files whose names differ only in them are one drum, and a family takes one of them (its first: the loudest layer,
# device.kit.fullest_first), not a soft layer of the kick on 35
LAYER_WORDS = frozenset({"soft", "softer", "softest", "hard", "harder", "hardest", "med", "medium", "loud", "louder",
                         "loudest", "quiet", "ghost", "light", "heavy", "accent", "pp", "ppp", "p", "mp", "mf", "f",
                         "ff", "fff", "vel", "velocity", "layer", "rr", "v"})
NUMBERED = frozenset({"v", "vel", "velocity", "layer", "rr"})     # ... of them, those a layer's number follows
# a hat's name that says it is partly open ("HatSemiOpen", "HH half-open", "halfopen"): not the open hat 46 plays
# first, but its stand-in where the library has no plain open one (p48 QA: GMRockKit's semi-open hat took 46)
SEMI_OPEN = ("semiopen", "halfopen", "semi", "half")
# a hat's name for its pedal, closed and open hat, written out or as sample packs and Hydrogen's kits shorten it
# ("VP Hat 1 Pd", "EE_Hat_Cl_Bs", "VP Hat 1 Op", "Hard_CHH_01", "Hard_Hse_OHH_1", "closehihat3", "HH Opn");
# "close" is looked for last: it names a close mic as often as a closed hat ("Hat_Open_Close": an open hat)
HAT_PEDAL = ("pedal", "foot", "ped", "pd", "phh")
HAT_CLOSED = ("closed", "cls", "cl", "ch", "chh")
HAT_OPEN = ("open", "opn", "op", "oh", "ohh")
HAT_LAST = ("close",)
# ... of them, those said only by the file's own name, as a word of their own or joined with a hat word ("HH Opn",
# "HatOp", "closehihat3"): not by a folder ("OP-1/", "PD-8/", "Close Mics/") nor inside a word ("XOp", "Hat Sped")
OWN_NAME_WORDS = frozenset({"op", "opn", "cl", "cls", "pd", "ped", "phh", "close"})
HAT_WORDS = ("hat", "hats", "hh", "hihat", "hihats")
# words a number after which names the drum ("Kick 1", "Snare 2", "Crash 16", "Ride 20"), so that a number after
# that one is a take's ("Kick 1_02", "Crash 16 - 2"); a name without one keeps its numbers ("beats_08-20", "Kit 3-1")
DRUM_NAMES = frozenset({"kick", "kik", "bd", "kd", "bass", "snare", "snr", "sd", "sn", "rim", "stick", "clap", "tom",
                        "hat", "hats", "hh", "hihat", "chh", "ohh", "phh", "cym", "cymbal", "crash", "ride", "china",
                        "splash", "bell", "perc", "cowbell", "tamb", "tambourine", "shaker", "conga", "bongo"})
TOM_PREFERENCE = (45, 48, 43, 41, 47, 50)   # the tom notes n files take: the first n of these (a 3-tom kit 43 45 48)


@dataclass(frozen=True)
class Family:
    """A drum word's notes: ``notes`` in the order files no name places fill them; ``named``: (name word, the
    notes a file so named goes to), most specific first ("bell" before "ride"); ``only_named``: notes no unnamed
    file takes; ``by_pitch``: the files are placed low to high by pitch (toms); ``second``: (name word, notes) a
    file so named goes to only where no file :attr:`named` for the note is there (a semi-open hat on 46 after the
    open one), and to no other note; its words are looked for before :attr:`named`'s ("HatSemiOpen" says "open")."""

    notes: tuple[int, ...]
    named: tuple[tuple[str, tuple[int, ...]], ...] = ()
    only_named: frozenset[int] = field(default_factory=frozenset)
    by_pitch: bool = False
    second: tuple[tuple[str, tuple[int, ...]], ...] = ()


FAMILIES: dict[str, Family] = {
    "kick": Family((36, 35)),
    "snare": Family((38, 40, 37), (("stick", (37,)), ("rim", (40,))), frozenset({37})),
    "hihat": Family((42, 46, 44), tuple((w, (44,)) for w in HAT_PEDAL) + tuple((w, (42,)) for w in HAT_CLOSED)
                    + tuple((w, (46,)) for w in HAT_OPEN) + tuple((w, (42,)) for w in HAT_LAST),
                    second=tuple((w, (46,)) for w in SEMI_OPEN)),
    "tom": Family((41, 43, 45, 47, 48, 50), by_pitch=True),
    "cymbal": Family((49, 51, 57, 59, 53, 52, 55),
                     (("bell", (53,)), ("china", (52,)), ("splash", (55,)), ("ride", (51, 59)), ("crash", (49, 57))),
                     frozenset({52, 53, 55})),
    "percussion": Family((56, 54, 58, 39, *range(60, 82)),
                         (("cowbell", (56,)), ("tambourine", (54,)), ("tamb", (54,)), ("vibraslap", (58,)),
                          ("clap", (39,)), ("bongo", (60, 61)), ("conga", (62, 63, 64)), ("timbale", (65, 66)),
                          ("agogo", (67, 68)), ("cabasa", (69,)), ("shaker", (70,)), ("maracas", (70,)),
                          ("whistle", (71, 72)), ("guiro", (73, 74)), ("clave", (75,)), ("woodblock", (76, 77)),
                          ("block", (76, 77)), ("cuica", (78, 79)), ("triangle", (80, 81))),
                         frozenset({39})),
}
FAMILY_WORDS: dict[str, str] = {   # a tag's drum word (device.kit.GM_NOTES' key) -> its family
    "kick": "kick", "kick drum": "kick", "bass drum": "kick", "bd": "kick", "snare": "snare", "snare drum": "snare",
    "sd": "snare", "hihat": "hihat", "hat": "hihat", "tom": "tom", "cymbal": "cymbal", "percussion": "percussion",
    "perc": "percussion"}


def name_tokens(text: str) -> list[str]:
    """The words of a file or folder name, lower case: split at anything not a letter and where case changes
    ("HH_pedal" -> hh, pedal; "RideBell2" -> ride, bell; "OHopen" -> oh, open)."""
    return [t.lower() for t in re.findall(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+", text)]


def says(token: str, word: str) -> bool:
    """Whether name word ``token`` says ``word``: it is the word, or the word joined with a drum word or an s
    (:data:`JOINED`: "rimshot", "sidestick", "openhat", "crashes"); "trim" or "pillow" do not."""
    if token == word:
        return True
    if token.startswith(word) and token[len(word):] in JOINED:
        return True
    return token.endswith(word) and token[:-len(word)] in JOINED


def own_words(path: str) -> list[str]:
    """The words of ``path``'s file name (its stem) as written between anything not a letter, lower case: "VP Hat 1
    Op" -> vp, hat, op; "XOp" -> xop; "closehihat3" -> closehihat."""
    return [w.lower() for w in re.findall(r"[A-Za-z]+", PurePosixPath(path).stem)]


def says_own(words: list[str], word: str) -> bool:
    """Whether ``words`` (:func:`own_words`) say short word ``word``: one of them is it, or it joined with a hat word
    before or after it ("hatop", "closehihat", "hhcl"); "xop", "sped" or "ops" do not."""
    return any(w == word or any(w in (word + h, h + word) for h in HAT_WORDS) for w in words)


def _parts(path: str) -> list[list[str]]:
    """The words of ``path``'s file name (its stem), then of its folders, nearest first."""
    p = PurePosixPath(path)
    return [name_tokens(p.stem)] + [name_tokens(part) for part in reversed(p.parts[:-1])]


def layer_key(path: str, numbered: bool = False) -> tuple[str, ...]:
    """What a drum's velocity layers share: ``path``'s folder and the words and numbers of its file name without
    :data:`LAYER_WORDS` (and a number after one of them): "kick/Kick-Soft.wav" and "kick/Kick-Hardest.wav" alike;
    "Tom1_hard" and "Tom2_hard" not.  Unless ``numbered`` (toms: "Tom_1", "Tom_2" are two drums), the number that
    ends a name after a - _ . or space counts as a take's (:func:`without_take_number`: "24Ride-5" and "24Ride-4",
    "bd_01" and "bd_02": one drum; "Crash_1" and "Crash_2" read so too, and the 57 pad is said to be empty); a name
    whose identity is its numbers ("beats_08-20", "beats_08-32", "01-02") keeps them all: each file is a drum of its
    own.
    A file's tag is no part of the key: device.kit chooses which files' keys it compares."""
    p = PurePosixPath(path)
    stem = p.stem if numbered else without_take_number(p.stem)
    words = [t.lower() for t in re.findall(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+", stem)]
    kept = [w for i, w in enumerate(words)
            if w not in LAYER_WORDS and not (w.isdigit() and i and words[i - 1] in NUMBERED)]
    return (p.parent.as_posix().lower(), *kept)


def without_take_number(stem: str) -> str:
    """``stem`` without the one number that ends it after a - _ . or space ("24Ride-5" -> "24Ride", "HH2_01" ->
    "HH2"), where what is left is a name: it has a letter and does not end in a number of its own after a - _ . or
    space unless a drum word (:data:`DRUM_NAMES`) says that number is the drum's ("Kick 1_02" -> "Kick 1", "Crash 16
    - 2" -> "Crash 16"; "beats_08-20", "Kit 3-1" and "01-02" stay whole: their last number tells drums apart)."""
    found = re.fullmatch(r"(.*?)[\s_.-]+\d+", stem)
    if found is None:
        return stem
    rest = found.group(1)
    if not re.search(r"[A-Za-z]", rest):
        return stem
    if re.search(r"(?:^|[\s_.-])\d+$", rest) and not DRUM_NAMES.intersection(name_tokens(rest)):
        return stem
    return rest


def named_notes(family: Family, path: str) -> tuple[int, ...]:
    """The notes of ``family`` that file ``path``'s name says it is for (its file name first, then its folders'),
    () when it says none."""
    return placing(family, path)[0]


def placing(family: Family, path: str) -> tuple[tuple[int, ...], bool]:
    """(the notes ``path``'s name says it is for, whether only as a second choice: :attr:`Family.second`), looked
    for in its file name first, then in its folders' names; ((), False) when it says none."""
    own = own_words(path)
    for i, tokens in enumerate(_parts(path)):
        for words, second in ((family.second, True), (family.named, False)):
            notes = next((n for word, n in words if _said(word, tokens, own if i == 0 else None)), None)
            if notes is not None:
                return notes, second
    return (), False


def _said(word: str, tokens: list[str], own: list[str] | None) -> bool:
    """Whether a name of ``tokens`` (:func:`name_tokens`) says ``word``; a word of :data:`OWN_NAME_WORDS` only where
    ``own`` (:func:`own_words`; None: a folder's name) says it."""
    if word in OWN_NAME_WORDS:
        return own is not None and says_own(own, word)
    return any(says(t, word) for t in tokens)


def tom_rank(path: str) -> int:
    """Where a tom's name places it, low to high: floor 0, low 1, mid or none 2, high 3."""
    for tokens in _parts(path):
        for word, rank in TOM_RANKS:
            if any(says(t, word) for t in tokens):
                return rank
    return 2


def fill(family: Family, files: list[str], free: Callable[[int], bool],
         pitch: Callable[[str], float] | None = None) -> dict[int, str]:
    """Note -> file for the notes of ``family`` that are ``free``, each a different file of ``files`` (the tag's
    files not in the kit yet, in the order the kit prefers them): a file named for a note first (one only a second
    choice for it, :attr:`Family.second`, after every other), then (not for
    :attr:`Family.only_named` notes) the first file whose name says nothing of the family.  Toms: see
    :func:`fill_by_pitch`."""
    if family.by_pitch:
        return fill_by_pitch(family, files, free, pitch)
    files = one_per_drum(files)                   # a drum's layers ("Ride_1", "Ride_2"): its first only
    said = {f: placing(family, f) for f in files}
    out: dict[int, str] = {}
    for note in (n for n in family.notes if free(n)):
        left = [f for f in files if f not in out.values()]
        file = next((f for f in left if note in said[f][0] and not said[f][1]), None)
        file = file or next((f for f in left if note in said[f][0]), None)     # a second choice (semi-open)
        if file is None and note not in family.only_named:
            file = next((f for f in left if not said[f][0]), None)
        if file is not None:
            out[note] = file
    return out


def one_per_drum(files: list[str], numbered: bool = False, rank: Callable[[str], Any] | None = None) -> list[str]:
    """One file of each drum of ``files`` (its velocity layers: :func:`layer_key`), where its first layer stands: the
    first layer, or with ``rank`` (a sort key: lower first) of a drum with several, the one it ranks first (the
    loudest: a pad hit hard plays the drum's full hit, not its softest layer)."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for f in files:
        groups.setdefault(layer_key(f, numbered), []).append(f)
    if rank is None:
        return [layers[0] for layers in groups.values()]
    return [min(layers, key=lambda f: (rank(f), layers.index(f))) if len(layers) > 1 else layers[0]
            for layers in groups.values()]


def fill_by_pitch(family: Family, files: list[str], free: Callable[[int], bool],
                  pitch: Callable[[str], float] | None = None) -> dict[int, str]:
    """Toms: the first n files (n: as many as there are free tom notes) on the n notes of :data:`TOM_PREFERENCE`
    that are free, low to high: by what their name says (:func:`tom_rank`: floor, low, -, high), then by ``pitch``
    (Hz; nan or None: after the others), then in the order given."""
    notes = [n for n in TOM_PREFERENCE if n in family.notes and free(n)]
    chosen = one_per_drum(files, numbered=True)[:len(notes)]
    heard = {f: _finite(pitch(f)) if pitch else math.inf for f in chosen}
    ranked = sorted(chosen, key=lambda f: (tom_rank(f), heard[f], chosen.index(f)))
    return dict(zip(sorted(notes[:len(chosen)]), ranked))


def _finite(hz: float) -> float:
    return hz if math.isfinite(hz) and hz > 0 else math.inf


def family_of(word: str | None) -> Family | None:
    """The family of drum word ``word`` (a key of device.kit.GM_NOTES), None for a word of one note."""
    return FAMILIES.get(FAMILY_WORDS.get(word or "", ""))


def empty_drum_notes(notes: Iterable[int]) -> list[int]:
    """The General MIDI drum notes (35-59, what a drum module sends) not among ``notes``, ascending."""
    held = set(notes)
    return [n for n in GM_DRUMS if n not in held]


def empty_words(empty: list[int]) -> str:
    """``empty`` (drum notes) in words a drummer reads: "37 side stick, 39 clap, 52 china"."""
    return ", ".join(f"{n} {GM_DRUM_WORDS.get(n, '')}".rstrip() for n in empty)
