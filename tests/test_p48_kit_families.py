"""p48 G2: a kit made from tags fills what an electronic drum kit sends.  Before, each tag got one note: with the
factory tagger's six words the kit was 36 38 42 45 49 56, every other pad of a drum module silent (open hat, pedal
hat, five toms, ride...), and the crash pad played Ride_bell.wav, the cymbal tag's most confident file.  Now a drum
word fills its family of General MIDI notes with different files of the tag, a file's name placing it first."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from device.audio.drum_pitch import drum_pitch_hz
from device.kit import kit_from_tags
from device.kit_families import FAMILIES, empty_drum_notes, empty_words, named_notes, says
from device.ui.kit_desk import MemoryKit

RATE = 48000


def hit(hz: float, seconds: float = 0.4, lead: int = 0) -> np.ndarray:
    """A tom-like hit [n] float32: a decaying sine at ``hz`` with a faster-decaying inharmonic partial and a little
    noise, after ``lead`` samples of silence."""
    t = np.arange(int(seconds * RATE)) / RATE
    x = 0.6 * np.sin(2 * np.pi * hz * t) * np.exp(-t * 9) + 0.2 * np.sin(2 * np.pi * 2.4 * hz * t) * np.exp(-t * 25)
    x += 0.02 * np.random.default_rng(int(hz)).standard_normal(t.size) * np.exp(-t * 40)
    return np.concatenate([np.zeros(lead), x]).astype(np.float32)


def _kit(library: dict[str, list[str]], pitch=None) -> dict[int, tuple[str, str]]:
    kit = kit_from_tags("lib", {t: len(f) for t, f in library.items()}, lambda tag, k: library[tag][:k],
                        families=True, pitch=pitch)
    return {n: (e.tag or "", e.file) for n, e in kit.items()}


def test_drum_pitch_finds_a_hits_low_peak_after_its_onset() -> None:
    for hz in (55.0, 80.0, 120.0, 160.0, 200.0, 440.0):
        assert drum_pitch_hz(hit(hz, lead=3000), RATE) == pytest.approx(hz, rel=0.01)
    assert math.isnan(drum_pitch_hz(np.zeros(4800, np.float32), RATE))
    assert math.isnan(drum_pitch_hz(np.zeros(0, np.float32), RATE))


def test_toms_of_80_120_160_200_hz_land_low_to_high_whatever_their_order(tmp_path: Path) -> None:
    from device.api.kit_routes import file_pitch
    order = {"toms/t1.wav": 160.0, "toms/t2.wav": 80.0, "toms/t3.wav": 200.0, "toms/t4.wav": 120.0}
    for rel, hz in order.items():
        (tmp_path / rel).parent.mkdir(exist_ok=True)
        sf.write(tmp_path / rel, hit(hz), RATE)
    kit = _kit({"tom": list(order)}, pitch=lambda rel: file_pitch(tmp_path / rel))
    assert kit == {41: ("tom", "toms/t2.wav"), 43: ("tom", "toms/t4.wav"), 45: ("tom", "toms/t1.wav"),
                   48: ("tom", "toms/t3.wav")}                         # a 4-tom kit: the notes modules send
    six = {f"t{i}.wav": 70.0 + 20 * ((i * 5) % 7) for i in range(1, 8)}
    kit = _kit({"tom": list(six)}, pitch=six.get)
    assert [six[kit[n][1]] for n in (41, 43, 45, 47, 48, 50)] == sorted(six[f] for f in list(six)[:6])
    assert _kit({"tom": ["x.wav"]}) == {45: ("tom", "x.wav")}              # one tom: 45, as before


def test_a_name_places_a_file_first_the_crash_pad_plays_a_crash_and_the_ride_a_ride() -> None:
    kit = _kit({"cymbal": ["cym/Ride_bell.wav", "cym/c1.wav", "cym/Crash_16.wav", "cym/RIDE20.wav", "cym/x.wav",
                           "cym/ChinaX.wav"]})
    assert kit[49][1] == "cym/Crash_16.wav" and kit[51][1] == "cym/RIDE20.wav"
    assert kit[53][1] == "cym/Ride_bell.wav" and kit[52][1] == "cym/ChinaX.wav"   # bell before ride; a china
    assert kit[57][1] == "cym/c1.wav" and kit[59][1] == "cym/x.wav"            # the rest in the kit's order
    assert 55 not in kit                                                    # a splash only by its name
    hats = _kit({"hihat": ["hh/hh1.wav", "hh/HH_pedal.wav", "Open Hats/03.wav", "hh/ClosedHat.wav"]})
    assert hats == {42: ("hihat", "hh/ClosedHat.wav"), 44: ("hihat", "hh/HH_pedal.wav"),
                    46: ("hihat", "Open Hats/03.wav")}                      # a folder's name says it too
    snares = _kit({"snare": ["s/Snare.wav", "s/SideStick.wav", "s/rimshot 2.wav", "s/snare2.wav"]})
    assert snares == {38: ("snare", "s/Snare.wav"), 40: ("snare", "s/rimshot 2.wav"),
                      37: ("snare", "s/SideStick.wav")}
    crashes = _kit({"cymbal": ["crash1.wav", "crash2.wav", "crash3.wav"]})
    assert crashes == {49: ("cymbal", "crash1.wav"), 57: ("cymbal", "crash2.wav")}   # no crash on the ride pads


def test_name_words_are_words_not_letters_inside_others() -> None:
    cymbal, snare = FAMILIES["cymbal"], FAMILIES["snare"]
    assert named_notes(cymbal, "pride.wav") == () and named_notes(snare, "trim.wav") == ()
    assert named_notes(cymbal, "CRASHES/01.wav") == (49, 57) and named_notes(snare, "XStick.wav") == (37,)
    assert says("openhat", "open") and says("hatopen", "open") and not says("opener", "open")


def test_no_file_plays_on_two_notes_and_one_note_words_keep_their_note() -> None:
    library = {"kick": ["k1.wav", "k2.wav", "shared.wav"], "snare": ["shared.wav", "s1.wav"],
               "hihat": ["h1.wav", "h2.wav"], "open hat": ["oh.wav"], "cymbal": ["c1.wav"], "crash": ["cr.wav"],
               "percussion": [f"p{i}.wav" for i in range(6)] + ["Cowbell.wav"], "dusty": ["d.wav"], "tom": []}
    kit = _kit(library)
    files = [f for _t, f in kit.values()]
    assert len(files) == len(set(files))
    assert kit[46] == ("open hat", "oh.wav") and kit[49] == ("crash", "cr.wav")     # their own note first
    assert kit[42] == ("hihat", "h1.wav") and kit[44] == ("hihat", "h2.wav")       # the family fills around it
    assert kit[51] == ("cymbal", "c1.wav") and kit[36] == ("kick", "k1.wav") and kit[35] == ("kick", "k2.wav")
    assert kit[56] == ("percussion", "Cowbell.wav") and kit[60] == ("dusty", "d.wav")   # own words: middle C up
    assert [kit[n][1] for n in (54, 58, 61, 62, 63, 64)] == [f"p{i}.wav" for i in range(6)]
    assert set(kit) == {35, 36, 38, 40, 42, 44, 46, 49, 51, 54, 56, 58, 60, 61, 62, 63, 64}


def test_the_empty_drum_notes_are_said_as_a_drummer_reads_them() -> None:
    kit = _kit({"kick": ["k.wav"], "snare": ["s.wav"], "hihat": ["h.wav", "ho.wav"]})
    assert kit[46] == ("hihat", "ho.wav")                                  # the open hat pad plays the second hat
    assert empty_drum_notes(kit) == [35, 37, 39, 40, 41, 43, 44, 45] + list(range(47, 60))
    assert empty_words([37, 39, 46]) == "37 side stick, 39 clap, 46 open hi-hat"
    assert empty_drum_notes(range(35, 60)) == []


def test_without_families_a_tag_still_gets_one_note_and_the_panels_memory_kit_works() -> None:
    files = {"kick": ["a.wav", "b.wav"], "hihat": ["h.wav", "o.wav"]}
    kit = kit_from_tags("lib", {"kick": 2, "hihat": 2}, lambda tag, k: files[tag][:k])
    assert sorted(kit) == [36, 42]
    desk = MemoryKit(library={"kick": ["/l/a.wav", "/l/b.wav"], "snare": ["/l/s.wav"]})
    assert "2 notes" in desk.from_library() and sorted(desk.pads()) == [36, 38]
    assert desk.pads()[36].path == "/l/a.wav"


def test_a_drums_velocity_layers_do_not_fill_its_family() -> None:
    """The kick's soft layer on 35, the closed hat's soft layer on the open hat's pad: one drum, one note."""
    kit = _kit({"kick": ["kick/Kick-Hardest.wav", "kick/Kick-Soft.wav", "kick/Kick-Softest.wav"],
                "hihat": ["hh/Closed_v3.wav", "hh/Closed_v1.wav", "hh/Open_ff.wav", "hh/Open_pp.wav"],
                "tom": ["Tom1_hard.wav", "Tom1_soft.wav", "Tom2_hard.wav"]})
    assert kit == {36: ("kick", "kick/Kick-Hardest.wav"), 42: ("hihat", "hh/Closed_v3.wav"),
                   46: ("hihat", "hh/Open_ff.wav"), 45: ("tom", "Tom1_hard.wav"), 48: ("tom", "Tom2_hard.wav")}


def test_each_drum_of_a_family_plays_its_loudest_layer_and_no_layer_of_a_drum_already_placed() -> None:
    levels = {"Snare.wav": -1.0, "Crash-Soft.wav": -18.0, "Crash-Hardest.wav": -1.0, "Ride-Med.wav": -9.0,
              "Ride-Hard.wav": -3.0, "24Ride-4.wav": -6.0, "24Ride-5.wav": -2.0, "SideStick-Soft.wav": -20.0,
              "SideStick-Hard.wav": -2.0}
    library = {"cymbal": ["Crash-Soft.wav", "Ride-Med.wav", "24Ride-4.wav", "Crash-Hardest.wav", "Ride-Hard.wav",
                          "24Ride-5.wav"],
               "snare": ["Snare.wav", "SideStick-Soft.wav"], "percussion": ["SideStick-Hard.wav"]}
    kit = kit_from_tags("lib", {t: len(f) for t, f in library.items()}, lambda tag, k: library[tag][:k],
                        families=True, level=levels.__getitem__)
    assert {n: e.file for n, e in kit.items()} == {
        49: "Crash-Hardest.wav", 51: "Ride-Hard.wav", 59: "24Ride-5.wav",       # "24Ride-4": a layer of 24Ride-5
        38: "Snare.wav", 37: "SideStick-Soft.wav"}                  # the percussion tag's SideStick: that drum again
