"""p43 names QA, item 6: a file name that starts with a dash, which argparse took for an option ("unrecognized
arguments"), is named as such with the ways to give it."""
from __future__ import annotations

import pytest

from hatbox.cli import main


def test_a_dash_name_says_how_to_give_it(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["library", "fix", str(tmp_path / "samples.db"), "-dash/-x.wav", "TAG"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "a name that starts with - : write ./-dash/-x.wav or put -- before it" in err


def test_after_an_option_its_value_form_is_said_too(capsys):
    with pytest.raises(SystemExit):
        main(["box-library", "kit", "--tag", "-snare"])
    err = capsys.readouterr().err
    assert "write ./-snare" not in err and "--tag=-snare" in err      # a tag, not a file (p43 regression QA)


@pytest.mark.parametrize("argv", [["library", "query", "x.db", "-k5", "--tag", "a"],
                                  ["library", "query", "x.db", "-k", "-1", "--tag", "a"],
                                  ["library", "fix", "x.db", "--", "-dash/-x.wav", "kick"]])
def test_short_options_negative_numbers_and_dashes_pass(argv, capsys):
    """What argparse takes is left to it (these fail later, on the range or the missing database, not on a dash)."""
    try:
        assert main(argv) != 0
    except SystemExit as stop:
        assert stop.code == 2
    assert "starts with -" not in capsys.readouterr().err
