"""One rule for the exit code of a stopped command and of a training stopped early (p45: hatbox.train_output kept a
table of four words beside hatbox.cli.stopped_code's rule, 128 + the signal's number)."""
from __future__ import annotations

import signal

import pytest

from hatbox import cli, train_output
from hatbox.errors import Terminated


def _stopped(word: str) -> BaseException:
    """What a command sees when ``word`` stops it (hatbox.cli's handlers raise Terminated(name) for a signal)."""
    return KeyboardInterrupt() if word == "Ctrl-C" else Terminated(word)


@pytest.mark.parametrize("word, code", [("Ctrl-C", 130), ("SIGINT", 130), ("SIGTERM", 143), ("SIGHUP", 129)])
def test_the_words_keep_their_codes(word: str, code: int) -> None:
    assert cli.stopped_code(_stopped(word)) == code
    assert train_output.stopped_code(f"{word} after 3 s, 2 of 9 steps") == code


@pytest.mark.parametrize("word", ["SIGQUIT", "SIGUSR1", "SIGPIPE", "SIGALRM"])
def test_a_training_and_a_command_stopped_by_one_signal_exit_alike(word: str) -> None:
    """Before: the trainers' table knew four words, so a training SIGQUIT stopped said exit code 130, the CLI 131."""
    expected = 128 + int(getattr(signal, word))
    assert cli.stopped_code(_stopped(word)) == expected
    assert train_output.stopped_code(f"{word} after 40 s of the 60 s budget") == expected
    assert train_output.stopped_line(word).endswith(f"exit code {expected}")


@pytest.mark.parametrize("word", ["", "later", "SIG_DFL", "SIGNOPE"])
def test_an_unknown_stop_is_an_interrupt(word: str) -> None:
    assert train_output.stopped_code(word) == 130 == cli.INTERRUPTED
