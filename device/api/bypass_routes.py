"""The bypass routes (device/api/app.py adds them): ``GET /bypass`` says which slots (effect, synth, sampler) are
bypassed, with who bypassed them over the network and when (the engine status's ``bypass_set``: device/kept_play.py),
and ``PUT /bypass/{slot}``
``{"on": false}`` turns a slot back on (``true`` bypasses it), through the same control as the panel and OSC.

Before (forty-eighth stop's QA) a stranger's ``/hatbox/bypass sampler 1`` over OSC silenced the drums, and nothing on
the laptop could turn the sampler back on: the knob routes take effect and synth knobs only, and no route bypassed.
`hatbox box-knob sampler.bypass 0` (hatbox/cmd_box_knob.py) sends ``PUT /bypass/sampler``.

``PUT``'s answer is the slot once the engine shows the change (it takes the message on its next block), waiting at
most :data:`~device.api.knob_routes.KEEP_WAIT_S`; an engine slower than that gets the state asked for, with
``asked: true``.  Before (fifty-second stop's QA) it answered from the status read straight after the send, and about
half the turns of `box-knob sampler.bypass` printed the state from before the change.  A bypass of a slot that plays
no pack, which the engine keeps no bypass for (device/audio/slot.py ``Slot._same``), is refused at once (409 "no
pack"); before (p52 review R3) it waited the whole KEEP_WAIT_S and answered ``bypassed: true``, which GET never showed.

Who bypassed a slot is the engine's record alone (p57 M4): the route sends it in the bypass message, and the engine
keeps it until the slot's next bypass, or the next pack loaded or unloaded there.  Before, the main process noted it a
second time after the send and laid that note over the engine's: a panel toggle in between was given to the laptop,
and an odd device name was said raw.
"""
from __future__ import annotations

import time
from typing import Any, Literal, Optional

from fastapi import FastAPI, Request
from pydantic import BaseModel, Field

from device.api.engine_send import Unsent, send
from device.api.errors import ApiError, _errors
from device.api.knob_routes import KEEP_WAIT_S, _engine, status_until
from device.api.state import box_of, say_in_log
from device.control import SLOTS
from device.kept_play import API, published_note, who_of

BypassSlot = Literal["effect", "synth", "sampler"]       # device.control.SLOTS, as the path parameter's type


class SlotBypass(BaseModel):
    """Whether one slot is bypassed (an effect plays its input dry, a source is silent)."""

    slot: str = Field(description="effect, synth or sampler")
    bypassed: bool = Field(description="true: bypassed (by a player, or by a fault: see fault)")
    fault: bool = Field(False, description="true when the box bypassed it for bad output (hatbox box-pack ID "
                                           "--activate loads the pack again)")
    set_by: Optional[str] = Field(None, description="how it was bypassed, when over the network and still so: 'osc' "
                                                    "or 'api' (absent: the panel, MIDI, or not known)")
    set_from: Optional[str] = Field(None, description="the OSC sender's address, or the paired device's name")
    set_ago_s: Optional[float] = Field(None, description="how long ago it was bypassed, s")
    asked: Optional[bool] = Field(None, description="true (PUT only): the engine had not shown the change yet when "
                                                    "the box answered; ``bypassed`` is the state asked for, and "
                                                    "GET /bypass shows it once the engine takes it")


class BypassTurn(BaseModel):
    on: bool = Field(description="true bypasses the slot, false turns it back on")


def slot_bypasses(status: dict[str, Any]) -> list[SlotBypass]:
    """Every slot's bypass as the engine's ``status`` reports it, with who bypassed it over the network (its
    ``bypass_set``)."""
    from device.ui.faults import faulted
    bypassed = status.get("bypassed") if isinstance(status.get("bypassed"), dict) else {}
    notes = status.get("bypass_set") if isinstance(status.get("bypass_set"), dict) else {}
    out = []
    for slot in SLOTS:
        note, on = notes.get(slot, {}), bypassed.get(slot) is True
        out.append(SlotBypass(slot=slot, bypassed=on, fault=on and faulted(status, slot), set_by=note.get("by"),
                              set_from=note.get("source"), set_ago_s=note.get("ago_s")))
    return out


def _send(request: Request, slot: str, on: bool, who: str) -> None:
    """Send the bypass message through the box's control (as the panel and OSC do), with ``who`` sent it (the paired
    device's name: the engine keeps it with the bypass across a restart)."""
    send(request, {"op": "bypass", "slot": slot, "on": on, "by": API, "source": who},
         Unsent(f"the {slot} slot's bypass was not changed", "it stays as it was",
                "it may yet change once the engine answers", f"the engine did not change the {slot} slot's bypass"))


def _bypassed(status: dict[str, Any], slot: str) -> Optional[bool]:
    """Whether ``status`` shows ``slot`` bypassed (None: the status does not say)."""
    said = status.get("bypassed")
    on = said.get(slot) if isinstance(said, dict) else None
    return on if isinstance(on, bool) else None


def _read(request: Request, slot: str, on: bool) -> dict[str, Any]:
    """The engine's status, read after ``slot``'s bypass was sent (503 in words when it cannot be read)."""
    return _engine(request, f"the {slot} slot's bypass was {'set' if on else 'turned off'}; its state now could not "
                   "be read", "hatbox status shows it once the engine answers")


def _plays_nothing(status: dict[str, Any], slot: str) -> bool:
    """Whether ``status`` says ``slot`` plays no pack (``active`` names it, None)."""
    active = status.get("active")
    return isinstance(active, dict) and slot in active and active[slot] is None


def no_pack(slot: str) -> ApiError:
    """409 "no pack": ``slot`` plays no pack, so the engine keeps no bypass for it."""
    return ApiError(409, "no pack", f"the {slot} slot plays no pack: nothing to bypass; nothing was changed",
                    hint="a pack loaded into it later plays unbypassed (hatbox box-pack ID --activate loads one)")


def _shown_after(request: Request, slot: str, on: bool, status: dict[str, Any], who: str) -> SlotBypass:
    """``slot``'s bypass once the engine's status (``status``: read right after the send) shows ``on`` (at most
    :data:`KEEP_WAIT_S`); past that, the state asked for, marked ``asked`` (never the state from before the change as
    if it were the new one), bypassed by ``who`` (the paired device's name) as the engine will say it."""
    status = status_until(lambda: _read(request, slot, on), lambda s: _bypassed(s, slot) is on, status, every=0.005,
                          seconds=KEEP_WAIT_S)
    if _bypassed(status, slot) is on:
        return next(b for b in slot_bypasses(status) if b.slot == slot)
    said = status.get("bypassed") if isinstance(status.get("bypassed"), dict) else {}
    asked = {**status, "bypassed": {**said, slot: on}, "bypass_set": _asked_by(status, slot, on, who)}
    return next(b for b in slot_bypasses(asked) if b.slot == slot).model_copy(update={"asked": True})


def _asked_by(status: dict[str, Any], slot: str, on: bool, who: str) -> dict[str, Any]:
    """The engine ``status``'s ``bypass_set`` as it will be once it takes ``slot``'s bypass (``on``) from ``who``
    (the engine takes it on its next block, after the wait: device/kept_play.py ``who_of``, ``published_note``)."""
    kept = status.get("bypass_set") if isinstance(status.get("bypass_set"), dict) else {}
    others = {s: note for s, note in kept.items() if s != slot}
    now = time.time()
    asked = who_of({"by": API, "source": who}, now) if on else {}
    return {**others, slot: published_note(asked, now)} if asked else others


def _add_bypass_routes(app: FastAPI, auth: Any) -> None:
    @app.get("/bypass", response_model=list[SlotBypass], response_model_exclude_none=True, dependencies=[auth],
             responses=_errors(401, 503))
    def get_bypass(request: Request) -> list[SlotBypass]:
        return slot_bypasses(_engine(request, "the slots' bypass could not be read", "nothing was changed"))

    @app.put("/bypass/{slot}", response_model=SlotBypass, response_model_exclude_none=True,
             responses=_errors(401, 409, 422, 503))
    def put_bypass(request: Request, slot: BypassSlot, body: BypassTurn, token_id: str = auth) -> SlotBypass:
        who = box_of(request).tokens.name(token_id)
        _send(request, slot, body.on, who)
        status = _read(request, slot, body.on)
        if _bypassed(status, slot) is not body.on and _plays_nothing(status, slot):
            raise no_pack(slot)                    # the engine keeps no bypass of an empty slot: it never shows one
        say_in_log(request, f"{slot} slot bypassed" if body.on else f"{slot} slot back in (bypass off)")
        return _shown_after(request, slot, body.on, status, who)
