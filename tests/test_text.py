def test_duration_words_says_seconds_minutes_and_hours() -> None:
    from hatbox.text import duration_words
    assert [duration_words(s) for s in (4.04, 59.9, 60, 1218, 35999, 36000, 44280)] == [
        "4.0 s", "59.9 s", "1.0 min", "20.3 min", "600.0 min", "10.0 h", "12.3 h"]
