"""What every page shares: the panel's state, the context (data, fonts), the page interface."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from device.finite_numbers import finite_or_none
from device.ui.data import PanelData
from device.ui.draw import Fonts
from device.ui.events import Event, Touch
from device.ui.reader import InlineReader, Reader

Message = dict[str, Any]


@dataclass
class PanelState:
    """What the panel knows: the engine's last status and what the user has set from here."""

    status: dict[str, Any] = field(default_factory=dict)
    status_seq: int = 0                           # how many statuses the panel has been given (the newer, the larger)
    xy: tuple[float, float] = (0.5, 0.5)          # pad position, 0..1, (0, 0) bottom-left
    corners: list[str] = field(default_factory=list)
    knobs: dict[str, float] = field(default_factory=dict)
    knob_pack: str = ""                          # the effect pack (id) whose knobs ``knobs`` holds
    bypass: bool = False
    volume_db: float = 0.0
    toast: str = ""                              # last problem or confirmation, shown in the tab bar
    toast_n: int = 0                             # bumped by say(): the same words again show again
    offline: str = ""                            # why the engine does not answer ("" while it does)
    said: tuple[tuple[str, ...], bool] = ((), False)   # the last say()'s wordings and whether it alarms
    picked: str = ""                             # the sample last chosen on the Library page (turned to, tapped or
                                                 # played there): the Kit page's "assign" puts it on a pad

    def say(self, text: str, *shorter: str, alarm: bool = False) -> None:
        """Show ``text`` (its first line) in the tab bar for a few seconds; where it does not fit, the
        first of the ``shorter`` wordings that does (else the last, cut).  ``alarm``: in red (an
        engine fault), not in the accent colour."""
        lines = tuple(t.splitlines()[0] if t else "" for t in (text, *shorter))
        self.toast = lines[0]
        self.said = (lines, alarm)
        self.toast_n += 1

    def toast_lines(self) -> tuple[tuple[str, ...], bool]:
        """The wordings of the message shown (longest first) and whether it alarms; a toast set
        without :meth:`say` is its own only wording."""
        lines, alarm = self.said
        return (lines, alarm) if lines and lines[0] == self.toast else ((self.toast,), False)


def no_midi() -> Any:
    """A panel without the box's MIDI map (its control has no ``midi``)."""
    return None


@dataclass
class Context:
    """What pages share: the data, the fonts, the state, where library work runs (``reader``), how a
    problem is shown (``report``: the panel's :meth:`~device.ui.panel.Panel.fail`) and the box's MIDI map
    (``midi()``: the control's ``midi``, a device.midi.MidiHub, read when used since the box sets it as
    MIDI starts; None without one)."""

    data: PanelData
    fonts: Fonts
    state: PanelState
    reader: Reader = field(default_factory=InlineReader)
    report: Callable[[BaseException], None] | None = None
    midi: Callable[[], Any] = no_midi

    def fail(self, exc: BaseException) -> None:
        """Show ``exc`` (logged too, through the panel's ``report``)."""
        if self.report is not None:
            self.report(exc)
        else:
            self.state.say(str(exc) or type(exc).__name__)


# what to do with no pack of a page's kind active (the Effect and Play pages), longest wording first
NO_PACK_HINTS = ("pick one on the Models page, or send one from the laptop: hatbox push PACK --activate",
                 "pick one on the Models page (or hatbox push PACK)", "pick one on Models")


class Page:
    """A page: ``handle`` turns events into control messages, ``draw`` paints ``rect`` of ``surface``."""

    title = "page"
    tab_short = ""           # the tab's title where ``title`` does not fit (narrow screens); "": the title, cut

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.rect: Any = None        # the content area of the last draw (panel pixels)

    def enter(self) -> None:
        """Called when the page is shown (refresh what it lists)."""

    def leave(self) -> None:
        """Called when another page is shown: forget fingers and drags (their up goes elsewhere)."""

    def let_go(self) -> list[Message]:
        """The messages that end what fingers and encoders hold on this page, sent just before :meth:`leave`
        when another page is shown (their "up" never reaches this page): the Kit page's held notes."""
        return []

    def failed(self, message: Message, error: BaseException) -> None:
        """The engine did not take ``message`` (one this page made): undo what the page did for it.
        The panel has already logged the error and shown it."""

    def follow(self) -> None:
        """Called with every status while the page is on screen (``ctx.state.status``): show what the
        engine reports that the user did not set here (the Effect page: a fault's bypass)."""

    def refresh(self) -> None:
        """Called every few seconds while the page is on screen: pick up what changed elsewhere
        (a pack pushed through the API, a library tagged) without losing the user's place."""

    def layout(self, rect: Any) -> None:
        """Place widgets inside ``rect`` (called before every draw and before events are handled)."""
        self.rect = rect

    def handle(self, event: Event) -> list[Message]:
        return []

    def mark(self) -> tuple[int, int, int] | None:
        """The colour of a dot the tab bar shows beside this page's title, whatever page is on screen, while
        something on this page needs the musician (an effect a fault bypassed), or None."""
        return None

    def draw(self, surface: Any) -> None:
        raise NotImplementedError


def number(status: dict[str, Any], key: str) -> float | None:
    """``status[key]`` as a float when it is a real, finite number; None when it is missing, None (an
    older engine, a figure the engine does not know), not a number, a bool, NaN or inf: the page then
    shows "-" rather than a made-up figure or a crash."""
    return finite_or_none(status.get(key))


def hit(rect: Any, x: float, y: float) -> bool:
    return rect is not None and rect.collidepoint(x, y)


def rows(rect: Any, n: int, height: int) -> list[Any]:
    """``n`` rows of ``height`` px stacked from the top of ``rect`` (fewer if they do not fit)."""
    import pygame
    fit = max(0, min(n, rect.height // height))
    return [pygame.Rect(rect.x, rect.y + i * height, rect.width, height) for i in range(fit)]


DRAG_START_PX = 12       # a finger moved this far from where it went down is a drag (scrolling), not a tap


@dataclass
class ListDrag:
    """A finger that went down on a list and moves along it: the list's selection follows one row per ``row`` px,
    dragging up moving it down the list (the list is drawn around its selection, :func:`scroll_window`, so the
    rows move with the finger).  ``which`` names the list the finger went down on (a page may have two)."""

    finger: int | None = None
    which: str = ""
    y0: float = 0.0
    index0: int = 0
    moved: bool = False          # past DRAG_START_PX: the touch is a drag, and its "up" is no tap

    def start(self, touch: Touch, which: str, index: int) -> None:
        self.finger, self.which, self.y0, self.index0, self.moved = touch.id, which, touch.y, index, False

    def follow(self, touch: Touch, row: int, count: int) -> int | None:
        """The selection for ``touch`` (a "move" of this drag's finger), within 0..count-1; None while the finger
        has not moved DRAG_START_PX yet, or for another finger."""
        if touch.id != self.finger or touch.kind != "move" or count <= 0:
            return None
        if not self.moved and abs(touch.y - self.y0) < DRAG_START_PX:
            return None
        self.moved = True
        return min(count - 1, max(0, self.index0 + round((self.y0 - touch.y) / row)))

    def end(self, touch: Touch) -> bool:
        """Forget the finger of an "up"; True when it was this drag's and it never moved (a tap)."""
        if touch.id != self.finger:
            return False
        tapped = not self.moved
        self.finger, self.moved = None, False
        return tapped


def scroll_window(selected: int, count: int, visible: int) -> int:
    """First visible row index so that ``selected`` is on screen."""
    if count <= visible:
        return 0
    return min(max(0, selected - visible // 2), count - visible)
