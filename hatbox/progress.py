"""Every progress bar of hatbox, made in one place: training (effect, synth, tagger), reading samples, tagging a
library, uploading a pack, rendering, capturing.

Three ways to show progress, chosen by the environment setting ``HATBOX_PROGRESS``:

- ``bar``: a live bar redrawn in place (tqdm), the words first and the bar itself only where the terminal has room
  for it (:data:`WIDE_COLUMNS` columns or more), in ASCII where the terminal's encoding is not UTF-8;
- ``plain``: one plain line at a time, no carriage returns, at most every tenth of the way or every
  :data:`PLAIN_SECONDS` seconds (a log file, a screen reader, a CI job);
- ``off``: nothing.

Unset (or ``auto``), a terminal gets ``bar`` and anything else (a file, a pipe) ``plain``: before, a log of
`hatbox train tagger ... > log 2>&1` held one 70 KB line of redraws (forty-fourth stop's terminal QA).  Progress
goes to stderr, as every note and warning does; the summary stays on stdout.  Torch-free and light: importable by
trainer/ and hatbox/ (tqdm is imported only when a live bar is drawn).
"""
from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TextIO

ENV = "HATBOX_PROGRESS"
MODES = ("off", "plain", "bar")
WIDE_COLUMNS = 80            # a bar is drawn after the words only on a terminal at least this wide
PLAIN_STEP = 0.10            # a plain line each tenth of the way ...
PLAIN_SECONDS = 30.0         # ... or each 30 s, whichever comes first

# What a bar counts, and its words (tqdm ``bar_format``, the words first: "train gru:  40% 120 of 300 s,
# loss=0.0123"); the bar, where there is room, comes after them.
WORDS = {
    "seconds": "{desc}: {percentage:3.0f}% {n} of {total} s{postfix}",
    "budget": "{desc}: {percentage:3.0f}% [{elapsed}<{remaining}{postfix}]",
    "count": "{desc}: {percentage:3.0f}% {n_fmt} of {total_fmt} {unit} [{elapsed}<{remaining}{postfix}]",
    "bytes": "{desc}: {percentage:3.0f}% {n_fmt}B of {total_fmt}B [{elapsed}<{remaining}{postfix}]",
}
# On a narrow terminal, the words that matter first and no clock: "training tagger:  39%, 80 of 300 steps, loss=0.9"
# (at 40 columns the clock took the steps and the loss: "training tagger:  39% [00:23<00:36, 80 ").
NARROW_WORDS = {
    "seconds": WORDS["seconds"],
    "budget": "{desc}: {percentage:3.0f}%{postfix}",
    "count": "{desc}: {percentage:3.0f}% {n_fmt} of {total_fmt} {unit}{postfix}",
    "bytes": "{desc}: {percentage:3.0f}% {n_fmt}B of {total_fmt}B{postfix}",
}
_said_bad_mode = False


def mode(stream: TextIO | None = None) -> str:
    """"off", "plain" or "bar" for progress written to ``stream`` (default stderr): ``HATBOX_PROGRESS`` when it
    names one, else "bar" on a terminal and "plain" elsewhere (tqdm's own ``TQDM_DISABLE`` set: "off")."""
    asked = os.environ.get(ENV, "").strip().lower()
    if asked in MODES:
        return asked
    if asked not in ("", "auto"):
        _say_bad_mode(asked)
    if os.environ.get("TQDM_DISABLE", "").strip().lower() in ("1", "true", "yes"):
        return "off"
    return "bar" if is_terminal(stream) else "plain"


def _say_bad_mode(asked: str) -> None:
    """One line on stderr, once a run, for a ``HATBOX_PROGRESS`` that names no mode (then: auto)."""
    global _said_bad_mode
    if not _said_bad_mode:
        _said_bad_mode = True
        print(f"hatbox: note: {ENV}={asked!r} is not one of off, plain, bar (or auto); showing progress as auto "
              "does", file=sys.stderr)


def is_terminal(stream: TextIO | None = None) -> bool:
    """Whether ``stream`` (default stderr) is a terminal."""
    stream = sys.stderr if stream is None else stream
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def columns(stream: TextIO | None = None) -> int:
    """The width of the terminal ``stream`` (default stderr) is, in columns (``COLUMNS`` when set; 80 if unknown)."""
    stream = sys.stderr if stream is None else stream
    env = os.environ.get("COLUMNS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        return os.get_terminal_size(stream.fileno()).columns or 80
    except (AttributeError, ValueError, OSError):
        return 80


def utf8(stream: TextIO | None = None) -> bool:
    """Whether ``stream`` (default stderr) writes UTF-8 (else a bar is drawn with ASCII characters)."""
    encoding = getattr(sys.stderr if stream is None else stream, "encoding", None) or ""
    return encoding.lower().replace("-", "").replace("_", "") in ("utf8", "utf8sig")


def bar_format(kind: str, wide: bool) -> str:
    """The tqdm ``bar_format`` of a bar of ``kind``: :data:`WORDS` and the bar after them when ``wide``, else
    :data:`NARROW_WORDS` alone."""
    return WORDS[kind] + " |{bar}|" if wide else NARROW_WORDS[kind]


def progress_bar(iterable: Iterable[Any] | None = None, *, total: float | None = None, desc: str = "",
                 kind: str = "count", unit: str = "it", disable: bool = False, leave: bool = True,
                 stream: TextIO | None = None, mininterval: float = 0.1, **tqdm_options: Any) -> Any:
    """A progress bar over ``iterable`` or up to ``total``, as :func:`mode` says (a live tqdm bar, a
    :class:`PlainBar` that writes lines, or one that writes nothing), on ``stream`` (default stderr).
    ``kind``: what it counts (:data:`WORDS`: "seconds" of a budget, a "budget" of steps or time, a "count" of
    ``unit``, "bytes").  Both kinds of bar take tqdm's calls that hatbox makes: update, set_postfix(_str),
    set_description, reset, refresh, write, close, ``n``, ``total``, ``leave``; a ``with`` block; iteration."""
    stream = sys.stderr if stream is None else stream
    how = "off" if disable else mode(stream)
    if how != "bar":
        return PlainBar(iterable, total=total, desc=desc, kind=kind, unit=unit, stream=stream, quiet=how == "off")
    width = columns(stream)
    wide = width >= WIDE_COLUMNS
    scale = {"unit_scale": True, "unit_divisor": 1024} if kind == "bytes" else {}
    return _live_bar(width)(iterable, total=total, desc=desc, unit=unit, leave=leave, file=stream,
                            mininterval=mininterval, bar_format=bar_format(kind, wide), ascii=not utf8(stream),
                            dynamic_ncols=True, **{**scale, **tqdm_options})


def _live_bar(width: int) -> type:
    """tqdm's bar class, whose ``set_description`` says a description too long for a terminal ``width`` columns wide
    on a line of its own above the bar (a narrow terminal cut "effect-drive.hatpack sent, the box is checking it"
    to "... the box is c")."""
    from tqdm import tqdm

    class LiveBar(tqdm):
        def set_description(self, desc: str | None = None, refresh: bool = True) -> None:
            if desc and len(desc) + 8 > width:
                self.write(desc, file=self.fp)
                desc = ""
            super().set_description(desc, refresh)

        def __str__(self) -> str:
            shown = self.format_dict      # tqdm cuts the line at its ncols (when it knows them): whole fields go
            cols = shown.get("ncols")
            if shown.get("postfix") and cols:
                shown = {**shown, "postfix": fitting_postfix(str(shown["postfix"]),
                                                             lambda p: _words_fit(self, shown, p, cols))}
            return self.format_meter(**shown)
    return LiveBar


def fitting_postfix(postfix: str, fits: Callable[[str], bool]) -> str:
    """``postfix`` ("val_esr=0.0583, loss=0.0123") less whole ``key=value`` fields from its end until ``fits`` says
    the line fits ("" when none does): a narrow terminal cut "val_esr=0.0583" to "val_esr=0.0" (p44 regression QA),
    a number cut in half that reads as another number."""
    fields = postfix.split(", ")
    while fields and not fits(", ".join(fields)):
        fields.pop()
    return ", ".join(fields)


def _words_fit(bar: Any, shown: dict[str, Any], postfix: str, cols: int) -> bool:
    """Whether ``bar``'s words with ``postfix`` fit ``cols`` columns (leaving a bar of one cell where it has one)."""
    from tqdm.utils import disp_len
    form = str(shown.get("bar_format") or "")
    words = bar.format_meter(**{**shown, "postfix": postfix, "ncols": None, "bar_format": form.replace(" |{bar}|", "")})
    return disp_len(words) + (4 if "{bar}" in form else 0) <= cols


class PlainBar:
    """Progress as plain lines on a stream ("train gru: 40%, 120 of 300 s, loss=0.0123"), no carriage return: a
    line each :data:`PLAIN_STEP` of the way or each :data:`PLAIN_SECONDS` seconds, whichever comes first, and the
    last one when it closes; ``quiet``: none at all (HATBOX_PROGRESS=off)."""

    def __init__(self, iterable: Iterable[Any] | None = None, *, total: float | None = None, desc: str = "",
                 kind: str = "count", unit: str = "it", stream: TextIO | None = None, quiet: bool = False) -> None:
        if total is None and iterable is not None and hasattr(iterable, "__len__"):
            total = len(iterable)          # type: ignore[arg-type]
        self.iterable, self.total, self.desc, self.kind, self.unit = iterable, total, desc, kind, unit
        self.stream, self.quiet, self.leave, self.disable = stream, quiet, True, quiet
        self.n: float = 0
        self.postfix = ""
        self._start = self._last_t = time.monotonic()
        self._last_step, self._last_n, self._closed = 0, 0.0, False

    # ---------------------------------------------------------------- tqdm's calls
    def update(self, n: float = 1) -> None:
        self.n += n
        self._maybe_say()

    def set_postfix(self, ordered_dict: dict[str, Any] | None = None, refresh: bool = True, **kwargs: Any) -> None:
        self.postfix = ", ".join(f"{k}={v}" for k, v in {**(ordered_dict or {}), **kwargs}.items())

    def set_postfix_str(self, s: str = "", refresh: bool = True) -> None:
        self.postfix = str(s)

    def set_description(self, desc: str | None = None, refresh: bool = True) -> None:
        self.desc = desc or ""

    def reset(self, total: float | None = None) -> None:
        self.n, self._last_n, self._last_step, self._start = 0, 0.0, 0, time.monotonic()
        if total is not None:
            self.total = total

    def refresh(self) -> None:
        """Nothing: a plain line is written only as the work moves on."""

    def write(self, s: str, file: TextIO | None = None, end: str = "\n") -> None:
        print(s, file=file or self.stream or sys.stderr, end=end, flush=True)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            if self.n != self._last_n or (self.n == 0 and self.total):
                self._say()

    def __enter__(self) -> "PlainBar":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __iter__(self) -> Iterator[Any]:
        for item in self.iterable or ():
            yield item
            self.update(1)
        self.close()

    def __len__(self) -> int:
        return int(self.total or 0)

    # ---------------------------------------------------------------- lines
    def _maybe_say(self) -> None:
        step = int(self.fraction() / PLAIN_STEP) if self.total else 0
        if step > self._last_step or time.monotonic() - self._last_t >= PLAIN_SECONDS:
            self._last_step = max(self._last_step, step)
            self._say()

    def fraction(self) -> float:
        """How far along, in [0, 1] (0 without a total)."""
        return min(1.0, max(0.0, self.n / self.total)) if self.total else 0.0

    def line(self) -> str:
        """This bar's words now: "train gru: 40%, 120 of 300 s, loss=0.0123"."""
        parts = [f"{self.fraction():.0%}"] if self.total else []
        if self.kind != "budget":
            parts.append(self._count_words())
        if self.postfix:
            parts.append(self.postfix)
        return (f"{self.desc}: " if self.desc else "") + ", ".join(p for p in parts if p)

    def _count_words(self) -> str:
        if self.kind == "seconds":
            return f"{self.n:.0f} of {self.total:.0f} s" if self.total else f"{self.n:.0f} s"
        if self.kind == "bytes":
            return f"{_size(self.n)} of {_size(self.total)}" if self.total else _size(self.n)
        of = f" of {self.total:g}" if self.total else ""
        return f"{self.n:g}{of} {self.unit}"

    def _say(self) -> None:
        self._last_t, self._last_n = time.monotonic(), self.n
        if not self.quiet:
            try:
                print(self.line(), file=self.stream or sys.stderr, flush=True)
            except (OSError, ValueError):     # a closed log or terminal: progress is not worth an error
                pass


def _size(n: float | None) -> str:
    """Bytes in words: "512 B", "35.2 MiB"."""
    n = float(n or 0)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GiB"


def progress_line(text: str, stream: TextIO | None = None) -> None:
    """One line of progress in words (the synth's "t=10.4s step=10 train=... heldout=..."), on ``stream`` (default
    stderr), above a live bar where one is drawn; nothing with HATBOX_PROGRESS=off."""
    stream = sys.stderr if stream is None else stream
    how = mode(stream)
    if how == "off":
        return
    if how == "bar":
        from tqdm import tqdm
        tqdm.write(text, file=stream)
        return
    print(text, file=stream, flush=True)
