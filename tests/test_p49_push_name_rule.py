"""p49 F2: `push-library --name` takes and refuses the names the box does (device/api/library_once.py
``library_name``: stripped first, then checked): a leading tab, which the box strips and takes, was refused."""
from __future__ import annotations

from pathlib import Path

import pytest

from device.api.errors import ApiError
from device.api.library_once import library_name
from hatbox.errors import HatboxError
from hatbox.library_push import check_name

NAMES = ["drums", "\tdrums", "drums\t", "\ndrums\n", "  drums  ", "\x1cdrums", "\u00a0drums", "\u2028drums",
         "dr\tums", "in\u200bv", "\x1bdrums", "drums\u202e", "", "   ", "\t", "808 kit", "ドラム"]


def _box_takes(name: str) -> bool:
    try:
        library_name(name)
    except ApiError:
        return False
    return True


def _laptop_takes(name: str) -> bool:
    try:
        check_name(name, True, Path("drums"))
    except HatboxError:
        return False
    return True


@pytest.mark.parametrize("name", NAMES, ids=[ascii(n) for n in NAMES])
def test_the_laptop_takes_a_name_exactly_when_the_box_does(name: str) -> None:
    assert _laptop_takes(name) == _box_takes(name)


def test_a_leading_tab_is_taken_as_the_box_takes_it() -> None:
    assert _box_takes("\tdrums") and _laptop_takes("\tdrums")


def test_a_name_with_an_invisible_character_is_still_refused_with_its_words() -> None:
    with pytest.raises(HatboxError, match=r"U\+200B ZERO WIDTH SPACE"):
        check_name("\tin\u200bv", True, Path("drums"))
