"""p59 RD1 4 (M6), words: `device run`'s last line said "0.5 s played, before --seconds 0.5" when the input's end
and --seconds fell in one block; it says "before --seconds" only when --seconds is a block or more longer, and then
how to record an effect's tail (pad the input).  `pack inspect` said "(median of 0)" for a level fit without
per-note peaks."""
from __future__ import annotations

import argparse

from hatbox.cmd_device import _stopped_line
from hatbox.cmd_pack import level_fit_words

TAIL = "to record a delay's or reverb's tail, pad the input: sox"


def _line(ran: float, seconds: float | None, inp: str = "in.wav") -> str:
    args = argparse.Namespace(input=inp, seconds=seconds, rate=48000, block=128)
    args._ran_out = ran
    return _stopped_line(args, 0)


def test_the_end_says_before_seconds_only_a_block_or_more_before_it() -> None:
    for seconds in (0.5, 0.502):                                 # 0.502 s: 96 samples on, in the input's last block
        line = _line(0.5, seconds)
        assert line.startswith("the box stopped: its input in.wav ended (0.5 s played; the file backend"), line
        assert "--seconds" not in line and TAIL not in line
    assert "--seconds" not in _line(0.5, None) and TAIL not in _line(0.5, None)


def test_a_longer_seconds_is_said_with_the_way_to_record_a_tail() -> None:
    line = _line(0.3, 1.5)
    assert line.startswith("the box stopped: its input in.wav ended (0.3 s played, before --seconds 1.5; "), line
    assert line.endswith(f"until stopped); {TAIL} in.wav in-tail.wav pad 0 3"), line
    spaced = _line(0.3, 0.31, "my takes/gtr di.wav")              # 0.01 s: a block (2.7 ms) and more
    assert spaced.endswith(f"{TAIL} 'my takes/gtr di.wav' 'my takes/gtr di-tail.wav' pad 0 3"), spaced


def test_a_level_fit_without_per_note_peaks_says_no_count() -> None:
    fit = {"level_db": 15.9, "velocity": 100, "target_peak_dbfs": -6, "before": {"median_peak_dbfs": -21.9}}
    words = level_fit_words(fit, 15.9)
    assert words.endswith("its notes peaked at -21.9 dBFS before"), words
    fit["before"]["peaks_dbfs"] = {"flute": {"60": -22.0, "62": -21.8}}
    assert level_fit_words(fit, 15.9).endswith("its notes peaked at -21.9 dBFS before (median of 2)")
