"""Effect: the active effect pack's knobs (units and ranges from its manifest) and bypass.

Encoders 1-4 turn the knobs of the selected bank of four; encoder 4's button steps through the
banks (as many as the pack needs); encoder 1's button is BYPASS (:data:`BYPASS_ENCODER`: a box without touch can
turn an effect a fault bypassed back on; before the thirty-third stop nothing could).  The page shows as many rows
of four dials as fit, the rows holding the selected bank.

Knobs follow the engine while the page is shown (:meth:`EffectPage.follow`, once per new status):
a knob turned elsewhere (a MIDI CC, the HTTP API, OSC: they all send the engine a ``knob``
message) shows the engine's value for the effect slot (``status["slot_knobs"]["effect"]``, when the
status names this pack; a synth knob of the same name is not this one).  A knob the user is
turning here is left alone: one held by a finger on its dial, and one turned here until
:data:`HOLD_STATUSES` statuses newer than its last turn have come (the statuses asked for before
the engine took the turn still report the value before it).

Bypass follows the engine while the page is shown (:meth:`EffectPage.follow`, with every status
that names the pack): the engine bypasses a pack whose model faults (NaN/inf, runaway level, DC:
device/audio/protect.py), and the page then lights BYPASS and says why, in red, under the pack's
name.  A tap wins over the statuses that have not caught up with it: after a tap the page shows the
tapped value until the engine reports it, or reports a fault newer than the tap (shown at once), or
:data:`HOLD_STATUSES` statuses newer than the tap have come without it (the engine did not take it).
These rules are the panel's :class:`~device.ui.bypass.SlotBypass`, shared with the Play page's
synth and sampler buttons.  The words for a fault are the panel's (device/ui/faults.py), shared
with the notice the tab bar shows on every page when a fault is new.

MIDI learn (device/ui/learn.py), on a box whose control has the box's MIDI map (``control.midi``): the
"learn" button beside BYPASS turns learn mode on; a knob tapped then is armed (the line under the pack's
name: "drive: move a control on your MIDI controller...") and the next control change the box receives
binds to it ("CC 74 -> drive", on that line and the message line).  Each knob shows the CCs that turn it
under its name.  The learn button again, leaving the page or another pack cancels a learn armed here.
A knob armed elsewhere (the API's ``POST /midi/learn``) shows the same way (ring, "waiting for a CC...",
the line under the pack's name), is left armed, and the CC it learns while the page is shown is said on the
message line the same way ("CC 74 -> drive"); the hub's warnings (learned bindings that could not be
saved) are said once each on the message line.
Without a MIDI map there is no button; with MIDI off it reads "MIDI off" and a tap says why."""
from __future__ import annotations

import math
from typing import Any

from device.control import msg
from device.finite_numbers import finite_number
from device.knob_words import STEPS_PER_SWEEP, knob_number
from device.ui import draw as D
from device.ui.bypass import HOLD_STATUSES, SlotBypass, plays, slot_report
from device.ui.data import PackEntry, active_pack
from device.ui.events import EncoderPress, EncoderTurn, Event, Touch
from device.ui.faults import fault_words, faulted
from device.ui.focus import pressed as button_pressed
from device.ui.learn import MidiLearn
from device.ui.pages.base import Message, Page, hit
from device.ui.signed_only import no_pack_hints
from export.manifest import Knob
from hatbox.text import number_words

DRAG_PX_PER_SWEEP = 300        # touch: vertical pixels from min to max
BANK = 4                       # knobs per bank: one per encoder
BYPASS_ENCODER = 0             # encoder 1's button is the BYPASS button
PER_ROW = 4                    # dials per row on screen (two where the page is narrow: portrait)
NARROW_W = 600                 # px: a page narrower than this puts PER_ROW // 2 dials in a row
TOP = 70                       # px above the first row of dials (name, bank)
ROW_GAP = 60                   # px between rows of dials (label)
KILO_UNITS = {"", "Hz", "hz", "samples", "sample", "smp", "B", "bytes"}   # units that take a "k" prefix
SAME = 1e-5                    # knob values closer than this (fraction of the sweep) are the same value
LEARN_W = 110                  # px: the MIDI learn button, left of BYPASS
CC_SIZE = 18                   # font size of the CCs under a knob's name
LEARN_COLOURS = {"armed": D.ACCENT, "bound": D.GOOD, "idle": D.TEXT}


def format_value(knob: Knob, value: float) -> str:
    """"6.5 dB", "1.2 kHz", "100 %": the value as device/knob_words.py ``knob_number`` writes it (three significant
    digits, no more decimals than a hundredth of a linear knob's range: "<0.1 dB" or "0.1 dB", not "0.0399 dB", on a
    0..24 dB knob; "0.04" on a 0..1 one; never "0" for a value that is not; never in exponent form: 999.7 Hz is
    "1 kHz", not "1e+03 Hz"; 0.00001 s is "0.00001 s" on a 0..0.001 s knob, "<0.01 s" on a 0..1 s one), the rule
    the engine's notes on a knob follow too; "k" from 1000 (after rounding) only for units it belongs to (Hz,
    samples, none) - never "kdB"."""
    text = knob_number(value, knob.min, knob.max, knob.scale)
    number = float(text) if text[:1] not in "<>" else 0.0
    if abs(number) >= 1000 and knob.unit in KILO_UNITS:
        kilo = number_words(float(f"{number / 1000:.3g}"))
        return f"{kilo} k{knob.unit}" if knob.unit else f"{kilo}k"
    if knob.unit and knob.unit[0] in ":/x×":    # a ratio ("4:1"), a per-something ("3/s"), a multiple ("2x")
        return f"{text}{knob.unit}"
    return f"{text} {knob.unit}" if knob.unit else text


def clamp(knob: Knob, value: float) -> float:
    """``value`` inside the knob's range (its default when it is not a number)."""
    if not (finite_number(value) or isinstance(value, bool)):     # a bool reads as 0 / 1, as it always did
        return knob.default
    return min(knob.max, max(knob.min, float(value)))


def engine_knobs(status: dict[str, Any], pack: PackEntry) -> dict[str, Any]:
    """The effect slot's knob values the engine reports (``status["slot_knobs"]["effect"]``; from a
    control without ``slot_knobs``, e.g. an older engine, ``status["knobs"]``), when the pack it
    plays in the effect slot is ``pack`` (right after a switch the status may still be the old
    pack's: then nothing).  Never another slot's knob of the same name."""
    if not plays(status, "effect", pack.path):
        return {}
    per_slot = status.get("slot_knobs")
    if isinstance(per_slot, dict):
        values = per_slot.get("effect")
        return dict(values) if isinstance(values, dict) else {}
    values = status.get("knobs")
    return dict(values) if isinstance(values, dict) else {}


def engine_bypass(status: dict[str, Any], pack: PackEntry) -> bool:
    """Whether the engine bypasses ``pack`` in its effect slot (``status["bypassed"]["effect"]``, when
    the status names that pack there); False when the status does not say: the engine starts a pack
    it switches to unbypassed (``Slot.switch`` in device/audio/engine.py), so a pack the status does
    not show yet will play unbypassed."""
    return bool(slot_report(status, "effect", pack.path))


def fault_lines(fault: dict[str, Any]) -> tuple[str, ...]:
    """What the page says of a fault that bypassed the effect, longest wording first."""
    long, short = fault_words(fault)
    return f"bypassed by a fault: {long}", f"bypassed by a fault: {short}", f"fault: {short}"


class EffectPage(Page):
    title = "Effect"
    tab_short = "FX"

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx)
        self.name = ""
        self.knobs: list[Knob] = []
        self.bank = 0                 # encoders 1-4 drive knobs bank*4 .. bank*4+3
        self.first = 0                # index of the first knob on screen
        self.dials: list[tuple[tuple[float, float], int, Any]] = []
        self.bypass_btn: Any = None
        self.learn_btn: Any = None                        # None: the box has no MIDI map (no learn)
        self.learn = MidiLearn(ctx.midi)
        self._before: dict[str, float] = {}     # each knob's value before the last turn sent (undone if refused)
        self._turned: dict[str, int] = {}       # knob -> the status_seq when the panel last sent it a value
        self._knobs_seen = -1                   # the status_seq whose knob values were last followed
        self.column_w = 0.0
        self._drag: dict[int, tuple[int, float]] = {}     # touch id -> (knob index, last y)
        self.pack: PackEntry | None = None
        self.bypass = SlotBypass("effect")                # the pack's bypass as shown (mirrored in state.bypass)

    def mark(self) -> tuple[int, int, int] | None:
        """Red while a fault keeps the effect bypassed (the musician hears the dry input: the notice in the tab
        bar lasts a few seconds, this as long as the fault does)."""
        return D.BAD if faulted(self.ctx.state.status, "effect") else None

    @property
    def fault(self) -> dict[str, Any] | None:
        """The engine fault that bypassed the pack (shown; newer than the user's last tap), or None."""
        return self.bypass.fault

    @property
    def banks(self) -> int:
        return max(1, math.ceil(len(self.knobs) / BANK))

    def enter(self) -> None:
        """Read the active effect pack.  Its knob values and bypass are kept per pack: a pack new to
        the page starts from what the engine reports for it, else from the knobs' defaults (within
        range) and not bypassed, as the engine starts a pack it switches to."""
        pack = self.pack = active_pack(self.ctx.data, "effect")
        self.name = f"{pack.manifest.name} {pack.manifest.version}" if pack else ""
        self.knobs = list(pack.manifest.knobs) if pack else []
        st = self.ctx.state
        pack_id = pack.id if pack else ""
        if st.knob_pack != pack_id:
            self._drag.clear()                  # a finger on a dial of the pack before turns none of this one's
            self.learn.cancel()                 # a knob armed for MIDI learn is the pack before's
        if pack is not None and st.knob_pack != pack_id:
            engine = engine_knobs(st.status, pack)
            st.knobs = {k.name: clamp(k, engine.get(k.name, k.default)) for k in self.knobs}
            self.bypass.reset(engine_bypass(st.status, pack))
            st.bypass, self.bank = self.bypass.on, 0
            self._turned.clear()
        self.bypass.pack = pack.path if pack is not None else None
        st.knob_pack = pack_id
        st.knobs.update({k.name: self.value(k) for k in self.knobs})
        self.bank = min(self.bank, self.banks - 1)
        self._knobs_seen = -1                   # the status on hand may have news for the knobs
        self.follow()

    def follow(self) -> None:
        """Show the engine's knob values (:meth:`_follow_knobs`), its bypass of this pack and the fault
        that made it (with every status while the page is shown; :meth:`SlotBypass.follow`: a tap the
        statuses have not caught up with is shown instead).  A status that does not name this pack
        (or has no bypass) changes nothing."""
        self._follow_knobs()
        if self.pack is not None:
            st = self.ctx.state
            self.bypass.follow(st.status, st.status_seq)
            st.bypass = self.bypass.on

    def _follow_knobs(self) -> None:
        """Once per new status: each knob shows the value the engine reports for it, unless the user
        is turning it here (:meth:`_turning`) or the report is not a number."""
        st = self.ctx.state
        if self.pack is None or st.status_seq == self._knobs_seen:
            return
        self._knobs_seen = st.status_seq
        engine = engine_knobs(st.status, self.pack)
        for i, knob in enumerate(self.knobs):
            report = engine.get(knob.name)
            if not finite_number(report) or self._turning(i):
                continue
            value = clamp(knob, report)
            if abs(knob.normalize(value) - knob.normalize(self.value(knob))) > SAME:
                st.knobs[knob.name] = value

    def _turning(self, i: int) -> bool:
        """Knob ``i`` is being turned here: a finger holds its dial, or the panel sent it a value
        fewer than :data:`HOLD_STATUSES` statuses ago."""
        if any(held == i for held, _ in self._drag.values()):
            return True
        name = self.knobs[i].name
        if name in self._turned and self.ctx.state.status_seq - self._turned[name] < HOLD_STATUSES:
            return True
        self._turned.pop(name, None)
        return False

    def _tap_bypass(self) -> list[Message]:
        """The bypass button (:meth:`SlotBypass.tap`): the other value, shown at once and sent; the
        fault shown goes (the user acts on it: a fault after this tap is shown again)."""
        st = self.ctx.state
        message = self.bypass.tap(st.status, st.status_seq)
        st.bypass = self.bypass.on
        return [message]

    def refresh(self) -> None:
        """A pack activated elsewhere (the API) shows up without leaving the page."""
        self.enter()

    def leave(self) -> None:
        self._drag.clear()
        self.learn.leave()

    def value(self, knob: Knob) -> float:
        return clamp(knob, self.ctx.state.knobs.get(knob.name, knob.default))

    def layout(self, rect: Any) -> None:
        """As many rows of four dials (two on a narrow page) as fit, in whole banks, from the block that holds the
        selected bank."""
        import pygame
        super().layout(rect)
        per_row = PER_ROW if rect.width >= NARROW_W else PER_ROW // 2    # portrait: bigger dials, whole names
        self.column_w = rect.width / per_row
        r = int(min(rect.width // (2 * per_row) - 22, 62))
        if per_row < PER_ROW:                  # small enough that two banks fit a tall page (portrait: 4 rows)
            r = max(30, min(r, ((rect.height - TOP + ROW_GAP - 40) // (2 * BANK // per_row) - ROW_GAP) // 2))
        rows_fit = max(1, (rect.height - TOP + ROW_GAP - 40) // (2 * r + ROW_GAP))
        shown = max(BANK, rows_fit * per_row // BANK * BANK)       # whole banks: a bank's knobs are seen together
        self.first = (self.bank * BANK // shown) * shown
        self.dials = []
        for j, _ in enumerate(self.knobs[self.first:self.first + shown]):
            cx = rect.x + rect.width * (j % per_row + 0.5) / per_row
            cy = rect.y + TOP + r + (j // per_row) * (2 * r + ROW_GAP)
            self.dials.append(((cx, cy), r, pygame.Rect(cx - r, cy - r, 2 * r, 2 * r + 30)))
        self.bypass_btn = pygame.Rect(rect.right - 150, rect.y + 8, 136, 44)
        learns = bool(self.knobs) and self.learn.available()
        self.learn_btn = pygame.Rect(self.bypass_btn.x - 12 - LEARN_W, rect.y + 8, LEARN_W, 44) if learns else None

    # -- events -----------------------------------------------------------------------
    def handle(self, event: Event) -> list[Message]:
        if isinstance(event, EncoderTurn):
            i = self.bank * BANK + event.index
            return self._nudge(i, event.steps / STEPS_PER_SWEEP) if event.index < BANK and i < len(self.knobs) else []
        if button_pressed(event) and self.banks > 1:         # encoder 4, the button encoder (device/ui/focus.py)
            self.bank = (self.bank + 1) % self.banks
        if isinstance(event, EncoderPress) and event.pressed and event.index == BYPASS_ENCODER and self.name:
            return self._tap_bypass()
        if isinstance(event, Touch):
            return self._touch(event)
        return []

    def _nudge(self, i: int, dfrac: float) -> list[Message]:
        """Move knob ``i`` by ``dfrac`` of its sweep; the value sent is always inside its range.  A knob
        at its end turned further sends nothing (it stays there)."""
        knob = self.knobs[i]
        before = self.value(knob)
        value = clamp(knob, knob.denormalize(knob.normalize(before) + dfrac))
        if value == before:
            return []
        self.ctx.state.knobs[knob.name] = value
        self._before[knob.name] = before
        self._turned[knob.name] = self.ctx.state.status_seq
        return [msg("knob", slot="effect", name=knob.name, value=value)]

    def failed(self, message: Message, error: BaseException) -> None:
        """The engine did not take a knob turn or a bypass: the page shows what the engine plays again."""
        if message.get("op") == "bypass":
            st = self.ctx.state
            self.bypass.refused(message, st.status, st.status_seq)
            st.bypass = self.bypass.on
        elif message.get("op") == "knob" and message.get("name") in self._before:
            self.ctx.state.knobs[message["name"]] = self._before[message["name"]]
            self._turned.pop(message["name"], None)        # the engine's value is shown with the next status

    def _touch(self, ev: Touch) -> list[Message]:
        if ev.kind == "down" and hit(self.bypass_btn, ev.x, ev.y) and self.name:
            return self._tap_bypass()
        if ev.kind == "down" and hit(self.learn_btn, ev.x, ev.y):
            self._say(self.learn.toggle())
            return []
        if ev.kind == "down":
            for j, (_, _, box) in enumerate(self.dials):
                if box.collidepoint(ev.x, ev.y):
                    self.bank = (self.first + j) // BANK
                    if self.learn.on:                     # learn mode: a tap arms the knob, it does not turn it
                        self._say(self.learn.tap(self.knobs[self.first + j].name), shown=True)
                    else:
                        self._drag[ev.id] = (self.first + j, ev.y)
            return []
        if ev.kind == "up":
            self._drag.pop(ev.id, None)
            return []
        if ev.id in self._drag:
            i, y0 = self._drag[ev.id]
            self._drag[ev.id] = (i, ev.y)
            return self._nudge(i, (y0 - ev.y) / DRAG_PX_PER_SWEEP) if i < len(self.knobs) else []
        return []

    def _say(self, text: str | None, shown: bool = False) -> None:
        """Say ``text`` on the message line (None: nothing); ``shown``: only when the line under the pack's
        name does not say it already (an armed knob's instructions)."""
        if text is not None and not (shown and self.learn.armed is not None):
            self.ctx.state.say(text)

    # -- drawing ----------------------------------------------------------------------
    def bank_label(self) -> str:
        """"knobs 5-8 of 12 (bank 2/3)"; "" when one bank holds them all."""
        if self.banks < 2:
            return ""
        lo, hi = self.bank * BANK + 1, min(len(self.knobs), (self.bank + 1) * BANK)
        return f"knobs {lo}-{hi} of {len(self.knobs)} (bank {self.bank + 1}/{self.banks}, button 4: next)"

    def _draw_note(self, surface: Any, room: float) -> None:
        """The line under the pack's name: MIDI learn's instructions or the CC just learned (in learn
        mode), else why the engine bypassed the pack (red), else the bank shown."""
        f, at = self.ctx.fonts, (self.rect.x + 16, self.rect.y + 50)
        learning = self.learn.lines()
        if learning is not None:
            f.draw(surface, D.fit(f, learning[0], 20, room), at, 20, LEARN_COLOURS[learning[1]])
        elif self.fault is not None and self.ctx.state.bypass:
            f.draw(surface, D.fit(f, fault_lines(self.fault), 20, room), at, 20, D.BAD)
        elif self.bank_label():
            short = f"knobs {self.bank * BANK + 1}-{min(len(self.knobs), (self.bank + 1) * BANK)} of {len(self.knobs)}"
            f.draw(surface, D.fit(f, (self.bank_label(), short), 20, room), at, 20, D.DIM)

    def draw(self, surface: Any) -> None:
        f, rect = self.ctx.fonts, self.rect
        if not self.name:
            f.draw(surface, "no effect pack active", (rect.centerx, rect.centery - 20), 30, D.DIM, "center")
            hint = D.fit(f, no_pack_hints(self.ctx.data, "effect", self.ctx.reader), 22, rect.width - 20)
            f.draw(surface, hint, (rect.centerx, rect.centery + 20), 22, D.DIM, "center")
            return
        self._say(self.learn.poll())
        if (warning := self.learn.warning()) is not None:
            self.ctx.state.say(warning, "MIDI: " + warning.split(" (")[0], "MIDI warning (see the box's log)")
        left = self.learn_btn if self.learn_btn is not None else self.bypass_btn
        room = left.x - 12 - (rect.x + 16)
        m = self.pack.manifest if self.pack is not None else None
        shown = (D.fit_name_version(f, m.name, m.version, 32, room) if m is not None
                 else D.fit(f, (self.name,), 32, room))
        f.draw(surface, shown, (rect.x + 16, rect.y + 16), 32, D.TEXT)
        D.button(surface, f, self.bypass_btn, "BYPASS" if self.ctx.state.bypass else "bypass", self.ctx.state.bypass)
        if self.learn_btn is not None:
            on = self.learn.midi_on()
            D.button(surface, f, self.learn_btn, ("LEARN" if self.learn.on else "learn") if on else "MIDI off",
                     on=self.learn.on, enabled=on)
        self._draw_note(surface, room)
        if not self.knobs:
            f.draw(surface, "this pack has no knobs", rect.center, 26, D.DIM, "center")
            return
        for j, (center, r, _) in enumerate(self.dials):
            i = self.first + j
            knob, value = self.knobs[i], self.value(self.knobs[i])
            D.dial(surface, f, center, r, knob.normalize(value), knob.name, format_value(knob, value),
                   D.DIM if self.ctx.state.bypass else D.ACCENT, selected=i // BANK == self.bank and self.banks > 1,
                   label_w=self.column_w - 8)
            self._draw_cc(surface, knob.name, center, r)

    def _draw_cc(self, surface: Any, name: str, center: tuple[float, float], r: int) -> None:
        """Under a knob's name, small: the CCs that turn it ("CC 74"), or, armed for MIDI learn (here or
        elsewhere: the API), that it waits for one (with a ring round the dial)."""
        import pygame
        f, at = self.ctx.fonts, (center[0], center[1] + r + 28)
        if self.learn.waiting(name):
            pygame.draw.circle(surface, D.ACCENT, (round(center[0]), round(center[1])), r + 6, 3)
            f.draw(surface, D.fit(f, ("waiting for a CC...", "CC ?"), CC_SIZE, self.column_w - 8), at, CC_SIZE,
                   D.ACCENT, "midtop")
        elif (label := self.learn.cc_label(name)):
            colour = D.GOOD if self.learn.bound is not None and self.learn.bound[1] == name else D.DIM
            f.draw(surface, D.fit(f, (label,), CC_SIZE, self.column_w - 8), at, CC_SIZE, colour, "midtop")
