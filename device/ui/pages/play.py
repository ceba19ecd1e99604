"""Play: the XY pad blending four corner timbres, the dials that choose them, note and level, and
the bypass of the two sound sources (a bypassed synth or sampler is silent).

The bypass buttons follow the engine while the page is shown (:meth:`PlayPage.follow`, with every
status), by the Effect page's rules (device/ui/bypass.py): "bypass synth" lights ("BYPASS SYNTH")
when the engine reports the synth bypassed, the user's tap wins over statuses that have not caught
up with it, and a slot the engine bypassed because its unit faulted (NaN/inf, runaway, DC) shows
red ("SYNTH FAULT") until the user taps it back on.  Encoder 1's press is the synth's button and encoder 2's the
sampler's (:data:`BYPASS_ENCODERS`), so a box without touch (none fitted, or a controller that stopped answering)
can turn a source a fault silenced back on (thirty-third stop's QA: nothing could).

The pad follows the engine too while the page is shown (:meth:`PlayPage.follow`, once per new
status): a pad position or corner timbres set elsewhere (OSC, the HTTP API, MIDI: they all send the
engine ``xy`` / ``corners``) show the engine's values (``status["synth"]``, when the status names
the synth pack on the page).  What the user is moving here is not fought: the position while a
finger is on the pad and until :data:`HOLD_STATUSES` statuses newer than the last ``xy`` sent have
come, the corners until as many statuses newer than the last ``corners`` sent (the statuses asked
for before the engine took them still report the values before)."""
from __future__ import annotations

import math
from typing import Any

from device.control import msg
from device.finite_numbers import finite_number
from device.notes import note_name
from device.ui import draw as D
from device.ui.bypass import HOLD_STATUSES, SlotBypass
from device.ui.data import PackEntry, active_pack
from device.ui.events import EncoderPress, EncoderTurn, Event, Touch
from device.ui.faults import faulted
from device.ui.loops import Loop, playing_words, sounding
from device.ui.pages.base import Message, Page, hit
from device.ui.signed_only import no_pack_hints
from device.ui.timbre_colours import TIMBRE_COLOURS, timbre_colour  # noqa: F401 - TIMBRE_COLOURS re-exported

CORNER_NAMES = ("top left", "top right", "bottom left", "bottom right")
BYPASS_ENCODERS = {0: "synth", 1: "sampler"}     # encoder index -> the source whose bypass its press toggles
SOURCES = ("synth", "sampler")       # the slots whose bypass the page shows, left to right
BUTTON_H = 44                        # px: the bypass buttons' row (and 12 px under it)


SAME_XY = 1e-6                       # pad positions closer than this (each axis, 0..1) are the same
MIN_DIAL_R = 20                      # px: the smallest ring of the two rows of dials
MIN_ROW_DIAL_R = 14                  # px: ... and of one row of four, where two rows do not fit (a short portrait)
CURSOR_RING = 14                     # px: the radius of the pad cursor (its dark ring; the dot is 3 px smaller)


def peak_frac(db: float, floor_db: float = -60.0) -> float:
    """Level meter fill (0..1) for a peak in dBFS."""
    return min(1.0, max(0.0, (db - floor_db) / -floor_db))


def engine_pad(status: dict[str, Any], pack: PackEntry) -> tuple[tuple[float, float] | None, list[str] | None]:
    """The pad as the engine's synth has it (``status["synth"]``): its position (x, y, each clamped
    to 0..1) and its four corner names, when the pack the engine plays in the synth slot is ``pack``
    (right after a switch the status may still be the old pack's).  None for what the status does
    not say or says malformed."""
    playing = (status.get("active") or {}).get("synth")
    pad = status.get("synth")
    if not isinstance(playing, dict) or playing.get("path") != pack.path or not isinstance(pad, dict):
        return None, None
    xy, corners = pad.get("xy"), pad.get("corners")
    pos = None
    if isinstance(xy, (list, tuple)) and len(xy) == 2 and all(finite_number(c) for c in xy):
        pos = (min(1.0, max(0.0, float(xy[0]))), min(1.0, max(0.0, float(xy[1]))))
    names = None
    if isinstance(corners, (list, tuple)) and len(corners) == 4 and all(isinstance(n, str) for n in corners):
        names = list(corners)
    return pos, names


class PlayPage(Page):
    title = "Play"

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx)
        self.pad: Any = None
        self.dials: list[Any] = []
        self.finger: int | None = None
        self._gradient: Any = None
        self._shade: Any = None           # the pad's dimming cover with no synth (see _shade_image)
        self.corner_tags: list[Any] = []           # the four corner names' tags as last drawn (their rects)
        self.timbres: list[str] = []
        self.bypass = {slot: SlotBypass(slot) for slot in SOURCES}
        self.bypass_btns: dict[str, Any] = {}
        self._synth_id: str | None = None          # the synth pack the page last showed (None: not yet)
        self._synth: PackEntry | None = None
        self._pad_seen = -1                        # the status_seq whose pad was last followed
        self._xy_sent: int | None = None           # status_seq when the panel last sent the pad position
        self._corners_sent: int | None = None      # status_seq when the panel last sent the corners
        self._corners_before: list[str] = []       # the corners before the last turn sent (put back if refused)

    def enter(self) -> None:
        """Read the active synth's timbres; a synth pack new to the page starts unbypassed, as the
        engine starts a pack it switches to, until a status says otherwise."""
        synth = self._synth = active_pack(self.ctx.data, "synth")
        self.timbres = list(synth.manifest.extras.get("names", [])) if synth else []
        st = self.ctx.state
        if self.timbres and (len(st.corners) != 4 or any(c not in self.timbres for c in st.corners)):
            st.corners = [self.timbres[i % len(self.timbres)] for i in range(4)]
        synth_id = synth.id if synth else ""
        if self._synth_id is not None and synth_id != self._synth_id:
            self.bypass["synth"].reset()
            self._xy_sent = self._corners_sent = None
        self._synth_id = synth_id
        self._pad_seen = -1                        # the status on hand may have news for the pad
        self.follow()

    def refresh(self) -> None:
        """A synth pack activated elsewhere (the API) shows up without leaving the page."""
        self.enter()

    def follow(self) -> None:
        """Show the engine's bypass of the synth and the sampler (with every status) and its pad
        (:meth:`_follow_pad`, once per new status)."""
        st = self.ctx.state
        for bypass in self.bypass.values():
            bypass.follow(st.status, st.status_seq)
        self._follow_pad()

    def _follow_pad(self) -> None:
        """Once per new status: the pad shows the position and corners the engine's synth reports
        (:func:`engine_pad`), each unless the user is moving it here (:meth:`_holding`); corners
        that are not all this pack's timbres are ignored."""
        st = self.ctx.state
        if self._synth is None or st.status_seq == self._pad_seen:
            return
        self._pad_seen = st.status_seq
        xy, corners = engine_pad(st.status, self._synth)
        if xy is not None and self.finger is None and not self._holding(self._xy_sent):
            self._xy_sent = None
            if max(abs(xy[0] - st.xy[0]), abs(xy[1] - st.xy[1])) > SAME_XY:
                st.xy = xy
        if corners is not None and all(c in self.timbres for c in corners) and not self._holding(self._corners_sent):
            self._corners_sent = None
            st.corners = corners

    def _holding(self, sent: int | None) -> bool:
        """A value the panel sent at status ``sent`` fewer than :data:`HOLD_STATUSES` statuses ago
        (the engine may not have taken it yet)."""
        return sent is not None and self.ctx.state.status_seq - sent < HOLD_STATUSES

    def failed(self, message: Message, error: BaseException) -> None:
        """The engine did not take a bypass tap: the button shows what the engine plays again; nor
        corners or a pad position: the corners go back, and both follow the engine's next status."""
        op = message.get("op")
        if op == "bypass" and message.get("slot") in self.bypass:
            self.bypass[message["slot"]].refused(message, self.ctx.state.status, self.ctx.state.status_seq)
        elif op == "corners":
            if self._corners_before:
                self.ctx.state.corners = list(self._corners_before)
            self._corners_sent = None
        elif op == "xy":
            self._xy_sent = None

    def leave(self) -> None:
        self.finger = None

    # -- geometry ---------------------------------------------------------------------
    def layout(self, rect: Any) -> None:
        """Landscape: pad left; the bypass buttons, dials and meter right.  Portrait: pad on top
        (centred), the bypass buttons, dials and meter below."""
        import pygame
        super().layout(rect)
        portrait = rect.height > rect.width
        if portrait:                     # the pad leaves room under it for the buttons and two rows of dials
            side = min(rect.width - 20, int(rect.height * 0.5))
        else:
            side = min(rect.height - 20, int(rect.width * 0.58))
        left = rect.x + (rect.width - side) // 2 if portrait else rect.x + 10
        self.pad = pygame.Rect(left, rect.y + 10, side, side)
        if portrait:
            rest = pygame.Rect(rect.x + 10, self.pad.bottom + 20, rect.width - 20, rect.bottom - self.pad.bottom - 30)
        else:
            rest = pygame.Rect(self.pad.right + 20, rect.y + 10, rect.right - self.pad.right - 30, side)
        w = (rest.width - 12 * (len(SOURCES) - 1)) // len(SOURCES)
        self.bypass_btns = {slot: pygame.Rect(rest.x + i * (w + 12), rest.y, w, BUTTON_H)
                            for i, slot in enumerate(SOURCES)}
        rest = pygame.Rect(rest.x, rest.y + BUTTON_H + 12, rest.width, rest.height - BUTTON_H - 12)
        self.meter = pygame.Rect(rest.right - 30, rest.y, 26, rest.height - 26)
        dials = pygame.Rect(rest.x, rest.y, rest.width - 50, rest.height - 40)
        # the upper dials' labels (6 px under the ring, 22 px text) end above the lower rings
        r = min(dials.width // 4 - 8, dials.height // 4 - 16, int(dials.height * 0.45 - 32) // 2)
        row = min(dials.width // 8 - 6, (dials.height - 34) // 2)     # the radius of four dials in one row
        if r < MIN_DIAL_R and row > r:     # too short for two rows (a portrait 320x480: the rings overlapped)
            r = max(MIN_ROW_DIAL_R, row)
            self.dials = [((dials.x + dials.width * (2 * i + 1) / 8, dials.y + r + 4), r) for i in range(4)]
        else:
            r = max(MIN_DIAL_R, r)
            cx = (dials.x + dials.width * 0.25, dials.x + dials.width * 0.75)
            cy = (dials.y + dials.height * 0.27, dials.y + dials.height * 0.72)
            self.dials = [((cx[i % 2], cy[i // 2]), r) for i in range(4)]
        self.notes_at = (rest.x, rest.bottom - 2)

    def pad_to_xy(self, px: float, py: float) -> tuple[float, float]:
        """Panel pixel -> pad position (0..1, (0, 0) bottom-left), clamped."""
        x = (px - self.pad.x) / max(1, self.pad.width - 1)
        y = 1.0 - (py - self.pad.y) / max(1, self.pad.height - 1)
        return min(1.0, max(0.0, x)), min(1.0, max(0.0, y))

    def xy_to_pad(self, x: float, y: float) -> tuple[float, float]:
        return self.pad.x + x * (self.pad.width - 1), self.pad.y + (1.0 - y) * (self.pad.height - 1)

    # -- events -----------------------------------------------------------------------
    def handle(self, event: Event) -> list[Message]:
        if isinstance(event, Touch):
            return self._touch(event)
        if isinstance(event, EncoderTurn) and event.index < 4 and self.timbres:
            return self._turn_corner(event.index, event.delta)
        if isinstance(event, EncoderPress) and event.pressed and event.index in BYPASS_ENCODERS:
            return self._tap_bypass(BYPASS_ENCODERS[event.index])
        return []

    def _tap_bypass(self, slot: str) -> list[Message]:
        """The ``slot``'s bypass button, tapped or pressed (its encoder): the other value, sent."""
        st = self.ctx.state
        if not self.loaded(slot):         # it lit "BYPASS SYNTH" for a slot that plays nothing
            st.say(f"no {slot} is playing: nothing to bypass", f"no {slot}: nothing to bypass")
            return []
        return [self.bypass[slot].tap(st.status, st.status_seq)]

    def _touch(self, ev: Touch) -> list[Message]:
        for slot, btn in self.bypass_btns.items():
            if ev.kind == "down" and hit(btn, ev.x, ev.y):
                return self._tap_bypass(slot)
        if ev.kind == "down" and self.finger is None and self.pad.collidepoint(ev.x, ev.y) and self.timbres:
            self.finger = ev.id                   # (no synth pack: the dimmed pad plays nothing, and takes no finger)
        if ev.id != self.finger:
            return []
        if ev.kind == "up":
            self.finger = None
            return []
        self.ctx.state.xy = self.pad_to_xy(ev.x, ev.y)
        self._xy_sent = self.ctx.state.status_seq
        return [msg("xy", x=self.ctx.state.xy[0], y=self.ctx.state.xy[1])]

    def _turn_corner(self, corner: int, delta: int) -> list[Message]:
        st = self.ctx.state
        self._corners_before = list(st.corners)
        i = self.timbres.index(st.corners[corner]) if st.corners[corner] in self.timbres else 0
        st.corners[corner] = self.timbres[(i + delta) % len(self.timbres)]
        self._corners_sent = st.status_seq
        return [msg("corners", names=list(st.corners))]

    # -- drawing ----------------------------------------------------------------------
    def draw(self, surface: Any) -> None:
        self._draw_pad(surface)
        self._draw_bypass(surface)
        self._draw_dials(surface)
        self._draw_level(surface)

    def mark(self) -> tuple[int, int, int] | None:
        """Red while a fault keeps a source (synth, sampler) bypassed: silent until it is tapped back on."""
        status = self.ctx.state.status
        return D.BAD if any(faulted(status, slot) for slot in SOURCES) else None

    def loaded(self, slot: str) -> bool:
        """Whether ``slot`` has something to bypass: the sampler always (the box's own, device/audio/server.py: it
        plays the kit and the Library's auditions), the synth while the engine's status names a pack there (and
        while the status does not say: no answer yet)."""
        active = self.ctx.state.status.get("active")
        return slot == "sampler" or not isinstance(active, dict) or bool(active.get(slot, True))

    def _draw_bypass(self, surface: Any) -> None:
        """One button per source: "bypass synth"; lit "BYPASS SYNTH" when bypassed; red "SYNTH FAULT"
        when the engine bypassed it for a fault (newer than the user's last tap)."""
        for slot, btn in self.bypass_btns.items():
            state = self.bypass[slot]
            if state.on and state.fault is not None:
                D.button(surface, self.ctx.fonts, btn, (f"{slot.upper()} FAULT", "FAULT"), on=True, lit=D.BAD)
            else:                               # the short wordings for a narrow panel (480x320)
                label = (f"BYPASS {slot.upper()}", f"{slot.upper()} OFF") if state.on else (f"bypass {slot}", slot)
                D.button(surface, self.ctx.fonts, btn, label, on=state.on, enabled=self.loaded(slot))

    def _shade_image(self) -> Any:
        """A translucent cover of the pad's size (made again only when the pad's size changes)."""
        import pygame
        if self._shade is None or self._shade.get_size() != self.pad.size:
            self._shade = pygame.Surface(self.pad.size, pygame.SRCALPHA)
            self._shade.fill((*D.BG, 170))
        return self._shade

    def _pad_image(self) -> Any:
        """The pad's tint: each corner in its timbre's colour (:meth:`corner_colours`), made again only when the pad's
        size or a corner's colour changes."""
        import pygame
        key = (tuple(self.pad.size), self.corner_colours())
        if self._gradient is None or self._gradient[0] != key:
            self._gradient = (key, pygame.surfarray.make_surface(D.corner_gradient(*self.pad.size, colours=key[1])))
        return self._gradient[1]

    def corner_colours(self) -> tuple[tuple[int, int, int], ...]:
        """The four corners' colours (TL, TR, BL, BR): each its timbre's (:func:`timbre_colour`), so a timbre in two
        corners is one colour in both; a corner with no timbre of the pack (no synth) keeps its position's."""
        return tuple(timbre_colour(self.timbres.index(name)) if name in self.timbres else D.CORNER_COLOURS[i]
                     for i, name in enumerate(self.corner_names()))

    def _draw_pad(self, surface: Any) -> None:
        import pygame
        surface.blit(self._pad_image(), self.pad)
        pygame.draw.rect(surface, D.TRACK, self.pad, 2)
        names = self.corner_names()
        p = self.pad
        spots = [((p.x + 8, p.y + 8), "topleft"), ((p.right - 8, p.y + 8), "topright"),
                 ((p.x + 8, p.bottom - 8), "bottomleft"), ((p.right - 8, p.bottom - 8), "bottomright")]
        cursor, self.corner_tags = self._cursor_rect(), []
        for name, (pos, anchor), edge in zip(names, spots, self.corner_colours()):
            text = D.fit(self.ctx.fonts, (name,), 24, p.width / 2 - 24)
            half = pygame.Rect(p.x if "left" in anchor else p.centerx, p.y, p.width // 2, p.height)
            tag = self._label(surface, text, pos, anchor, 24, D.TEXT, clear_of=cursor, within=half)
            if self.timbres:                       # the tag edged in its timbre's colour, as its dial
                pygame.draw.rect(surface, edge, tag, 2, border_radius=4)
            self.corner_tags.append(tag)
        if not self.timbres:                   # the pad plays nothing: dimmed, and what to do said
            surface.blit(self._shade_image(), p)
            text = D.fit(self.ctx.fonts, ("no synth pack active",), 26, p.width - 24)
            self._label(surface, text, (p.centerx, p.centery + 48), "center", 26, D.DIM)
            hint = D.fit(self.ctx.fonts, no_pack_hints(self.ctx.data, "synth", self.ctx.reader)[1:], 20, p.width - 24)
            self._label(surface, hint, (p.centerx, p.centery + 84), "center", 20, D.DIM)
        r = CURSOR_RING
        pygame.draw.circle(surface, D.BG, cursor.center, r)
        pygame.draw.circle(surface, D.CURSOR, cursor.center, r - 3)

    def _cursor_rect(self) -> Any:
        """The pad cursor's box: centred on the pad position, kept inside the pad (at a corner, a fresh engine's
        0, 0, it was half off the pad)."""
        import pygame
        p, r = self.pad, CURSOR_RING
        cx, cy = self.xy_to_pad(*self.ctx.state.xy)
        cx, cy = min(max(cx, p.x + r), p.right - 1 - r), min(max(cy, p.y + r), p.bottom - 1 - r)
        return pygame.Rect(round(cx) - r, round(cy) - r, 2 * r, 2 * r)

    def _label(self, surface: Any, text: str, pos: tuple[float, float], anchor: str, size: int,
               colour: tuple[int, int, int], clear_of: Any = None, within: Any = None) -> Any:
        """Text on a dark tag, readable over any colour of the pad.  ``clear_of`` (a rect, the cursor): a tag that
        would overlap it moves along its edge past it (at 0, 0 the cursor hid "trumpet" as "umpet": thirty-third
        stop's QA), or, where that would take it out of ``within`` (its half of the pad: a long name ran into the
        next corner's, thirty-ninth stop's QA), across the cursor, under or over it."""
        import pygame
        img = self.ctx.fonts.render(text, size, colour)
        rect = img.get_rect(**{anchor: (round(pos[0]), round(pos[1]))})
        if clear_of is not None and rect.inflate(10, 6).colliderect(clear_of):
            start = rect.copy()
            if anchor.endswith("left"):
                rect.left = clear_of.right + 8
            else:
                rect.right = clear_of.left - 8
            if within is not None and not within.contains(rect):
                rect = start
                if anchor.startswith("top"):
                    rect.top = clear_of.bottom + 8
                else:
                    rect.bottom = clear_of.top - 8
        pygame.draw.rect(surface, D.PANEL, rect.inflate(10, 6), border_radius=4)
        surface.blit(img, rect)
        return rect.inflate(10, 6)

    def corner_names(self) -> list[str]:
        """The four corner timbres shown: "-" each while no synth pack is active (the last synth's
        names would say it still plays)."""
        corners = self.ctx.state.corners
        return list(corners) if self.timbres and len(corners) == 4 else ["-"] * 4

    def _draw_dials(self, surface: Any) -> None:
        names, colours = self.corner_names(), self.corner_colours()
        n = max(1, len(self.timbres))
        column = abs(self.dials[1][0][0] - self.dials[0][0][0]) - 8 if len(self.dials) > 1 else None   # either layout
        for i, (center, r) in enumerate(self.dials):
            name = names[i]
            frac = (self.timbres.index(name) / max(1, n - 1)) if name in self.timbres else 0.0
            D.dial(surface, self.ctx.fonts, center, r, frac, CORNER_NAMES[i], name, colours[i],
                   label_w=column, pointer=name in self.timbres)

    def _draw_level(self, surface: Any) -> None:
        """The peak meter and the notes held; while the engine does not answer, an empty grey meter
        and no notes (the last values would be stale)."""
        st, f = self.ctx.state.status, self.ctx.fonts
        below = (self.meter.centerx, self.meter.bottom + 4)
        if self.ctx.state.offline:
            D.meter(surface, self.meter, 0.0)
            f.draw(surface, "-", below, 18, D.DIM, "midtop")
            f.draw(surface, "engine silent", self.notes_at, 26, D.DIM, "bottomleft")
            return
        peak = peak_db(st)
        if peak is None:                                   # not reported, or not a number: nothing made up
            D.meter(surface, self.meter, 0.0)
            f.draw(surface, "-", below, 18, D.DIM, "midtop")
        else:
            D.meter(surface, self.meter, peak_frac(peak), D.BAD if peak > -1.0 else D.GOOD)
            text = "-inf" if peak <= -100 else "+inf" if math.isinf(peak) else f"{peak:.0f} dB"
            f.draw(surface, text, below, 18, D.DIM, "midtop")
        sampler = self.bypass["sampler"]          # a fault's: its voices do not run (none said); the player's: unheard
        loops = [] if sampler.fault is not None else sounding(st)
        label, size = notes_label(f, notes_line(held_notes(st), loops, sampler.on), self.notes_room())
        drawn = f.draw(surface, label, self.notes_at, size, D.TEXT, "bottomleft")
        self._draw_synth_name(surface, drawn.right + 16)

    def notes_room(self) -> int:
        """px for the notes line: from its left to the meter (as laid out now)."""
        return int(self.meter.left - 10 - self.notes_at[0])

    def _draw_synth_name(self, surface: Any, left: int) -> None:
        """The synth pack playing, dim, right of the notes (QA: nothing on the page named it, a pushed synth changed
        only the corner names), where it fits."""
        room = self.meter.left - 10 - left
        if self._synth is None or not self.timbres or room < 60:
            return
        name = D.fit(self.ctx.fonts, (self._synth.manifest.name,), 20, room)
        self.ctx.fonts.draw(surface, name, (self.meter.left - 10, self.notes_at[1]), 20, D.DIM, "bottomright")


def peak_db(status: dict[str, Any]) -> float | None:
    """The output peak (dBFS) the status reports: -inf (silence) and +inf (a runaway) are kept; None
    when it is missing or not a number (None from an older or stopped engine, NaN, a string)."""
    value = status.get("peak_db")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        return None
    return float(value)


NOTES_SIZE, NOTES_MIN = 26, 20        # px: the notes line's font, and the smallest it shrinks to keep the loops named


def notes_label(fonts: D.Fonts, options: tuple[str, ...], room: float) -> tuple[str, int]:
    """The notes line to draw in ``room`` px and its font size: the first of ``options`` (:func:`notes_line`) that fits
    at :data:`NOTES_SIZE`; where only the chord alone would (the last option, after forms with the loops), the
    shortest form with the loops at a smaller size down to :data:`NOTES_MIN` (p57 QA_C 5: at 480x320 a held chord hid
    the three loops sounding: "C3 E3 G3 + 3 loops" is 156 px at 26, the room 148), else the chord."""
    text = D.fit(fonts, options, NOTES_SIZE, room)
    if len(options) < 2 or text != options[-1] or not options[-2].startswith(f"{options[-1]} + "):
        return text, NOTES_SIZE
    both, size = D.shrink_to_fit(fonts, options[-2], NOTES_SIZE, room, NOTES_MIN)
    return (both, size) if both == options[-2] else (text, NOTES_SIZE)


def notes_line(notes: list[int], loops: list[Loop], muted: bool = False) -> tuple[str, ...]:
    """The line under the dials, longest first: the synth's notes held (four at most), then the sampler's loops that
    sound (:func:`device.ui.loops.playing_words`: "loop C#2 (VP Drum) playing"; p57 QA_B 1: a latched loop played
    while the line said "no notes"; ``muted``, the player turned the sampler off: "loop C#2 (sampler off)"), "no
    notes" when neither."""
    chord = " ".join(note_name(n) for n in notes[:4])
    said = playing_words(loops, muted)
    if chord and said:
        return (*(f"{chord} + {words}" for words in said), chord)
    return said or (chord or "no notes",)


def held_notes(status: dict[str, Any]) -> list[int]:
    """The MIDI notes (0..127) the status says the synth holds; anything else in the list (None, NaN,
    a string, out of range) is left out, and a ``notes`` that is not a list is no notes."""
    notes = status.get("notes")
    if not isinstance(notes, (list, tuple)):
        return []
    return [int(n) for n in notes if finite_number(n) and 0 <= n <= 127]
