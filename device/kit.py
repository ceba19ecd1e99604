"""The sampler's kit: which sample of which library each MIDI note plays on the box (STORE/kit.json).

A producer's tagged library becomes something to play: :func:`kit_from_tags` gives each of the library's tags a
note, General MIDI's drum note where the tag is a drum word (kick 36, snare 38, clap 39, hi-hat 42, tom 45, open
hat 46, crash/cymbal 49, ride 51...: what a drum pad controller and a DAW's drum track send), the producer's own
words from middle C (60) up, and each note the tag's most confident sample (a correction first); the box's kit
(``families``) also fills a drum word's family of notes with more of its files (device/kit_families.py: hats 42
46 44, toms by pitch, crash and ride...), as an electronic drum kit sends them.  Notes can be
set one by one too.  The kit is kept across restarts and handed to the engine's sampler as ``sample`` messages
with a ``note`` and velocity 0 (device/audio/sampler.py: map only), so a note from MIDI (or OSC) plays its sample.

Pure data and files here; the API's routes (device/api/kit_routes.py) hold the lock and talk to the engine.
"""
from __future__ import annotations

import json
import logging
import math
from dataclasses import asdict, dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any, Callable

from export.atomic import write_atomic
from device.control import MAX_CHOKE_GROUP     # choke groups 1..127 (0: none; device.control default_group)
from device.kit_families import FAMILY_POOL, Family, family_of, fill, layer_key, one_per_drum
from device.loop_names import says_bars
from hatbox.errors import HatboxError

log = logging.getLogger(__name__)

KIT_FILE = "kit.json"        # under the box's store
OWN_WORDS_FROM = 60          # a tag that is no drum word gets the first free note from middle C (C4) up
# General MIDI percussion (channel 10) notes for drum words, as tags are written (lower case, either spelling)
GM_NOTES: dict[str, int] = {
    "kick": 36, "kick drum": 36, "bass drum": 36, "bd": 36, "rim": 37, "rimshot": 37, "side stick": 37,
    "snare": 38, "snare drum": 38, "sd": 38, "clap": 39, "handclap": 39, "hihat": 42, "hat": 42, "closed hat": 42,
    "closed hihat": 42, "ch": 42, "pedal hat": 44, "pedal hihat": 44, "foot hat": 44, "open hat": 46,
    "open hihat": 46, "oh": 46, "tom": 45, "low tom": 45, "floor tom": 41, "low floor tom": 41, "mid tom": 47,
    "high tom": 50, "hi tom": 50, "cymbal": 49, "crash": 49, "crash cymbal": 49, "ride": 51, "ride cymbal": 51,
    "ride bell": 53, "china": 52, "splash": 55, "tambourine": 54, "cowbell": 56, "percussion": 56, "perc": 56,
    "conga": 63, "bongo": 60, "shaker": 70, "maracas": 70, "clave": 75, "woodblock": 76,
}
LAYER_MARGIN = 0.15          # a tag's files this close to its best score are layers to choose from by level
LAYER_CANDIDATES = 6         # ... among its first this many
OVER_FULL_SCALE_DB = 0.05    # a peak (dBFS) at or over this is over full scale (said to a tenth: "+0.1 dBFS" and up)
OVER_PENALTY_DB = 3.0        # ... and its layer counts as this far under full scale (the limiter squashes its hit)
LOOP_WORDS = ("loop", "loops", "break", "breaks", "groove")     # tags whose samples play as loops
# a word of the producer's own (no drum word, none of these) whose files are mostly (more than half of its first
# LONG_SAMPLE, most confident first) longer than LONG_S loops where its note's own file is that long too (p49 QA: a
# beat-maker's "bass" and "pad" loops were one-shots; a 3.75 s bass loop held 6 s played once and went silent)
LONG_S = 1.5
LONG_SAMPLE = 5
DRUM_LONG_S = 2.0            # a drum word's note whose file is longer than this is said (a 4-bar break called kick)
CYMBAL_LONG_S = 15.0         # ... a cymbal's (a crash rings for seconds: Hydrogen's kits hold 12-s crashes and rides),
                             # or over DRUM_LONG_S where its name gives a tempo or bars ("..._90bpm_2bar.wav")
CYMBAL_WORDS = frozenset({"cymbal", "crash", "crash cymbal", "ride", "ride cymbal", "ride bell", "china", "splash"})
RINGING_LONG_S = 4.0         # ... a tom's (a floor tom rings 2-3 s: p51 QA, a 2.009 s tom was "over 2 s (loops?)"),
RINGING_WORDS = frozenset({"tom", "low tom", "floor tom", "low floor tom", "mid tom", "high tom", "hi tom"})
SAID_OVER_S = 0.05           # a length is said to be over a limit from this far over it: said to a tenth of a second,
                             # it reads over it ("2.0 s" read as no more than "over 2 s", p51 QA)
ONE_SHOT_WORDS = ("shot", "shots", "hit", "hits", "stab", "stabs", "fx", "sfx", "riser",
                  "impact", "chop", "chops", "vox", "vocal", "vocals")


class KitError(HatboxError):
    """A kit note that cannot be set: a note out of range, a file not in the library."""


class KitRefused(HatboxError):
    """A change to the kit refused, nothing of it done: ``wordings`` say so for the panel's tab bar, longest first
    (PanelState.say), each short enough to keep what happened and what was kept, the first also what to do next;
    the Kit page says them in red, as its other failures."""

    def __init__(self, *wordings: str) -> None:
        super().__init__(wordings[0])
        self.wordings = wordings


YOUR_WORDS = "your words: "    # "from library"'s clause counting the words that moved, are new, went


class KitMade(str):
    """What the panel's "from library" says (device/ui/kit_desk.KitDesk.from_library): its text, the ``clauses``
    joined by "; " on the first line, then the ``details`` (a line each), and the parts it is made of, so that the
    panel shortens it without splitting its own text back (a library named "Drums; live" lost its counts: FR1).
    ``notes``: "14 notes"; ``counts``: the words that changed note, counted ("1 moved, 1 gone"; "" for none), said
    in the clause :data:`YOUR_WORDS` + ``counts``."""

    clauses: tuple[str, ...]
    notes: str
    counts: str
    details: tuple[str, ...]

    def __new__(cls, clauses: tuple[str, ...], notes: str = "", counts: str = "",
                details: tuple[str, ...] = ()) -> KitMade:
        made = super().__new__(cls, "\n".join(["; ".join(clauses), *details]))
        made.clauses, made.notes, made.counts, made.details = tuple(clauses), notes, counts, tuple(details)
        return made


@dataclass(frozen=True)
class KitNote:
    """One note of the kit: ``file`` is the sample's path inside library ``library``'s files (POSIX, relative);
    ``loop``: it loops while the note is held (else a one-shot); ``tag``: the tag it was chosen for, if any;
    ``latch``: its loop latches (a strike starts it, the next stops it: `box-kit --latch`); ``choke``: its choke
    group (None: General MIDI's, the hi-hat's 42/44/46; 0: none; N >= 1: the notes of group N cut each other:
    `box-kit --choke`).  The last two are kept in kit.json only when set (an older box reads the file as before)."""

    note: int
    library: str
    file: str
    loop: bool = False
    tag: str | None = None
    latch: bool = False
    choke: int | None = None


@dataclass(frozen=True)
class Pad:
    """One note of the kit as the panel shows it: ``path`` the sample on the box (what the Library page lists),
    ``tag`` the tag it was chosen for (None: set by hand), ``loop`` it loops while held, ``missing`` its file (or
    library) is gone, so the note plays nothing; ``loading`` the box's start has not handed its file to the sampler
    yet (it plays nothing until it has); ``latch`` its loop latches (a tap starts it, the next stops it)."""

    note: int
    path: str
    tag: str | None = None
    loop: bool = False
    missing: bool = False
    loading: bool = False
    latch: bool = False

    @property
    def name(self) -> str:
        return Path(self.path).name


def check_note(note: int) -> int:
    """``note`` if it is a MIDI note number (0..127); KitError otherwise."""
    if not isinstance(note, int) or isinstance(note, bool) or not 0 <= note <= 127:
        raise KitError(f"note {note!r} is not a MIDI note (0..127, or a name such as C1 or F#2)")
    return note


def check_file(file: str) -> str:
    """``file`` as a relative POSIX path inside a library (no ``..``, not absolute); KitError otherwise."""
    path = PurePosixPath(str(file).replace("\\", "/"))
    if not str(file).strip() or path.is_absolute() or ".." in path.parts:
        raise KitError(f"{file!r} is not a path inside the library (give it as box-library lists it, e.g. "
                       "kit/Kick.wav)")
    return path.as_posix()


def held_file(files: Path, file: str) -> str:
    """Kit file ``file`` (relative POSIX, as :func:`check_file` gives it) spelled as the library's ``files`` folder
    holds it: composed (NFC), as uploads keep names since the forty-third stop, or in the other normal form where
    only that is there (a name a Mac pastes decomposed: "tom ñ.wav" was "no audio file at .../tom ñ.wav", p43
    regression QA; device.library.paths.on_disk).  ``file`` unchanged when the folder cannot be read."""
    from device.library.paths import nfc, on_disk
    try:
        return on_disk(files, PurePosixPath(nfc(file))).as_posix()
    except (OSError, ValueError):
        return file


def load_kit(path: Path) -> dict[int, KitNote]:
    """The kit kept at ``path`` (none: empty).  A damaged file (a cut write, edited by hand) is set aside as
    ``kit.json.damaged`` with a warning in the log, and the box starts with an empty kit rather than not at all
    (:func:`kit_damage` says why, for the box's status)."""
    try:
        return _read_kit(path)
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, KeyError, TypeError, HatboxError) as exc:
        aside = path.with_name(path.name + ".damaged")
        try:
            path.replace(aside)
        except OSError:
            aside = path
        log.warning("the sampler's kit %s is damaged (%s): the box starts with no kit; the file is kept as %s",
                    path, exc, aside)
        return {}


def _read_kit(path: Path) -> dict[int, KitNote]:
    """The kit kept at ``path``; FileNotFoundError for none, OSError, ValueError, KeyError, TypeError or HatboxError
    for a file that cannot be read as one."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    notes = [KitNote(note=check_note(n["note"]), library=str(n["library"]), file=check_file(n["file"]),
                     loop=bool(n.get("loop", False)), tag=n.get("tag"), latch=bool(n.get("latch", False)),
                     choke=check_choke(n.get("choke"))) for n in raw["notes"]]
    return {n.note: n for n in notes}


def check_choke(group: Any) -> int | None:
    """``group`` as a kit note's choke group (None: General MIDI's; 0 none; 1..:data:`MAX_CHOKE_GROUP`); KitError
    otherwise."""
    if group is None:
        return None
    if not isinstance(group, int) or isinstance(group, bool) or not 0 <= group <= MAX_CHOKE_GROUP:
        raise KitError(f"choke group {group!r} is not 0..{MAX_CHOKE_GROUP}")
    return group


def note_json(entry: KitNote) -> dict[str, Any]:
    """``entry`` as kit.json keeps it: ``latch`` and ``choke`` only when set."""
    kept = asdict(entry)
    for key, default in (("latch", False), ("choke", None)):
        if kept[key] == default:
            del kept[key]
    return kept


def kit_damage(path: Path) -> str | None:
    """What a start will say of the kit kept at ``path`` when :func:`load_kit` sets it aside as damaged, in words a
    musician reads (`hatbox status`' start-time notes; before, only box-logs said it); None when it reads whole or
    there is none."""
    try:
        _read_kit(path)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, HatboxError) as exc:
        why = str(exc).splitlines()[0] if str(exc).strip() else type(exc).__name__
        return (f"the kit ({path.name}) was damaged ({why[:120]}): the box started with no kit; the file is kept as "
                f"{path.name}.damaged (hatbox box-kit --from LIBRARY makes a new one)")
    return None


def save_kit(path: Path, kit: dict[int, KitNote], silenced: list[dict[str, Any]] | None = None,
             deleted: list[dict[str, Any]] | None = None) -> None:
    """Write ``kit`` to ``path`` whole or not at all (OSError when the disk refuses: the old file stays).
    ``silenced``: the kit's losses to keep with it (device.kit_history.Silenced.as_json); ``deleted``: the libraries
    deleted last, and by whom (the same form, no notes); both read by an older box's :func:`load_kit` as nothing."""
    data: dict[str, Any] = {"version": 1, "notes": [note_json(kit[n]) for n in sorted(kit)]}
    if silenced:
        data["silenced"] = silenced
    if deleted:
        data["deleted"] = deleted
    write_atomic(path, (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))


def gm_note(tag: str) -> int | None:
    """General MIDI's drum note for drum word ``tag`` (any case, - or _ or space; a plural as a sample pack's folder
    names it: kicks, hats, open hihats, crashes), None for other words."""
    word = drum_word(tag)
    return None if word is None else GM_NOTES[word]


def drum_word(tag: str) -> str | None:
    """The key of :data:`GM_NOTES` that ``tag`` is written as (:func:`gm_note`'s spellings), None for none."""
    word = " ".join(_words(tag))
    for form in (word, word.replace(" ", "")):
        for singular in (form, form[:-1] if form.endswith("s") else "", form[:-2] if form.endswith("es") else ""):
            if singular in GM_NOTES:
                return singular
    return None


def fullest_first(hits: list[tuple[str, float]], level: Callable[[str], float]) -> list[str]:
    """The files of ``hits`` ((file, score), most confident first), the loudest layer first: of the files within
    :data:`LAYER_MARGIN` of the best score (a drum's velocity layers: the tagger hears every file at one level, so
    its softest layer may come first), the one whose ``level`` (peak dBFS) is highest, to the nearest dB
    (:func:`layer_level`: a file peaking over full scale is not the loudest for it), one that does not peak over
    full scale first on a tie, then the more confident.  A pad hit at full velocity should play the drum's full hit,
    not its ghost note, nor a 32-bit float file at +6 dBFS that the box's output limiter squashes (p43 formats QA)."""
    if not hits:
        return []
    top = hits[0][1]
    near = [(file, score) for file, score in hits[:LAYER_CANDIDATES] if score >= top - LAYER_MARGIN]
    levels = {file: level(file) for file, _ in near}
    ranked = sorted(near, key=lambda h: (*_loudness(levels[h[0]]), -h[1]))
    first = {file for file, _ in ranked}
    return [file for file, _ in ranked] + [file for file, _ in hits if file not in first]


def is_over(peak_db: float) -> bool:
    """Whether a peak (dBFS) is over full scale (a float file's +6 dBFS): the box's output limiter takes it off."""
    return math.isfinite(peak_db) and peak_db >= OVER_FULL_SCALE_DB


def layer_level(peak_db: float) -> float:
    """The level (dBFS) a layer is chosen by: its peak, but a peak over full scale counts as :data:`OVER_PENALTY_DB`
    under it: what is over is taken off by the box's limiter, which squashes the hit (a clean full hit within that of
    full scale plays better; a ghost note further down does not)."""
    return -OVER_PENALTY_DB if is_over(peak_db) else peak_db


def _whole_db(level_db: float) -> float:
    """A level (dB) to the nearest dB; -inf (a file that does not decode, or was deleted meanwhile) stays the lowest
    (round(-inf) raised OverflowError: a kit made while its library was deleted answered 500)."""
    return float(round(level_db)) if math.isfinite(level_db) else -math.inf


def is_loop_tag(tag: str) -> bool:
    return any(w in _words(tag) for w in LOOP_WORDS)


def is_one_shot_tag(tag: str) -> bool:
    """Whether ``tag`` says its samples play once ("one-shot", "One Shots", "stab", "fx": :data:`ONE_SHOT_WORDS`)."""
    words = _words(tag)
    return "oneshot" in "".join(words) or any(w in words for w in ONE_SHOT_WORDS)


def _words(tag: str) -> list[str]:
    """``tag``'s words, lower case, "_" and "-" read as spaces: "One-Shot_Hits" -> ["one", "shot", "hits"]."""
    return tag.lower().replace("_", " ").replace("-", " ").split()


@dataclass(frozen=True)
class Loops:
    """How :func:`kit_from_tags` decides which notes loop: ``on``/``off`` the tags the producer named to loop or not
    (lower case; `box-kit --from LIB --loop pad --no-loop break`), ``seconds(file)`` a file's length (nan: unknown;
    None: by the tag's words only, as before the forty-ninth stop)."""

    on: frozenset[str] = frozenset()
    off: frozenset[str] = frozenset()
    seconds: Callable[[str], float] | None = None


def note_loops(tag: str, file: str, best: Callable[[str, int], list[str]], loops: Loops) -> bool:
    """Whether the note of tag ``tag`` playing ``file`` loops: a tag named off never, named on always; a loop word
    (:data:`LOOP_WORDS`) always; a drum word or a one-shot word (:data:`ONE_SHOT_WORDS`) never; any other word when
    ``file`` is over :data:`LONG_S` long and so are most of the tag's first :data:`LONG_SAMPLE` files."""
    word = tag.strip().lower()
    if word in loops.off:
        return False
    if word in loops.on or is_loop_tag(tag):
        return True
    if loops.seconds is None or gm_note(tag) is not None or is_one_shot_tag(tag):
        return False
    return is_long(loops.seconds(file)) and mostly_long(best(tag, LONG_SAMPLE)[:LONG_SAMPLE], loops.seconds)


def drum_long_s(tag: str) -> float:
    """How long a file of drum word ``tag`` may be before it is said to be no drum hit (a loop?), in seconds: a
    cymbal's and a tom's ring is no loop."""
    word = drum_word(tag)
    return CYMBAL_LONG_S if word in CYMBAL_WORDS else RINGING_LONG_S if word in RINGING_WORDS else DRUM_LONG_S


def seems_loop(file: str, seconds: float, tag: str) -> bool:
    """Whether a drum word ``tag``'s note playing ``file`` (``seconds`` long) holds what seems no drum hit but a loop:
    longer than :func:`drum_long_s`, or than :data:`DRUM_LONG_S` with a tempo or bars in its name or a loop word
    ("loop-120.wav", "break 92 BPM.wav": :func:`is_loop_tag` of its stem); longer by :data:`SAID_OVER_S` at least, so
    that the length said to a tenth reads over the limit said."""
    name = PurePosixPath(file)               # device.loop_names: which names say a tempo or bars
    return is_long(seconds, drum_long_s(tag) + SAID_OVER_S) or (
        is_long(seconds, DRUM_LONG_S + SAID_OVER_S) and (says_bars(name.name) or is_loop_tag(name.stem)))


def is_long(seconds: float, over: float = LONG_S) -> bool:
    return math.isfinite(seconds) and seconds > over


def mostly_long(files: list[str], seconds: Callable[[str], float]) -> bool:
    """Whether more than half of ``files`` are longer than :data:`LONG_S`."""
    return 2 * sum(is_long(seconds(f)) for f in files) > len(files)


def kept_words(kit: dict[int, KitNote], library: str, tags_of: dict[int, list[str]] | None = None
               ) -> dict[str, int]:
    """The producer's own words (no General MIDI drum word) of kit ``kit`` chosen from library ``library``, each
    with its note (its lowest, were it on several): what :func:`kit_from_tags` keeps (``keep``) when it makes the kit
    of that library again, so that a word's pad stays where the drummer's hand knows it (p53 QA: after a re-tag every
    pad moved, the own words being ordered by how many files carry them).  ``tags_of``: note -> its file's tags now
    (device.api.kit_tags.library_tags): a note set by hand (no tag) whose file carries one own word alone counts as
    that word's, after the notes chosen for their words (p53 review: `box-kit --map E5 s/a.wav` of an 808 file, C4
    unmapped, and the kit made again called 808 "new" and gave it C4)."""
    kept: dict[str, int] = {}
    for note in sorted(kit):
        entry = kit[note]
        if entry.library == library and entry.tag and gm_note(entry.tag) is None:
            kept.setdefault(entry.tag, note)
    for note in sorted(kit):
        entry, own = kit[note], own_words((tags_of or {}).get(note))
        if entry.library == library and not entry.tag and len(own) == 1:
            kept.setdefault(own[0], note)
    return kept


def own_words(tags: list[str] | None) -> list[str]:
    """Of a file's ``tags`` (None: not known), the producer's own words: those no General MIDI drum word."""
    return [t for t in tags or [] if gm_note(t) is None]


def word_moves(old: dict[int, KitNote], new: dict[int, KitNote], library: str,
               tags_of: dict[int, list[str]] | None = None) -> list[tuple[str, int | None, int | None]]:
    """(word, its note in kit ``old``, in kit ``new``; None: not on it) of each of the producer's own words of
    library ``library`` whose note the new kit changed, a word new to the kit or no longer on it among them, by the
    tag each note was chosen for (:func:`kept_words`, ``tags_of`` its files' tags now in ``old``: a note set by hand
    counts for its file's one own word); a word the file of one of ``old``'s notes of the library set by hand (no
    tag) carries now is never new: it was on that note (p53 review: a word on a note set by hand was said "new"; a
    note chosen for another word is that word's: MF3); [] when ``old`` holds no word of that library (a first kit)."""
    was, now = kept_words(old, library, tags_of), kept_words(new, library)
    if not was:
        return []
    for word in now:
        if word not in was:
            carried_by = [n for n in sorted(old) if old[n].library == library and not old[n].tag
                          and word in (tags_of or {}).get(n, [])]
            if carried_by:
                was[word] = carried_by[0]
    return [(w, was.get(w), now.get(w)) for w in dict.fromkeys([*now, *was]) if was.get(w) != now.get(w)]


MOVE_KINDS = ("moved", "new", "gone")   # every kind :func:`move_kind` gives, in the order they are counted


def move_kind(was: int | None, now: int | None) -> str:
    """A word of :func:`word_moves` (its note ``was`` in the kit replaced, ``now`` in the new one; None: not on it):
    "new" (no note before), "gone" (none now), else "moved" (one of :data:`MOVE_KINDS`); the one split of the
    panel's and `box-kit`'s words."""
    return "new" if was is None else "gone" if now is None else "moved"


def kit_from_tags(library: str, tags: dict[str, int], best: Callable[[str, int], list[str]], *,
                  families: bool = False, pitch: Callable[[str], float] | None = None,
                  level: Callable[[str], float] | None = None, loops: Loops | None = None,
                  keep: dict[str, int] | None = None) -> dict[int, KitNote]:
    """A kit of library ``library``: each tag that some file carries (``tags``: tag -> files, most used first)
    gets a note (:func:`gm_note`, else the first free note from :data:`OWN_WORDS_FROM` up), played by the tag's
    most confident file no other note plays (``best(tag, k)``: the tag's first ``k`` files, best first, relative
    paths).  Which notes loop: :func:`note_loops` (``loops``; none given: the tags whose words say loop,
    :data:`LOOP_WORDS`).  KitError when no tag holds a file.

    ``families``: a generic drum word (kick, snare, hihat, tom, cymbal, percussion) fills its family of General MIDI
    notes with different files of the tag (device.kit_families; ``pitch(file)`` in Hz orders the toms, ``level(file)``
    in dBFS picks a drum's loudest velocity layer, as :func:`fullest_first` does for the first note), after the
    tags of one drum note (crash, open hat) took theirs; the producer's own words still get one note each from
    middle C, before a family's notes from there up (percussion's 60-81).

    ``keep``: word -> note of the kit this one replaces (:func:`kept_words`): such a word of the producer's keeps
    its note where it is free (no drum word took it), and no other word takes it; the words new to the kit take the
    free notes from middle C up, those of more files first, so a word on one file only comes last."""
    kit: dict[int, KitNote] = {}
    used: set[str] = set()
    chosen = loops or Loops()
    kept = {t: n for t, n in (keep or {}).items() if tags.get(t, 0) > 0 and gm_note(t) is None}
    held = set(kept.values())                   # notes kept for their words: no other word takes one

    def loop_of(tag: str, file: str) -> bool:
        return note_loops(tag, file, best, chosen)
    order = sorted((t for t, n in tags.items() if n > 0), key=lambda t: (gm_note(t) is None, -tags[t], t))
    if families:                                # one-note drum words first, then the families, then own words
        order.sort(key=lambda t: 2 if gm_note(t) is None else int(_family(t) is not None))
    pools: dict[str, list[str]] = {}
    rank = None if level is None else (lambda f: _loudness(level(f)))
    for tag in order:
        if families and _family(tag) is not None:
            pools[tag] = one_per_drum(best(tag, len(used) + FAMILY_POOL), _numbered(tag), rank)
            if _fill(kit, used, library, tag, pools[tag], pitch, loop_of, below=OWN_WORDS_FROM) or \
                    not _left(pools[tag], kit, tag):
                continue
        note = _own_note(kit, gm_note(tag) if tag not in kept else kept[tag], held - {kept.get(tag)})
        if note is None:
            break
        left = _left(pools[tag], kit, tag) if tag in pools else best(tag, len(used) + 1)
        file = next((f for f in left if f not in used), None)
        if file is not None:
            _put(kit, used, KitNote(note=note, library=library, file=check_file(file), loop=loop_of(tag, file),
                                    tag=tag))
    for tag, pool in pools.items():             # a family's notes from middle C up (percussion), own words placed
        _fill(kit, used, library, tag, pool, pitch, loop_of, below=128)
    if not kit:
        raise KitError(f"library '{library}' has no tagged file to make a kit of",
                       hint=f"tag it first: hatbox box-library {library} --retag")
    return kit


def _family(tag: str) -> Family | None:
    return family_of(drum_word(tag))


def _loudness(peak_db: float) -> tuple[float, bool]:
    """A velocity layer's sort key, loudest first, as :func:`fullest_first` weighs it (to the dB; over full scale
    counts :data:`OVER_PENALTY_DB` under it, and after a clean one)."""
    return -_whole_db(layer_level(peak_db)), is_over(peak_db)


def _left(pool: list[str], kit: dict[int, KitNote], tag: str) -> list[str]:
    """The files of tag ``tag``'s ``pool`` on no note of ``kit``, nor a layer (:func:`layer_key`) of a drum that a
    note of ``tag``'s family plays (tagged ``tag``, or on one of its family's notes: "Crash_1" tagged crash on 49 and
    "Crash_2" tagged cymbal are one crash, p54 MR3a), nor one another tag's note plays whose name differs only in
    velocity words ("SideStick-Soft", "SideStick-Hard"): a take number alone ("hit_01" a kick, "hit_02" a snare)
    does not make files of two drums' tags one drum (p54 M1)."""
    numbered = _numbered(tag)
    same = {layer_key(e.file, numbered) for e in kit.values() if _one_kind(e, tag)}
    other = {layer_key(e.file, numbered=True) for e in kit.values() if e.tag != tag}
    used = {e.file for e in kit.values()}
    return [f for f in pool if f not in used and layer_key(f, numbered) not in same
            and layer_key(f, numbered=True) not in other]


def _one_kind(entry: KitNote, tag: str) -> bool:
    """Whether kit note ``entry`` plays a drum of tag ``tag``'s kind: it was chosen for ``tag``, or for a drum word
    (not the producer's own) of a note of ``tag``'s family (crash on 49 for the cymbal tag)."""
    family = _family(tag)
    return entry.tag == tag or (family is not None and entry.note in family.notes and entry.tag is not None
                                and gm_note(entry.tag) is not None)


def _numbered(tag: str) -> bool:
    """Whether a number ending a file name of tag ``tag``'s family tells drums apart (toms), not layers."""
    family = _family(tag)
    return bool(family and family.by_pitch)


def _own_note(kit: dict[int, KitNote], note: int | None, held: set[int] | frozenset[int] = frozenset()
              ) -> int | None:
    """``note`` when it is free, else the first free note from :data:`OWN_WORDS_FROM` up (then down) that is not
    ``held`` (kept for another word: :func:`kit_from_tags`' ``keep``); None: full."""
    if note is not None and note not in kit:
        return note
    free = [n for n in (*range(OWN_WORDS_FROM, 128), *range(OWN_WORDS_FROM - 1, -1, -1)) if n not in kit]
    return next((n for n in free if n not in held), free[0] if free else None)


def _put(kit: dict[int, KitNote], used: set[str], entry: KitNote) -> None:
    kit[entry.note] = entry
    used.add(entry.file)


def _fill(kit: dict[int, KitNote], used: set[str], library: str, tag: str, pool: list[str],
          pitch: Callable[[str], float] | None, loop_of: Callable[[str, str], bool], below: int) -> int:
    """Put tag ``tag``'s family of notes under ``below`` that are free into ``kit``, each a file of ``pool`` (its
    files, best first) not ``used`` yet (device.kit_families.fill); returns how many notes it set."""
    family = _family(tag)
    files = [check_file(f) for f in _left(pool, kit, tag)]
    placed = fill(family, files, lambda n: n < below and n not in kit, pitch) if family and files else {}
    for note, file in placed.items():
        _put(kit, used, KitNote(note=note, library=library, file=file, loop=loop_of(tag, file), tag=tag))
    return len(placed)


def map_message(entry: KitNote, files: Path) -> dict[str, Any]:
    """The engine's message that lets ``entry.note`` play its file (in the library's ``files`` folder): a
    ``sample`` with the note and velocity 0, which maps without playing (device/audio/sampler.py)."""
    options = ({"latch": True} if entry.latch and entry.loop else {}) | (
        {} if entry.choke is None else {"choke": entry.choke})     # (the sampler's note options: latch, choke group)
    return {"op": "sample", "path": str(files / entry.file), "velocity": 0, "note": entry.note, "loop": entry.loop,
            **options}


def unmap_message(note: int) -> dict[str, Any]:
    """The engine's message that lets ``note`` play nothing on the sampler again."""
    return {"op": "sample", "path": "", "velocity": 0, "note": note}


def choke_message(note: int) -> dict[str, Any]:
    """The sampler's message that stops every voice of kit note ``note`` now, pedal, latch or not, with a quick fade
    (device/audio/sampler.py ``choke``; the synth's notes are left alone: the engine hands it to the sampler): the
    kit's way to silence a loop of a note leaving the kit, or a latched loop its note no longer latches (p51)."""
    return {"op": "choke", "note": note}


def is_latched_loop(entry: KitNote | None) -> bool:
    """Whether kit note ``entry`` plays a latched loop (a strike starts it, the next stops it; its note-off nothing)."""
    return entry is not None and entry.loop and entry.latch


def stops_latched(old: KitNote | None, new: KitNote | None) -> bool:
    """Whether a loop ``old`` latched must be choked when its note becomes ``new`` (None: out of the kit): ``old`` was
    a latched loop and ``new`` is not the same latched loop (another file, a one-shot, a held loop, `--no-latch`).
    A latched voice ignores its note-off, so once its note stops latching nothing else would stop it (p51 M3)."""
    if not is_latched_loop(old):
        return False
    return not (is_latched_loop(new) and (new.library, new.file) == (old.library, old.file))


def carried(old: KitNote | None, new: KitNote, latch: bool | None = None, choke: int | None = None,
            default_choke: bool = False) -> KitNote:
    """``new`` (a new file for a note, or its loop toggled) with ``old``'s options kept where the request does not
    give them: its choke group (``choke`` None: ``old``'s; ``default_choke``: General MIDI's), its latch where ``new``
    loops (``latch`` None: ``old``'s; ``latch`` True makes it loop).  A new file kept the pad's sound but dropped its
    latch and choke group without a word (p51 M3)."""
    if latch is None:
        latch = bool(old is not None and old.latch and new.loop)
    group = None if default_choke else choke if choke is not None else old.choke if old is not None else None
    return replace(new, latch=latch, loop=new.loop or latch, choke=check_choke(group))
