"""The clean-stop mark beside knobs.json (p45 review): it names the file's own ``kept_at``, so a write after it (a
later run that loaded a pack, kept its knobs, then lost power) makes it stale by itself, and the next start says "as
last kept at HH:MM", not "as they were left"."""
from __future__ import annotations

from pathlib import Path

from device.knob_store import KNOB_FILE, STOPPED, _set_mark, _take_mark, kept_bytes, written_at


def test_a_mark_from_a_clean_stop_is_taken_once(tmp_path: Path) -> None:
    path = tmp_path / KNOB_FILE
    path.write_bytes(kept_bytes({}, 100.0))
    _set_mark(path)
    assert _take_mark(path, written_at(path)) is True
    assert not path.with_name(path.name + STOPPED).exists() and _take_mark(path, written_at(path)) is False


def test_a_write_after_the_mark_makes_it_stale(tmp_path: Path) -> None:
    path = tmp_path / KNOB_FILE
    path.write_bytes(kept_bytes({}, 100.0))
    _set_mark(path)
    path.write_bytes(kept_bytes({}, 200.0))       # a later run kept its knobs, then the power went
    assert _take_mark(path, written_at(path)) is False
    assert not path.with_name(path.name + STOPPED).exists()


def test_a_knob_time_from_an_unset_clock_is_not_said() -> None:
    """A box with no battery clock at a gig with no network writes its knob file at 1970: "as last kept at
    1970-01-01 00:03" would be said; the time is left out."""
    from device.audio.held import SetKnob
    from device.clock import MADE
    from device.knob_store import restored_line, unkept_words
    knob = {"effect": [SetKnob("drive", 20.0, "dB", "")]}
    assert restored_line(knob, 180.0) == "knobs restored as last kept: effect.drive 20 dB"
    assert "as last kept at " in str(restored_line(knob, MADE + 3600.0))
    assert unkept_words("the box's disk is full", 180.0, True).endswith("they come back as last kept")
