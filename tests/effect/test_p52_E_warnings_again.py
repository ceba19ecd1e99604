"""p52 QA2 #5: a training's warnings were said once, before the progress lines; after a long run the one that says
the box will refuse the pack (recordings at 44.1 kHz) had scrolled away.  Such warnings are now said again after
training, marked "again"; the others still once."""
from __future__ import annotations

from hatbox.train_output import AGAIN, WARNING, say_summary, say_warnings

RATE = ("the recordings are at 44100 Hz but the box runs at 48000 Hz and will refuse this pack; resample the "
        "recordings to 48000 Hz (e.g. sox in.wav -r 48000 out.wav, for every file in pairs.csv) and train again")
POLARITY = "the gear inverts the signal's polarity (pairs.csv line 2): that is learned as it is"
AFTER = "the held-out error is 0.3: not close yet"


def test_p52_E_a_refusal_said_before_training_is_said_again_after_it(capsys):
    say_warnings([RATE, POLARITY, AFTER], said=[RATE, POLARITY])
    err = capsys.readouterr().err.splitlines()
    assert err == [f"{WARNING}{AFTER}", f"{WARNING}{AGAIN}{RATE}"]       # the new one, then the refusal again


def test_p52_E_nothing_is_said_again_when_nothing_decides_the_box(capsys):
    say_warnings([POLARITY, AFTER], said=[f"{WARNING}{POLARITY}"])
    assert capsys.readouterr().err.splitlines() == [f"{WARNING}{AFTER}"]


def test_p52_E_the_summary_says_a_refusal_again_too(capsys):
    say_summary(f"wrote x.hatpack\n{WARNING}{RATE}\n  hint: sox\n{WARNING}{POLARITY}\nnext: push it",
                said=[f"{WARNING}{RATE}", f"{WARNING}{POLARITY}"])
    out, err = capsys.readouterr()
    assert out.splitlines() == ["wrote x.hatpack", "next: push it"]
    assert err.splitlines() == [f"{WARNING}{AGAIN}{RATE}", "  hint: sox"]
