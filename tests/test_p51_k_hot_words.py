"""p51 beatmaker QA (K7): the peak warning for an MP3 suggested `sox IN.wav OUT.wav gain -n -1`, but Debian's sox
cannot read MP3: for a format sox cannot read it says to re-export from the DAW or editor at -1 dBFS."""
from __future__ import annotations

from device.library.hot import hot_words, normalise_words
from hatbox.kit_words import hot_lines


def test_an_mp3_s_advice_is_a_re_export_not_sox() -> None:
    for name in ("loops/break.mp3", "x/Lead.M4A", "a.opus"):
        said = normalise_words(name)
        assert "sox IN" not in said and "re-export it from your DAW or audio editor peaking at -1 dBFS" in said


def test_a_format_sox_reads_keeps_sox_with_its_own_suffix() -> None:
    assert normalise_words("kit/hat.flac") == "normalise it (e.g. sox IN.flac OUT.flac gain -n -1)"
    assert hot_words(6.0) == ("peaks at +6.0 dBFS: the box's limiter will take that off when it plays; normalise it "
                              "(e.g. sox IN.wav OUT.wav gain -n -1)")          # as the upload's check says it


def test_box_kit_s_warning_for_a_hot_mp3() -> None:
    line, = hot_lines({"hot": [{"note": 60, "name": "C4", "file": "loops/break.mp3", "peak_dbfs": 1.4}]})
    assert line.startswith("warning: C4 loops/break.mp3 peaks at +1.4 dBFS") and "sox" in line
    assert "sox IN" not in line and "re-export it from your DAW" in line
