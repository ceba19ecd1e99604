"""p56 F2 item 3: a sample put on a pad or a pad cleared on the panel's Kit page was not logged; its line is the
panel's (device.panel_log: "panel: ...", box.log and changes.log), in the API's words for a note (number and
name).  These are the words; the box's Kit page says them through device/api/box_kit.py BoxKit.assign/clear."""
from __future__ import annotations

import logging

import pytest

from device.logs import CHANGE
from device.panel_log import PANEL_LOG, kit_note_words, said_change


def test_a_pad_set_or_cleared_in_words() -> None:
    lib = "/store/libraries/lib-kit-3f2a/files/kit"
    assert kit_note_words(36, f"{lib}/boom.wav") == "kit note 36 (C2) plays boom.wav"
    assert kit_note_words(36, f"{lib}/boom.wav", f"{lib}/old kick.wav") == (
        "kit note 36 (C2) plays boom.wav (was old kick.wav)")
    assert kit_note_words(60, f"{lib}/loop.wav", loop=True, same=True) == "kit note 60 (C4) plays loop.wav, looped"
    assert kit_note_words(60, f"{lib}/loop.wav", same=True) == "kit note 60 (C4) plays loop.wav, one-shot (no loop)"
    # "same" is the caller's (p56 MF2: decided on library and file); two equal paths are no longer taken for it
    assert kit_note_words(60, f"{lib}/loop.wav", f"{lib}/loop.wav") == (
        "kit note 60 (C4) plays loop.wav (was loop.wav)")
    assert kit_note_words(38, None, f"{lib}/crack.wav") == "kit note 38 (D2) cleared (it played crack.wav)"


def test_the_words_are_a_panel_change(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger=PANEL_LOG)
    said_change(kit_note_words(38, None, "kit/crack.wav"))
    record = caplog.records[-1]
    assert record.getMessage() == "panel: kit note 38 (D2) cleared (it played crack.wav)"
    assert getattr(record, CHANGE, False)
