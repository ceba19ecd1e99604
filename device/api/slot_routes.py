"""The slot routes: ``POST /slots/{slot}/deactivate`` empties a slot (the engine unloads its pack), ``POST
/slots/{slot}/rollback`` makes the pack active before the current one active again (checked as an activation is:
signature, the engine's load; a tagger rolled back to tags the libraries that waited for one).  Split from app.py,
which adds them to the app."""
from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request

from device.api import models as M
from device.api.errors import ApiError, _errors, _from_hatbox, _pointer_failed
from device.api.state import ENGINE_SLOTS, box_of, say_in_log
from device.store import StoreError

log = logging.getLogger("hatbox.api")


def _add_slot_routes(app: FastAPI, auth: Any) -> None:
    @app.post("/slots/{slot}/deactivate", response_model=M.SlotResult, dependencies=[auth],
              responses=_errors(401, 500, 507))
    def deactivate(request: Request, slot: M.Slot) -> M.SlotResult:
        box = box_of(request)
        with box.install_lock:
            try:
                prev = box.store.deactivate(slot)
            except OSError as exc:
                raise _pointer_failed(exc, f"emptying the {slot} slot") from None
            if prev and slot in ENGINE_SLOTS:
                try:
                    box.control.send({"op": "unload", "slot": ENGINE_SLOTS[slot]})
                except Exception as exc:  # noqa: BLE001 - the pointer is what counts; report and go on
                    log.error("engine did not unload %s: %s", slot, exc)
        say_in_log(request, f"the {slot} slot emptied" + (f" (was {prev})" if prev else ""))
        return M.SlotResult(slot=slot, active=None, previous=prev)

    @app.post("/slots/{slot}/rollback", response_model=M.SlotResult, dependencies=[auth],
              responses=_errors(401, 409, 500, 502, 507))
    def rollback(request: Request, slot: M.Slot) -> M.SlotResult:
        box = box_of(request)
        with box.install_lock:
            before = box.store.pointer()
            prev = before.slots[slot]
            try:
                pid = box.store.rollback(slot)
            except StoreError as exc:
                raise _from_hatbox(409, "conflict", exc) from None
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
        say_in_log(request, f"the {slot} slot rolled back to {pid}" + (f" (was {prev})" if prev else ""))
        return M.SlotResult(slot=slot, active=pid, previous=prev, tagging=tagging)
