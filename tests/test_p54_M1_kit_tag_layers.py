"""p54 M1 (QA_B finding 1), device.kit's half: files of two tags are one drum's layers only where their names differ
in velocity words ("SideStick-Soft" tagged snare, "SideStick-Hard" tagged percussion), not by a take number alone:
a folder of "hit_01.wav", "hit_02.wav", ... that the tagger hears as a kick, a snare and a hat is three drums.
Before, the first file placed left every other file sharing its name out of every tag (rumpf_kit_z01_h2: 7 notes)."""
from __future__ import annotations

from device.kit import kit_from_tags


def _kit(library: dict[str, list[str]], level: dict[str, float] | None = None) -> dict[int, str]:
    kit = kit_from_tags("lib", {t: len(f) for t, f in library.items()}, lambda tag, k: library[tag][:k],
                        families=True, level=None if level is None else level.__getitem__)
    return {n: e.file for n, e in kit.items()}


def test_take_numbered_files_of_three_tags_are_three_drums() -> None:
    kit = _kit({"kick": ["hits/hit_01.wav", "hits/hit_04.wav"], "snare": ["hits/hit_02.wav"],
                "hihat": ["hits/hit_03.wav"], "cymbal": ["hits/hit_05.wav"]})
    assert kit[36] == "hits/hit_01.wav" and kit[38] == "hits/hit_02.wav" and kit[42] == "hits/hit_03.wav"
    assert kit[49] == "hits/hit_05.wav"
    assert 35 not in kit                                # hit_04, a take of the kick's hit_01: one drum, one note


def test_one_tags_takes_are_still_one_drum_and_velocity_words_one_drum_across_tags() -> None:
    kit = _kit({"snare": ["Snare_01.wav", "Snare_02.wav", "SideStick-Soft.wav"],
                "percussion": ["SideStick-Hard.wav", "Cowbell_1.wav"]},
               {"Snare_01.wav": -1.0, "Snare_02.wav": -3.0, "SideStick-Soft.wav": -9.0, "SideStick-Hard.wav": -2.0,
                "Cowbell_1.wav": -4.0})
    assert kit == {38: "Snare_01.wav", 37: "SideStick-Soft.wav", 56: "Cowbell_1.wav"}
