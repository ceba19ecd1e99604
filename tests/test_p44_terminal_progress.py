"""Progress in a log file, a screen reader, a narrow terminal (forty-fourth stop's terminal QA): one place makes
every bar (hatbox/progress.py); off a terminal it writes plain lines, at most each tenth of the way or 30 s, never a
carriage return; HATBOX_PROGRESS=off|plain|bar picks; on a terminal the words come first and the bar only where
there is room, in ASCII where the terminal is not UTF-8."""
from __future__ import annotations

import io

import pytest

from hatbox import progress
from hatbox.progress import PlainBar, progress_bar


class FakeTerminal(io.StringIO):
    """A stream that says it is a terminal, of ``encoding``."""

    def __init__(self, encoding: str = "utf-8") -> None:
        super().__init__()
        self._encoding = encoding

    @property
    def encoding(self) -> str:          # type: ignore[override]
        return self._encoding

    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def _auto(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HATBOX_PROGRESS", raising=False)
    monkeypatch.delenv("TQDM_DISABLE", raising=False)


def test_a_render_bar_in_a_log_is_a_few_plain_lines(capsys: pytest.CaptureFixture[str]) -> None:
    """Before: tqdm redrew its bar with carriage returns into one long line of the log."""
    from hatbox.text import audio_bar
    rate = 100
    with audio_bar(300 * rate, rate, "rendering") as tell:
        for done in range(0, 300 * rate + 1, rate // 4):
            tell(done, 300 * rate)
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert "\r" not in err and 10 <= len(lines) <= 11, err
    assert lines[-1] == "rendering: 100%, 300 of 300 s", lines


def test_plain_lines_come_each_tenth_of_the_way_or_each_30_s(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [0.0]
    monkeypatch.setattr(progress.time, "monotonic", lambda: now[0])
    out = io.StringIO()
    bar = PlainBar(total=1000, desc="training tagger", kind="budget", stream=out)
    bar.set_postfix_str("5 of 900 steps, loss=0.9")
    bar.update(5)                       # under a tenth, and no time gone: nothing yet
    assert out.getvalue() == ""
    now[0] = 31.0
    bar.update(1)                       # 30 s on: a line
    assert out.getvalue() == "training tagger: 1%, 5 of 900 steps, loss=0.9\n"
    for _ in range(994):
        bar.update(1)
    bar.close()
    assert len(out.getvalue().splitlines()) == 11 and "\r" not in out.getvalue()


@pytest.mark.parametrize(("setting", "kind"), [("off", "off"), ("plain", "plain"), ("bar", "bar"), ("", "plain")])
def test_HATBOX_PROGRESS_picks_how(monkeypatch: pytest.MonkeyPatch, setting: str, kind: str) -> None:
    monkeypatch.setenv("HATBOX_PROGRESS", setting)
    out = io.StringIO()                 # not a terminal
    with progress_bar(total=10, desc="tagging", unit="files", stream=out) as bar:
        bar.update(10)
    said = out.getvalue()
    assert {"off": said == "", "plain": said == "tagging: 100%, 10 of 10 files\n",
            "bar": "\r" in said}[kind], repr(said)


def test_a_terminal_gets_a_live_bar_and_a_file_plain_lines() -> None:
    assert progress.mode(FakeTerminal()) == "bar" and progress.mode(io.StringIO()) == "plain"


def _drawn(stream: FakeTerminal) -> str:
    """The last state a live bar drew on ``stream``."""
    return [part for part in stream.getvalue().split("\r") if part.strip()][-1]


def test_a_narrow_terminal_keeps_the_words_and_drops_the_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    """QA, 40 columns: "train gru:  93%|▉| 28 of 30 s, loss=0.2" lost val_esr."""
    monkeypatch.setenv("COLUMNS", "40")
    term = FakeTerminal()
    bar = progress_bar(total=30, desc="train gru", kind="seconds", stream=term)
    bar.set_postfix({"val_esr": "0.0123", "loss": "0.2"})        # in this order, as train effect gives them
    bar.update(28)
    bar.refresh()
    drawn = _drawn(term)
    assert drawn.startswith("train gru:  93% 28 of 30 s, val_esr=0.0123") and "|" not in drawn, drawn
    bar.close()


def test_a_wide_terminal_gets_the_bar_after_the_words_in_ascii_off_utf8(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    for encoding, chars in (("utf-8", "▏▎▍▌▋▊▉█"), ("iso-8859-1", "#")):
        term = FakeTerminal(encoding)
        bar = progress_bar(total=30, desc="train gru", kind="seconds", stream=term)
        bar.update(28)
        bar.refresh()
        drawn = _drawn(term)
        assert drawn.startswith("train gru:  93% 28 of 30 s |") and any(c in drawn for c in chars), drawn
        assert encoding == "utf-8" or all(ord(c) < 128 for c in drawn), drawn
        bar.close()


def test_a_narrow_terminal_shows_the_steps_before_any_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """QA, 40 columns: "training tagger:  39% [00:23<00:36, 80 " (the clock took the steps and the loss)."""
    monkeypatch.setenv("COLUMNS", "40")
    term = FakeTerminal()
    bar = progress_bar(total=300, desc="training tagger", kind="budget", stream=term)
    bar.set_postfix_str("80 of 300 steps, loss=0.9")
    bar.update(117)
    bar.refresh()
    assert _drawn(term).startswith("training tagger:  39%, 80 of 300 steps"), _drawn(term)
    bar.close()


def test_a_description_too_long_for_a_narrow_terminal_is_said_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """QA, `push` at 40 columns: "effect-drive.hatpack sent, the box is c"."""
    monkeypatch.setenv("COLUMNS", "40")
    term = FakeTerminal()
    with progress_bar(total=100, desc="effect-drive.hatpack", kind="bytes", stream=term, leave=False) as bar:
        bar.update(100)
        bar.set_description("effect-drive.hatpack sent, the box is checking it")
    assert "effect-drive.hatpack sent, the box is checking it\n" in term.getvalue()


def test_progress_lines_go_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    """The synth's "t=10.4s step=10 ..." lines went to stdout (tqdm's write), the summary's stream."""
    progress.progress_line("t=10.4s step=10 train=0.5 heldout=0.6")
    said = capsys.readouterr()
    assert said.out == "" and said.err == "t=10.4s step=10 train=0.5 heldout=0.6\n"


def test_reading_samples_iterates_every_item_quietly_when_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HATBOX_PROGRESS", "off")
    out = io.StringIO()
    assert list(progress_bar([1, 2, 3], desc="reading samples", stream=out)) == [1, 2, 3] and out.getvalue() == ""
