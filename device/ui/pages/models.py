"""Models: the installed packs, activate one, roll a slot back to its previous pack.

Encoders: 1 turns through the packs and its press activates the selected one; 2 turns the program the set-list
row's "map" maps (with the API); 4 is the button encoder (device/ui/focus.py): its turn puts the ring on "map" (with
the API), "activate" or "roll back", in their order on screen, and its press does that button, so a panel without
touch rolls back and maps too (before, roll back was a tap only).

On a box started with --require-signature each pack it refuses is marked ("unsigned: refused") and its activate says
what to do (device/ui/signed_only.py).  With the API beside the panel, a row above the buttons maps a MIDI program to
the selected pack (device/ui/pages/models_programs.py; encoder 2 picks the program; p57 QA_B 2 and 3)."""
from __future__ import annotations

from typing import Any

import pygame

from device.control import SLOTS, msg
from device.midi_programs import SWITCH_KINDS
from device.ui import draw as D
from device.ui.data import PackEntry, active_pack, panel_order
from device.ui.events import EncoderPress, EncoderTurn, Event, Touch
from device.ui.focus import ButtonFocus, draw_focus, pressed, turned
from device.ui.pages.base import ListDrag, Message, Page, hit, rows, scroll_window
from device.ui.pages.models_programs import PROGRAM_ENCODER, ProgramPicker
from device.ui.pages.models_signed import activate_refused, map_mark, map_refused, rollback_mark, rollback_refused
from device.ui.program_desk import ProgramDesk, desk_of, has_desk
from device.ui.program_notice import with_worse, worse_words
from device.ui.signed_only import REFUSED_MARK, marks_of
from hatbox.errors import HatboxError, first_line

ROW = 46


BUTTON_W = 170          # px: "activate" and "roll back", narrower only where the screen is
BUTTONS = ("activate", "roll back")
MAP_ROW = 44            # px: the set-list row (its "map" button, 36 px high) above the buttons, with the API


def _worse(pack: PackEntry) -> tuple[str, ...]:
    """device.ui.program_notice.worse_words of an effect ``pack`` whose own scores are worse than no effect at all
    (said after "fuzzbox 0.2.0 active", as push says it: p60 F3; the panel made such a pack active with no word);
    () for any other pack."""
    return worse_words(pack.manifest.metrics) if pack.manifest.kind == "effect" else ()


class ModelsPage(Page):
    title = "Models"
    tab_short = "Mod"

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx)
        self.packs: list[PackEntry] = []
        self.current = 0                # the first rows, each name's newest (and active) version; older ones after
        self.selected = 0
        self.pack_rows: list[Any] = []
        self.activate_btn: Any = None
        self.rollback_btn: Any = None
        self._undo: tuple[Any, PackEntry] | None = None   # the store before the last load sent, and its pack
        self.drag = ListDrag()
        self.focus = ButtonFocus(BUTTONS, "activate")      # the button encoder 4's press does
        self.back: dict[str, PackEntry | None] = {}        # kind -> the pack roll back would make active
        self.refused: set[str] = set()     # the packs a box started with --require-signature will not play
        self.map_btn: Any = None           # the set-list row's "map" button (None: no API beside the panel)
        self.picker = ProgramPicker()      # which program it maps
        self.installed: list[dict[str, Any]] = []   # the store's list, what mapped programs play (read on enter)

    def enter(self) -> None:
        self.packs, self.current = panel_order(self.ctx.data.packs())   # each name's current versions, then older
        self.selected = min(self.selected, max(0, len(self.packs) - 1))
        self.back = {kind: self._rollback_to(kind) for kind in {p.manifest.kind for p in self.packs}}
        self.refused = marks_of(self.ctx.data).refused(self.ctx.data, [p.id for p in self.packs], self.ctx.reader,
                                                       self._marked)     # checked by the reader, off the frame
        desk = self.desk
        self.installed = desk.installed() if desk is not None else []

    def _marked(self, refused: set[str]) -> None:
        """The reader's answer of which packs the box refuses (device/ui/signed_only.py), on the panel's thread."""
        self.refused = refused

    @property
    def desk(self) -> ProgramDesk | None:
        """The box's program map as the panel changes it, read now (one a frame: :func:`desk_of`); None without the
        API in this process."""
        return desk_of(self.ctx.data)

    def row_mark(self, pack: PackEntry) -> tuple[str, ...]:
        """What a pack's row says at its right, longest first: that the box refuses it, that it is active, or ()."""
        return REFUSED_MARK if pack.id in self.refused else ("ACTIVE",) if pack.active else ()

    def program_words(self, desk: ProgramDesk | None = None) -> tuple[str, ...]:
        """What the set-list row says of ``desk`` (the frame's; None: the map read now), () without the API."""
        desk, pack = desk if desk is not None else self.desk, self.packs[self.selected] if self.packs else None
        if desk is not None and pack is not None and pack.id in self.refused:
            return map_mark(self.picker.follow(desk), pack.manifest.name, pack.manifest.version)
        return self.picker.words(desk, pack, self.installed) if desk else ()

    def _rollback_to(self, kind: str) -> PackEntry | None:
        """The pack roll back would make active in ``kind``'s slot (None: none, or a PanelData that cannot say)."""
        try:
            return self.ctx.data.rollback_to(kind) if hasattr(self.ctx.data, "rollback_to") else None
        except HatboxError:
            return None

    def back_words(self) -> tuple[str, ...]:
        """What roll back would do for the selected pack's slot, longest first (the panel QA of the forty-first
        stop: nothing said where it would go, and a rolled-back slot looked like any other): "roll back: synth ->
        Orchestra pad 0.9.0", or that there is no earlier pack; () with no packs."""
        if not self.packs:
            return ()
        kind = self.packs[self.selected].manifest.kind
        to = self.back.get(kind)
        if to is None:
            return (f"no earlier {kind} pack to roll back to", f"no earlier {kind}", "")
        if to.id in self.refused:
            return rollback_mark(kind, to.manifest.name, to.manifest.version)
        name = f"{to.manifest.name} {to.manifest.version}"
        return (f"roll back: {kind} -> {name}", f"-> {name}", f"-> {to.manifest.name}", "")

    def refresh(self) -> None:
        """Re-read the installed packs; the selection stays on the same pack if it is still there."""
        chosen = self.packs[self.selected].id if self.packs else None
        self.enter()
        ids = [p.id for p in self.packs]
        if chosen in ids:
            self.selected = ids.index(chosen)

    def layout(self, rect: Any) -> None:
        super().layout(rect)
        extra = MAP_ROW if has_desk(self.ctx.data) else 0
        body = pygame.Rect(rect.x + 8, rect.y + 8, rect.width - 16, rect.height - 76 - extra)
        self.pack_rows = rows(body, len(self.packs), ROW)
        w = min(BUTTON_W, (rect.width - 8 - 16 - 8) // 2)      # two side by side on a 320-px screen too
        self.map_btn = pygame.Rect(rect.x + 8, body.bottom + 6, w, 36) if extra else None
        self.activate_btn = pygame.Rect(rect.x + 8, body.bottom + extra + 12, w, 48)
        self.rollback_btn = pygame.Rect(self.activate_btn.right + 16, body.bottom + extra + 12, w, 48)
        self.focus.names = (("map",) if extra else ()) + BUTTONS      # in their order on screen: "map" is above

    def handle(self, event: Event) -> list[Message]:
        if isinstance(event, EncoderTurn) and event.index == 0 and self.packs:
            self.selected = (self.selected + event.delta) % len(self.packs)
        elif isinstance(event, EncoderTurn) and event.index == PROGRAM_ENCODER and (desk := self.desk) is not None:
            self.picker.turn(desk, event.delta)
        elif turned(event):
            self.focus.turn(turned(event))
        elif pressed(event):
            return self._button(self.focus.at)
        elif isinstance(event, EncoderPress) and event.pressed and event.index == 0:
            return self._activate()
        elif isinstance(event, Touch) and event.kind == "down":
            return self._tap(event)
        elif isinstance(event, Touch) and event.kind == "move":
            at = self.drag.follow(event, ROW, len(self.packs))      # a finger dragged along the list scrolls it
            if at is not None:
                self.selected = at
        elif isinstance(event, Touch) and event.kind == "up":
            self.drag.end(event)
        return []

    def leave(self) -> None:
        self.drag = ListDrag()
        self.focus.reset()
        self.picker.reset()

    def _tap(self, touch: Touch) -> list[Message]:
        x, y = touch.x, touch.y
        first = scroll_window(self.selected, len(self.packs), len(self.pack_rows))
        for i, r in enumerate(self.pack_rows):
            if hit(r, x, y):
                self.selected = first + i
                self.drag.start(touch, "packs", self.selected)
        for name, rect in self.button_rects().items():
            if hit(rect, x, y):
                return self._button(name)
        return []

    def button_rects(self) -> dict[str, Any]:
        """The buttons by name (as laid out now)."""
        out = {"activate": self.activate_btn, "roll back": self.rollback_btn}
        return {**out, "map": self.map_btn} if self.map_btn is not None else out

    def _button(self, name: str) -> list[Message]:
        """Button ``name`` tapped, or pressed with encoder 4 while its ring is on it."""
        if name == "roll back":
            return self._roll_back()
        if name == "map":
            return self._map()
        return self._activate()

    def _activate(self) -> list[Message]:
        """Activate the selected pack; one the box refuses (unsigned, --require-signature) is not tried: what to do
        instead is said."""
        pack = self.packs[self.selected] if self.packs else None
        if pack is not None and pack.id in self.refused:
            self.ctx.state.say(*activate_refused(pack.manifest.name, pack.manifest.version), alarm=True)
            return []
        return self._act(lambda p: self.ctx.data.activate(p.id))

    def _map(self) -> list[Message]:
        """Map the set-list row's program to the selected pack (device/ui/pages/models_programs.py), said."""
        desk, pack = self.desk, self.packs[self.selected] if self.packs else None
        if desk is None or pack is None:
            return []
        if pack.manifest.kind not in SWITCH_KINDS:
            self.ctx.state.say(*self.program_words(desk))
            return []
        if pack.id in self.refused:
            self.ctx.state.say(*map_refused(self.picker.follow(desk), pack.manifest.name, pack.manifest.version),
                               alarm=True)
            return []
        try:
            self.ctx.state.say(*self.picker.map(desk, pack))
        except HatboxError as exc:
            self.ctx.state.say(str(exc), alarm=True)
        return []

    def _roll_back(self) -> list[Message]:
        """Roll the selected pack's slot back, saying from which pack to which ("rolled back: Orchestra pad 0.9.0
        active, was 1.0.0"): a rolled-back slot looked like any other activation."""
        kind = self.packs[self.selected].manifest.kind if self.packs else ""
        was = active_pack(self.ctx.data, kind) if kind else None
        to = self.back.get(kind)
        if to is not None and to.id in self.refused:        # refused here: not tried (p57 QA_C 2)
            self.ctx.state.say(*rollback_refused(to, was), alarm=True)
            return []
        out = self._act(lambda p: self.ctx.data.rollback(p.manifest.kind))
        now = active_pack(self.ctx.data, kind) if kind else None
        if was is not None and now is not None and now.id != was.id:
            name, before = f"{now.manifest.name} {now.manifest.version}", f"{was.manifest.name} {was.manifest.version}"
            self.ctx.state.say(*with_worse((f"rolled back: {name} active, was {before}", f"rolled back to {name}",
                                            f"rolled back to {now.manifest.name}"), _worse(now)))
        return out

    def _act(self, action: Any) -> list[Message]:
        """Activate (or roll back) in the store, then ``load`` it into the engine; should the engine
        refuse it, :meth:`failed` puts the store back."""
        if not self.packs:
            return []
        before = self.ctx.data.snapshot()
        try:
            entry = action(self.packs[self.selected])
        except HatboxError as exc:
            self.ctx.state.say(str(exc))
            return []
        self.enter()
        kind = entry.manifest.kind
        name = f"{entry.manifest.name} {entry.manifest.version}"
        self.ctx.state.say(*with_worse((f"{name} active", f"{entry.manifest.name} active"), _worse(entry)))
        if kind not in SLOTS:
            return []
        self._undo = (before, entry)
        return [msg("load", slot=kind, path=entry.path)]

    def failed(self, message: Message, error: BaseException) -> None:
        """The engine did not load the pack: the store goes back to the pack it plays (as the API does)."""
        if message.get("op") != "load" or self._undo is None or self._undo[1].path != message.get("path"):
            return
        before, entry = self._undo
        self._undo = None
        self.ctx.data.restore(before, entry.manifest.kind)     # its own slot: another changed meanwhile stays
        self.enter()
        kept = active_pack(self.ctx.data, entry.manifest.kind)
        still = f"{kept.manifest.name} {kept.manifest.version} stays active" if kept else "nothing active"
        reason, name = first_line(error), f"{entry.manifest.name} {entry.manifest.version}"
        self.ctx.state.say(f"not loaded: {name} ({reason}); {still}", f"{name} not loaded; {still}",
                           f"{entry.manifest.name} not loaded; {still}", f"not loaded; {still}", alarm=True)

    def name_text(self, pack: PackEntry, room: float) -> str:
        """"name  version" in at most ``room`` px at 28 px: the name is cut first, down to a third of the
        room; a long pre-release version ("1.0.0-rc.1.build.20261203") is cut past the rest."""
        f, name = self.ctx.fonts, pack.manifest.name
        version = D.fit(f, (f"  {pack.manifest.version}",), 28, room - min(f.size(name, 28)[0], room / 3))
        return D.fit(f, (name,), 28, room - f.size(version, 28)[0]) + version

    def draw(self, surface: Any) -> None:
        f = self.ctx.fonts
        if not self.packs:
            text = D.fit(f, ("no packs installed (push one with hatbox push)", "no packs installed"), 28,
                         self.rect.width - 20)
            f.draw(surface, text, self.rect.center, 28, D.DIM, "center")
            return
        first = scroll_window(self.selected, len(self.packs), len(self.pack_rows))
        for i, r in enumerate(self.pack_rows):
            p = self.packs[first + i]
            sel = first + i == self.selected
            pygame.draw.rect(surface, D.ACCENT if sel else D.PANEL, r.inflate(0, -6), 0 if sel else 1, border_radius=6)
            colour = D.BG if sel else D.TEXT if first + i < self.current else D.DIM      # an older version: dim
            f.draw(surface, p.manifest.kind, (r.x + 12, r.centery), 22, D.BG if sel else D.DIM, "midleft")
            end, mark = r.right - 12, self.row_mark(p)
            if mark:
                tint = D.BG if sel else D.BAD if p.id in self.refused else D.GOOD
                end = f.draw(surface, D.fit(f, mark, 22, (r.width - 100) / 2), (end, r.centery), 22, tint,
                             "midright").x
            f.draw(surface, self.name_text(p, end - 12 - (r.x + 100)), (r.x + 100, r.centery), 28, colour, "midleft")
        D.scroll_marker(surface, self.pack_rows, first, len(self.packs))
        self._draw_map_row(surface)
        D.button(surface, f, self.activate_btn, "activate")
        D.button(surface, f, self.rollback_btn, "roll back")
        room = self.rect.right - 8 - (self.rollback_btn.right + 16)
        words = D.fit(f, self.back_words(), 20, room) if room > 40 else ""
        if words:
            f.draw(surface, words, (self.rollback_btn.right + 16, self.rollback_btn.centery), 20, D.DIM, "midleft")
        draw_focus(surface, f, self.button_rects()[self.focus.at])

    def _draw_map_row(self, surface: Any) -> None:
        """The set-list row: the "map" button and what it would do (nothing without the API), of one read of the
        box's program map (:attr:`desk`)."""
        desk, f = self.desk, self.ctx.fonts
        if desk is None or self.map_btn is None:
            return
        D.button(surface, f, self.map_btn, self.picker.labels(desk))
        room = self.rect.right - 8 - (self.map_btn.right + 12)
        words = D.fit(f, self.program_words(desk), 20, room) if room > 40 else ""
        if words:
            f.draw(surface, words, (self.map_btn.right + 12, self.map_btn.centery), 20, D.DIM, "midleft")
