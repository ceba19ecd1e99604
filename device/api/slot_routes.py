"""The slot routes: ``POST /slots/{slot}/deactivate`` empties a slot (the engine unloads its pack), ``POST
/slots/{slot}/rollback`` makes the pack active before the current one active again (checked as an activation is:
signature, the engine's load; a tagger rolled back to tags the libraries that waited for one).  Split from app.py,
which adds them to the app."""
from __future__ import annotations

import json
import logging
import time
from typing import Any, Optional, get_args

from fastapi import FastAPI, Request
from pydantic import BaseModel, Field

from device.api import models as M
from device.api.errors import ApiError, _errors, _from_hatbox, _pointer_failed
from device.api.state import ENGINE_SLOTS, box_of, say_in_log
from device.store import StoreError, acting_as
from device.store_layout import json_dict
from export.atomic import write_atomic

log = logging.getLogger("hatbox.api")
DELETED_TARGETS = "deleted_targets.json"    # under the store: slot -> the roll-back target deleted last (and when)


class SlotInfo(BaseModel):
    """``GET /slots``: a slot's active pack and the pack ``POST /slots/{slot}/rollback`` would make active."""
    slot: M.Slot
    active: str | None = None
    rollback_to: str | None = Field(None, description="what a roll back makes active (None: nothing to go back to)")


class RollbackResult(M.SlotResult):
    """``POST /slots/{slot}/rollback``'s answer: ``went_past`` says, when the pack a roll back would have gone back to
    was deleted (and noted so) since, that this is the one before it."""
    went_past: Optional[str] = Field(None, description="\"fxd, what it went back to before, was deleted by 'laptopB' "
                                     "on DATE: this is the one before it\" when a deletion took the pack this roll "
                                     "back would have made active (the store then goes one further back); left "
                                     "out otherwise")


def note_deleted_target(box: Any, pid: str, kind: str, by: str = "") -> None:
    """Pack ``pid`` (of ``kind``) is about to be deleted (by paired device ``by``): when it is what a roll back of its
    slot goes back to, keep that under the store (the store forgets a deleted pack from its history), with the pack
    active then (``active``) and the one a roll back goes back to once it is gone (``next``), so a later roll back
    says why it has nowhere to go (p43 duo QA: "no earlier effect pack to roll back to", the other laptop's deletion
    unsaid), or that it went one further back (p43 regression QA: it landed on an older pack without a word).  Best
    effort: a note that cannot be kept is said in the log.  (device/api/pack_routes.py's DELETE /packs/{id} calls
    it.)"""
    try:
        store = box.store
        if store.rollback_target(kind) != pid:
            return
        installed = set(store.ids())
        earlier = [h for h in store.pointer().history[kind] if h != pid and h in installed]
        notes = _deleted_targets(box)
        notes[kind] = {"pack": pid, "when": time.time(), "by": by, "active": store.pointer().slots.get(kind),
                       "next": earlier[-1] if earlier else None}
        write_atomic(store.root / DELETED_TARGETS, json.dumps(notes, indent=1).encode("utf-8"))
    except (OSError, KeyError, ValueError) as exc:
        log.warning("could not note that %s, the %s slot's roll-back target, is deleted: %s", pid, kind, exc)


def device_of(request: Request) -> str:
    """The name of the paired device whose token ``request`` carries ("" when the box holds none such)."""
    return box_of(request).tokens.bearer_name(request.headers.get("authorization", ""))


def _went_past(box: Any, slot: str, was: str | None, pid: str) -> str | None:
    """The roll back of ``slot`` from ``was`` to ``pid`` in words when it went one further back than it would have:
    a deletion noted since (:func:`note_deleted_target`, the pack ``was`` active then) took the pack it would have
    made active, and ``pid`` is what it went back to once that was gone.  The note is used up (forgotten): the next
    roll back goes further back as asked.  None otherwise."""
    from hatbox.text import when_words
    gone = _deleted_targets(box).get(slot)
    if not isinstance(gone, dict) or gone.get("next") != pid or gone.get("active") != was or not gone.get("pack") \
            or gone["pack"] in box.store.ids():
        return None
    _forget_target(box, slot)
    by, when = str(gone.get("by") or ""), when_words(gone.get("when"))
    return (f"{gone['pack']}, what it went back to before, was deleted" + (f" by {by!r}" if by else "")
            + (f" on {when}" if when else "") + ": this is the one before it")


def _forget_target(box: Any, slot: str) -> None:
    notes = _deleted_targets(box)
    notes.pop(slot, None)
    try:
        write_atomic(box.store.root / DELETED_TARGETS, json.dumps(notes, indent=1).encode("utf-8"))
    except OSError as exc:
        log.warning("could not forget the %s slot's deleted roll-back target: %s", slot, exc)


def _deleted_targets(box: Any) -> dict[str, Any]:
    return json_dict(box.store.root / DELETED_TARGETS)


def _no_earlier(box: Any, slot: str, exc: StoreError) -> ApiError:
    """409 for a roll back with nothing to go back to; saying that the pack it went back to was deleted, when a
    deletion noted so (:func:`note_deleted_target`) and nothing of the slot's history is left."""
    from hatbox.text import when_words
    gone = _deleted_targets(box).get(slot)
    if not isinstance(gone, dict) or not gone.get("pack") or box.store.rollback_target(slot):
        return _from_hatbox(409, "conflict", exc)
    when, by = when_words(gone.get("when")), str(gone.get("by") or "")
    return ApiError(409, "conflict", f"no earlier {slot} pack to roll back to: the one it went back to, "
                    f"{gone['pack']}, was deleted" + (f" by {by!r}" if by else "") + (f" ({when})" if when else ""),
                    hint=f"make one active by its id: hatbox box-pack ID --activate (hatbox box-pack lists the "
                         f"box's packs; a deleted pack comes back with hatbox push PACK.hatpack)")


def _add_slot_routes(app: FastAPI, auth: Any) -> None:
    @app.get("/slots", response_model=list[SlotInfo], dependencies=[auth], responses=_errors(401))
    def slots(request: Request) -> list[SlotInfo]:
        store = box_of(request).store
        active = store.pointer().slots
        return [SlotInfo(slot=s, active=active.get(s), rollback_to=store.rollback_target(s)) for s in get_args(M.Slot)]

    @app.post("/slots/{slot}/deactivate", response_model=M.SlotResult, dependencies=[auth],
              responses=_errors(401, 500, 507))
    def deactivate(request: Request, slot: M.Slot) -> M.SlotResult:
        box = box_of(request)
        with box.install_lock:
            try:
                with acting_as(device_of(request)):       # the slot's record: who emptied it, and when
                    prev, rec = box.store.empty_slot(slot)     # rec: who had made it active, read as it was emptied
            except OSError as exc:
                raise _pointer_failed(exc, f"emptying the {slot} slot") from None
            if prev and slot in ENGINE_SLOTS:
                try:
                    box.control.send({"op": "unload", "slot": ENGINE_SLOTS[slot]})
                except Exception as exc:  # noqa: BLE001 - the pointer is what counts; report and go on
                    log.error("engine did not unload %s: %s", slot, exc)
        say_in_log(request, f"the {slot} slot emptied (was {prev})" if prev else "")    # empty already: no line
        from device.api.pack_routes import replaced_info
        return M.SlotResult(slot=slot, active=None, previous=prev, replaced=replaced_info(box, rec) if rec else None)

    @app.post("/slots/{slot}/rollback", response_model=RollbackResult, dependencies=[auth],
              responses=_errors(401, 409, 500, 502, 507), response_model_exclude_unset=True)
    def rollback(request: Request, slot: M.Slot) -> RollbackResult:
        box = box_of(request)
        with box.install_lock:
            before = box.store.pointer()
            prev = before.slots[slot]
            try:
                with acting_as(device_of(request)):     # the slot's record: who rolled it back, and when
                    pid = box.store.rollback(slot)
            except StoreError as exc:
                raise _no_earlier(box, slot, exc) from None
            except OSError as exc:
                raise _pointer_failed(exc, f"rolling the {slot} slot back") from None
            try:
                box.check_signed(pid)
            except ApiError:
                box.store.restore_pointer(before)       # the pack active before stays, and plays on
                raise
            if slot in ENGINE_SLOTS:
                try:
                    box._load(slot, pid)
                except ApiError:
                    box.put_back(before, pid, slot)
                    raise
            tagging = box.tag_waiting_libraries() if slot == "tagger" else []
            past = _went_past(box, slot, prev, pid)
        say_in_log(request, f"the {slot} slot rolled back to {pid}" + (f" (was {prev})" if prev else "")
                   + (f" ({past})" if past else ""))
        said = {"went_past": past} if past else {}      # a plain roll back answers as before
        return RollbackResult(slot=slot, active=pid, previous=prev, tagging=tagging, **said)
