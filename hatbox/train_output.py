"""How the three trainers (`hatbox train effect`, `synth`, `tagger`) end in a terminal, a log file or a script: the
summary on stdout, every ``warning:`` line on stderr (said once: one already said before training is not said
again, but one that decides whether the box takes the pack, which is said again after training, marked "again": a
long run's progress lines had scrolled it away, p52 QA2), and a run a first Ctrl-C or SIGTERM stopped early ends
with the signal's exit code and a last line that says so, though it wrote its pack (forty-fourth stop's terminal QA:
it exited 0, so `hatbox train ... && hatbox push ... --activate` pushed a pack stopped after a step, and a batch
loop went on).  Torch-free."""
from __future__ import annotations

import sys
from collections.abc import Iterable

from hatbox.exit_codes import signal_code

WARNING = "warning: "


def stopped_code(stopped_early: object) -> int:
    """The exit code of a training stopped early (``stopped_early``: the run's figure, "SIGTERM after 23 s ...",
    trainer.early_stop.stopped_words, or the word alone): 130 after Ctrl-C, 143 after SIGTERM, 129 after SIGHUP, by
    the rule hatbox.cli.stopped_code gives a command an interrupt ended (hatbox.exit_codes.signal_code)."""
    return signal_code(str(stopped_early or "").split(" ", 1)[0])


def stopped_line(stopped_early: object) -> str:
    """The last line of a training stopped early: "stopped early: the pack holds what it learned so far; exit code
    130" (:func:`stopped_code`)."""
    return f"stopped early: the pack holds what it learned so far; exit code {stopped_code(stopped_early)}"


def finish(stopped_early: object) -> int:
    """A training's exit code: 0 when it ran its budget (``stopped_early`` empty), else :func:`stopped_code`, with
    :func:`stopped_line` on stderr as the last word (stdout flushed first, so a log of both keeps the order)."""
    if not stopped_early:
        return 0
    sys.stdout.flush()
    print(stopped_line(stopped_early), file=sys.stderr, flush=True)
    return stopped_code(stopped_early)


def warn(text: str) -> None:
    """A ``warning: text`` line on stderr (``text`` without the prefix)."""
    sys.stdout.flush()
    print(f"{WARNING}{text}", file=sys.stderr, flush=True)


def say_summary(text: str, said: Iterable[str] = ()) -> None:
    """Print a trainer's summary ``text``: its warnings on stderr (a ``warning:`` line and the indented lines under
    it, its "  hint: ..."; not again those in ``said``, said on stderr before training, but those that decide whether
    the box takes the pack, said last, marked :data:`AGAIN`), every other line on stdout."""
    already = {block.strip().splitlines()[0] for block in said if block.strip()}
    again = []
    for block, is_warning in _blocks(text):
        if not is_warning:
            print(block)
        elif block.splitlines()[0].strip() not in already:
            warn(block[len(WARNING):])
        elif decides_box(block):
            again.append(block[len(WARNING):])
    for block in dict.fromkeys(again):
        warn(AGAIN + block)


def _blocks(text: str) -> list[tuple[str, bool]]:
    """``text`` in blocks: [(a warning line with the indented lines under it, True), (any other line, False)]."""
    out: list[tuple[str, bool]] = []
    for line in text.splitlines():
        if out and out[-1][1] and line[:1].isspace() and line.strip():
            out[-1] = (f"{out[-1][0]}\n{line}", True)
        else:
            out.append((line, line.startswith(WARNING)))
    return out


# words of a warning that the box will not take the pack (trainer/effect/train_words.py rate_warning and
# knob_warnings): one said before training is said again after it (:func:`say_warnings`, :func:`say_summary`)
BOX_REFUSES = "will refuse this pack"
AGAIN = "again, as before training: "


def decides_box(text: str) -> bool:
    """Whether a warning's ``text`` says the box will refuse the pack (:data:`BOX_REFUSES`)."""
    return BOX_REFUSES in text


def say_warnings(warnings: Iterable[str], said: Iterable[str] = ()) -> None:
    """Each of ``warnings`` (without the prefix) as a ``warning:`` line on stderr, but those in ``said`` (said on
    stderr before training, with or without the prefix), which are said again, after the others and marked
    :data:`AGAIN`, only when they decide whether the box takes the pack (:func:`decides_box`)."""
    already = {w.removeprefix(WARNING) for w in said}
    warnings = list(warnings)
    for text in warnings:
        if text not in already:
            warn(text)
    for text in dict.fromkeys(w for w in warnings if w in already and decides_box(w)):
        warn(AGAIN + text)
