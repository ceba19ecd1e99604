"""p49 regression QA "loops2", the kit's words: a note set by hand from another library is "set by hand" (naming its
library), not "of other samples"; a file a hair over the sampler's 60 s no longer reads "1:00 long: the sampler plays
only its first 60 s"; a drum note's file whose name says loop/break/groove over 2 s is said among the possible loops."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

import hatbox.cmd_kit as cmd_kit
from device.audio.sample_decode import _duration, decode_file, loop_cut_words
from device.ui.faults import cut_sample, warning_lines
from hatbox.kit_words import hand_set, long_lines, replaced_lines

MINE = {"note": 60, "name": "C4", "library": "lib-samples", "library_name": "Samples", "file": "bass/b.wav",
        "tag": "bass"}
HAND = {"note": 36, "name": "C2", "library": "lib-names", "library_name": "Names", "file": "break 92 BPM.wav",
        "tag": None}
OTHER = {"note": 38, "name": "D2", "library": "lib-names", "library_name": "Names", "file": "snare.wav",
         "tag": "snare"}


# ---------------------------------------------------------------------------- 1. set by hand, whatever its library
def test_a_note_set_by_hand_from_another_library_is_said_set_by_hand() -> None:
    assert replaced_lines({"replaced": [HAND]}, "lib-samples", []) == [
        "replaced 1 note set by hand: C2 break 92 BPM.wav (library Names)"]
    assert replaced_lines({"replaced": [HAND, OTHER]}, "lib-samples") == [
        "replaced 1 note of other samples: D2 snare.wav",
        "replaced 1 note set by hand: C2 break 92 BPM.wav (library Names)"]
    no_name = {k: v for k, v in HAND.items() if k != "library_name"}
    assert replaced_lines({"replaced": [no_name]}, "lib-samples") == [
        "replaced 1 note set by hand: C2 break 92 BPM.wav (library lib-names)"]
    old = {k: v for k, v in HAND.items() if k != "tag"}        # a box of an older version: it cannot say
    assert replaced_lines({"replaced": [old]}, "lib-samples", []) == [
        "replaced 1 note of other samples: C2 break 92 BPM.wav"]


def test_hand_set_takes_a_null_tag_of_any_library() -> None:
    own_by_hand = {**MINE, "note": 61, "tag": None}
    old_own = {k: v for k, v in MINE.items() if k != "tag"}
    old_other = {k: v for k, v in OTHER.items() if k != "tag"}
    kit = {"notes": [MINE, HAND, OTHER, own_by_hand, old_own, old_other]}
    assert hand_set(kit, "lib-samples") == [HAND, own_by_hand, old_own]


def test_the_question_says_the_hand_set_note_of_another_library(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []

    def confirm(question: str, _not_done: str, _hint: str) -> bool:
        asked.append(question)
        return False
    monkeypatch.setattr(cmd_kit, "confirm", confirm)
    assert cmd_kit._may_replace({"notes": [HAND]}, "lib-samples") is False
    assert asked[-1] == ("the kit holds 1 note set by hand (C2 break 92 BPM.wav (library Names)): replace the whole "
                         "kit?")
    assert cmd_kit._may_replace({"notes": [OTHER, HAND]}, "lib-samples") is False
    assert asked[-1].startswith("the kit holds 1 note of other samples and 1 note set by hand (D2 snare.wav, C2 "
                                "break 92 BPM.wav (library Names)): ")
    assert cmd_kit._may_replace({"notes": [MINE]}, "lib-samples") is True and len(asked) == 2


# ---------------------------------------------------------------------------------- 3. lengths near the limit
def _sine(path: Path, seconds: float, rate: int) -> str:
    t = np.arange(int(round(seconds * rate))) / rate
    sf.write(path, (0.3 * np.sin(2 * np.pi * 100.0 * t)).astype(np.float32), rate, subtype="PCM_16")
    return str(path)


def test_a_file_a_hair_over_the_limit_reads_over_it(tmp_path: Path) -> None:
    key = _sine(tmp_path / "groove.wav", 60.1, 8000)
    got, warnings = decode_file(key, 8000, 60.0, loop=True)
    assert warnings == [f"{tmp_path.name}/groove.wav is 1:00.1 long: the sampler plays only its first 60 s"]
    said = loop_cut_words(key, got, 60.0)
    assert said is not None and "loops every 60 s, not at its own end (1:00.1 long)" in said
    assert cut_sample(warnings[0]) == f"{tmp_path.name}/groove.wav"          # the panel still finds the file
    assert warning_lines(warnings[0])[1] == f"{tmp_path.name}/groove.wav (1:00.1): only its first 60 s plays"


def test_length_words_keep_m_ss_away_from_the_limit() -> None:
    assert [_duration(s, 60.0) for s in (110.0, 61.2, 1200.0, 60.04, 60.0004, 60.5)] == [
        "1:50", "1:01", "20:00", "1:00.04", "1:00.001", "1:00.5"]
    assert _duration(60.1) == "1:00" and _duration(3600.05, 3600.0) == "1:00:00.1"


# ---------------------------------------------------------------------------- 4. a loop word in a drum note's file
def test_a_drum_note_whose_file_name_says_loop_is_among_the_possible_loops() -> None:
    def note(file: str, seconds: float) -> dict[str, Any]:
        return {"note": 49, "name": "C#3", "file": file, "tag": "cymbal", "seconds": seconds, "loop": False,
                "drum": True}
    lines = long_lines({"long_files": [note("loop-120.wav", 4.0), note("crash.wav", 4.0),
                                       note("fills/break_a.wav", 1.8)]}, "Names")
    assert len(lines) == 1 and lines[0].startswith("1 drum note holds files over 2 s (loops?): C#3 cymbal "
                                                   "(loop-120.wav, 4.0 s): a pad plays it once")
