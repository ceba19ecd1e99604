"""The panel draws a name the same whichever Unicode form it comes in: a file zipped or copied on a Mac has its
accents decomposed (NFD: "u" and a combining diaeresis), which pygame's built-in font has no glyph for, so the
whole name fell to the fallback face (DejaVu Sans Bold: larger and bolder than its NFC neighbours on the Library
page).  device/ui/fonts.py normalises text to NFC before it picks a face, measures or renders it."""
from __future__ import annotations

import unicodedata
from typing import Any

import pygame
import pytest

from device.ui.draw import Fonts

NFC = "kick ü 02.wav"
NFD = unicodedata.normalize("NFD", NFC)


@pytest.fixture()
def fonts(pg: Any) -> Fonts:
    return Fonts()


def test_nfd_name_is_drawn_in_the_same_face_and_size_as_nfc(fonts: Fonts) -> None:
    assert NFD != NFC
    assert fonts.size(NFD, 24) == fonts.size(NFC, 24)
    a, b = fonts.render(NFC, 24, (255, 255, 255)), fonts.render(NFD, 24, (255, 255, 255))
    assert a.get_size() == b.get_size()
    assert pygame.image.tobytes(a, "RGBA") == pygame.image.tobytes(b, "RGBA")


def test_nfd_name_picks_the_built_in_face(fonts: Fonts) -> None:
    assert fonts.face(NFD) == fonts.face(NFC) is None        # pygame's built-in font draws "ü"
