"""The box's MIDI routes (device/api/app.py builds the app): the CC -> knob bindings in effect, MIDI learn (arm a
knob, the next control change the box receives binds to it), dropping a learned or command-line binding, and the
MIDI channels of the kit and the synth (``PUT /midi/channels``, kept in the store: device/midi_saved.py).  The
program change -> pack map has its own routes (device/api/program_routes.py).

They work on the box's MIDI map (device.midi.MidiHub) that ``hatbox device run`` hands over on its control
(``Box.midi``), whether or not a MIDI input is open: bindings apply when MIDI comes.  An API without the box's
MIDI (``python -m device.api --sim``) answers ``GET /midi`` with MIDI off and nothing bound, and 409 to the
rest.  Errors are :class:`~device.api.errors.ApiError` like every route's.
"""
from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any, Optional

from fastapi import FastAPI, Query, Request
from pydantic import BaseModel, Field

from device.api import models as M
from device.api.errors import ApiError, _errors
from device.api.state import box_of, say_in_log
from device.midi import DEFAULT_CC, KNOB_SLOTS, PAD, PAD_AXES, MidiHub
from device.midi_channels import Channels

SETTABLE = ("kit", "synth")      # the slots whose MIDI channel PUT /midi/channels sets
NO_MIDI = "this API runs without the box's MIDI (python -m device.api --sim): nothing is bound here"
LIST_HINT = "hatbox box-midi (GET /midi) lists the bindings"


def _hub(request: Request, needed: bool = True) -> MidiHub | None:
    """The box's MIDI map; 409 when the API has none and ``needed``."""
    hub = box_of(request).midi
    if hub is None and needed:
        raise ApiError(409, "no MIDI", NO_MIDI, hint="start the box with `hatbox device run` for MIDI learn")
    return hub


def _knob(target: tuple[str, str] | None) -> M.MidiKnob | None:
    return None if target is None else M.MidiKnob(slot=target[0], knob=target[1])


def _check_axis(slot: str, knob: str) -> None:
    """404 for a pad axis other than ``x`` and ``y``: needs no pack, so it is said before "no MIDI" (p42 regression
    QA: with MIDI off, learning pad.z said "MIDI is off" before the pad's axes)."""
    if slot == PAD and knob.casefold() not in PAD_AXES:
        raise ApiError(404, "not found", f"the pad has the axes x and y, not '{knob}'; nothing was armed",
                       hint="hatbox box-midi --learn pad.x (or pad.y)")


def _check_knob(hub: MidiHub, slot: str, knob: str) -> str:
    """The knob ``knob`` names, in its pack's spelling (found ignoring case, as the box finds knobs everywhere else:
    "DRIVE" was a 404 here while OSC turned it; thirty-third stop's QA); 422 for a slot without knobs, 404 when no
    pack is loaded there or it has no such knob (or no knobs).  Slot ``pad``: its axes ``x`` and ``y``."""
    if slot not in KNOB_SLOTS and slot != PAD:
        raise ApiError(422, "rejected", f"slot '{slot}' has no knobs: MIDI learn binds a knob of the "
                       f"{' or '.join(KNOB_SLOTS)} slot, or the synth's pad (pad.x, pad.y)",
                       hint="e.g. {\"slot\": \"effect\", \"knob\": \"drive\"} or {\"slot\": \"pad\", \"knob\": \"x\"}")
    _check_axis(slot, knob)
    names = hub.knob_names(slot)
    pack = hub.pack_name(slot)
    if not names and pack is not None:
        raise ApiError(404, "not found", f"the {slot} pack '{pack}' has no knobs, so there is no knob '{knob}' to "
                       "learn; nothing was armed", hint=_no_knobs_hint(slot))
    if not names:
        raise ApiError(404, "not found", f"no {slot} pack is loaded, so there is no knob '{knob}' to learn; "
                       "nothing was armed", hint=f"make a {slot} pack active (the box's Models page, or hatbox push "
                       "PACK.hatpack --activate), then arm MIDI learn again")
    found = next((n for n in names if n.casefold() == knob.casefold()), None)
    if found is None:
        raise ApiError(404, "not found", f"the {slot} pack has no knob '{knob}' (its knobs: {', '.join(names)}); "
                       "nothing was armed",
                       hint=f"name one of its knobs, e.g. hatbox box-midi --learn {slot}.{names[0]}")
    return found


def _no_knobs_hint(slot: str) -> str:
    pad = ", ".join(f"{PAD}.{a}" for a in PAD_AXES)
    if slot == "synth":
        return (f"a CC can move the synth's pad instead: hatbox box-midi --learn {PAD}.x (or {PAD}.y); the pad's "
                f"targets are {pad}")
    return "load a pack with knobs in that slot (hatbox pack inspect PACK lists a pack's knobs)"


def _off_words(hub: MidiHub, armed: bool = True) -> str:
    """What an armed learn waits for while the box's MIDI is off (``hub.note`` says why): MIDI starts with the box,
    and a box started again forgets an armed learn (only bindings are kept); said in the arming answer and in the
    check's (``armed`` False: "once armed, ..."; p43 upgrade QA: `hatbox box-midi --learn` now arms it too)."""
    return (f"{hub.note or 'MIDI is off'}: {'' if armed else 'once armed, '}the next CC binds to it once MIDI runs "
            "(MIDI starts with the box, and a box started again forgets an armed learn: arm it again then)")


def _fallback(cc: int, now: tuple[str, str] | None) -> str:
    """What CC ``cc`` turns after its binding was dropped, in words."""
    if now is not None:
        return f"it falls back to its default: {now[0]}.{now[1]}"
    if cc in DEFAULT_CC:
        slot, position = DEFAULT_CC[cc]
        return (f"it falls back to its default, the {slot} pack's knob {position}, which the loaded {slot} pack "
                "lacks: it turns nothing now")
    return "it has no default mapping: it turns nothing now"


def _unbound(cc: int, origin: str, was: tuple[str, str] | None, now: tuple[str, str] | None) -> M.MidiUnbindResult:
    what = f"no longer turns {was[0]}.{was[1]}" if was is not None else "is no longer off"
    why = ("a learned binding: the box no longer keeps it" if origin == "learned"
           else "a command-line binding: dropped for this run")
    return M.MidiUnbindResult(cc=cc, source=origin, was=_knob(was), now=_knob(now),
                              message=f"CC {cc} {what} ({why}); {_fallback(cc, now)}")


class ChannelsSet(BaseModel):
    """``PUT /midi/channels``: a field left out stays as it is; null: the default (every channel: see GET /midi)."""
    kit_channel: Optional[int] = Field(None, ge=1, le=16, description="the channel (1..16) whose notes play the kit")
    synth_channel: Optional[int] = Field(None, ge=1, le=16, description="the channel whose notes play the synth")


class ChannelsResult(BaseModel):
    kit_channel: Optional[int]
    synth_channel: Optional[int]
    message: str
    warning: Optional[str] = Field(description="a setting that leaves most channels silent, said; null: none")


def _channels_now(hub: MidiHub, body: ChannelsSet) -> Channels:
    """The channels ``body`` asks for, the fields it leaves out as they are now (0..15, mido's count)."""
    now, given = hub.map.channels, body.model_fields_set
    pick = {name: (None if getattr(body, f"{name}_channel") is None else getattr(body, f"{name}_channel") - 1)
            if f"{name}_channel" in given else getattr(now, name) for name in ("kit", "synth")}
    return Channels(kit=pick["kit"], synth=pick["synth"])


class ChannelSetters:
    """Who set the kit's and the synth's MIDI channel from a laptop, and when, kept on the card (``path``:
    :data:`device.store_layout.CHANNELS_BY_FILE`, device/store_notes.py), so a restart keeps it (before the
    forty-sixth stop: this run only); and the lock that makes ``PUT /midi/channels`` a check-and-set: two laptops'
    changes at once are taken one after the other, the second seeing the first (p45 duo QA: A's --kit-channel 3 and
    B's --synth-channel 3 at once both went through, the box left with both on channel 3 and A told "synth: every
    channel but 3")."""

    def __init__(self, path: Path) -> None:
        from device.store_notes import KeptRecords
        self.lock = threading.Lock()
        # "kit"/"synth" -> {"slot", "by": paired device, "at": Unix time, "channel": what it set, 1..16 or None}
        self.by = KeptRecords(path, len(SETTABLE), "who set the MIDI channels", key="slot")

    def noted(self, body: ChannelsSet, device: str) -> None:
        now = time.time()
        self.by.add({name: {"slot": name, "by": device, "at": now, "channel": getattr(body, f"{name}_channel")}
                     for name in SETTABLE if f"{name}_channel" in body.model_fields_set})

    def who(self, name: str, channel: int | None) -> str:
        """" (laptopA set it 12 s ago)" for the ``name`` channel set from a laptop (this run or before a restart) to
        ``channel`` (1..16, None: every channel), the one it plays now; "" otherwise (a record of another channel: the
        box's command line set this one since a restart, p46 reg QA; a record before the channel was kept in it)."""
        from device.api.when_words import ago, ago_words
        note = self.by.get(name)
        since = ago(note.get("at")) if note is not None else None
        if note is None or since is None or "channel" not in note or note["channel"] != channel:
            return ""
        return f" ({str(note.get('by') or '') or 'the box'} set it {ago_words(since)})"


def _refuse_clash(now: Channels, wanted: Channels, body: ChannelsSet, setters: ChannelSetters) -> None:
    """409, nothing changed, when ``wanted`` puts the kit and the synth on one channel alone (every other channel
    silent) by setting only one of them onto the channel the other already plays alone: what another laptop set, or
    set a while ago, which this request did not ask for.  A request that names both channels (``--kit-channel 3
    --synth-channel 3``) asks for it, and gets the warning as before; a request that changes nothing is taken."""
    given = {n for n in ("kit", "synth") if f"{n}_channel" in body.model_fields_set}
    if wanted.warning() is None or wanted == now or given == {"kit", "synth"}:
        return
    mine = next(iter(given)) if given else "kit"
    other, n = "synth" if mine == "kit" else "kit", (wanted.kit or 0) + 1
    raise ApiError(409, "conflict", f"the {other} plays MIDI channel {n} alone{setters.who(other, n)}: the {mine} on "
                   f"channel {n} too would leave the 15 other channels silent; nothing was changed",
                   hint=f"to play both on channel {n}, give both: hatbox box-midi --kit-channel {n} --synth-channel "
                        f"{n}; else pick another channel for the {mine} (hatbox box-midi shows the channels)")


def init_midi_state(app: FastAPI) -> None:
    """The app's own record of who set the MIDI channels (its box's store; one per app: the routes are shared)."""
    from device.store_layout import CHANNELS_BY_FILE
    app.state.channel_setters = ChannelSetters(app.state.box.store.root / CHANNELS_BY_FILE)


def _add_midi_routes(app: FastAPI, auth: Any) -> None:

    @app.put("/midi/channels", response_model=ChannelsResult, dependencies=[auth], responses=_errors(401, 409, 422))
    def midi_channels(request: Request, body: ChannelsSet) -> ChannelsResult:
        from device.api.slot_routes import device_of
        from device.midi_saved import set_channels
        hub, setters = _hub(request), request.app.state.channel_setters
        with setters.lock:                 # check-and-set: a change made at the same moment waits, then sees this one
            channels = _channels_now(hub, body)
            _refuse_clash(hub.map.channels, channels, body, setters)
            set_channels(hub, channels)
            setters.noted(body, device_of(request))
        say_in_log(request, f"MIDI channels set: {channels.words()}")
        return ChannelsResult(**channels.state(), warning=channels.warning(),
                              message=f"MIDI channels: {channels.words()} (kept: the box starts with them, unless "
                                      "its command line sets --kit-channel/--synth-channel)")

    @app.get("/midi", response_model=M.MidiState, dependencies=[auth], responses=_errors(401))
    def midi_state(request: Request) -> M.MidiState:
        hub = _hub(request, needed=False)
        if hub is None:
            return M.MidiState(midi="off", port=None, note=NO_MIDI, bindings=[], off=[], overridden=[],
                               learning=None, warnings=[])
        return M.MidiState(**hub.snapshot())

    @app.post("/midi/learn", status_code=202, response_model=M.MidiLearnResult, dependencies=[auth],
              responses=_errors(401, 404, 409, 422))
    def midi_learn(request: Request, body: M.MidiLearnRequest,
                   check: bool = Query(False, description="only check the knob (404/422 as when arming): nothing is "
                                                          "armed, the answer says what would be")) -> M.MidiLearnResult:
        _check_axis(body.slot, body.knob)              # pad.z: no axis, said before "no MIDI"
        hub = _hub(request)
        knob = _check_knob(hub, body.slot, body.knob)
        on = hub.port is not None
        target = f"{body.slot}.{knob}"
        if check:
            return M.MidiLearnResult(learning=M.MidiKnob(slot=body.slot, knob=knob), replaced=None,
                                     midi="on" if on else "off", message=f"{target} can be learned; nothing was "
                                     "armed (check only)" + ("" if on else f"; {_off_words(hub, False)}"))
        replaced = hub.arm(body.slot, knob)
        message = (f"MIDI learn armed for {target}: move a control on your MIDI controller; the next CC the box "
                   "receives binds to it (GET /midi shows the binding)" if on else
                   f"MIDI learn armed for {target}, but {_off_words(hub)}")
        if replaced is not None and replaced != (body.slot, knob):
            message += f"; learn for {replaced[0]}.{replaced[1]} was disarmed"
        return M.MidiLearnResult(learning=M.MidiKnob(slot=body.slot, knob=knob), replaced=_knob(replaced),
                                 midi="on" if on else "off", message=message)

    @app.delete("/midi/learn", response_model=M.MidiCancelResult, dependencies=[auth], responses=_errors(401, 409))
    def midi_learn_cancel(request: Request) -> M.MidiCancelResult:
        was = _hub(request).cancel()
        message = (f"MIDI learn for {was[0]}.{was[1]} cancelled" if was
                   else "MIDI learn was not armed: nothing to cancel")
        return M.MidiCancelResult(cancelled=_knob(was), message=message)

    @app.delete("/midi/bindings/{cc}", response_model=M.MidiUnbindResult, dependencies=[auth],
                responses=_errors(401, 404, 409, 422))
    def midi_unbind(request: Request, cc: int) -> M.MidiUnbindResult:
        hub = _hub(request)
        if not 0 <= cc <= 127:
            raise ApiError(422, "rejected", f"MIDI CC number must be 0..127, got {cc}", hint=LIST_HINT)
        dropped = hub.release(cc)
        if dropped is None:
            now = hub.snapshot()["bindings"]
            turns = next((f"; it turns {b['slot']}.{b['knob']} by default" for b in now if b["cc"] == cc), "")
            off = (f"; a default CC is made to turn nothing with `hatbox device run --midi-cc {cc}=off`"
                   if cc in DEFAULT_CC else "")        # a reserved CC (the pedal, 120-127) turns no knob to begin with
            raise ApiError(404, "not found", f"CC {cc} has no learned or command-line binding{turns}; nothing was "
                           "changed", hint=LIST_HINT + off)
        return _unbound(cc, *dropped)
