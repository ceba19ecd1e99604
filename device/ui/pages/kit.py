"""Kit: the sampler's kit as a grid of pads (device/kit.py), played with a finger and set from the Library page.

A bank of pads shows consecutive MIDI notes, the lowest at the bottom left and rising to the right, then up, as
drum pad controllers lay them out (the first bank starts at C2 = 36, General MIDI's kick).  A pad names its note
and what it plays (the tag it was chosen for, else the file); where the tag repeats in the bank (a family of toms or
hats) it names the words of its file's name that tell it from the others' ("tom Hi", else "Hi" where the pad is
narrow: :func:`pad_labels`; p51 QA read "tom tom tom tom tom").  Touching a pad plays its note on the sampler alone
(``note_on`` with ``slot: sampler``, as MIDI channel 10 does: the synth stays quiet), louder the higher up the pad
the finger lands; lifting the finger sends the ``note_off`` (a loop stops, a one-shot plays out).  Several fingers
play several pads.

Setting pads: the sample last chosen on the Library page (turned to, tapped or played there) is the *pick*;
"assign" puts it on the selected pad, "loop" toggles whether the pad's sample loops while held (its tag stays),
"latch" whether a looping pad's loop latches, a tap starting it and the next stopping it (as ``hatbox box-kit
--latch/--no-latch NOTE`` sets it, PATCH /kit/notes/NOTE; its pad shows "latch"; p52),
"clear" empties the pad, and "from library" makes the whole kit of the tagged library the pick comes from, or with no
pick the box's biggest tagged library (a note per tag, as ``hatbox box-kit --from`` does, the producer's words kept
on their notes; a kit that has notes already is replaced only on a second tap within :data:`CONFIRM_S`, with nothing
else done between).  It says the words that moved, are new or went: counted in the tab bar (a narrow one too),
listed on the line over the buttons (where the list does not fit: the gone words, then the counts alone) until the
next touch or turn or the page is left; a kit that kept changing while it was made (another laptop's changes) is
left as they left it, and said so in red.  While a change is on its way the line over the buttons says so and the
buttons wait for it.  A note held by two fingers (or a finger and encoder 2) sounds until the last lets go.  Changes go
through the API's kit (the same kit.json, lock and sampler messages as ``hatbox box-kit``) on the panel's reader,
never on a frame: mapping a sample decodes it.  Without the API in this process (``--no-api``) the page says the
kit is kept by the API.

Encoders: 1 turns through the pads (across banks), 2 turns the bank, and 2's press plays the selected pad while it
is held (or turns a sampler a fault silenced back on); 3's press stops every loop that sounds (as "stop loops"
does).  4 is the button encoder (device/ui/focus.py): its turn puts a
ring on assign, loop, latch, clear or from library, and its press does that button, as a tap does ("press again"
where a tap would ask for a second one), so a panel without touch sets pads too.
"""
from __future__ import annotations

import logging
import time
from typing import Any

import pygame

from device.control import msg
from device.kit import Pad
from device.notes import note_name
from device.ui import draw as D
from device.ui.events import EncoderPress, EncoderTurn, Event, Touch
from device.ui.bypass import SlotBypass
from device.ui.kit_desk import KitRefused, made_said
from device.ui.focus import ButtonFocus, draw_focus, pressed, released, turned
from device.ui.faults import fault_words, faulted, sample_label, slot_warnings, warned_sample, warning_lines
from device.ui.pages.base import Message, Page, hit
from device.ui.pages.kit_labels import pad_labels
from device.ui.pages.kit_words import empty_pad_said, latch_said, loop_said
from device.ui.pages.kit_loops import STOP_ENCODER, KitLoops, draw_stop, middle_rect, off_screen, stop_rect, stop_said
from device.ui.loops import Loop, stop_message
from hatbox.errors import first_line
from hatbox.text import count_words

log = logging.getLogger(__name__)

FIRST_NOTE = 36          # the first bank starts at C2: General MIDI's kick, where pad controllers start
COLS = 4
MAX_ROWS = 4             # 16 pads a bank on a 800x480 panel, fewer rows where the screen is lower
MIN_PAD_H = 52           # px: a pad is never shorter than a fingertip and its two lines
BUTTON_H = 46
TWO_ROWS_BELOW_W = 420   # px: a narrower page puts its five buttons in two rows, three a row
VELOCITY = (40, 127)     # a touch at a pad's bottom edge, at its top edge
CONFIRM_S = 5.0          # s "from library" waits for its second tap over a kit that has notes
BUTTONS = ("assign", "loop", "latch", "clear", "from library")   # left to right, as encoder 4 turns through them
NO_API = ("the kit is kept by the box's API: start the box without --no-api", "the kit needs the box's API")


MODE_WORDS = ((18, 8, 8), (14, 4, 6))     # a pad's "loop"/"latch": (font px, gap after the name, right margin)


class KitPage(Page):
    title = "Kit"

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx)
        self.pads_read = 0                  # kits read (each set of :attr:`pads` counts): the pad labels' cache key
        self.pads = {}
        self.first = FIRST_NOTE            # the lowest note of the bank on screen
        self.note = FIRST_NOTE             # the selected pad
        self.size = COLS * MAX_ROWS        # pads a bank: set by layout
        self.pad_rects: list[Any] = []      # the bank's pads, lowest note first
        self.fingers: dict[int, int] = {}   # finger id -> the note it holds down
        self.held_by_encoder: int | None = None
        self.buttons: dict[str, Any] = {}
        self.prev_btn: Any = None
        self.next_btn: Any = None
        self.confirm_at: float | None = None   # when "from library" (or "assign") was tapped once over notes
        self.confirm_for = ""               # which of the two asks for its second tap
        self.confirm_verb = "tap"           # ... and how it was asked for: "tap", or "press" (encoder 4)
        self.focus = ButtonFocus(BUTTONS, "assign")      # the button encoder 4's press does
        self.changing = ""                  # what the change on its way does ("" when none is): taps wait for it
        self.loaded = False                 # the pads were read once
        self.kit_loading: tuple[int, int] | None = None   # (notes handed over, of) while the box's start loads the kit
        self._warnings: tuple[Any, dict[str | None, str]] = (None, {})   # a status, its warnings by file named
        self._warned_line: tuple[str, ...] = ()          # the info line last made of a pad's warning
        self._fault_line: tuple[str, ...] = ()           # ... of a fault that silenced the sampler
        self.made: tuple[str, ...] = ()       # the words "from library" moved, as the line's wordings
                                              # (kit_desk.made_said): until a touch or turn, or the page is left
        self._made_line: tuple[str, ...] = ()            # the info line last made of them
        self.sampler = SlotBypass("sampler")      # the sampler's bypass as the engine reports it (a fault silences it)
        self.fault_btn: Any = None                # "SAMPLER FAULT" over the pads while a fault silences the sampler
        self._bank_labels: tuple[Any, dict[int, tuple[str, ...]]] = (None, {})   # (pads read, bank) -> pad_labels
        self.loops = KitLoops()                   # the loops the status says sound (device/ui/pages/kit_loops.py)
        self.stop_btn: Any = None                 # "stop loops", in the top row while one sounds

    # -- data -------------------------------------------------------------------------
    @property
    def pads(self) -> dict[int, Pad]:
        """The kit's pads as last read (note -> pad)."""
        return self._pads

    @pads.setter
    def pads(self, pads: dict[int, Pad]) -> None:
        self._pads, self.pads_read = pads, self.pads_read + 1     # (not id(pads): a new dict may reuse an old address)

    @property
    def kit(self) -> Any:
        return getattr(self.ctx.data, "kit", None)

    def enter(self) -> None:
        self.made = ()             # a making that ended while another page was shown: its list is not news here
        self._read()
        self.follow()

    def follow(self) -> None:
        """Follow the engine's bypass of the sampler with every status: a fault that silences it shows at once."""
        self.sampler.follow(self.ctx.state.status, self.ctx.state.status_seq)

    def mark(self) -> tuple[int, int, int] | None:
        """Red while a fault keeps the sampler silent (the kit plays nothing until it is turned back on)."""
        return D.BAD if faulted(self.ctx.state.status, "sampler") else None

    def silenced(self) -> bool:
        """A fault silences the sampler (newer than the user's last tap of its button, here or on Play)."""
        return self.sampler.on and self.sampler.fault is not None

    def _turn_sampler_on(self) -> list[Message]:
        """The "SAMPLER FAULT" button (or encoder 2's press while it shows): the sampler back on, as on Play."""
        return [self.sampler.tap(self.ctx.state.status, self.ctx.state.status_seq)]

    def failed(self, message: Message, error: BaseException) -> None:
        if message.get("op") == "bypass":
            self.sampler.refused(message, self.ctx.state.status, self.ctx.state.status_seq)

    def refresh(self) -> None:
        self._read()

    def leave(self) -> None:
        self.confirm_at, self.made = None, ()
        self.focus.reset()

    def let_go(self) -> list[Message]:
        """A note_off for every note a finger or encoder 2 holds (a loop would play on, its finger's up lost)."""
        held = sorted(self._held())
        self.fingers, self.held_by_encoder = {}, None
        return [self._off(n) for n in held]

    def _read(self) -> None:
        """Read the kit, and whether the pick is still a file (its library may have been deleted), off the frame."""
        if self.kit is not None:
            picked, kit = self.ctx.state.picked, self.kit
            self.ctx.reader.submit(lambda: (kit.pads(), _loading(kit), picked, not picked or kit.holds(picked)),
                                   self._got)

    def _got(self, value: Any, error: BaseException | None) -> None:
        if error is not None:
            self.ctx.state.say(f"the kit could not be read: {first_line(error)}", alarm=True)
            return
        pads, self.kit_loading, picked, there = value
        self.pads, self.loaded = dict(pads), True
        if not there and self.ctx.state.picked == picked:      # gone from the box: no longer offered to assign
            self.ctx.state.picked = ""

    def _change(self, job: Any, doing: str, said: str | tuple[str, ...]) -> None:
        """Run ``job`` (a change to the kit) on the reader, saying ``doing`` until it answers; then say ``said`` (its
        wordings, longest first: :meth:`PanelState.say`) or the job's own words, or the refusal, and read the kit
        again.  Until then the buttons wait (a second tap would repeat it)."""
        wordings = (said,) if isinstance(said, str) else said

        def done(value: Any, error: BaseException | None) -> None:
            self.changing = ""
            if isinstance(error, KitRefused):          # nothing done: said in red, in the desk's short words
                log.info("panel: %s", error)
                self.ctx.state.say(*error.wordings, alarm=True)
            elif error is not None:
                self.ctx.fail(error)
            elif isinstance(value, str):                # "from library": its first line, the words it moved
                status, self.made = made_said(value)
                self.ctx.state.say(*status)
            else:
                self.ctx.state.say(*wordings)
            self._read()
        self.changing = doing
        self.ctx.state.say(doing)
        self.ctx.reader.submit(job, done, write=True)

    def confirming(self, name: str = "from library") -> bool:
        """Button ``name`` was tapped once over what it would replace ("from library": a kit with notes; "assign": a
        pad that plays another sample), less than :data:`CONFIRM_S` ago."""
        return (self.confirm_at is not None and self.confirm_for == name
                and time.monotonic() - self.confirm_at < CONFIRM_S)

    # -- layout -----------------------------------------------------------------------
    def layout(self, rect: Any) -> None:
        super().layout(rect)
        top = pygame.Rect(rect.x + 8, rect.y + 6, rect.width - 16, 40)
        self.prev_btn = pygame.Rect(top.x, top.y, 56, top.height)
        self.next_btn = pygame.Rect(top.right - 56, top.y, 56, top.height)
        self.fault_btn = pygame.Rect(self.prev_btn.right + 8, top.y, self.next_btn.x - self.prev_btn.right - 16,
                                     top.height)
        self.stop_btn = stop_rect(self.prev_btn, self.next_btn)
        names = BUTTONS
        per_row = len(names) if rect.width >= TWO_ROWS_BELOW_W else 3      # two rows: 16 pads on a 320x480 screen
        lines = -(-len(names) // per_row)
        buttons_y = rect.bottom - lines * (BUTTON_H + 6)
        bw = (rect.width - 16 - 8 * (per_row - 1)) // per_row
        self.buttons = {n: pygame.Rect(rect.x + 8 + (i % per_row) * (bw + 8),
                                       buttons_y + (i // per_row) * (BUTTON_H + 6), bw, BUTTON_H)
                        for i, n in enumerate(names)}
        grid = pygame.Rect(rect.x + 8, top.bottom + 6, rect.width - 16, buttons_y - 30 - (top.bottom + 6))
        rows = max(1, min(MAX_ROWS, grid.height // MIN_PAD_H))
        if rows * COLS != self.size:
            self.size = rows * COLS
            self._show(self.note, realign=True)
        w, h = grid.width // COLS, grid.height // rows
        self.pad_rects = [pygame.Rect(grid.x + (i % COLS) * w, grid.bottom - (i // COLS + 1) * h, w, h).inflate(-6, -6)
                          for i in range(self.size)]

    def _show(self, note: int, realign: bool = False) -> None:
        """Select ``note``; the bank on screen stays while it holds the note (a tapped pad never moves the pads under
        the finger), else (or ``realign``) the bank that holds it is shown: banks are ``size`` notes from C2 on,
        either way, the lowest and highest kept inside 0..127."""
        self.note = min(127, max(0, note))
        if realign or not self.first <= self.note < self.first + self.size:
            self.first = min(max(0, FIRST_NOTE + ((self.note - FIRST_NOTE) // self.size) * self.size), 128 - self.size)

    def _bank(self, step: int) -> None:
        """The next (``step`` 1) or previous (-1) bank, the selection moving with it; nothing past either end."""
        if (step < 0 and self.first == 0) or (step > 0 and self.first + self.size >= 128):
            return
        self._show(self.note + step * self.size)

    # -- events -----------------------------------------------------------------------
    def handle(self, event: Event) -> list[Message]:
        if isinstance(event, EncoderTurn) or (isinstance(event, EncoderPress) and event.pressed) or \
                (isinstance(event, Touch) and event.kind == "down"):
            self.made = ()                         # what "from library" moved: said until the next touch or turn
        if isinstance(event, (EncoderTurn, EncoderPress)) and not (pressed(event) or released(event)):
            self.confirm_at = None                 # "from library" asks again after anything else
        if pressed(event):
            self._button(self.focus.at, "press")      # encoder 4: the button in the ring, as a tap
        elif turned(event):
            self.focus.turn(turned(event))
        elif isinstance(event, EncoderTurn) and event.index == 0:
            self._show(self.note + event.delta)
        elif isinstance(event, EncoderTurn) and event.index == 1:
            for _ in range(abs(event.delta)):
                self._bank(1 if event.delta > 0 else -1)
        elif isinstance(event, EncoderPress) and event.index == 1 and event.pressed and self.silenced():
            return self._turn_sampler_on()             # encoder 2's press: the sampler's button, as on Play
        elif isinstance(event, EncoderPress) and event.index == 1:
            return self._encoder_play(event.pressed)
        elif isinstance(event, EncoderPress) and event.index == STOP_ENCODER and event.pressed:
            return self._stop_loops(self._looping())
        elif isinstance(event, Touch) and event.kind == "down":
            return self._tap(event)
        elif isinstance(event, Touch) and event.kind == "up" and event.id in self.fingers:
            return self._release(self.fingers.pop(event.id))
        return []

    def _tap(self, touch: Touch) -> list[Message]:
        x, y = touch.x, touch.y
        if hit(self.loops.stop_drawn, x, y):         # where the last frame drew it, for the loops it showed
            return self._stop_loops(self.loops.drawn)
        if self.silenced() and hit(self.fault_btn, x, y):
            return self._turn_sampler_on()
        for i, r in enumerate(self.pad_rects):
            if hit(r, x, y):
                return self._pad_down(self.first + i, touch, r)
        if hit(self.prev_btn, x, y):
            self._bank(-1)
        elif hit(self.next_btn, x, y):
            self._bank(1)
        else:
            for name, r in self.buttons.items():
                if hit(r, x, y):
                    self._button(name)
        return []

    def _pad_down(self, note: int, touch: Touch, rect: Any) -> list[Message]:
        self._show(note)
        self.confirm_at = None
        pad = self.pads.get(note)
        if pad is None:
            if self.kit is None:
                self.ctx.state.say(*NO_API)
            else:
                self.ctx.state.say(*empty_pad_said(note_name(note), self.ctx.state.picked))
            return []
        if pad.missing:
            self.ctx.state.say(f"{note_name(note)}: {pad.name} is no longer on the box",
                               f"{note_name(note)}: sample gone")
            return []
        if self.silenced():                           # its note would sound nothing: say why instead
            self.ctx.state.say("a fault silenced the sampler: tap SAMPLER FAULT to turn it back on",
                               "sampler silenced: tap SAMPLER FAULT")
            return []
        if pad.loading:
            self.ctx.state.say(f"{note_name(note)} plays once the kit is loaded ({self._loading_words()})",
                               f"{note_name(note)}: still loading")
            return []
        height = max(1, rect.height - 1)
        low, high = VELOCITY
        velocity = int(round(low + (high - low) * min(1.0, max(0.0, (rect.bottom - 1 - touch.y) / height))))
        self.fingers[touch.id] = note
        return [msg("note_on", note=note, velocity=velocity, slot="sampler")]

    def _off(self, note: int) -> Message:
        return msg("note_off", note=note, slot="sampler")

    def _held(self) -> set[int]:
        """The notes a finger or encoder 2 holds down now."""
        return set(self.fingers.values()) | ({self.held_by_encoder} if self.held_by_encoder is not None else set())

    def _release(self, note: int) -> list[Message]:
        """``note`` let go by one of what held it: its note_off once nothing holds it any more (two fingers on one
        looping pad: the loop plays on until the second lifts)."""
        return [] if note in self._held() else [self._off(note)]

    def _looping(self) -> list[Loop]:
        """The loops the status says sound (device/ui/loops.py); none while a fault silences the sampler (its voices
        do not run, and turning it back on drops them)."""
        return [] if self.silenced() else self.loops.of(self.ctx.state.status)

    def _stop_loops(self, loops: list[Loop]) -> list[Message]:
        """"stop loops" (or encoder 3's press): every loop that sounds stops (one ``stop_loops``), ``loops`` said."""
        self.ctx.state.say(*stop_said(loops, self.silenced()))
        return [stop_message()] if loops else []

    def _encoder_play(self, pressed: bool) -> list[Message]:
        if pressed:
            pad = self.pads.get(self.note)
            if pad is None or pad.missing:
                self.ctx.state.say(f"{note_name(self.note)} plays nothing")
                return []
            self.held_by_encoder = self.note
            return [msg("note_on", note=self.note, velocity=100, slot="sampler")]
        note, self.held_by_encoder = self.held_by_encoder, None
        return [] if note is None else self._release(note)

    def _button(self, name: str, verb: str = "tap") -> None:
        """Button ``name`` tapped (``verb`` "tap") or pressed with encoder 4 ("press") while its ring is on it; one
        that replaces what a pad or the kit plays asks for the same again first, in the same words."""
        if self.kit is None:
            self.ctx.state.say(*NO_API)
            return
        if self.changing:
            self.ctx.state.say(f"{self.changing} (wait for it)")
            return
        confirmed, self.confirm_at = self.confirming(name), None
        note, pad = self.note, self.pads.get(self.note)
        where = note_name(note)
        if name == "assign":
            picked = self.ctx.state.picked
            if not picked:
                self.ctx.state.say("pick a sample on the Library page first, then come back and assign",
                                   "pick a sample on Library first")
                return
            if pad is not None and not pad.missing and pad.path != picked and not confirmed:
                self._ask_again(name, verb)                                    # (QA: put over the kick at once)
                self.ctx.state.say(f"{verb} again to put {Pad(note, picked).name} on {where} in place of {pad.name}",
                                   f"{verb} again to replace {where}")
                return
            loop = bool(pad and pad.loop)
            self._change(lambda: self.kit.assign(note, picked, loop), f"putting {Pad(note, picked).name} on {where}...",
                         f"{where} plays {Pad(note, picked).name}")
        elif name == "loop":
            if pad is None or pad.missing:
                self.ctx.state.say(f"{where} plays nothing to loop")
                return
            self._change(lambda: self.kit.assign(note, pad.path, not pad.loop, pad.tag), f"changing {where}...",
                         loop_said(where, pad))
        elif name == "latch":
            if pad is None or pad.missing or not pad.loop:
                self.ctx.state.say(f"{where} plays nothing to latch" if pad is None or pad.missing else
                                   f"{where} does not loop: tap loop first, then latch", f"{where}: no loop to latch")
                return
            self._change(lambda: self.kit.latch(note, not pad.latch), f"changing {where}...", latch_said(where, pad))
        elif name == "clear":
            if pad is None:
                self.ctx.state.say(f"{where} plays nothing already")
                return
            self._change(lambda: self.kit.clear(note), f"clearing {where}...", f"{where} cleared")
        elif name == "from library":
            if self.pads and not confirmed:
                self._ask_again(name, verb)
                source = ("the picked sample's library" if self.ctx.state.picked else
                          "the biggest library (pick a sample on Library to choose one)")
                self.ctx.state.say(f"{verb} again to replace the kit ({count_words(len(self.pads), 'note')}) with "
                                   f"one from {source}",
                                   f"{verb} again to replace the kit")
                return
            picked = self.ctx.state.picked
            self._change(lambda: self.kit.from_library(picked), "making the kit from the library...", "kit made")

    def _ask_again(self, name: str, verb: str) -> None:
        """Button ``name`` waits :data:`CONFIRM_S` for its second tap (``verb`` "tap") or encoder 4 press ("press")."""
        self.confirm_at, self.confirm_for, self.confirm_verb = time.monotonic(), name, verb

    # -- drawing ----------------------------------------------------------------------
    def draw(self, surface: Any) -> None:
        f = self.ctx.fonts
        last = self.first + self.size - 1
        bank = f"{note_name(self.first)} - {note_name(last)}"
        loops = self._looping()
        middle = middle_rect(self.prev_btn, self.next_btn, self.stop_btn, bool(loops))
        if self.silenced():                   # the sampler's button, as on Play, where the bank's name was
            D.button(surface, f, middle, (f"SAMPLER FAULT ({bank}): tap to turn it on", "SAMPLER FAULT",
                                          "FAULT"), on=True, lit=D.BAD)
        else:
            f.draw(surface, D.fit(f, (bank,), 24, middle.width), middle.center, 24, D.TEXT, "center")
        if loops:
            draw_stop(surface, f, self.stop_btn, loops)
        self.loops.shown(self.stop_btn, loops)
        below, above = off_screen(loops, self.first, self.size)                  # a loop in a bank off screen
        D.button(surface, f, self.prev_btn, "<", on=below, lit=D.GOOD, enabled=self.first > 0)
        D.button(surface, f, self.next_btn, ">", on=above, lit=D.GOOD, enabled=last < 127)
        held = self._held()
        for i, r in enumerate(self.pad_rects):
            self._draw_pad(surface, self.first + i, r, held)
        line = self._line()                          # a pad's warning in the accent colour, a fault in red
        news = line is self._warned_line or line is self._made_line    # ... as what "from library" moved
        colour = D.BAD if line is self._fault_line else D.ACCENT if news else D.DIM
        f.draw(surface, D.fit(f, line, 20, self.rect.width - 16), (self.rect.x + 8, self.buttons["assign"].y - 16),
               20, colour, "midleft")
        pad = self.pads.get(self.note)
        enabled = self.kit is not None
        again = f"{self.confirm_verb} again"
        D.button(surface, f, self.buttons["assign"], again if self.confirming("assign") else "assign",
                 on=self.confirming("assign"), enabled=enabled and bool(self.ctx.state.picked))
        D.button(surface, f, self.buttons["loop"], "loop", on=bool(pad and pad.loop),
                 enabled=enabled and pad is not None and not pad.missing)
        D.button(surface, f, self.buttons["latch"], "latch", on=bool(pad and pad.loop and pad.latch),
                 enabled=enabled and pad is not None and not pad.missing and pad.loop)
        D.button(surface, f, self.buttons["clear"], "clear", enabled=enabled and pad is not None)
        confirming = self.confirming()
        D.button(surface, f, self.buttons["from library"], again if confirming else "from library",
                 on=confirming, enabled=enabled)
        draw_focus(surface, f, self.buttons[self.focus.at])

    def _draw_pad(self, surface: Any, note: int, r: Any, held: set[int]) -> None:
        f = self.ctx.fonts
        pad = self.pads.get(note)
        looping = note in self.loops.notes(self.ctx.state.status) and note not in held
        lit = (note in held or looping) and not self.silenced()   # a silenced sampler sounds nothing: no pad lights
        pygame.draw.rect(surface, (D.GOOD if looping else D.ACCENT) if lit else D.PANEL, r, 0, border_radius=8)
        if note == self.note:
            pygame.draw.rect(surface, D.TEXT if lit else D.ACCENT, r, 3, border_radius=8)
        ink = D.BG if lit else D.DIM
        name_box = f.draw(surface, note_name(note), (r.x + 8, r.y + 12), 18, ink, "midleft")
        if pad is None:
            return
        if pad.loop:
            self._draw_mode(surface, "latch" if pad.latch else "loop", r, name_box.right, ink)
        warned = self.warning(pad) is not None
        if warned:                        # the sampler warned of its file (a loop that clicks, silence): a mark
            f.draw(surface, "!", (r.right - 10, r.bottom - 12), 22, D.BG if lit else D.ACCENT, "midright")
        label = D.fit(f, ("missing",) if pad.missing else self._labels().get(note, (pad.tag or pad.name,)), 22,
                      r.width - (24 if warned else 12))
        dim = pad.missing or pad.loading              # plays nothing (yet): dimmed
        f.draw(surface, label, (r.centerx, r.centery + 8), 22, D.BG if lit else D.DIM if dim else D.TEXT, "center")

    def _draw_mode(self, surface: Any, word: str, r: Any, name_right: int, ink: Any) -> None:
        """A looping pad's mark in its top right corner (``r``: the pad, ``name_right``: x where its note's name
        ends): ``word`` ("loop", "latch") at 18 px where it fits beside the name, else at 14 px (a 70-px pad of a
        320-px panel: "latch" showed as a dot while "loop" showed whole, p52 final read FR4 #3), else a dot."""
        f = self.ctx.fonts
        for size, gap, margin in MODE_WORDS:
            if name_right + gap + f.size(word, size)[0] <= r.right - margin:
                f.draw(surface, word, (r.right - margin, r.y + 12), size, ink, "midright")
                return
        pygame.draw.circle(surface, ink, (r.right - 12, r.y + 12), 4)

    def _labels(self) -> dict[int, tuple[str, ...]]:
        """:func:`pad_labels` of the bank on screen (worked out once per kit read and bank, not per frame); the pads
        of a repeated tag all keep the tag where every one of them fits with it, else all drop it ("Lo", "Mid")."""
        width = self.pad_rects[0].width - 24 if self.pad_rects else 0      # (room for a warning's "!")
        key = (self.pads_read, self.first, self.size, width)
        if self._bank_labels[0] != key:
            bank = [p for n, p in self.pads.items() if self.first <= n < self.first + self.size]
            labels = pad_labels(bank)
            for tag in {p.tag for p in bank if len(labels[p.note]) > 1}:     # one tag's pads read alike: the
                notes = [p.note for p in bank if p.tag == tag]              # tag with each, or with none
                if any(self.ctx.fonts.size(labels[n][0], 22)[0] > width for n in notes):
                    labels.update({n: labels[n][1:] for n in notes})
            self._bank_labels = (key, labels)
        return self._bank_labels[1]

    def _line(self) -> tuple[str, ...]:
        """The line over the buttons: the selected pad, then the Library page's pick (longest wording first)."""
        if self.kit is None:
            return NO_API
        if self.changing:
            return (self.changing,)
        if not self.loaded:
            return ("reading the kit...",)
        pad = self.pads.get(self.note)
        here = f"{note_name(self.note)} ({self.note}): " + (f"{pad.name}" + (f" [{pad.tag}]" if pad.tag else "")
                                                            if pad else "nothing")
        if self.silenced() and self.sampler.fault is not None:    # the kit sounds nothing: why, and what to do
            long, short = fault_words(self.sampler.fault)
            self._fault_line = (f"sampler silenced: {long} - tap SAMPLER FAULT (or press encoder 2) to turn it on",
                                f"sampler silenced: {short} - tap SAMPLER FAULT", f"sampler silenced: {short}")
            return self._fault_line
        if self.kit_loading is not None:             # the box's start hands the kit to the sampler
            return (f"{self._loading_words()}   {here}", self._loading_words())
        if self.made:                    # what "from library" moved: in full where it fits, else gone first, counts
            self._made_line = self.made
            return self._made_line
        if (warned := self.warning(pad)) is not None:  # the sampler's warning of its file, whole where it fits
            self._warned_line = (*warning_lines(warned), here)
            return self._warned_line
        picked = self.ctx.state.picked
        pick = f"Library pick: {Pad(0, picked).name}" if picked else "no Library pick"
        return (f"{here}   {pick}", here)

    def warning(self, pad: Pad | None) -> str | None:
        """The sampler's newest warning of ``pad``'s file in the status (:func:`slot_warnings`: a file cut short, a
        loop that clicks where it wraps, a silent file; matched by :func:`sample_label`), else None."""
        status = self.ctx.state.status
        if self._warnings[0] is not status:            # worked out once per status, not per pad and frame
            by_file = {warned_sample(t): t for t in slot_warnings(status if isinstance(status, dict) else {})}
            self._warnings = (status, by_file)
        return None if pad is None else self._warnings[1].get(sample_label(pad.path))

    def _loading_words(self) -> str:
        """"loading kit 9 of 14..." while the box's start loads the kit; "" once loaded."""
        if self.kit_loading is None:
            return ""
        return f"loading kit {self.kit_loading[0]} of {self.kit_loading[1]}..."


def _loading(kit: Any) -> tuple[int, int] | None:
    """``kit.loading()`` (KitDesk): how far the box's start has loaded the kit; None for a kit that cannot say."""
    try:
        found = kit.loading() if callable(getattr(kit, "loading", None)) else None
    except Exception:  # noqa: BLE001 - a kit that cannot say how far it is: shown as loaded, as before
        return None
    return (int(found[0]), int(found[1])) if isinstance(found, tuple) and len(found) == 2 else None
