"""p51 beatmaker QA (K5): a 2.009 s tom was listed as a drum note holding a file "over 2 s (loops?) ... 2.0 s": the
words contradicted each other, and a ringing tom is no loop.  A length is said over a limit only where it reads over
it to a tenth, and a tom (as a cymbal) may ring longer before it is taken for a loop, unless its name says a loop."""
from __future__ import annotations

from device.kit import seems_loop
from hatbox.kit_words import long_lines


def _long(file: str, seconds: float, tag: str) -> dict:
    return {"note": 45, "name": "A2", "file": file, "tag": tag, "seconds": seconds, "loop": False, "drum": True}


def test_a_ringing_tom_is_not_taken_for_a_loop() -> None:
    assert not seems_loop("kit/Tom_Lo.wav", 2.009, "tom") and not seems_loop("kit/floor.wav", 3.6, "floor tom")
    assert long_lines({"long_files": [_long("kit/Tom_Lo.wav", 2.01, "tom")]}, "lib") == []


def test_a_tom_whose_name_says_a_loop_or_that_is_very_long_still_is() -> None:
    assert seems_loop("loops/tom_groove_90bpm.wav", 2.6, "tom") and seems_loop("kit/tom.wav", 4.2, "tom")


def test_a_kick_just_over_two_seconds_is_not_said_as_over_2_s_at_2_0_s() -> None:
    assert long_lines({"long_files": [_long("kit/kick808.wav", 2.01, "kick")]}, "lib") == []
    line, = long_lines({"long_files": [_long("kit/kick808.wav", 2.2, "kick")]}, "lib")
    assert "over 2 s (loops?)" in line and "2.2 s" in line
