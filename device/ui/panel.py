"""The panel: a tab bar over six pages; events in, control messages out, frames drawn.

:class:`Panel` is pure UI: it knows nothing of pins, threads or timing.  Messages go to the
Control's ``send`` as soon as an event produces them (never batched to the next frame).
"""
from __future__ import annotations

import dataclasses
import logging
import sqlite3
import time
from typing import Any, Callable, NamedTuple

from device.control import Control, capture_session_words
from device.ui import draw as D
from device.ui.data import PanelData
from device.ui.events import EncoderPress, EncoderTurn, Event, Touch
from device.ui.faults import (FaultNotices, RecordingNotices, WarningNotices, notice_lines, slot_warning_shorts,
                              touch_lines, warning_lines)
from device.ui.pages import PAGES, Context, Page, PanelState, PlayPage
from device.ui.program_notice import ProgramNotices, ShownProgram, program_lines, shown_program
from device.ui.reader import InlineReader, Reader
from device.ui.stopped import STOPPED_S, StopScreen
from hatbox.errors import HatboxError, first_line

log = logging.getLogger(__name__)

TAB_H = 48
TITLE_MIN = 18            # px: a tab title shrinks to this before its page's short title is shown instead
REFRESH_S = 2.0           # the page on screen re-reads its lists this often (with the status)
TOAST_S = 4.0             # a message stays this long in the tab bar
NOTICE_MIN_S = 2.0        # a notice of the box's own in the accent colour is up at least this long before the next
MESSAGE_SIZE = 20         # font size of the message line at the bottom of the tab bar
MARK_R = 6                # radius of a page's mark beside its tab title (Page.mark: an effect a fault bypassed)
PAGE_ENCODER = 0          # hold encoder 1's button and turn it: the next / previous page, without touch
_UNSEEN = object()        # no synth pad read back yet


class Green(NamedTuple):
    """A green notice waiting for the one shown (:meth:`Panel._next_waiting`): what it is of, ``"news"`` (the panel's
    hardware works again) or ``"warning"`` (a slot's), or for a MIDI program change the :class:`ShownProgram` it
    names, kept with its words (one state: p59 F2, a copy of it beside the queue could drift); and its words."""

    of: str | ShownProgram
    words: tuple[str, ...]

    @property
    def program(self) -> ShownProgram | None:
        """The program change it says (None: news or a warning)."""
        return self.of if isinstance(self.of, ShownProgram) else None


def error_text(exc: BaseException) -> str:
    """One line for the screen: the error's first line that says something (its type's name when none
    does; never "": the tab bar would show nothing), and a library database names itself."""
    text = first_line(exc)
    return f"library: {text}" if isinstance(exc, sqlite3.Error) else text


def capture_line(status: dict[str, Any]) -> str:
    """The tab bar's line while a capture session mutes the live input: "capture session (laptopA's): live input
    muted", whose from the engine status's ``capture.session`` (``owner`` where the API added it, else ``by``: the
    paired device whose capture began it, device/audio/capture.py); the engine's words alone when it does not say."""
    words = capture_session_words(status)
    capture = status.get("capture") if isinstance(status, dict) else None
    session = capture.get("session") if isinstance(capture, dict) else None
    whose = session.get("owner") or session.get("by") if isinstance(session, dict) else None
    head = "capture session: "
    if not isinstance(whose, str) or not whose or not words.startswith(head):
        return words
    return f"capture session ({whose}'s): {words[len(head):]}"


class Panel:
    """``handle(event)`` sends what the current page makes of it; ``draw(surface)`` paints a frame.

    Nothing a page, the data or the engine raises gets out of here: it is logged and shown in the
    tab bar for :data:`TOAST_S` seconds (the panel keeps running).

    ``reader`` runs the Library page's database work (device/ui/reader.py).  The default,
    :class:`InlineReader`, runs it in place (tests, screenshots); :class:`~device.ui.app.PanelApp`
    passes a :class:`~device.ui.reader.ThreadReader`, so that no frame waits on a database; its
    results reach the pages at the start of the next frame (:meth:`draw`)."""

    def __init__(self, control: Control, data: PanelData, size: tuple[int, int] = (800, 480),
                 reader: Reader | None = None) -> None:
        import pygame
        self.pygame = pygame
        self.control = control
        self.state = PanelState()
        self.reader: Reader = reader if reader is not None else InlineReader()
        self.ctx = Context(data=data, fonts=D.Fonts(), state=self.state, reader=self.reader, report=self.fail,
                           midi=lambda: getattr(self.control, "midi", None))
        self.pages: list[Page] = [cls(self.ctx) for cls in PAGES]
        self.play = next(p for p in self.pages if isinstance(p, PlayPage))
        self.size = size
        self.current = 0
        self.sent = 0
        self.clock: Callable[[], float] = time.monotonic
        self._pad_source: Any = _UNSEEN
        self._refreshed = time.monotonic()
        self._fingers: dict[int, str] = {}          # touch id -> where its down landed: "tabs" | "page"
        self._held = False                          # PAGE_ENCODER's button is down, its press held back from the page
        self._paged = False                         # ... and it was turned while held: the press turned pages
        self._toast_key: tuple[str, int] = ("", 0)
        self._toast_since = 0.0
        self.faults = FaultNotices()                # which engine faults the panel has announced
        self.recordings = RecordingNotices()        # which recording cut (a full disk) it has announced
        self._cut: tuple[str, ...] = ()             # a cut's words, waiting for a fault's notice to end
        self.warnings = WarningNotices()            # which slot warnings (a sample cut) it has announced
        # green notices waiting for the one shown, in the order they came (a program change's with what it names)
        self._greens: list[Green] = []
        self._noticed = 0                           # the toast_n of the panel's own last notice (not a page's)
        self._noticed_at = 0.0                      # ... and when it was said (self.clock)
        self.programs = ProgramNotices()            # which MIDI program change (status["midi_program"]) it has said
        # a refused program change waiting (red): its words, and what it names (ShownProgram, its toast_n not yet)
        self._red_program: tuple[tuple[str, ...], ShownProgram] | None = None
        self._program_on: ShownProgram | None = None       # the program notice said last (gives way: _program_came)
        self.touchless = False     # no touch controller answers (hardware_problems): fault notices name encoders
        # the panel's own hardware problems (no touch), waiting to be said (its good news waits with the greens)
        self._hardware: list[tuple[str, ...]] = []      # each problem's words (faults.touch_lines), said in red
        self.stopped: StopScreen | None = None      # the engine has stopped on an error: the whole screen says it
        self.tabs = [pygame.Rect(i * size[0] // len(self.pages), 0, size[0] // len(self.pages), TAB_H)
                     for i in range(len(self.pages))]
        self.content = pygame.Rect(0, TAB_H, size[0], size[1] - TAB_H)
        self.show(0)

    @property
    def page(self) -> Page:
        return self.pages[self.current]

    def fail(self, exc: BaseException) -> None:
        """Log ``exc`` and show it: the panel never dies of a page, the data or the engine."""
        if isinstance(exc, HatboxError):
            log.info("panel: %s", exc)
        else:
            log.warning("panel: %s", exc, exc_info=exc)
        self._notice(error_text(exc))

    def _guard(self, action: Callable[[], Any]) -> bool:
        """Run ``action``; False (and a message) if it raised."""
        try:
            action()
        except Exception as exc:  # noqa: BLE001 - shown, never fatal
            self.fail(exc)
            return False
        return True

    def show(self, index: int) -> None:
        """Show page ``index``: the old page lets go of what its fingers hold (the Kit page's notes) and forgets
        them, the new one re-reads its lists."""
        let_go: list[dict[str, Any]] = []
        if self._guard(lambda: let_go.extend(self.page.let_go())):
            for m in let_go:
                self._send(m)
        self._guard(self.page.leave)
        self._fingers = {i: where for i, where in self._fingers.items() if where == "tabs"}
        if self.state.toast and self.state.toast_n != self._noticed:
            self.state.toast = ""                   # the page's own message goes with it (QA: the Kit page's "D#2
        self.current = index % len(self.pages)      # plays nothing" stayed over the Models page)
        self._guard(self.page.enter)
        self.page.layout(self.content)

    def show_title(self, title: str) -> None:
        self.show([p.title for p in self.pages].index(title))

    def set_status(self, status: dict[str, Any]) -> None:
        """Take the engine's latest status (the same dict again, as the app loop passes it each frame
        until the next answer, is not a newer one: ``state.status_seq`` counts new ones).  The page on
        screen follows it (:meth:`Page.follow`).  The pad (xy, corners) is read back from it when the
        synth is new to the panel (first status, panel restart, another synth pack), the position
        only while no finger is on the pad (the Play page's ``finger``: the finger's position is the
        newer one, and its next move sends it); after that the Play page follows the engine's pad
        while it is shown.
        A fault new to the panel that bypasses its slot, a recording cut short (a full disk) and a
        slot's new warning (a sample cut) are said in the tab bar, whatever page is shown
        (:meth:`_notice_faults`)."""
        seq = self.state.status_seq
        if status is not self.state.status:
            self.state.status_seq += 1
        self.state.status = status
        now = time.monotonic()
        if now - self._refreshed >= REFRESH_S:
            self._refreshed = now
            self._guard(self.page.refresh)
        self._guard(self.page.follow)
        if seq != self.state.status_seq:
            self._guard(self._notice_faults)
        pad, synth = status.get("synth"), (status.get("active") or {}).get("synth")
        source = synth.get("path") if isinstance(synth, dict) else None
        if not pad:
            self._pad_source = _UNSEEN
        elif source != self._pad_source:
            self._pad_source = source
            if self.play.finger is None:
                self.state.xy = (float(pad["xy"][0]), float(pad["xy"][1]))
            self.state.corners = [str(n) for n in pad["corners"]]

    def _notice_faults(self) -> None:
        """A fault new to the panel that bypasses its slot is said in red in the tab bar, on whatever
        page is shown, once (device/ui/faults.py: which fault, and its words); so is a recording cut
        short (``status["recording"]["problem"]``: the file and the seconds it keeps), once it is new.  A slot's
        warning new to the panel (``status["active"][slot]["warnings"]``, e.g. a sample longer than the sampler plays,
        a knob a switched-in pack did not take) is said once per text, in the accent colour, one after another when
        several come at once.  A MIDI program change new to the panel (``status["midi_program"]``:
        device/ui/program_notice.py) is said once, "program 1: fuzzbox 0.2.0 active" (red where its pack was refused
        or is gone).  The order: a red notice shown has its :data:`TOAST_S` first; then red before green, the greens
        in the order they came (:meth:`_next_waiting`)."""
        fault = self.faults.take(self.state.status)
        self._cut = self.recordings.take(self.state.status) or self._cut
        if texts := self.warnings.take(self.state.status):
            shorter = slot_warning_shorts(self.state.status)       # the knob-keeping note's, made by the engine
            self._greens += [Green("warning", warning_lines(text, shorter.get(text, ()))) for text in texts]
        self._program_gone()
        if (program := self.programs.take(self.state.status, self.clock())) is not None:
            self._program_came(program, *program_lines(program), now=fault is None)
        if fault is not None:
            title = self.page.title
            self._notice(*notice_lines(fault, on_effect_page=title == "Effect", on_play_page=title == "Play",
                                       touch=not self.touchless, on_kit_page=title == "Kit"), alarm=True)
        else:
            self._say_waiting()

    def _program_came(self, outcome: dict[str, Any], lines: tuple[str, ...], alarm: bool, now: bool = True) -> None:
        """A program change's notice.  A program notice on the line gives way to it at once, red or green (p57 QA_C 1:
        after two program changes 150 ms apart the first's "program 1: fuzzbox 0.2.0 active" stayed 2 s while
        hatbox-drive played), unless a fault came in the same status (``now`` False: the fault's notice would overwrite
        it at once, p57 FR2 3).  Else it waits: a green one after the greens that came before it, a red one (refused,
        its pack gone) with the reds, each with its own outcome and the pack active in its slot as it came (p57 FR2 2:
        one shared outcome made a red notice follow a green one's pack).  It says more than a program change's green
        notice still waiting, which goes; a red one still waiting stays, to be said first (p56 review R2: a later green
        one overwrote it, never said)."""
        self._greens = [green for green in self._greens if green.program is None]
        came = shown_program(outcome, 0, self.state.status)
        if now and self._program_showing():
            self._notice(*lines, alarm=alarm)
            self._program_on = dataclasses.replace(came, toast_n=self.state.toast_n)
        elif alarm:
            self._red_program = lines, came
        else:
            self._greens.append(Green(came, lines))

    def _program_showing(self) -> bool:
        """Whether the line shows the program notice said last (not a page's message, nor another notice since)."""
        on = self._program_on
        return on is not None and bool(self.state.toast) and self.state.toast_n == on.toast_n

    def _program_gone(self) -> None:
        """The program notice on the line goes when the status says another pack is active in its slot than the one
        it names (an activation on the Models page or from a laptop since: p57 QA_C 1); a status that has not caught
        up with the switch yet (the pack active before it) does not take it down."""
        if self._program_on is not None and self._program_showing() and self._program_on.gives_way(self.state.status):
            self.state.toast, self._program_on = "", None

    def _next_waiting(self) -> tuple[tuple[str, ...], bool, ShownProgram | None] | None:
        """The waiting notice to say now (taken off its queue: its words, whether red, and for a program change's what
        it names), None while the line is not free for one: nothing
        while a red notice is up; a red one (a refused program change, a recording cut, a problem of the panel's
        hardware) before the rest, at once over anything green; a green one (a program change, the hardware's good
        news, a slot warning), in the order they came (p56 review R2: they went by kind), only once the box's own
        notice shown has been up :data:`NOTICE_MIN_S` (one does not wipe another within a status: p55 R3 review 1;
        "touch works again" wiped a program notice at once, p56)."""
        if self.state.toast and self.state.toast_lines()[1]:
            return None
        if self._red_program is not None:
            (words, program), self._red_program = self._red_program, None
            return words, True, program
        if self._cut:
            waiting, self._cut = (self._cut, True, None), ()
            return waiting
        if self._hardware:
            return self._hardware.pop(0), True, None
        if self._green_up() or not self._greens:
            return None
        green = self._greens.pop(0)
        return green.words, False, green.program

    def _green_up(self) -> bool:
        """Whether a notice of the box's own (not a page's message) is on the line, up less than
        :data:`NOTICE_MIN_S`."""
        own = bool(self.state.toast) and self.state.toast_n == self._noticed
        return own and self.clock() - self._noticed_at < NOTICE_MIN_S

    def _notice(self, *lines: str, alarm: bool = False) -> None:
        """Say a notice of the box's own (a fault, a cut, a warning, the hardware, an error): it stays over a page
        change, where a page's own message goes with its page (:meth:`show`)."""
        self.state.say(*lines, alarm=alarm)
        self._noticed, self._noticed_at = self.state.toast_n, self.clock()

    def hardware_problems(self, problems: list[str], alarm: bool = True) -> None:
        """Problems of the panel's own hardware (device/ui/inputs.py ``Inputs.take_problems``: no touch controller
        answers, or it stopped answering): each is said once, in red in the tab bar (faults.touch_lines), from the
        next frame on, by the rule of the box's other notices (:meth:`_next_waiting`): after a red notice shown
        before it has had its :data:`TOAST_S`.  Nothing is blocked: the pages and the encoders go on.  (Inputs has
        logged them already.)  ``alarm`` False: good news of that hardware (device/ui/inputs.py ``TOUCH_BACK``),
        said in the tab bar's usual colour, after the red ones waiting and once the green notice shown has been up
        :data:`NOTICE_MIN_S`."""
        self.touchless = alarm          # said of touch alone: a problem (none answers) or the news it works again
        if alarm:
            for lines in map(touch_lines, problems):
                if lines not in self._hardware:                 # the same problem already waiting: said once
                    self._hardware.append(lines)
        else:
            for news in problems:
                if Green("news", (news,)) not in self._greens:
                    self._greens.append(Green("news", (news,)))

    def _say_waiting(self) -> None:
        """Say the next waiting notice when the line is free for it (:meth:`_next_waiting`), each frame: the
        hardware's come with no status (the engine may be silent), and a green one waiting for the one shown is
        said once its :data:`NOTICE_MIN_S` are up, not at the next status."""
        if (waiting := self._next_waiting()) is not None:
            self._notice(*waiting[0], alarm=waiting[1])
            if waiting[2] is not None:
                self._program_on = dataclasses.replace(waiting[2], toast_n=self.state.toast_n)

    def set_stopped(self, error: str, hint: str = "", seconds: float = STOPPED_S) -> None:
        """The engine has stopped on an error: from now on the whole screen says so (device/ui/stopped.py:
        ``error`` in the engine's words, its ``hint``, a countdown of ``seconds``) instead of the pages,
        and events go nowhere but to close it sooner (:meth:`finished`)."""
        if self.stopped is None:
            self.stopped = StopScreen(error, hint, self.clock() + seconds)

    def finished(self) -> bool:
        """Whether the stop screen has been shown its time, or tapped away: the panel should close."""
        return self.stopped is not None and self.stopped.over(self.clock())

    def set_offline(self, reason: str) -> None:
        """Why the engine does not answer its status ("" once it does again): shown in the tab bar
        while it lasts; the pages grey out what they would show live (notes, level, load)."""
        self.state.offline = reason

    def handle(self, event: Event) -> None:
        """One event: the page makes messages of it (laid out as it is on screen now) and each goes
        to the engine at once; a refusal or an error is shown and handed back to the page.  Once the
        engine has stopped (:meth:`set_stopped`) a tap or an encoder press only closes the panel sooner."""
        if self.stopped is not None:
            tapped = isinstance(event, Touch) and event.kind == "down"
            if tapped or (isinstance(event, EncoderPress) and event.pressed):
                self.stopped.dismiss()
            return
        if isinstance(event, Touch) and not self._to_page(event):
            return
        for each in self._paging(event):
            self._give(each)

    def _paging(self, event: Event) -> list[Event]:
        """The events for the page, after encoder 1's push-and-turn took its own (:data:`PAGE_ENCODER`): its
        button's press is held back until it is let go, and is given then (press and release) unless the
        encoder was turned while it was held; such a turn shows the next page (clockwise) or the previous one,
        a page per detent.  So a box without touch (none fitted, or a controller that stopped answering) reaches
        every page; a press alone does what it did, on release."""
        if isinstance(event, EncoderPress) and event.index == PAGE_ENCODER:
            if event.pressed:
                self._held, self._paged = True, False
                return []
            held, self._held = self._held, False
            return [] if self._paged or not held else [EncoderPress(event.index, True), event]
        if isinstance(event, EncoderTurn) and event.index == PAGE_ENCODER and self._held:
            self._paged = True
            if event.delta:
                self.show(self.current + event.delta)
            return []
        return [event]

    def _give(self, event: Event) -> None:
        """``event`` to the page on screen, laid out as it is now; what it makes of it goes to the engine."""
        self.page.layout(self.content)
        try:
            messages = self.page.handle(event)
        except Exception as exc:  # noqa: BLE001 - shown, never fatal
            self.fail(exc)
            return
        for m in messages:
            self._send(m)

    def _to_page(self, ev: Touch) -> bool:
        """Whether a touch goes to the page.  A finger that came down on the tab bar switches pages
        and its moves and up go nowhere; so do those of a finger that came down on another page."""
        if ev.kind == "down":
            self._fingers[ev.id] = "tabs" if ev.y < TAB_H else "page"
            if ev.y < TAB_H:
                for i, r in enumerate(self.tabs):
                    if r.collidepoint(ev.x, ev.y):
                        self.show(i)
                return False
            return True
        where = self._fingers.pop(ev.id, None) if ev.kind == "up" else self._fingers.get(ev.id)
        return where == "page"

    def _send(self, message: dict[str, Any]) -> None:
        page = self.page
        try:
            self.control.send(message)
        except Exception as exc:  # noqa: BLE001 - the engine gone, silent or refusing: shown, never fatal
            self.fail(exc)
            self._guard(lambda: page.failed(message, exc))
            return
        self.sent += 1

    def _mark(self, page: Page) -> tuple[int, int, int] | None:
        """:meth:`Page.mark`, None when it fails (logged: the tabs keep working)."""
        try:
            return page.mark()
        except Exception:  # noqa: BLE001 - a mark is a hint; a page that cannot say leaves it out
            log.exception("the %s page's tab mark failed", page.title)
            return None

    def message(self) -> tuple[str, tuple[int, int, int]]:
        """The line the tab bar shows: a fresh toast, else why the engine is not answering, else "capture session: live
        input muted" while one lasts, else ""."""
        now = self.clock()
        key = (self.state.toast, self.state.toast_n)
        if key != self._toast_key:
            self._toast_key, self._toast_since = key, now
        if self.state.toast and now - self._toast_since >= TOAST_S:
            self.state.toast = ""
            self._toast_key = ("", self.state.toast_n)
        if self.state.toast:
            return self.state.toast, D.BAD if self.state.toast_lines()[1] else D.ACCENT
        if self.state.offline:
            return self.state.offline, D.BAD
        if capture_session_words(self.state.status):     # device/audio/capture.py: gear in the loop must not howl
            return capture_line(self.state.status), D.ACCENT
        return "", D.DIM

    def draw(self, surface: Any) -> None:
        """A frame: the library results that arrived since the last one first (pages change only
        here and in :meth:`handle`), then the page, then the tab bar; once the engine has stopped on an
        error, the stop screen instead (:meth:`set_stopped`)."""
        if self.stopped is not None:
            self.stopped.draw(surface, self.ctx.fonts, self.clock())
            return
        self._guard(self.reader.deliver)
        self._say_waiting()
        surface.fill(D.BG)
        self.page.layout(self.content)
        try:
            self.page.draw(surface)
        except Exception as exc:  # noqa: BLE001 - a page that cannot draw leaves the tabs working
            surface.fill(D.BG, self.content)
            if error_text(exc) != self.state.toast:
                self.fail(exc)
        self._draw_tabs(surface)

    def _draw_tabs(self, surface: Any) -> None:
        """The tab titles; with a message, smaller titles over the message line (the page is never
        covered)."""
        f = self.ctx.fonts
        text, colour = self.message()
        self.pygame.draw.rect(surface, D.PANEL, (0, 0, self.size[0], TAB_H))
        title_y, title_size, mark_y = (TAB_H // 2, 28, TAB_H - 4) if not text else (14, 22, 25)
        marks = [self._mark(page) for page in self.pages]
        titles = [tab_title(f, page, title_size, r.width - 4 - (2 * MARK_R + 6 if mark else 0))
                  for r, page, mark in zip(self.tabs, self.pages, marks)]
        size = min(s for _, s in titles)                     # one size for every tab, the smallest any needs
        for i, (r, mark, (title, _)) in enumerate(zip(self.tabs, marks, titles)):
            if i == self.current:
                self.pygame.draw.rect(surface, D.ACCENT, (r.x, mark_y, r.width, 3 if text else 4))
            x = r.centerx - (MARK_R + 3 if mark else 0)             # room for the mark right of the title
            box = f.draw(surface, title, (x, title_y), size, D.TEXT if i == self.current else D.DIM, "center")
            if mark:
                self.pygame.draw.circle(surface, mark, (min(box.right + MARK_R + 4, r.right - MARK_R - 1), title_y),
                                        MARK_R)
        if text:
            lines = self.state.toast_lines()[0] if text == self.state.toast else (text,)
            line = D.fit(f, lines, MESSAGE_SIZE, self.size[0] - 20)
            f.draw(surface, line, (10, TAB_H - 11), MESSAGE_SIZE, colour, "midleft")


def tab_title(fonts: D.Fonts, page: Page, size: int, width: float) -> tuple[str, int]:
    """A page's tab title and its font size in ``width`` px: the title, smaller down to :data:`TITLE_MIN` where
    the tabs are narrow (six tabs on a 480-px screen), else the page's short title ("Set"), cut only if even that
    does not fit."""
    title, at = D.shrink_to_fit(fonts, page.title, size, width, TITLE_MIN)
    if title == page.title:
        return title, at
    return D.shrink_to_fit(fonts, page.tab_short or page.title, size, width, TITLE_MIN)
