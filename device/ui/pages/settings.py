"""Settings: pairing code, audio device, MIDI, block size, CPU load and xruns, output volume.

The "new code" button (a tap, or encoder 4's button) is the owner's override of a pairing pause,
as a router's button is: it shows a fresh code and lets attempts with it skip the pause for a
while (device/api/auth.py, ``Pairing.owner_window``; the API's pairing reaches the page as
``ctx.data.pairing``, in-process).  Beside the code the page says whether pairing is paused and
how long the owner window stays open, else how long the code stays valid.

The code shown is a current one while the page is shown: about once a second (:data:`POLL_S`, from
:meth:`SettingsPage.follow`; never while another page is shown, and nothing of it on the audio path)
the page asks the pairing for its code (``current()``), which makes a new one once the code has
expired (device/api/auth.py, ``CODE_TTL_S``) and shows it through the API's ``on_code``.  So the
owner never reads off the panel a code that the API would refuse as expired.
"""
from __future__ import annotations

import math
import time
from typing import Any, Callable

import pygame

from device.control import VOLUME_DB_RANGE, msg
from device.ui import draw as D
from device.ui.events import EncoderTurn, Event, Touch
from device.ui.focus import pressed as button_pressed
from device.ui.pages.base import Message, Page, hit, number

VOLUME_RANGE = VOLUME_DB_RANGE         # the engine's own limit (device/control.py)
LOAD_W = 260                 # px of the CPU load meters
LOAD_BESIDE_MIN_W = 760      # narrower pages (portrait) put the meters under the rows
LOAD_H = 200                 # the load meters' height
SHORT_ROW_MIN = 22           # a short screen's rows are at least this far apart (18 px text)
CODE_W = 296                 # px from the page's left edge to past the widest code at 72 px ("WWWWWW")
NEW_CODE_W = 150             # px: the "new code" button's width (beside the code, or under it on a narrow screen)
VALUE_SHRINK = 8             # a value too long for its column is drawn up to this many px smaller before it is cut
ADDRESS_END = 10             # an address cut in the middle keeps this many of its last characters (":8750" and more)
VOLUME_HOLD_S = 1.0          # s after a turn here during which the engine's (older) volume is not taken
XRUN_RECENT_S = 10.0         # xruns this recent mark the Settings tab and colour its xruns row
START_UP_S = 5.0             # xruns in the engine's first seconds are its start (loading packs), not news
HIGH_LOAD = 0.9              # the worst block's share of its time over which dropouts are put down to load
ROW_LABELS = ("audio device", "MIDI", "address", "block", "latency", "xruns", "faults", "volume")   # lines(), in order
POLL_S = 1.0                 # while the page is shown, the pairing code is renewed (if expired) this often


def clock_text(seconds: float) -> str:
    """``seconds`` (>= 0) as m:ss, rounded up (a wait of 0.2 s still shows 0:01)."""
    whole = math.ceil(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def span_text(seconds: float) -> str:
    """A duration for a message: "2 min", "90 s"."""
    return f"{round(seconds / 60)} min" if seconds >= 60 and round(seconds) % 60 == 0 else f"{math.ceil(seconds)} s"


def _whole(value: float | None) -> str | None:
    """A count or a size for a row ("128"), None for no figure."""
    return None if value is None else f"{value:.0f}"


def _slowest(status: dict[str, Any]) -> float | None:
    """The slowest block's share of its time over the engine's window (``load_max``); a box from before it reported
    one: its 99.9th percentile (``load_p999``); None when neither is there."""
    slowest = number(status, "load_max")
    return slowest if slowest is not None else number(status, "load_p999")


def _volume(db: float) -> float:
    """``db`` inside the output volume's range (:data:`VOLUME_RANGE`)."""
    return min(VOLUME_RANGE[1], max(VOLUME_RANGE[0], db))


class SettingsPage(Page):
    title = "Settings"
    tab_short = "Set"

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx)
        self.new_code_btn: Any = None
        self.narrow = False                                  # the button under the code: no room beside it
        self.short = False                                   # the rows smaller, the load as a row: a short screen
        self.rows_top = 110                                  # px from the page's top to the first row
        self.clock: Callable[[], float] = time.monotonic     # s, monotonic (injectable for tests)
        self._polled = -math.inf                             # when the page last asked for the code
        self._xruns: tuple[float | None, float] = (None, -math.inf)   # the count last seen, when it last rose
        self._turned = -math.inf                             # when encoder 1 last turned the volume here

    def dropouts_now(self) -> bool:
        """Whether the engine's xrun count rose in the last :data:`XRUN_RECENT_S` (the count is taken from the
        status each time this is asked; the first count seen is history, not news)."""
        st = self.ctx.state.status
        count = None if self.ctx.state.offline else number(st, "xruns")
        seen, since = self._xruns
        if count is not None:
            if seen is not None and count > seen and not self._starting(st):
                since = self.clock()
            self._xruns = (count, since)
        return self.clock() - self._xruns[1] < XRUN_RECENT_S

    @staticmethod
    def _starting(st: dict[str, Any]) -> bool:
        """Whether the engine has played for less than :data:`START_UP_S` (its ``blocks`` x ``block`` / ``rate``):
        its start-up drops a block or two while packs load, which an idle box showed in amber as "dropouts now
        (audio load too high)" at 3 % load (thirty-third stop's QA).  False when the status cannot say."""
        blocks, block, rate = number(st, "blocks"), number(st, "block"), number(st, "rate")
        return None not in (blocks, block, rate) and bool(rate) and blocks * block / rate < START_UP_S

    def _dropout_words(self, st: dict[str, Any]) -> str:
        """Why the audio drops out, as far as the status tells: the load when its worst block came near its time."""
        worst = number(st, "load_p999")
        return "audio load too high" if worst is not None and worst >= HIGH_LOAD else "the audio was held up"

    def mark(self) -> tuple[int, int, int] | None:
        """Amber while the audio drops out (xruns rising): heard as clicks, shown nowhere else but here."""
        return D.ACCENT if self.dropouts_now() else None

    def enter(self) -> None:
        """A current code at once (:meth:`keep_code_current`)."""
        self._polled = -math.inf
        self.keep_code_current()

    def follow(self) -> None:
        """With every status while the page is shown: :meth:`keep_code_current`, and the volume the engine
        reports (:meth:`_follow_volume`)."""
        self.keep_code_current()
        self._follow_volume()

    def _follow_volume(self) -> None:
        """Take the output volume from the engine's status (set over OSC, MIDI or by another panel too), unless
        encoder 1 turned it here within :data:`VOLUME_HOLD_S` (the status may not show that turn yet)."""
        engine = None if self.ctx.state.offline else number(self.ctx.state.status, "volume_db")
        if engine is not None and self.clock() - self._turned >= VOLUME_HOLD_S:
            self.ctx.state.volume_db = _volume(engine)

    def keep_code_current(self) -> None:
        """At most once per :data:`POLL_S`: ask the pairing for its code, which renews an expired one
        (and shows the new one through ``on_code``).  Nothing without an API in this process."""
        pairing = self.ctx.data.pairing
        now = self.clock()
        if pairing is None or now - self._polled < POLL_S:
            return
        self._polled = now
        pairing.current()

    def layout(self, rect: Any) -> None:
        """The code top left with the "new code" button beside it, or under it where the page is too narrow for
        both (a portrait 320x480: the button was drawn off the screen); then the rows, smaller on a short screen."""
        super().layout(rect)
        self.narrow = rect.width - 10 < CODE_W + 20 + NEW_CODE_W
        tops = (184, 160) if self.narrow else (110, 100)      # (rows' top, a short screen's)
        n = len(ROW_LABELS)           # not self.lines(): reading the xruns there would take them as seen
        self.short = rect.width < LOAD_BESIDE_MIN_W and tops[0] + 36 * n + 24 + LOAD_H > rect.height
        self.rows_top = tops[1] if self.short else tops[0]
        if self.narrow:                                       # under the code (48 px tall on a short screen, else 72)
            self.new_code_btn = pygame.Rect(rect.x + 20, rect.y + (96 if self.short else 120), NEW_CODE_W, 50)
        else:
            self.new_code_btn = pygame.Rect(rect.x + CODE_W + 20, rect.y + 42, NEW_CODE_W, 50)

    def handle(self, event: Event) -> list[Message]:
        if isinstance(event, EncoderTurn) and event.index == 0:
            st = self.ctx.state
            self._follow_volume()
            want = _volume(st.volume_db + 0.5 * event.steps)
            if want == st.volume_db:            # at an end: nothing to send, as a knob at its end
                return []
            st.volume_db, self._turned = want, self.clock()
            return [msg("volume", db=st.volume_db)]
        tapped = isinstance(event, Touch) and event.kind == "down" and hit(self.new_code_btn, event.x, event.y)
        if button_pressed(event) or tapped:         # encoder 4, the button encoder (device/ui/focus.py)
            self.new_code()
        return []

    def new_code(self) -> None:
        """The button: a fresh pairing code, and the pause lifted for it (the owner window)."""
        pairing = self.ctx.data.pairing
        if pairing is None:
            self.ctx.state.say("no pairing here: the box's API is not running", "the API is not running")
            return
        pairing.owner_window()
        span = span_text(pairing.owner_window_for())
        self.ctx.state.say(f"new pairing code: pair with it within {span}, even while pairing is paused",
                           f"new code: pair within {span}")

    def pairing_state(self, settings: dict[str, str] | None = None) -> tuple[tuple[str, ...], tuple[int, int, int]]:
        """What the line beside "pairing code" says (longest wording first) and its colour: the owner
        window's time left, else the pause's, else how long the code stays valid (where the pairing
        tells, ``valid_for()``); nothing without an API here.  ``settings``: the frame's (None: read now)."""
        pairing = self.ctx.data.pairing
        if pairing is None:                   # no API in this process: nothing to pair with, said, unless a code
            s = settings if settings is not None else self.ctx.data.settings()
            shown = s.get("pairing_code")                                   # is shown all the same (a screenshot)
            if shown and shown.strip("-"):
                return ("",), D.DIM
            return ("no pairing: the box's API is not running", "API not running"), D.DIM
        window = pairing.owner_window_for()
        if window > 0:
            return (f"open to this code for {clock_text(window)}", f"open {clock_text(window)}"), D.GOOD
        paused = pairing.paused_for()
        if paused > 0:
            return (f"paused {clock_text(paused)}: press new code", f"paused {clock_text(paused)}"), D.BAD
        valid_for = getattr(pairing, "valid_for", None)
        if callable(valid_for):
            left = max(0.0, float(valid_for()))
            return (f"valid {clock_text(left)}",), D.DIM
        return ("",), D.DIM

    def lines(self, settings: dict[str, str] | None = None) -> list[tuple[str, str]]:
        """(label, value) rows from the settings provider (``settings``: the frame's, None: read now) and the engine's
        status."""
        s, st = settings if settings is not None else self.ctx.data.settings(), self.ctx.state.status
        block = _whole(number(st, "block")) or s.get("block") or "?"
        rate = _whole(number(st, "rate")) or s.get("rate") or "?"
        live = not self.ctx.state.offline          # the engine's figures are stale while it does not answer
        latency, xruns = number(st, "latency_ms"), _whole(number(st, "xruns"))
        faults = _whole(number(st, "fault_count"))
        if faults is None and isinstance(st.get("faults"), list):
            faults = str(len(st["faults"]))
        values = [s.get("audio_device") or "default",
                  s.get("midi") or "none",
                  s.get("address") or "-",
                  f"{block} samples @ {rate} Hz",
                  f"{latency:.1f} ms" if live and latency is not None else "-",
                  (f"{xruns}: dropouts now ({self._dropout_words(st)})" if self.dropouts_now() else xruns)
                  if live and xruns is not None else "-",
                  faults if live and faults is not None else "-",
                  f"{self.ctx.state.volume_db:+.1f} dB (knob 1)"]
        return list(zip(ROW_LABELS, values, strict=True))

    def draw(self, surface: Any) -> None:
        """The pairing code and the rows on the left; the CPU load meters beside them where the screen is
        wide enough (landscape), else under them (portrait). Long values are cut to their column."""
        f, r = self.ctx.fonts, self.rect
        beside = r.width >= LOAD_BESIDE_MIN_W
        settings = self.ctx.data.settings()     # once a frame: the box's reads the MIDI ports under their lock
        rows = self.lines(settings)
        # a short screen (a 3.5-inch 480x320) takes every row, smaller, with the load as a row of its own: the meters
        # under the rows and the last rows were drawn off the screen (twenty-seventh stop's QA)
        short = self.short
        code = settings.get("pairing_code", "------")
        label = f.draw(surface, "pairing code", (r.x + 20, r.y + 14), 24, D.DIM)
        f.draw(surface, code, (r.x + 20, r.y + 40), 48 if short else 72, D.ACCENT)
        lines, colour = self.pairing_state(settings)
        if lines[0]:
            end = r.right - 16 if self.narrow else self.new_code_btn.right
            f.draw(surface, D.fit(f, lines, 24, end - label.right - 16), (label.right + 16, r.y + 14), 24, colour)
        D.button(surface, f, self.new_code_btn, "new code", enabled=self.ctx.data.pairing is not None)
        y = r.y + self.rows_top
        if short:
            rows = self.short_lines(rows)
        step = max(SHORT_ROW_MIN, min(36, (r.bottom - y - 4) // len(rows))) if short else 36
        size = min(26, step - 6)
        column = r.x + (150 if short else 200)
        value_w = (r.right - LOAD_W - 60 if beside else r.right - 16) - column
        dropouts = self.dropouts_now()
        for label, value in rows:
            f.draw(surface, label, (r.x + 20, y), size, D.DIM)
            news = label.startswith("xruns") and dropouts
            text, at = D.shrink_to_fit(f, str(value), size, value_w, max(14, size - VALUE_SHRINK))
            if label == "address":          # what `hatbox pair URL` is typed from: its port is kept, cut or not
                text = D.fit_middle(f, str(value), at, value_w, ADDRESS_END)
            f.draw(surface, text, (column, y + (size - at) // 2), at, D.ACCENT if news else D.TEXT)
            y += step
        if short:
            return
        box = (pygame.Rect(r.right - LOAD_W - 40, r.y + 20, LOAD_W, LOAD_H) if beside
               else pygame.Rect(r.x + 20, y + 24, r.width - 40, LOAD_H))
        self._draw_load(surface, box)

    def short_lines(self, rows: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """:meth:`lines` for a short screen: block and latency on one row, xruns and faults on one, and the audio
        load as a row (no room for its meters)."""
        d = dict(rows)
        return [("audio device", d["audio device"]), ("MIDI", d["MIDI"]), ("address", d["address"]),
                ("audio", f"{d['block']}, {d['latency']}"), ("xruns, faults", f"{d['xruns']}, {d['faults']}"),
                ("audio load", self.load_words()), ("volume", d["volume"])]

    def load_words(self) -> str:
        """The audio load as a row, for a screen too short for its meters: "12% average, 35% slowest" (the slowest
        block of the engine's window, ``load_max``; a box without it: its 99.9th percentile)."""
        st = self.ctx.state.status
        mean, slowest = (None, None) if self.ctx.state.offline else (number(st, "load_mean"), _slowest(st))
        if mean is None or slowest is None:
            return "-"
        return f"{mean:.0%} average, {slowest:.0%} slowest"

    def _draw_load(self, surface: Any, box: Any) -> None:
        st, f = self.ctx.state.status, self.ctx.fonts
        f.draw(surface, "CPU load (audio)", box.topleft, 24, D.DIM)
        for i, read in enumerate((lambda s: number(s, "load_mean"), _slowest)):
            load = read(st) if not self.ctx.state.offline else None            # None: stale or not reported
            bar = pygame.Rect(box.x, box.y + 40 + 70 * i, box.width, 26)
            pygame.draw.rect(surface, D.TRACK, bar)
            if load is not None:
                colour = D.GOOD if load < 0.5 else D.ACCENT if load < 0.85 else D.BAD
                fill = round(bar.width * min(1.0, max(0.0, load)))
                pygame.draw.rect(surface, colour, (bar.x, bar.y, fill, bar.height))
            figure = f"{load:.0%}" if load is not None else "-"
            f.draw(surface, f"{'average' if i == 0 else 'slowest'} {figure}", (bar.x, bar.bottom + 4), 22,
                   D.TEXT if load is not None else D.DIM)
