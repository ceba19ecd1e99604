"""p46: the box's answer to an upload and the watch's 30 s give-up raced.  The give-up could claim the box gone (and
send the main thread its SIGINT) while the answer was being taken; the SIGINT then landed after the answer, so a
pushed pack the box had answered for became "the box stopped answering" or a stray Ctrl-C later in the command.
Now the two are exclusive: whichever is claimed first under the watch's lock wins, and a give-up's SIGINT still on
its way when the answer was taken is absorbed on leaving the watch.

The interleaving is forced: the give-up's signal is held back (the real ``pthread_kill`` sent 50 ms late, as a busy
laptop may deliver it) until after the request returned inside the watch."""
from __future__ import annotations

import signal
import threading
import time
from typing import Any, Iterator

import pytest

from hatbox import upload_watch
from hatbox.upload_watch import AnswerWatch


@pytest.fixture
def late_kill(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The give-up's ``signal.pthread_kill``, delivered for real 50 ms after it is called; yields the signals asked."""
    if threading.get_ident() != threading.main_thread().ident or not hasattr(signal, "pthread_kill"):
        pytest.skip("the watch interrupts the main thread only, on POSIX")
    real, asked, timers = signal.pthread_kill, [], []

    def later(tid: int, sig: int) -> None:
        asked.append(sig)
        timer = threading.Timer(0.05, real, (tid, sig))
        timers.append(timer)
        timer.start()
    monkeypatch.setattr(upload_watch.signal, "pthread_kill", later)
    yield asked
    for timer in timers:
        timer.join()


def _dead_box_watch() -> AnswerWatch:
    """A watch over a box whose health never answers, given up at once (the last byte already sent)."""
    return AnswerWatch(lambda: False, lambda line: None, lambda: True, "checking x.hatpack",
                       say_after=0.01, say_every=0.01, every=0.01, gone_after=0.0)


def _wait_for(asked: list[int]) -> None:
    end = time.monotonic() + 5.0
    while not asked and time.monotonic() < end:
        time.sleep(0.005)
    assert asked == [signal.SIGINT]


def _stray_interrupt(seconds: float = 0.3) -> bool:
    """Whether a KeyboardInterrupt lands in this thread within ``seconds``."""
    try:
        time.sleep(seconds)
    except KeyboardInterrupt:
        return True
    return False


def test_a_give_up_whose_sigint_lands_after_the_answer_was_taken_leaves_the_answer_standing(
        late_kill: list[int]) -> None:
    answer: Any = None
    watch = _dead_box_watch()
    with watch:
        _wait_for(late_kill)                 # the give-up claimed the box gone; its SIGINT is on its way
        answer = {"id": "fx-1"}             # ... and the request returns with the box's answer first
    stray = _stray_interrupt()
    assert not stray, "the give-up's SIGINT landed after the answer was taken"
    assert answer == {"id": "fx-1"} and watch.answered and not watch.gone


def test_a_give_up_after_the_answer_was_claimed_sends_nothing(late_kill: list[int]) -> None:
    watch = AnswerWatch(lambda: False, lambda line: None, lambda: False, "checking x.hatpack", gone_after=0.0)
    with watch:
        pass                                # the answer came before the last byte was even counted
    watch._stop.clear()                     # a watch thread late to see the stop: its give-up must still not fire
    watch._give_up()
    stray = _stray_interrupt(0.1)
    assert late_kill == [] and watch.answered and not watch.gone and not stray


def test_a_give_up_whose_sigint_lands_during_the_request_still_gives_the_box_up(late_kill: list[int]) -> None:
    watch = _dead_box_watch()
    with pytest.raises(KeyboardInterrupt):
        with watch:
            _wait_for(late_kill)
            time.sleep(1.0)                 # the request still waits: the SIGINT ends it
    assert watch.gone and not watch.answered


def test_a_refusal_taken_as_the_give_up_fires_stands_too(late_kill: list[int]) -> None:
    """p46 review: a box's refusal (raised inside the watch) as the give-up fired did not count as its answer: the
    SIGINT still landed later as a stray Ctrl-C."""
    from hatbox.errors import HatboxError
    watch = _dead_box_watch()
    with pytest.raises(HatboxError, match="refused"):
        with watch:
            _wait_for(late_kill)
            raise HatboxError("the box refused: not a pack")
    assert not _stray_interrupt(), "the give-up's SIGINT landed after the refusal was taken"
    assert watch.answered and not watch.gone
