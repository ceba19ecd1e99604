"""p53 QA T1: a producer's own words keep their pads when the kit is made again of the same library (a re-tag
changed how many files carry each word, and every pad moved without a word); `box-kit --from` says the words that
moved, are new, or sit on one file only; the hints for unplaced files name one free note each."""
from __future__ import annotations

from typing import Any

from device.kit import KitNote, kept_words, kit_from_tags, word_moves
from device.notes import note_name
from hatbox.kit_words import moved_lines, one_file_lines, unplaced_lines

LIB = "lib-samples"


def _best(files: dict[str, list[str]]) -> Any:
    return lambda tag, k: files[tag][:k]


def _files(counts: dict[str, int]) -> dict[str, list[str]]:
    return {tag: [f"{tag}/{i}.wav" for i in range(n)] for tag, n in counts.items()}


def _words(kit: dict[int, KitNote]) -> dict[str, int]:
    return {e.tag: n for n, e in kit.items() if e.tag}


def test_a_word_keeps_its_note_when_the_counts_change_and_new_words_take_free_notes() -> None:
    first = {"808": 9, "dusty": 7, "punchy": 5, "airy": 3}
    kit = kit_from_tags(LIB, first, _best(_files(first)))
    assert _words(kit) == {"808": 60, "dusty": 61, "punchy": 62, "airy": 63}
    again = {"808": 2, "dusty": 12, "punchy": 4, "airy": 8, "keep": 10}      # a retrained pack's re-tag
    remade = kit_from_tags(LIB, again, _best(_files(again)), keep=kept_words(kit, LIB))
    assert _words(remade) == {"808": 60, "dusty": 61, "punchy": 62, "airy": 63, "keep": 64}
    assert kit_from_tags(LIB, again, _best(_files(again)))[60].tag == "dusty"     # without keep: by count, as before


def test_kept_words_are_the_libraries_own_words_only_and_a_taken_note_moves_the_word() -> None:
    old = {60: KitNote(60, LIB, "a.wav", tag="808"), 61: KitNote(61, "other", "b.wav", tag="dusty"),
           36: KitNote(36, LIB, "k.wav", tag="kick"), 62: KitNote(62, LIB, "c.wav"),
           63: KitNote(63, LIB, "d.wav", tag="808")}
    assert kept_words(old, LIB) == {"808": 60}           # not another library's, a drum word's, nor by hand
    counts = {"bongo": 1, "808": 3, "airy": 2}            # General MIDI's bongo is 60: it takes the note back
    kit = kit_from_tags(LIB, counts, _best(_files(counts)), keep={"808": 60, "airy": 61})
    assert _words(kit) == {"bongo": 60, "808": 62, "airy": 61}


def test_one_file_words_come_last_even_among_families() -> None:
    counts = {"metalic": 1, "dusty": 2, "kick": 3, "zzz": 4}
    kit = kit_from_tags(LIB, counts, _best(_files(counts)), families=True)
    assert [kit[n].tag for n in sorted(n for n in kit if n >= 60)] == ["zzz", "dusty", "metalic"]


def _answer(kit: dict[int, KitNote]) -> dict[str, Any]:
    return {"notes": [{"note": n, "name": note_name(n), "library": e.library, "file": e.file, "tag": e.tag,
                       "loop": e.loop} for n, e in sorted(kit.items())]}


def test_moved_and_new_words_are_said_against_the_kit_replaced() -> None:
    before = {60: KitNote(60, LIB, "a.wav", tag="808"), 61: KitNote(61, LIB, "b.wav", tag="dusty"),
              62: KitNote(62, LIB, "c.wav", tag="gone"), 36: KitNote(36, LIB, "k.wav", tag="kick")}
    after = {60: KitNote(60, LIB, "a.wav", tag="bongo"), 61: KitNote(61, LIB, "b2.wav", tag="dusty"),
             62: KitNote(62, LIB, "x.wav", tag="808"), 63: KitNote(63, LIB, "k.wav", tag="keep")}
    moves = word_moves(before, after, LIB)
    assert moves == [("808", 60, 62), ("keep", None, 63), ("gone", 62, None)]   # by the tag chosen, not the file's
    lines = moved_lines({"words_moved": [{"word": w, "was": a, "now": b} for w, a, b in moves]})
    assert lines[0] == "1 word of yours moved to another note: 808 C4 -> D4"
    assert lines[1] == "new word on the kit (free notes from middle C up): keep D#4"
    assert lines[2].endswith("gone (was D4)")
    assert word_moves(after, after, LIB) == [] and moved_lines({}) == []     # a box of an older version: nothing
    assert word_moves({}, after, LIB) == []                                  # a first kit of the library


def test_a_word_on_one_file_is_said() -> None:
    kit = _answer({60: KitNote(60, LIB, "pads/a.wav", tag="airy"), 61: KitNote(61, LIB, "x/typo.wav", tag="metalic"),
                   36: KitNote(36, LIB, "k.wav", tag="kick")})
    kit["words_moved"] = [{"word": "metalic", "was": None, "now": 61}]      # new to the kit: it came after (M4)
    [line] = one_file_lines(kit, {"airy": 5, "metalic": 1, "kick": 1}, "Samples")
    assert "metalic (C#4 x/typo.wav)" in line and "airy" not in line and "kick" not in line
    assert "after the words of more files" in line and "box-library Samples --fix FILE WORD" in line
    assert one_file_lines(kit, None, "Samples") == []


def test_each_unplaced_word_is_offered_a_note_of_its_own() -> None:
    words = ["808", "dusty", "airy", "punchy", "keep", "metallic"]
    kit = _answer({60 + i: KitNote(60 + i, LIB, f"{w}/0.wav", tag=w) for i, w in enumerate(words)})
    lines = unplaced_lines(kit, {w: 3 for w in words}, "Samples", lambda tag, n: [f"{tag}/{i}.wav" for i in range(n)])
    offered = [line.split("--map ")[1].split()[0] for line in lines]
    assert len(offered) == 6 and len(set(offered)) == 6
    assert set(offered).isdisjoint(note_name(60 + i) for i in range(6))
