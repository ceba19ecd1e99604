"""`hatbox box-kit`'s words for what a kit change did to notes others set (p43 duo QA: two laptops, one kit).

The box's kit answers (device/api/kit_answers.py) carry ``replaced`` (the notes a change took out or gave another
sample) and ``silenced`` (notes a library's deletion took out, by whom); a box of an older version leaves them out
and these say nothing.  ``seen_notes`` is what `box-kit --from` sends with its replacement: the kit as it showed it
in its question, so the box refuses when another laptop changed the kit meanwhile.
"""
from __future__ import annotations

import shlex
from typing import Any, Callable, Iterable

from hatbox.box_client import safe_text
from hatbox.errors import HatboxError
from hatbox.text import count_words, them, when_words

SHOWN = 6                    # notes named in one line, then "..."


def seen_notes(kit: dict[str, Any]) -> list[dict[str, Any]]:
    """GET /kit's notes as POST /kit/from-library's ``seen``: [{note, library, file}, ...]."""
    return [{"note": n["note"], "library": n["library"], "file": n["file"]} for n in kit.get("notes") or []
            if isinstance(n, dict)]


def _named(notes: list[dict[str, Any]], library: str | None = None) -> str:
    """"C3 tom.wav, D3 mute.wav, ..." (:data:`SHOWN` at most); a note of a library other than ``library`` (given) says
    it: "C2 break 92 BPM.wav (library Names)"."""
    return ", ".join(note_words(n, library) for n in notes[:SHOWN]) + (", ..." if len(notes) > SHOWN else "")


def note_words(note: dict[str, Any], library: str | None = None) -> str:
    """"C2 kick.wav" for a kit note (GET /kit, a kit answer's ``replaced``), "C2 break 92 BPM.wav (library Names)"
    when ``library`` is given and the note is of another one (its name as the box says it, else its id)."""
    said = f"{safe_text(str(note.get('name', note.get('note'))))} {safe_text(str(note.get('file', '')))}"
    if library is None or note.get("library") == library:
        return said
    return f"{said} (library {safe_text(str(note.get('library_name') or note.get('library')))})"


def by_hand(note: dict[str, Any]) -> bool:
    """Whether the box says kit note ``note`` was set by hand (`box-kit --map`, the panel: its ``tag`` null), of
    whichever library; False when it does not say (a box of an older version leaves ``tag`` out)."""
    return "tag" in note and not note["tag"]


def replaced_lines(kit: dict[str, Any], library: str,
                   seen_by_hand: Iterable[tuple[int, str]] | None = None) -> list[str]:
    """`box-kit --from LIBRARY`: the notes of other samples the new kit replaced ("replaced 2 notes of other
    samples: C3 tom.wav, D3 mute.wav"), and those of the library set by hand (p49 QA: two `--map ... --loop` notes
    went without a word), [] for none.  Set by hand is what the box says of each note as it replaced it (its
    ``tag`` null: p49 review, a note another laptop set between the laptop's GET /kit and its POST went without a
    word); a box of an older version leaves ``tag`` out, and ``seen_by_hand`` ((note, file) of the kit the laptop
    saw, :func:`hand_set`) stands in; with neither (`--yes` asks the box nothing first) its notes of the library are
    said as such.  A note set by hand is said so whatever its library (p49 regression QA "loops2": one mapped from
    another library read "of other samples"), naming that library: "C2 break 92 BPM.wav (library Names)"."""
    gone = _list(kit, "replaced")
    other = [n for n in gone if n.get("library") != library and not by_hand(n)]
    mine = [n for n in gone if n.get("library") == library]
    hand = set(seen_by_hand or ())
    said = [n for n in gone if by_hand(n) or ("tag" not in n and n.get("library") == library
                                              and (n.get("note"), n.get("file")) in hand)]
    unsaid = [n for n in mine if "tag" not in n and seen_by_hand is None]
    return ([f"replaced {count_words(len(other), 'note')} of other samples: {_named(other)}"] if other else []) + \
        ([f"replaced {count_words(len(said), 'note')} set by hand: {_named(said, library)}"] if said else []) + \
        ([f"replaced {count_words(len(unsaid), 'note')} of the library (the box, of an older version, does not say "
          f"which were set by hand): {_named(unsaid)}"] if unsaid else [])


def drum_kit(kit: dict[str, Any]) -> bool:
    """Whether a kit made from a library (its notes' ``tag``: the library's words) is a drum kit: half or more of its
    words are General MIDI drum words (device.kit.drum_word: kick, snare, clap...), so that the drum notes that play
    nothing are worth a line.  A producer's own words (boom, tss, clap, weird: p50 QA) got 24 empty drum notes and a
    --map hint for one GM word among four; a library of loops (p49) got them for none."""
    from device.kit import drum_word
    words = {str(n["tag"]) for n in _list(kit, "notes") if n.get("tag")}
    drums = [w for w in words if drum_word(w)]
    return bool(drums) and 2 * len(drums) >= len(words)


def hand_set(kit: dict[str, Any], library: str) -> list[dict[str, Any]]:
    """The notes of GET /kit's answer ``kit`` set by hand (`box-kit --map`: tag null), which a kit made of library
    ``library`` replaces as much as one of other samples: those of any library whose ``tag`` the box gives as null,
    and (a box of an older version, no ``tag``) those of ``library`` itself, which no kit made of it leaves untagged."""
    return [n for n in _list(kit, "notes") if by_hand(n) or ("tag" not in n and n.get("library") == library)]


def long_lines(kit: dict[str, Any], library: str, loop: Iterable[str] = (), no_loop: Iterable[str] = ()) -> list[str]:
    """`box-kit --from LIBRARY`'s words on the answer's ``long_files`` (device/api/kit_loops.py): the long files
    that play once on notes of the producer's words ("2 notes of long files play once (not looped): E4 pad
    (pads/x.wav, 7.5 s), ...: hatbox box-kit --from LIB --loop pad loops them"), and the drum words' notes holding
    files longer than a drum hit (a break the drum tagger called kick: device.kit.seems_loop); [] for none.
    ``loop``/``no_loop``: the tags `--loop`/`--no-loop` named: a tag named not to loop is not said (the producer
    chose it), and the command said keeps the others they named (p49 review: after `--no-loop pad` it said
    "--loop pad loops it", and left their other tags out).  A drum note's file whose name says a loop word (loop,
    break, groove: "loop-120.wav") over 2 s is said as a tag of that word would be (p49 regression QA "loops2": a 4 s
    loop-120.wav on a cymbal note, under the cymbal's 15 s, went unsaid)."""
    from device.kit import DRUM_LONG_S
    long, off = _list(kit, "long_files"), {t.strip().lower() for t in no_loop}
    once = [n for n in long if not n.get("loop") and not n.get("drum") and str(n.get("tag") or "").lower() not in off]
    drums = [n for n in long if not n.get("loop") and n.get("drum") and _holds_loop(n)]
    lib, lines = shlex.quote(safe_text(library)), []
    if once:
        tags = [safe_text(str(n.get("tag"))) for n in once if n.get("tag")]
        lines.append(f"{count_words(len(once), 'note')} of long files {'plays' if len(once) == 1 else 'play'} once "
                     f"(not looped): {_timed(once)}" + (f": hatbox box-kit --from {lib}{_tags_asked(loop, tags, off)} "
                                                         f"loops {them(len(once))}" if tags else ""))
    if drums:
        lines.append(f"{count_words(len(drums), 'drum note')} {'holds' if len(drums) == 1 else 'hold'} files over "
                     f"{DRUM_LONG_S:g} s (loops?): {_timed(drums)}: a pad plays {them(len(drums))} once; tag "
                     f"a loop as one (hatbox box-library {lib} --fix FILE break) and make the kit again, or map it "
                     "by hand: hatbox box-kit --map NOTE FILE --loop")
    return lines


def unplaced_lines(kit: dict[str, Any], counts: Any, library: str,
                   files_of: Callable[[str, int], list[str] | None] | None = None) -> list[str]:
    """`box-kit --from LIBRARY`'s words on the producer's own words (no General MIDI drum word) whose other files are
    on no note: "break: 2 other files of this word are on no note (loops/b2.wav, loops/b3.wav): hatbox box-kit --map
    D#4 loops/b2.wav --library LIB --loop puts one on D#4" (p51 beatmaker QA: three loops fixed to break, one on a
    note, and not a word of the other two, while the empty drum notes were listed).  ``counts``: the box's GET
    /libraries/ID/tags (tag -> files; None from a box that did not answer: nothing said); ``files_of(tag, n)``: the
    tag's first ``n`` files (None: not known; `box-kit` asks for at most 200), so that a file on another word's note
    is not counted, and to name a few: how many are on no note is counted from ``counts`` (p51 final read: a word of
    500 files listed 200 and said "199 other files").  A drum word's other files (velocity layers, more kicks) are
    not said."""
    from device.kit import drum_word
    if not isinstance(counts, dict):
        return []
    notes = _list(kit, "notes")
    placed = {str(n.get("file")) for n in notes}
    lines, taken = [], {n.get("note") for n in notes}       # each line's --map names a note no other line names
    for tag in dict.fromkeys(str(n["tag"]) for n in notes if n.get("tag") and not drum_word(str(n["tag"]))):
        on = [n for n in notes if n.get("tag") == tag]
        count = counts.get(tag)
        if not isinstance(count, int) or count <= len(on):
            continue
        files = files_of(tag, count) if files_of is not None else None
        left = [f for f in files if f not in placed] if files is not None else []
        number = count - len({str(n.get("file")) for n in on} | placed.intersection(files or []))
        if number > 0:
            lines.append(_unplaced_line(tag, number, left, on[0], taken, library))
    return lines


def _unplaced_line(tag: str, number: int, left: list[str], first: dict[str, Any], taken: set[Any],
                   library: str) -> str:
    """One word's line of :func:`unplaced_lines`: its ``number`` files on no note (``left``: which, when known), and
    the --map that puts the first on the next note after the word's own (``first``) that is not ``taken`` (the kit's
    notes and those the lines before named, added to it here: p53 QA, six words' hints all named G#4, and following
    them in turn overwrote it each time)."""
    from device.notes import note_name
    start = first.get("note") if isinstance(first.get("note"), int) else 59
    free = next((k for k in (*range(start + 1, 128), *range(start - 1, -1, -1)) if k not in taken), None)
    taken.add(free)
    where = note_name(free) if free is not None else "NOTE"
    lib, loop = shlex.quote(safe_text(library)), " --loop" if first.get("loop") else ""
    named = f" ({', '.join(safe_text(f) for f in left[:3])}{', ...' if len(left) > 3 else ''})" if left else ""
    example = shlex.quote(safe_text(left[0])) if left else "FILE"
    listing = "" if left else f"hatbox box-library {lib} --tag {shlex.quote(safe_text(tag))} lists them; "
    return (f"{safe_text(tag)}: {count_words(number, 'other file')} of this word {'is' if number == 1 else 'are'} on "
            f"no note{named}: {listing}hatbox box-kit --map {where} {example} --library {lib}{loop} puts "
            f"{'it' if number == 1 else 'one'} on {where}")


def moved_lines(kit: dict[str, Any]) -> list[str]:
    """`box-kit --from LIBRARY`: the answer's ``words_moved`` (device.kit.word_moves: the producer's words whose note
    changed against the kit replaced, by the tag each note was chosen for) in words: "1 word of yours moved to another
    note: 808 C4 -> D4" (the box keeps a word's note unless a drum word took it), the words new to the kit and their
    notes, those no longer on it; [] when every word kept its note, or from a box of an older version (p53 QA: after
    a re-tag every pad moved without a word)."""
    from device.kit_moves import words_by_kind      # the panel's words too (device/api/box_kit.moved_lines)
    said = words_by_kind((safe_text(r["word"]), r.get("was"), r.get("now")) for r in _list(kit, "words_moved")
                         if isinstance(r.get("word"), str))
    moved, added, gone = said["moved"], said["new"], said["gone"]
    return ([f"{count_words(len(moved), 'word')} of yours moved to another note: "
             f"{_shown_words(moved)}"] if moved else []) + \
        ([f"new {'word' if len(added) == 1 else 'words'} on the kit (free notes from middle C up): "
          f"{_shown_words(added)}"] if added else []) + \
        ([f"no longer on the kit (no file carries {'it' if len(gone) == 1 else 'them'} now, or the kit is full): "
          f"{_shown_words(gone)}"] if gone else [])


def one_file_lines(kit: dict[str, Any], counts: Any, library: str) -> list[str]:
    """`box-kit --from LIBRARY`: the producer's words on the kit that one file alone carries (``counts``: GET
    /libraries/ID/tags; None: nothing said), a typo set on one file among them perhaps ('metalic' for 'metallic':
    p53 QA), and how to give the file another word; of those new to the kit (``words_moved``' ``was`` null) it says
    they come after the words of more files (device.kit.kit_from_tags gives them the notes left), not of a word that
    kept its note (p53 review: "808 ... comes after the words of more files" of 808 on the C4 it had)."""
    from device.kit import drum_word
    if not isinstance(counts, dict):
        return []
    single = [n for n in _list(kit, "notes") if n.get("tag") and not drum_word(str(n["tag"]))
              and counts.get(n["tag"]) == 1]
    if not single:
        return []
    new = {r.get("word") for r in _list(kit, "words_moved") if r.get("was") is None}
    after = [n for n in single if n["tag"] in new]
    return [line for group, last in ((after, True), ([n for n in single if n not in after], False)) if group
            for line in [_one_file_line(group, library, last)]]


def _one_file_line(single: list[dict[str, Any]], library: str, last: bool) -> str:
    """one_file_lines' line of kit notes ``single``: ``last``, they took the notes left after the words of more
    files."""
    said = [f"{safe_text(str(n['tag']))} ({safe_text(str(n.get('name', n.get('note'))))} "
            f"{safe_text(str(n.get('file', '')))})" for n in single]
    lib = shlex.quote(safe_text(library))
    after = f", so {'it comes' if len(single) == 1 else 'they come'} after the words of more files" if last else ""
    return (f"{count_words(len(single), 'word')} of yours {'is' if len(single) == 1 else 'are'} on one file only"
            f"{after}: {_shown_words(said)}: a typo? hatbox box-library {lib} --fix FILE WORD gives the file the word "
            "you meant (then make the kit again)")


def _shown_words(items: list[str]) -> str:
    return ", ".join(items[:SHOWN]) + (", ..." if len(items) > SHOWN else "")


def _holds_loop(note: dict[str, Any]) -> bool:
    """Whether a drum word's note of ``long_files`` seems to hold a loop: device.kit.seems_loop (its length; a tempo,
    bars or a loop word in its name)."""
    from device.kit import seems_loop
    return seems_loop(str(note.get("file", "")), _seconds(note), str(note.get("tag")))


def _tags_asked(loop: Iterable[str], more: list[str], no_loop: set[str]) -> str:
    """" --loop bass,pad --no-loop break": the tags the producer named (``loop``, ``no_loop``) and ``more`` to loop."""
    on = ",".join(dict.fromkeys([safe_text(t.strip()) for t in loop if t.strip()] + more))
    off = ",".join(sorted(safe_text(t) for t in no_loop))
    return f" --loop {shlex.quote(on)}" + (f" --no-loop {shlex.quote(off)}" if off else "")


def older_box_lines(kit: dict[str, Any], asked: bool) -> list[str]:
    """A warning when `box-kit --from` named tags to loop (``asked``) and the box's answer carries no
    ``long_files``: a box from before the forty-ninth stop took no ``loop``/``no_loop``."""
    if not asked or "long_files" in kit:
        return []
    return ["warning: the box is of an older version: it took no --loop/--no-loop (its kit loops the tags named "
            "loop, loops, break or groove only): set a note to loop by hand, hatbox box-kit --map NOTE FILE --loop"]


def _seconds(note: dict[str, Any]) -> float:
    got = note.get("seconds")
    return float(got) if isinstance(got, (int, float)) else 0.0


def _timed(notes: list[dict[str, Any]]) -> str:
    """"E4 pad (pads/x.wav, 7.5 s), ..." for notes of ``long_files``."""
    return ", ".join(f"{safe_text(str(n.get('name', n.get('note'))))} {safe_text(str(n.get('tag') or ''))} "
                     f"({safe_text(str(n.get('file', '')))}, {_seconds(n):.1f} s)".replace("  (", " (")
                     for n in notes[:SHOWN]) + (", ..." if len(notes) > SHOWN else "")


def was_lines(kit: dict[str, Any], before: Any = None) -> list[str]:
    """`box-kit --map NOTE FILE`: what the note played before ("C3 plays kit/tom.wav now (was noise.wav, library
    kitA)"), [] when it played nothing (or the same); the same file set again says how it plays now ("C3 plays
    loops/b.wav as before, looped while held"), and that this changed where ``before`` (GET /kit before the map;
    None: not known) says it played otherwise ("..., now once per strike (it looped while held)": p52 final read
    FR1 #4, "as before" read as if the play mode was too)."""
    now = {n.get("note"): n for n in _list(kit, "notes")}
    looped = {n.get("note"): n.get("loop") is True for n in _list(before if isinstance(before, dict) else {}, "notes")}
    lines = []
    for old in _list(kit, "replaced"):
        new = now.get(old.get("note"), {})
        library = old.get("library_name") or old.get("library")
        if (new.get("library"), new.get("file")) == (old.get("library"), old.get("file")):   # p52 QA1: "was" it
            lines.append(f"{safe_text(str(old.get('name')))} plays {safe_text(str(old.get('file')))} as before, "
                         + _plays_now(new.get("loop") is True, looped.get(old.get("note"))))
            continue
        lines.append(f"{safe_text(str(old.get('name')))} plays {safe_text(str(new.get('file', '?')))} now (was "
                     f"{safe_text(str(old.get('file')))}, library {safe_text(str(library))})")
    return lines


def _plays_now(loop: bool, looped: bool | None) -> str:
    """How a note mapped again to its own file plays (``loop``), and how it played before where that differs
    (``looped``; None: not known)."""
    how = {True: "looped while held", False: "once per strike"}
    if looped is None or looped == loop:
        return how[loop]
    return f"now {how[loop]} (it {'looped while held' if looped else 'played once per strike'})"


def silenced_lines(kit: dict[str, Any]) -> list[str]:
    """GET /kit's ``silenced``: why notes left the kit ("note: library kitB was deleted by 'studio' (2024-05-01
    14:02): 4 kit notes went silent (kick.wav, snare.wav, ...)"), the newest last.  A loss this laptop's own deletion
    made (``by_you``) is left out: `box-library LIB --delete` listed those notes when it asked, and said them when it
    deleted (p46 QA: every `hatbox box-kit` after it told the laptop of its own deletion, until a new kit)."""
    lines = []
    for loss in _list(kit, "silenced"):
        if loss.get("by_you") is True:
            continue
        notes = [n for n in loss.get("notes") or [] if isinstance(n, dict)]
        when, by = when_words(loss.get("when")), str(loss.get("by") or "")
        files = ", ".join(safe_text(str(n.get("file"))) for n in notes[:SHOWN]) + (", ..." if len(notes) > SHOWN
                                                                                   else "")
        lines.append(f"note: library {_gone_label(loss)} was deleted"
                     + (f" by {safe_text(repr(by))}" if by else "") + (f" ({when})" if when else "")
                     + f": {count_words(len(notes), 'kit note')} went silent ({files})")
    return lines


def _gone_label(loss: dict[str, Any]) -> str:
    """A deleted library as the laptop names it: "kit (lib-kit-fa3293)", its name and id (p57 QA_D 9: five laptops'
    libraries called "kit", "library kit was deleted" said not which; the laptop cannot ask the box about one that is
    gone), its id alone without a name."""
    lid, name = safe_text(str(loss.get("library") or "")), safe_text(str(loss.get("library_name") or ""))
    return f"{name} ({lid})" if name and lid and name != lid else name or lid


def _list(kit: dict[str, Any], key: str) -> list[dict[str, Any]]:
    got = kit.get(key)
    return [n for n in got if isinstance(n, dict)] if isinstance(got, list) else []


def hot_lines(kit: dict[str, Any]) -> list[str]:
    """A ``warning:`` line for each note a kit change set whose sample peaks over full scale (the answer's ``hot``:
    a 32-bit float file at +6 dBFS; p43 formats QA: the box's limiter squashed it, 10 dB of distortion, without a
    word), with advice that works for its format (an MP3: a re-export, not sox: p51 QA); none from a box of an older
    version."""
    from device.library.hot import normalise_words
    hot = [n for n in kit.get("hot") or [] if isinstance(n, dict) and isinstance(n.get("peak_dbfs"), (int, float))]
    return [f"warning: {safe_text(str(n.get('name', n.get('note'))))} {safe_text(str(n.get('file', '')))} peaks at "
            f"{float(n['peak_dbfs']):+.1f} dBFS: the box's limiter will take that off; "
            f"{normalise_words(str(n.get('file', '')))} and send it again" for n in hot]


GONE_HINT = ("it was deleted meanwhile (by another computer, or on the box): hatbox box-library lists the libraries "
             "the box still holds")


def deleted_error(refused: HatboxError, lib: dict[str, Any]) -> HatboxError:
    """`box-kit --from LIB` whose library ``lib`` (GET /libraries' entry) the box no longer holds when it answers
    (``refused``: its 404): "library kitB was deleted by 'laptopB' (DATE); the kit is as it was", as the box says it
    when its kit history knows who (device.kit_history), else "library kitB was deleted; the kit is as it was" (p43
    regression QA: the bare "the box says: no library 'lib-kitb-c83967'", hint: list the libraries)."""
    said = str(refused.args[0] if refused.args else "").removeprefix("the box says: ")
    if not (said.startswith("library ") and " was deleted" in said):
        said = f"library {_gone_label({'library': lib.get('id'), 'library_name': lib.get('name')})} was deleted; " \
               "the kit is as it was"
    return HatboxError(said, hint=GONE_HINT)


def unlatched_by_map(before: Any, kit: dict[str, Any], note: int) -> list[str]:
    """`box-kit --map NOTE FILE` (no --loop) on a note whose loop latched: that it no longer does, as the panel says
    "(no longer latched)" (p52 QA1: the latch and loop went without a word); ``before``: GET /kit before the map
    (None: not known, nothing said)."""
    def latched(answer: Any) -> dict[str, Any] | None:
        notes = answer.get("notes") if isinstance(answer, dict) else None
        return next((n for n in notes or [] if isinstance(n, dict) and n.get("note") == note and n.get("latch")), None)
    was = latched(before)
    if was is None or latched(kit) is not None:
        return []
    name = safe_text(str(was.get("name") or note))
    now = next((n for n in _list(kit, "notes") if n.get("note") == note), {})
    return [f"{name}: no longer latched: it plays {safe_text(str(now.get('file', '?')))} once per strike "
            f"(hatbox box-kit --map {name} FILE --loop keeps a latched loop's latch)"]

