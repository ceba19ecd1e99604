"""p54 MR3a (review R3, findings 1 and 2): the short hat words and the take numbers of a kit made from tags.

1. The short hat words (op, opn, cl, cls, pd, ped, phh, close) were matched in folder names ("OP-1/", "PD-8/") and
   with letters attached ("Hat Sped", "XOp"), and "close" beat "open": an open hat recorded on the close mic
   ("Hat_Open_Close.wav") went to the closed hat's 42, and a close-mic set left 46 empty.
2. A take number after a drum's size or number ("Kick 1_01", "Snare 2-2", "Crash 16 - 2") made each take a drum of
   its own: a second pad (35, 40, 57) played another take of the same drum."""
from __future__ import annotations

import pytest

from device.kit_families import FAMILIES, fill, layer_key, placing, without_take_number
from tests.test_p54_M1_kit_tag_layers import _kit

HIHAT = FAMILIES["hihat"]


@pytest.mark.parametrize("name", ["Hat_Open_Close.wav", "HiHat Open (close mic).wav", "kit/Hat Open Close.wav",
                                  "Close Mics/Hat Open.wav"])
def test_an_open_hat_on_the_close_mic_is_the_open_hat(name: str) -> None:
    assert placing(HIHAT, name) == ((46,), False)


@pytest.mark.parametrize("name, note", [("Hat Close.wav", 42), ("HiHatClose.wav", 42), ("HatOp.wav", 46),
                                        ("ClHat.wav", 42), ("Hat_Pd_2.wav", 44), ("Hats/Op/Hat Cl 1.wav", 42)])
def test_short_hat_words_of_the_files_own_name_still_place_it(name: str, note: int) -> None:
    assert placing(HIHAT, name) == ((note,), False)


@pytest.mark.parametrize("files", [
    ["Drums/OP-1/HiHat A.wav", "Drums/OP-1/HiHat B.wav", "Drums/OP-1/HiHat C.wav"],
    ["Close/HiHat A.wav", "Close/HiHat B.wav", "Close/HiHat C.wav"],
    ["kit/Hat Closed Close.wav", "kit/Hat Open Close.wav", "kit/Hat Pedal Close.wav"]])
def test_a_folder_or_mic_word_leaves_every_hat_pad_filled(files: list[str]) -> None:
    placed = fill(HIHAT, files, lambda n: True)
    assert sorted(placed) == [42, 44, 46], placed
    if "Hat Open Close" in files[1]:
        assert placed == {42: files[0], 46: files[1], 44: files[2]}


@pytest.mark.parametrize("a, b", [("Kicks/Kick 1_01.wav", "Kicks/Kick 1_02.wav"),
                                  ("Snare 2-1.wav", "Snare 2-3.wav"), ("Crash 16 - 1.wav", "Crash 16 - 2.wav"),
                                  ("Crash 18-0.wav", "Crash18-3.wav"), ("Crash_18_1.wav", "Crash 18-0.wav"),
                                  ("Ride 20_01.wav", "Ride 20_02.wav"), ("HH 14_1.wav", "HH 14_2.wav")])
def test_a_take_after_a_drums_number_is_a_layer_of_that_drum(a: str, b: str) -> None:
    assert layer_key(a) == layer_key(b)


@pytest.mark.parametrize("a, b", [("Kick 1_01.wav", "Kick 2_01.wav"), ("Crash 16 - 1.wav", "Crash 18 - 1.wav"),
                                  ("beats_08-20.flac", "beats_08-32.flac"), ("Kit 3-1.wav", "Kit 3-2.wav")])
def test_the_drums_own_number_still_tells_drums_apart(a: str, b: str) -> None:
    assert layer_key(a) != layer_key(b)


def test_without_take_number_keeps_a_drums_size() -> None:
    assert without_take_number("Crash 16 - 2") == "Crash 16" and without_take_number("Kick 1_01") == "Kick 1"
    assert without_take_number("beats_08-20") == "beats_08-20"


def test_takes_of_one_numbered_drum_fill_one_note_each() -> None:
    kit = _kit({"kick": ["Kicks/Kick 1_01.wav", "Kicks/Kick 1_02.wav", "Kicks/Kick 1_03.wav"],
                "snare": ["Snares/Snare 2-1.wav", "Snares/Snare 2-2.wav", "Snares/Snare 2-3.wav"],
                "cymbal": ["Cym/Crash 16 - 1.wav", "Cym/Crash 16 - 2.wav", "Cym/Crash 16 - 3.wav"]})
    assert kit == {36: "Kicks/Kick 1_01.wav", 38: "Snares/Snare 2-1.wav", 49: "Cym/Crash 16 - 1.wav"}


def test_a_crash_tagged_crash_keeps_its_takes_off_the_cymbal_familys_pads() -> None:
    """The producer re-tags one take "crash": the cymbal tag's other takes of it are still that crash, not 57."""
    kit = _kit({"crash": ["Crash_1.wav"], "cymbal": ["Crash_2.wav", "Crash_3.wav", "Ride_1.wav"]})
    assert kit == {49: "Crash_1.wav", 51: "Ride_1.wav"}
