def test_duration_words_says_seconds_minutes_and_hours() -> None:
    from hatbox.text import duration_words
    assert [duration_words(s) for s in (4.04, 59.9, 60, 1218, 35999, 36000, 44280)] == [
        "4.0 s", "59.9 s", "1.0 min", "20.3 min", "600.0 min", "10.0 h", "12.3 h"]


def test_pitch_errors_are_said_to_a_tenth_of_a_cent() -> None:
    from hatbox.cmd_pack import figure_lines, score_lines
    metrics = {"heldout_pitch_median_abs_cents": 0.000371, "heldout_pitch_p90_abs_cents": 3.4567}
    assert score_lines(metrics) == ["pitch error on held-out notes under 0.1 cents (median)"]
    assert figure_lines(metrics) == ["9 in 10 held-out notes are off their pitch by 3.5 cents"]


def test_a_one_timbre_synth_is_not_told_to_pick_four_corners() -> None:
    from hatbox.cmd_pack import timbres_line
    assert timbres_line(["flute"]).startswith("timbre: flute  (one timbre: the pad has nothing to blend")
    assert timbres_line(["a", "b"]).endswith("takes four of these, a name may be given more than once)")
    assert timbres_line(["a", "b", "c", "d"]).endswith("(hatbox play --corners takes four of these)")
