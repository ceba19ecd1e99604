"""p54 M1 (QA_B findings 1 and 2): a kit made from a real Hydrogen kit.

1. rumpf_kit_z01_h2 names every file "beats_NN-NN.flac"; layer_key stripped every trailing number group, so all of
   them were one drum's velocity layers: once a tom was on a note every other file was left out, and `box-kit
   --from` filled 7 notes (toms and one percussion), no kick, snare, hat or cymbal.  A name whose identity is its
   numbers now keeps them; one take number after a name ("24Ride-5", "bd_01") still marks a drum's layers.
2. VariBreaks' hats are "VP Hat 1 Op", "VP Hat 3 Cl", "VP Hat 1 Pd": the closed hat went to the open hat's pad 46
   and the open one to no note.  The short words Hydrogen's kits and sample packs use now place a hat."""
from __future__ import annotations

import pytest

from device.kit_families import FAMILIES, fill, layer_key, placing, without_take_number
from tests.test_p54_M1_kit_tag_layers import _kit

HIHAT = FAMILIES["hihat"]


@pytest.mark.parametrize("a, b", [("beats_08-20.flac", "beats_08-32.flac"), ("beats_08-32.flac", "beats_06-25.flac"),
                                  ("01-02.wav", "01-03.wav"), ("Kit 3-1.wav", "Kit 3-2.wav")])
def test_a_name_of_numbers_is_a_drum_of_its_own(a: str, b: str) -> None:
    assert layer_key(a) != layer_key(b)


@pytest.mark.parametrize("a, b", [("24Ride-4.wav", "24Ride-5.wav"), ("bd_01.flac", "bd_04.flac"),
                                  ("HH2_01.aiff", "HH2_05.aiff"), ("Crash18-0.wav", "Crash18-3.wav"),
                                  ("kick/Kick-Soft.wav", "kick/Kick-Hardest.wav"), ("Snare_v1.wav", "Snare_v3.wav")])
def test_one_take_number_or_a_velocity_word_still_marks_one_drums_layers(a: str, b: str) -> None:
    assert layer_key(a) == layer_key(b)


def test_only_the_last_number_after_a_name_is_a_take() -> None:
    assert without_take_number("24Ride-5") == "24Ride" and without_take_number("HH2_01") == "HH2"
    assert without_take_number("beats_08-20") == "beats_08-20" and without_take_number("01-02") == "01-02"
    assert without_take_number("Tom1") == "Tom1" and without_take_number("Kick") == "Kick"


def test_a_kit_of_beats_nn_nn_files_fills_kick_snare_hats_and_cymbals() -> None:
    """rumpf_kit_z01_h2 as the factory tagger tags it (the tags' first files, as the box ranks them)."""
    library = {"tom": ["beats_02-11.flac", "beats_02-10.flac", "beats_08-22.flac", "beats_07-11.flac"],
               "kick": ["beats_08-20.flac", "beats_08-32.flac", "beats_01-10.flac"],
               "snare": ["beats_06-25.flac", "beats_06-28.flac", "beats_01-21.flac"],
               "hihat": ["beats_06-30.flac", "beats_06-38.flac", "beats_07-18.flac"],
               "cymbal": ["beats_06-40.flac", "beats_06-43.flac", "beats_06-46.flac"],
               "percussion": ["beats_06-26.flac", "beats_09-10.flac"]}
    kit = _kit(library)
    for note in (36, 35, 38, 40, 42, 46, 44, 49, 51, 57, 56, 54):
        assert note in kit, f"{note} empty: {kit}"
    assert kit[36] == "beats_08-20.flac" and kit[38] == "beats_06-25.flac" and kit[42] == "beats_06-30.flac"
    assert len(set(kit.values())) == len(kit)                       # still no file on two notes


def test_a_kits_take_numbers_still_fill_one_note_per_drum() -> None:
    """Millo_MultiLayered3: bd_01..bd_04 are one kick's layers, so 35 stays empty rather than play a soft kick."""
    kit = _kit({"kick": ["bd_01.flac", "bd_02.flac", "bd_03.flac"], "cymbal": ["rc_01.flac", "cc_01.flac",
                                                                              "rc_02.flac", "cc_02.flac"]})
    assert kit[36] == "bd_01.flac" and 35 not in kit
    cymbals = sorted(f for n, f in kit.items() if n != 36)
    assert [f[:2] for f in cymbals] == ["cc", "rc"], kit         # one file of each cymbal drum, none of its takes


@pytest.mark.parametrize("name, note", [
    ("VP Hat 1 Op.flac", 46), ("VP Hat 3 Cl.flac", 42), ("VP Hat 1 Pd.flac", 44),   # VariBreaks
    ("EE_Hat_Op_Dirty.flac", 46), ("EE_Hat_Cl_Bs.flac", 42),                        # ElectricEmpireKit
    ("Hard_CHH_01.flac", 42), ("FX_Chh_01.flac", 42), ("Hard_Hse_OHH_1.flac", 46),  # HardElectro1
    ("closehihat3.flac", 42), ("HH Opn.wav", 46), ("Cls HH.wav", 42), ("HH Ped.wav", 44), ("PHH_2.wav", 44)])
def test_short_hat_words_place_a_hat(name: str, note: int) -> None:
    assert placing(HIHAT, name) == ((note,), False)


@pytest.mark.parametrize("name", ["Clap.wav", "top hat.wav", "opera.wav", "Chop.wav", "hats/Hat 2.wav",
                                  "OP-1/hihat 2.wav", "OP-1 Kits/hats/hat_03.wav", "Drums/OP-1/HiHat A.wav",
                                  "PD-8/hat.wav", "Close/HiHat_01.wav", "HHats/Hat Sped.wav", "hats/XOp.wav",
                                  "hats/HH_Ops.wav", "hats/HatStop.wav", "hats/Hat Clp.wav"])
def test_letters_inside_other_words_place_nothing(name: str) -> None:
    assert placing(HIHAT, name) == ((), False)


def test_varibreaks_hats_the_closed_hat_on_42_the_open_on_46_the_pedal_on_44() -> None:
    hats = ["VP Hat 3 Cl.flac", "VP Hat 2 Cl.flac", "VP Hat 1 Pd.flac", "VP Hat 1 Op.flac", "VP Hat 1 Cl.flac"]
    assert fill(HIHAT, hats, lambda n: True) == {42: "VP Hat 3 Cl.flac", 46: "VP Hat 1 Op.flac",
                                                 44: "VP Hat 1 Pd.flac"}
