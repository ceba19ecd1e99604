"""p42 QA 4: `hatbox pack inspect` of a tagger of pads and risers said its held-out macro-F1 was "on samples of the kits
it trained on": no kits there.  It says what the held-out set is for every tagger: other files of its training data."""
from __future__ import annotations

from hatbox.cmd_pack import score_lines


def test_the_held_out_line_names_the_training_data_not_kits():
    (line,) = score_lines({"holdout_macro_f1": 0.7407})
    assert line.startswith("held-out macro-F1 0.741 (1 = every tag right; "), line
    assert "on other files of the folders or CSV it trained on" in line and "kit" not in line, line
