"""The pack routes (device/api/app.py builds the app): list, push (upload, check, install, activate), show,
delete and activate packs.  The push's own work (checks, install, activation: ``_install``) stays in
device/api/app.py, which hands it to :func:`_add_pack_routes`.  Split out of device/api/app.py."""
from __future__ import annotations

import time
from typing import Any, Callable

from fastapi import FastAPI, Query, Request
from fastapi.responses import Response

from device.api import models as M
from device.api.auth import AuthError
from device.api.box import Box
from device.api.cutoff import StopGate, receiving, stopped_error, until_cut
from device.api.errors import ApiError, _errors, _from_hatbox, _pointer_failed, _unauthorized
from device.api.pack_uploads import unrecorded
from device.api.slot_routes import device_of, note_deleted_target
from device.api.state import box_of, say_in_log
from device.api.uploads import _BINARY, _new_upload, receive_upload
from device.api.when_words import ago, ago_words, deleted_at_words
from device.store import LIST_HINT, StoreError, acting_as

CLOCK_SLACK_S = 1.0     # s: a slot record stamped this far ahead of the box's clock was stamped before it was set back
DAY_S = 86400.0         # s: such a stamp this far ahead is said with its date


def _pack_info(box: Box, meta: dict[str, Any], trusted: list[Any] | None = None) -> M.PackInfo:
    """The API's view of installed pack ``meta``: ``signed_by`` is the trusted key that signs it now (not the
    one at install: a key since taken out of trusted_keys/ no longer plays its packs); ``trusted`` is the box's
    keys, read once for a listing.  ``meta`` from PackStore.list holds ``active`` and ``used_last`` already (read
    once for the listing); one from PackStore.meta does not."""
    active, used_last = (meta["active"], meta["used_last"]) if "used_last" in meta else \
        (box.store.active().get(meta["kind"]) == meta["id"], box.store.used_last(meta["kind"]) == meta["id"])
    signer = box.signer_now(meta, box.trusted() if trusted is None else trusted)
    return M.PackInfo(**{**meta, "active": active, "used_last": used_last, "signed_by": signer,
                         **(_activated(box, meta) if active else _emptied(box, meta) if used_last else {})})


def _activated(box: Box, meta: dict[str, Any]) -> dict[str, Any]:
    """``activated_by``/``_at``/``_ago_s`` of active pack ``meta`` as its slot's record has them ({}: not known)."""
    rec = box.store.activation(str(meta.get("kind")))
    if rec is None or rec.get("id") != meta.get("id"):
        return {}
    at = rec.get("at")
    return {"activated_by": str(rec.get("by") or ""), "activated_at": at, "activated_ago_s": ago(at)}


def _emptied(box: Box, meta: dict[str, Any]) -> dict[str, Any]:
    """``emptied_by``/``_at``/``_ago_s`` of pack ``meta``, the last its slot played, as the record of who emptied
    the slot has them ({}: the slot was not emptied of it, or the box does not know: emptied before p58)."""
    rec = box.store.emptying(str(meta.get("kind")))
    if rec is None or rec.get("id") != meta.get("id"):
        return {}
    at = rec.get("at")
    return {"emptied_by": str(rec.get("by") or ""), "emptied_at": at, "emptied_ago_s": ago(at)}


def replaced_info(box: Box, rec: dict[str, Any] | None) -> M.Replaced | None:
    """The pack an activation took the place of (``rec``: the store's :class:`~device.store.Acting` ``replaced``),
    named from its record (or its deleted record), with who had made it active and how long it had been."""
    if not rec or not rec.get("id"):
        return None
    pid = str(rec["id"])
    try:
        meta = box.store.meta(pid)
    except StoreError:
        meta = box.store.deleted.get(pid) or {}
    by = rec.get("by")
    return M.Replaced(id=pid, kind=meta.get("kind"), name=meta.get("name"), version=meta.get("version"),
                      by=str(by) if isinstance(by, str) else None, ago_s=ago(rec.get("at")))


def deleted_words(box: Box, pid: str) -> str:
    """"laptopA's prune deleted it at 14:02 (40 s ago)" for pack ``pid`` the store deleted lately (its
    :attr:`~device.store.PackStore.deleted`, the last 16, kept across a restart); "" when it was not."""
    gone = box.store.deleted.get(pid)
    if not gone:
        return ""
    by, how = str(gone.get("deleted_by") or ""), gone.get("deleted_how")
    who = (f"{by}'s prune" if by else "a prune") if how == "prune" else (by or "someone")
    return deleted_at_words(who, gone.get("deleted_at"))


def _install_as(by: str, install: Callable[..., Any], *args: Any) -> tuple[Any, dict[str, Any] | None]:
    """``install(*args)`` on the worker thread as paired device ``by`` (device/store_layout.py ``acting_as``):
    (its result, the activation record its activation replaced)."""
    with acting_as(by) as who:
        done = install(*args)
    return done, who.replaced


def _signature_now(box: Box, meta: dict[str, Any]) -> dict[str, Any]:
    """Installed pack ``meta`` with its signature check's words as a push would get them now
    (:func:`device.validate.signature_words_now`)."""
    from device.validate import signature_words_now
    words = signature_words_now(box.store.pack_path(meta["id"]), box.trusted(), box.config.require_signature)
    checks = [{**c, "detail": words} if isinstance(c, dict) and c.get("check") == "signature" else c
              for c in meta.get("checks") or []]
    return {**meta, "checks": checks}


def _meta(box: Box, pid: str) -> dict[str, Any]:
    """Pack ``pid``'s record; 404, naming who deleted it and when where the box deleted it lately (p45 duo QA)."""
    try:
        return box.store.meta(pid)
    except StoreError as exc:
        gone = deleted_words(box, pid)
        if gone:
            raise ApiError(404, "not found", f"the box has no pack '{pid}': {gone}",
                           hint=f"{LIST_HINT} (a deleted pack comes back with hatbox push PACK.hatpack)") from None
        raise _from_hatbox(404, "not found", exc) from None


def _deleted_pack(meta: dict[str, Any]) -> M.DeletedPack:
    return M.DeletedPack(id=str(meta.get("id")), kind=meta.get("kind"), name=meta.get("name"),
                         version=meta.get("version"), by=str(meta.get("deleted_by") or ""),
                         how=str(meta.get("deleted_how") or "delete"), ago_s=ago(meta.get("deleted_at")))


def _active_pack_hint(pack_id: str, kind: str) -> str:
    """What the 409 for deleting the active pack ``pack_id`` (an installed pack's id, of ``kind``) says to do."""
    return ("make another pack of its kind active first (on the box's Models page, or hatbox push OTHER.hatpack "
            f"--activate), or empty its slot (hatbox box-pack --deactivate {kind}), then delete it: "
            f"hatbox box-pack {pack_id} --delete")


def _made_active_words(box: Box, pack_id: str, kind: str) -> str:
    """" (laptopB made it active at 14:02, 3 s ago)" for pack ``pack_id`` of ``kind``, active, as its slot's record
    says (" (it was made active on the box at ...)": the box's panel, MIDI or start); "" when the box does not know.
    The 409 for deleting it says it (p59 Q1 9: a laptop's delete question said "emptied by laptopB 1 s ago", laptopB
    made the pack active again before the answer, and the refusal said only "is active").  A record stamped ahead of
    the box's clock (set back since: p60 F3, it said "0 s ago") says " (laptopB made it active at 14:02; the box's
    clock was set back since)"."""
    rec = _activated(box, {"id": pack_id, "kind": kind})
    since = rec.get("activated_ago_s")
    if since is None:
        return ""
    stamp = float(rec["activated_at"])
    ahead = stamp - time.time()             # > 0: stamped later than the box's clock reads now
    try:
        at = time.strftime("%H:%M" if ahead < DAY_S else "%Y-%m-%d %H:%M", time.localtime(stamp))
    except (OverflowError, OSError, ValueError):        # a time no clock reads (active.json edited by hand)
        return ""
    by = rec.get("activated_by")
    who = f"{by} made it active" if by else "it was made active on the box"
    if ahead > CLOCK_SLACK_S:               # p60 F3: it said "0 s ago" (ago() never goes below 0)
        return f" ({who} at {at}; the box's clock was set back since)"
    return f" ({who} at {at}, {ago_words(since)})"


def _held_pack(box: Box, sha: str) -> str | None:
    """The id of the installed pack whose bytes have SHA-256 ``sha`` (hex), None for none: a push refused after its
    install (the engine refused to play it, a full card on a pack installed before) is recorded with it."""
    return next((pid for pid in box.store.ids() if str(box.store.meta(pid).get("sha256", "")).lower() == sha.lower()),
                None)


async def _checked(gate: StopGate, box: Box, token_id: str, install: Callable[..., Any], upload: Any, sha: str,
                   activate: bool) -> tuple[Any, dict[str, Any] | None]:
    """A push's checks, install and activation (``install``: device/api/app.py _install) of ``upload`` (its
    SHA-256 ``sha``) on the box's pack worker as token ``token_id``'s device, awaited until the box stops
    (device/api/cutoff.py ``until_cut``); a token revoked meanwhile: its 401 (nothing was installed)."""
    try:
        return await until_cut(gate, _install_as, box.tokens.name(token_id), install, box, upload, sha, activate,
                               token_id, gate, executor=box.validator,
                               stopped=lambda: stopped_error("checked the pack", "pack", "push it again"))
    except AuthError as exc:
        raise _unauthorized(exc, "nothing was installed") from None


def _add_pack_routes(app: FastAPI, auth: Any, install: Callable[..., Any]) -> None:
    """The pack routes on ``app`` (``auth``: the token dependency); ``install(box, upload, sha256, activate,
    token_id, gate)``: a push's checks, install and activation on the box's worker (device/api/app.py _install)."""
    @app.get("/packs", response_model=list[M.PackInfo], dependencies=[auth], responses=_errors(401))
    def list_packs(request: Request) -> list[M.PackInfo]:
        box = box_of(request)
        keys = box.trusted()
        return [_pack_info(box, m, keys) for m in box.store.list()]

    @app.post("/packs", status_code=201, response_model=M.UploadResult,
              responses=_errors(401, 408, 413, 415, 422, 500, 502, 507), openapi_extra=_BINARY)
    async def upload_pack(request: Request, activate: bool = Query(False, description="activate once installed"),
                          token_id: str = auth) -> M.UploadResult:
        box, t = box_of(request), time.perf_counter()
        upload = _new_upload(box, ".hatpack", "pack")
        try:
            _, sha = await receiving(receive_upload(request, upload, box.config.max_pack_bytes, "pack", "a pack"),
                                     lambda: stopped_error("received the pack", "pack", "push it again"))
            received, gate = time.perf_counter() - t, StopGate()
            # a laptop that lost this answer asks the record (a refusal names the pack the box holds all the same)
            with box.pack_uploads.marking(sha, lambda: _held_pack(box, sha)) as installed:
                (meta, activated, checked, before, tagging), replaced = await _checked(
                    gate, box, token_id, install, upload, sha, activate)
                installed(meta["id"])
        finally:
            upload.unlink(missing_ok=True)
        return M.UploadResult(pack=_pack_info(box, meta), activated=activated, installed_before=before,
                              tagging=tagging, upload_seconds=received, validate_seconds=checked,
                              total_seconds=time.perf_counter() - t,
                              replaced=replaced_info(box, replaced) if activated else None)

    @app.get("/packs/deleted", response_model=list[M.DeletedPack], dependencies=[auth], responses=_errors(401))
    def deleted_packs(request: Request) -> list[M.DeletedPack]:
        """The packs the box deleted lately (the last 16, kept on its card across a restart), newest last, with who
        deleted them."""
        return [_deleted_pack(m) for m in box_of(request).store.deleted.values()]

    @app.get("/packs/uploads/{sha256}", response_model=M.PackUpload, dependencies=[auth], responses=_errors(401, 404))
    def pack_upload(request: Request, sha256: str) -> M.PackUpload:
        """What became of the pack pushed lately whose bytes have SHA-256 ``sha256`` (hex): being checked, installed
        or refused (the box's answer); a laptop whose push lost its answer asks it (p55 F1)."""
        mark = box_of(request).pack_uploads.get(sha256)
        if mark is None:    # a laptop tells this 404 by its word, or by its words (pack_uploads.unrecorded)
            raise unrecorded(sha256, hint=LIST_HINT)
        return M.PackUpload(sha256=sha256.lower(), state=mark.state, pack=mark.pack, status=mark.status,
                            refused=mark.refused, ago_s=mark.ago_s())

    @app.get("/packs/{pack_id}", response_model=M.PackInfo, dependencies=[auth], responses=_errors(401, 404))
    def get_pack(request: Request, pack_id: str) -> M.PackInfo:
        box = box_of(request)
        return _pack_info(box, _signature_now(box, _meta(box, pack_id)))

    @app.delete("/packs/{pack_id}", status_code=204, dependencies=[auth], responses=_errors(401, 404, 409))
    def delete_pack(request: Request, pack_id: str) -> Response:
        box = box_of(request)
        kind = _meta(box, pack_id)["kind"]
        with box.libraries.starting:    # no library commit or activation picks this tagger between look and delete
            _not_tagging(box, pack_id)
            note_deleted_target(box, pack_id, kind, device_of(request))     # a roll back can say where it went
            try:
                with acting_as(device_of(request)):
                    box.store.delete(pack_id)
            except StoreError as exc:       # the active pack of its kind: the box never deletes it
                raise ApiError(409, "conflict", Exception.__str__(exc) + _made_active_words(box, pack_id, kind),
                               hint=exc.hint or _active_pack_hint(pack_id, kind)) from None
        return request.app.state.pack_deleted(request, pack_id)     # 204; the set list it changed (program_routes)

    @app.post("/packs/{pack_id}/activate", response_model=M.SlotResult, dependencies=[auth],
              responses=_errors(401, 404, 500, 502, 507))
    def activate_pack(request: Request, pack_id: str) -> M.SlotResult:
        box = box_of(request)
        _meta(box, pack_id)
        try:
            with acting_as(device_of(request)) as who:
                done = box.activate(pack_id)
        except OSError as exc:
            raise _pointer_failed(exc, f"making pack '{pack_id}' active") from None
        done.replaced = replaced_info(box, who.replaced) if done.previous != pack_id else None
        say_in_log(request, f"pack {pack_id} made the active {done.slot} pack"
                   + (f" (was {done.previous})" if done.previous and done.previous != pack_id else ""))
        return done


def _not_tagging(box: Any, pack_id: str) -> None:
    """409 when pack ``pack_id`` is tagging a library now (a restart would find its tagging cut off and its pack gone:
    failed); the caller holds ``Libraries.starting`` (no tagging picks it meanwhile)."""
    tagging = [lib for lib in box.libraries.list() if lib.get("state") == "tagging" and lib.get("tagger") == pack_id]
    if tagging:
        lid = tagging[0]["id"]
        raise ApiError(409, "conflict", f"pack '{pack_id}' is tagging library '{lid}' now; nothing was deleted",
                       hint=f"wait for it (hatbox box-library {lid} --wait) or stop it (hatbox box-library {lid} "
                            "--cancel), then delete the pack")
