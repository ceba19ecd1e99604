"""One helper each for the training-time words (`hatbox effect` and `hatbox pack info`) and for the counted pitch
share (`hatbox pack info` and the synth's report.md) (FR2 finding 8 of the fifty-fourth stop)."""
from hatbox.cmd_effect import seconds_words, time_text
from hatbox.cmd_pack import pitch_share_line, score_lines, share_count


def test_one_training_time_wording_two_roundings() -> None:
    m = {"steps": 188, "train_steps": 188, "train_seconds": 60.2, "load_check_seconds": 7.7}
    assert seconds_words(m) == "60.2 s of training; 7.7 s loading and checking"
    assert seconds_words(m, ".0f") == "60 s of training; 8 s loading and checking"
    assert time_text(m) == "188 steps in 60.2 s of training; 7.7 s loading and checking"
    assert score_lines(m)[-1] == "trained 188 steps in 60 s of training; 8 s loading and checking"
    assert seconds_words({"train_seconds": 60.2}) == "60.2 s"


def test_one_count_of_the_pitch_share() -> None:
    assert share_count({"heldout_notes": 2}, "heldout") == (1, 2)
    assert share_count({"train_set_notes": 1}, "train_set") == (1, 1)
    assert share_count({"heldout_notes": 10}, "heldout") is None
    assert share_count({"heldout_notes": True}, "heldout") is None
    line = pitch_share_line("train_set_pitch_p90_abs_cents", {"train_set_pitch_p90_abs_cents": 12.4,
                                                              "train_set_notes": 2})
    assert line.startswith("1 of 2 training notes is off its pitch by")
