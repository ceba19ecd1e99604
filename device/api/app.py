"""The box's HTTP API (FastAPI): pairing, pack upload/validate/install/activate, libraries, status.

Build it with :func:`create_app` (``store_dir``, the engine's ``Control``, an
:class:`ApiConfig`); serve it with device/api/server.py.  Every route but ``/health`` and
``/pair`` needs ``Authorization: Bearer <token>``.  Errors are always an :class:`ErrorBody` (device/api/errors.py).
No route opens the owner window that ends a pairing pause (device/api/auth.py): that is the
panel's button, physical presence only; whoever starts the panel beside the API hands it
``app.state.box.pairing`` in-process.  Uploads are raw request bodies
(``application/octet-stream``), streamed to disk with a size limit checked against
Content-Length first and then byte by byte; a Content-Length over the store's free space (less
:data:`UPLOAD_RESERVE_BYTES`) is refused with 507 before a byte of the body is read.  A full disk
anywhere on the way is 507 "no space", any other storage failure 500 "storage failed" (a JSON
:class:`ErrorBody` like every error); either way the box keeps nothing of the upload.  The token is
checked when a request starts and, for an upload, again where it commits (under
:meth:`TokenStore.held`): a token revoked while its upload runs gets 401 and the box keeps nothing of
that upload.
"""
from __future__ import annotations

import functools
import logging
import math
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, Optional

from fastapi import Depends, FastAPI, Query, Request, Security
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from device.api import models as M
from device.api.auth import AuthError, Pairing, PairingPaused, TokenStore
from device.api.body_limit import BodyLimit
from device.api.capture_routes import _add_capture_routes
from device.api.cutoff import CutOffAnswer, StopGate, receiving, stopped_error, until_cut
from device.api.errors import (ApiError, _disk_error, _engine_stopped, _errors, _from_hatbox, _handlers,
                               _pointer_failed, _unauthorized)
from device.api.kit_routes import KitKeeper, _add_kit_routes
from device.api.knob_routes import _add_knob_routes
from device.api.libraries import Libraries, Tagger, default_tagger, lower_priority
from device.api.library_fixes import start_notes
from device.api.library_routes import _add_library_routes
from device.api.log_routes import _add_log_routes
from device.api.midi_routes import _add_midi_routes
from device.api.program_routes import _add_program_routes
from device.api.prune_routes import _add_prune_routes
from device.api.slot_routes import _add_slot_routes, device_of, note_deleted_target
from device.api.state import ENGINE_SLOTS, LOG_WORDS, box_of, say_in_log
from device.api.uploads import (  # noqa: F401  (re-exported: how an upload reaches the disk moved there)
    _BINARY, UPLOAD_RESERVE_BYTES, _check_room, _new_upload, disk_space, free_bytes, receive_upload)
from device.control import Control, EngineStoppedError
from device.kit import KIT_FILE, kit_damage
from device.library.archive import Limits
from device.store import TRUSTED_KEYS, PackStore, Pointer, StoreError, pack_id
from device.validate import EngineSpec, validate_pack
from hatbox import __version__
from hatbox.errors import PackError

log = logging.getLogger("hatbox.api")


def log_code(code: str) -> None:
    """Show the pairing ``code`` on stderr (the terminal, a service's journal): never through ``logging``, whose
    handlers may write the box's log file (device/logs.py: STORE/logs/box.log, which ``GET /logs`` serves to any
    paired laptop); the code is a secret."""
    print(f"pairing code: {code}", file=sys.stderr, flush=True)


@dataclass
class ApiConfig:
    engine: EngineSpec = field(default_factory=EngineSpec)
    box_name: str = "hatbox"
    max_pack_bytes: int = 256 << 20
    max_library_bytes: int = 4 << 30
    require_signature: bool = False
    trusted_keys: Optional[Path] = None          # default: <store>/trusted_keys
    on_code: Callable[[str], None] = log_code    # shows the pairing code (panel, terminal); never to box.log
    tagger: Tagger = default_tagger
    library_limits: Limits = field(default_factory=Limits)
    validate_nice: int = 10                      # validation yields the CPU to the audio engine
    load_active: bool = True                     # start(): load the active packs (False: the engine has them)
    recovery: Optional[dict[str, Any]] = None    # what `device run` found recovering the store (not done twice)


class Box:
    """Everything the routes share: the store, the engine's control, tokens, libraries."""

    def __init__(self, store_dir: Path, control: Control, config: ApiConfig) -> None:
        self.config, self.control = config, control
        self.store = PackStore(store_dir)
        self.recovery = {**(config.recovery if config.recovery is not None else self.store.recover())}
        kit_damaged = kit_damage(self.store.root / KIT_FILE)    # read before the kit keeper sets it aside
        self.tokens = TokenStore(self.store.root / "tokens.json")
        self.pairing = Pairing(config.on_code)
        self.libraries = Libraries(self.store.root / "libraries", config.tagger, config.library_limits)
        self.install_lock = threading.Lock()
        self.validator = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hatbox-validate",
                                            initializer=lower_priority, initargs=(config.validate_nice,))
        self.keys_dir = config.trusted_keys or self.store.root / TRUSTED_KEYS
        self.kit = KitKeeper(self.store.root / KIT_FILE)      # the sampler's notes (device/kit.py)
        self.recovery.update(start_notes(kit_damaged, self.libraries))     # what `hatbox status` says of the start
        self._signers: dict[tuple[str, str, tuple[str, ...]], str | None] = {}
        self.tagging_at_start: list[str] = []   # what start() set tagging, in words (see there)
        from device.api.store_totals import LibrarySizes
        from device.clock import ClockCheck
        self.clock = ClockCheck.for_store(self.store.root)       # a board with no battery clock: said (/status)
        self.library_sizes = LibrarySizes(self.store.root / "libraries")

    def start(self) -> None:
        """Show the pairing code and load the active packs into the engine (unless ``config.load_active`` is
        False: `hatbox device run` starts its engine with them)."""
        self.pairing.current()
        self.clock.note()                       # "the box's clock is not set", once in the log
        keys = self.trusted()                   # a file there that is no public key is logged now, not at a push
        if self.config.require_signature and not keys:
            log.warning("this box requires signed packs but trusts no key: every pack sent to it will be refused; "
                        "copy a KEY.pub (hatbox keygen) into %s", self.keys_dir)
        resumed = self.libraries.resume(lambda pid: self.store.pack_path(pid) if pid in self.store.ids() else None)
        waited = self.tag_waiting_libraries()  # a tagger made active while the box was off (or given at start)
        # for the terminal of `hatbox device run` (the log has them at info level, which only box.log keeps)
        self.tagging_at_start = [f"library {lid}: carrying on the tagging a restart cut off" for lid in resumed] + \
            [f"library {lid}: tagging it with the active tagger (it waited for one)" for lid in waited]
        self.kit.apply_in_background(self)     # the sampler decodes the kit while the API already answers
        for kind, pid in self.store.active().items() if self.config.load_active else ():
            if pid and kind in ENGINE_SLOTS and not self._unsigned(pid):
                try:
                    self._load(kind, pid)
                except ApiError as exc:
                    log.error("engine refused the active %s pack at start-up: %s", kind, exc)

    def _load(self, kind: str, pid: str) -> None:
        try:
            self.control.send({"op": "load", "slot": ENGINE_SLOTS[kind], "path": str(self.store.pack_path(pid))})
        except EngineStoppedError as exc:        # the box's trouble, not the pack's
            raise _engine_stopped(exc, f"pack '{pid}' was not loaded", "the box lists the pack active before it as "
                                  "active", "if the engine had begun loading it, it may yet finish (hatbox status "
                                  "says what plays)") from None
        except Exception as exc:  # noqa: BLE001 - any engine-side failure is reported the same way
            raise ApiError(502, "engine refused", f"the engine did not take pack '{pid}': {exc}") from None

    def activate(self, pid: str) -> M.SlotResult:
        with self.install_lock:
            return self.activate_locked(pid)

    def _unsigned(self, pid: str) -> bool:
        """Whether this box takes only signed packs and pack ``pid`` is signed by no key it trusts now."""
        from device.validate import unsigned_now
        return self.config.require_signature and unsigned_now(self.store, pid, self.trusted())

    def check_signed(self, pid: str) -> None:
        """409 "not signed" when this box takes only signed packs (``require_signature``) and pack ``pid`` was
        installed without a trusted signature (before the box was started so): it stays installed, unplayed."""
        from device.validate import SIGN_HINT
        if self._unsigned(pid):
            raise ApiError(409, "not signed", f"pack '{pid}' is not signed by a trusted key, and this box takes only "
                           "signed packs (it was started with --require-signature)", hint=SIGN_HINT)

    def activate_locked(self, pid: str) -> M.SlotResult:
        """:meth:`activate` for a caller already holding ``install_lock``."""
        self.check_signed(pid)
        before = self.store.pointer()
        prev, meta = self.store.activate(pid)
        kind = meta["kind"]
        if kind in ENGINE_SLOTS:
            try:
                self._load(kind, pid)
            except ApiError:
                self.put_back(before, pid, kind)       # the engine kept playing the old pack
                raise
        tagging = self.tag_waiting_libraries() if kind == "tagger" else []
        return M.SlotResult(slot=kind, active=pid, previous=prev, tagging=tagging)

    def tag_waiting_libraries(self) -> list[str]:
        """Tag, with the active tagger pack, the libraries uploaded while none was active (Libraries.tag_waiting);
        returns the ids started (none when no tagger is active).  Never raises: what cannot start is logged."""
        pid = self.store.active().get("tagger")
        if not pid or pid not in self.store.ids():
            return []
        try:
            return self.libraries.tag_waiting(self.store.pack_path(pid), pid)
        except Exception:  # noqa: BLE001 - a hint of a start, never a failed activation
            log.exception("tagging the libraries that waited for a tagger did not start")
            return []

    def put_back(self, before: Pointer, refused: str, kind: str) -> None:
        """Write back the pointer ``before`` after the engine refused pack ``refused`` (of slot ``kind``) that the
        store had just made active.  Should that fail (a full disk, failing storage), 507 / 500 "storage failed"
        saying what the box is left with: the engine plays the old pack, active.json names the refused one."""
        try:
            self.store.restore_pointer(before)
        except OSError as exc:
            log.error("putting back the %s pointer after the engine refused %s failed: %s", kind, refused, exc)
            old = f"'{before.slots[kind]}'" if before.slots[kind] else "nothing"
            raise _disk_error(exc, "pack", f"putting back the active {kind} pack after the engine refused pack "
                              f"'{refused}'", f"the engine plays {old} as before, but the box lists '{refused}' as "
                              f"the active {kind} pack: make the pack you want active again ({ACTIVATE_WAYS})",
                              PUT_BACK_ROOM_HINT) from None

    @property
    def midi(self) -> Any:
        """The box's MIDI map (device.midi.MidiHub) for the MIDI routes: ``hatbox device run`` hands it over on
        the control (``control.midi``) it serves the API with; None for an API without the box's MIDI."""
        return getattr(self.control, "midi", None)

    def playing(self, kind: str, pid: str) -> bool:
        """Whether pack ``pid`` (of kind ``kind``) is the active pack of its slot and, for an engine slot, the
        engine plays it (its status names the pack's file): activating it again would only reload it.  A
        tagger has no engine slot: active is enough.  False when the engine cannot say."""
        if self.store.pointer().slots.get(kind) != pid:
            return False
        if kind not in ENGINE_SLOTS:
            return True
        try:
            info = (self.control.status().get("active") or {}).get(ENGINE_SLOTS[kind])
        except Exception:  # noqa: BLE001 - an engine that cannot answer is asked to load it again
            return False
        return isinstance(info, dict) and info.get("path") == str(self.store.pack_path(pid))

    def trusted(self) -> list[Any]:
        from export.signing import load_trusted
        return load_trusted(self.keys_dir)

    def signer_now(self, meta: dict[str, Any], trusted: list[Any]) -> str | None:
        """The key in ``trusted`` that signed installed pack ``meta`` (its store record), checked now: a key taken
        out of trusted_keys/ since the install no longer shows as its signer, one copied in since does.  Each
        (pack, keys) answer is kept: /status lists every pack at each poll, and a check reads the whole pack."""
        from device.validate import signed_by_now
        from export.signing import key_id
        if not trusted:
            return None
        key = (str(meta["id"]), str(meta.get("sha256", "")), tuple(sorted(key_id(k) for k in trusted)))
        if key not in self._signers:
            if len(self._signers) > 256:
                self._signers.clear()
            self._signers[key] = signed_by_now(self.store.pack_path(meta["id"]), trusted)
        return self._signers[key]


# ---------------------------------------------------------------------------- query
def strict_query(request: Request) -> None:
    """Refuse query parameters a route does not declare: a typo such as ``?activte=true``
    must not be silently ignored."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    known = {p.alias for p in dependant.query_params}
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        accepted = ", ".join(sorted(known)) or "none"
        raise ApiError(400, "bad request", f"unknown query parameter {unknown[0]!r} (accepted: {accepted})")


# ----------------------------------------------------------------------------- auth
_bearer = HTTPBearer(auto_error=False, description="the token from POST /pair (`hatbox pair`)")


def require_token(request: Request, creds: HTTPAuthorizationCredentials | None = Security(_bearer)) -> str:
    try:
        return box_of(request).tokens.check(creds.credentials if creds else None)
    except AuthError as exc:
        raise _unauthorized(exc) from None


# --------------------------------------------------------------------------- routes
def _install(box: Box, upload: Path, sha256: str, activate: bool, token_id: str, gate: StopGate | None = None
             ) -> tuple[dict[str, Any], bool, float, bool, list[str]]:
    """Validate, install and (``activate``) activate an upload; returns (meta, activated, seconds spent
    validating and installing, whether the same pack was installed before, the libraries its activation started
    tagging: SlotResult.tagging).  AuthError, the store untouched, when token ``token_id`` has been
    revoked since the upload began: the token is checked before validating and held (no revoke can
    slip in) from the last check through the install and the activation.  ``gate``: StoppedBeforeCommit, nothing
    installed, when the request was cut off by the box stopping before the install began (device/api/cutoff.py)."""
    t, gate = time.perf_counter(), gate or StopGate()
    with gate.guard(functools.partial(box.tokens.held, token_id))():
        pass                                   # revoked during the upload: not even validated
    with box.install_lock:
        try:
            report = validate_pack(upload, box.config.engine, trusted=box.trusted(),
                                   require_signature=box.config.require_signature, uploaded=True)
        except PackError as exc:
            raise _from_hatbox(422, "pack rejected", exc) from None
        with box.tokens.held(token_id), gate.committing():
            pid = pack_id(report.pack.manifest, sha256)
            fresh = pid not in box.store.ids()
            try:
                meta = box.store.install(upload, report.pack.manifest, sha256,
                                         {"checks": report.checks, "signed_by": report.signed_by})
            except OSError as exc:              # the store took nothing of it (device/store.py)
                log.error("installing pack %s failed: %s", pid, exc)
                raise _disk_error(exc, "pack", "installing the pack") from None
            seconds = time.perf_counter() - t
            if not fresh:                       # what this push's checks found (the keys trusted now), not the record's
                meta = {**meta, "checks": report.checks}
            if activate and not fresh and box.playing(meta["kind"], pid):
                activate = False                # sent again with --activate: nothing to switch, no reload
            tagging: list[str] = []
            if activate:
                try:
                    tagging = box.activate_locked(pid).tagging
                except OSError as exc:          # the pointer was not switched: the old pack plays on
                    log.error("activating pack %s failed: %s", pid, exc)
                    raise _disk_error(exc, "pack", "making the pack active", _unactivated(box, pid, fresh)) from None
    log.info("pack %s %s by %r%s", pid, "installed" if fresh else "sent again", box.tokens.name(token_id),
             ", now active" if activate else "")
    return meta, activate, seconds, not fresh, tagging


ACTIVATE_WAYS = "on the box's Models page, or hatbox box-pack ID --activate"
# the same, when putting the pointer back after the engine refused a pack filled the disk (Box.put_back)
PUT_BACK_ROOM_HINT = ("make room: hatbox box-pack lists the packs, hatbox box-pack ID --delete removes an old one "
                      f"(or hatbox box-library ID --delete a library); then make the pack you want active again "
                      f"({ACTIVATE_WAYS})")


def _unactivated(box: Box, pid: str, fresh: bool) -> str:
    """Take back pack ``pid``, installed by an upload whose activation failed for a full disk or failing
    storage, when that upload installed it (``fresh``); returns what the box kept, for the 507's (or the
    500 "storage failed"'s) message."""
    if not fresh:
        return "the pack stays installed as it was before, not active; the active pack is unchanged"
    try:
        box.store.delete(pid)
    except (OSError, StoreError):
        log.exception("could not take back pack %s after its activation failed", pid)
        return "the pack was installed but not made active; the active pack is unchanged"
    return "nothing of the pack was kept; the active pack is unchanged"


def _pack_info(box: Box, meta: dict[str, Any], trusted: list[Any] | None = None) -> M.PackInfo:
    """The API's view of installed pack ``meta``: ``signed_by`` is the trusted key that signs it now (not the
    one at install: a key since taken out of trusted_keys/ no longer plays its packs); ``trusted`` is the box's
    keys, read once for a listing.  ``meta`` from PackStore.list holds ``active`` and ``used_last`` already (read
    once for the listing); one from PackStore.meta does not."""
    active, used_last = (meta["active"], meta["used_last"]) if "used_last" in meta else \
        (box.store.active().get(meta["kind"]) == meta["id"], box.store.used_last(meta["kind"]) == meta["id"])
    signer = box.signer_now(meta, box.trusted() if trusted is None else trusted)
    return M.PackInfo(**{**meta, "active": active, "used_last": used_last, "signed_by": signer})


def _signature_now(box: Box, meta: dict[str, Any]) -> dict[str, Any]:
    """Installed pack ``meta`` with its signature check's words as a push would get them now
    (:func:`device.validate.signature_words_now`)."""
    from device.validate import signature_words_now
    words = signature_words_now(box.store.pack_path(meta["id"]), box.trusted(), box.config.require_signature)
    checks = [{**c, "detail": words} if isinstance(c, dict) and c.get("check") == "signature" else c
              for c in meta.get("checks") or []]
    return {**meta, "checks": checks}


def _meta(box: Box, pid: str) -> dict[str, Any]:
    try:
        return box.store.meta(pid)
    except StoreError as exc:
        raise _from_hatbox(404, "not found", exc) from None


def _active_pack_hint(pack_id: str, kind: str) -> str:
    """What the 409 for deleting the active pack ``pack_id`` (an installed pack's id, of ``kind``) says to do."""
    return ("make another pack of its kind active first (on the box's Models page, or hatbox push OTHER.hatpack "
            f"--activate), or empty its slot (hatbox box-pack --deactivate {kind}), then delete it: "
            f"hatbox box-pack {pack_id} --delete")


def _add_pack_routes(app: FastAPI, auth: Any) -> None:
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
            _, sha = await receiving(receive_upload(request, upload, box.config.max_pack_bytes, "pack"),
                                     lambda: stopped_error("received the pack", "pack", "push it again"))
            received, gate = time.perf_counter() - t, StopGate()
            meta, activated, checked, before, tagging = await until_cut(
                gate, _install, box, upload, sha, activate, token_id, gate, executor=box.validator,
                stopped=lambda: stopped_error("checked the pack", "pack", "push it again"))
        except AuthError as exc:
            raise _unauthorized(exc, "nothing was installed") from None
        finally:
            upload.unlink(missing_ok=True)
        return M.UploadResult(pack=_pack_info(box, meta), activated=activated, installed_before=before,
                              tagging=tagging, upload_seconds=received,
                              validate_seconds=checked, total_seconds=time.perf_counter() - t)

    @app.get("/packs/{pack_id}", response_model=M.PackInfo, dependencies=[auth], responses=_errors(401, 404))
    def get_pack(request: Request, pack_id: str) -> M.PackInfo:
        box = box_of(request)
        return _pack_info(box, _signature_now(box, _meta(box, pack_id)))

    @app.delete("/packs/{pack_id}", status_code=204, dependencies=[auth], responses=_errors(401, 404, 409))
    def delete_pack(request: Request, pack_id: str) -> Response:
        box = box_of(request)
        kind = _meta(box, pack_id)["kind"]
        tagging = [lib for lib in box.libraries.list()
                   if lib.get("state") == "tagging" and lib.get("tagger") == pack_id]
        if tagging:                     # a restart would find its tagging cut off and its pack gone: failed
            lid = tagging[0]["id"]
            raise ApiError(409, "conflict", f"pack '{pack_id}' is tagging library '{lid}' now; nothing was deleted",
                           hint=f"wait for it (hatbox box-library {lid} --wait) or stop it (hatbox box-library {lid} "
                                "--cancel), then delete the pack")
        note_deleted_target(box, pack_id, kind, device_of(request))     # a roll back can say where its target went
        try:
            box.store.delete(pack_id)
        except StoreError as exc:       # the active pack of its kind: the box never deletes it
            raise ApiError(409, "conflict", Exception.__str__(exc),
                           hint=exc.hint or _active_pack_hint(pack_id, kind)) from None
        return request.app.state.pack_deleted(request, pack_id)     # 204; the set list it changed (program_routes)

    @app.post("/packs/{pack_id}/activate", response_model=M.SlotResult, dependencies=[auth],
              responses=_errors(401, 404, 500, 502, 507))
    def activate_pack(request: Request, pack_id: str) -> M.SlotResult:
        box = box_of(request)
        _meta(box, pack_id)
        try:
            done = box.activate(pack_id)
        except OSError as exc:
            raise _pointer_failed(exc, f"making pack '{pack_id}' active") from None
        say_in_log(request, f"pack {pack_id} made the active {done.slot} pack"
                   + (f" (was {done.previous})" if done.previous and done.previous != pack_id else ""))
        return done


@functools.lru_cache(maxsize=1)
def _versions() -> dict[str, str]:
    """What this box runs (read once: a package's version is looked up in its metadata files, ~1 ms a poll)."""
    out = {"hatbox": __version__, "python": sys.version.split()[0]}
    for dist in ("onnxruntime", "onnx", "fastapi"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "missing"
    return out


def _finite(value: Any) -> Any:
    """JSON has no NaN/inf: such numbers (a misbehaving engine's) become null."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def _engine_status(box: Box) -> dict[str, Any]:
    try:
        return _finite(dict(box.control.status()))
    except Exception as exc:  # noqa: BLE001 - a dead engine is reported, not raised
        return {"error": f"engine status unavailable: {exc}"}


def _add_box_routes(app: FastAPI, auth: Any) -> None:
    @app.get("/health", response_model=M.Health)
    def health(request: Request) -> M.Health:
        return M.Health(ok=True, name=box_of(request).config.box_name, version=__version__)

    @app.post("/pair", response_model=M.PairResponse, responses=_errors(401, 429))
    def pair(request: Request, body: M.PairRequest) -> M.PairResponse:
        box = box_of(request)
        client = request.client.host if request.client else ""
        try:
            box.pairing.redeem(body.code, client=client)
        except PairingPaused as exc:        # someone guessing codes: the first thing a box nobody watches should say
            log.warning("pairing refused from %s (%r): paused after wrong codes", client or "?", body.name[:64])
            raise ApiError(429, "too many attempts", Exception.__str__(exc), hint=exc.hint,
                           headers=exc.headers) from None
        except AuthError as exc:
            log.warning("pairing refused from %s (%r): wrong code", client or "?", body.name[:64])   # never the code
            raise ApiError(401, "wrong code", Exception.__str__(exc), hint=exc.hint) from None
        tid, token = box.tokens.issue(body.name)
        log.info("paired %r (token %s)", body.name[:64], tid)       # never the code
        return M.PairResponse(token=token, token_id=tid, box=box.config.box_name)

    @app.get("/tokens", response_model=list[M.TokenInfo], dependencies=[auth], responses=_errors(401))
    def list_tokens(request: Request) -> list[M.TokenInfo]:
        return [M.TokenInfo(**t) for t in box_of(request).tokens.list()]

    @app.delete("/tokens/{token_id}", status_code=204, dependencies=[auth], responses=_errors(401, 404))
    def revoke_token(request: Request, token_id: str) -> Response:
        tokens = box_of(request).tokens
        name = tokens.name(token_id)
        if not tokens.revoke(token_id):
            raise ApiError(404, "not found", f"no token '{token_id}'")
        say_in_log(request, f"the pairing of {name!r} (token {token_id}) revoked")
        return Response(status_code=204)

    @app.get("/status", response_model=M.Status, dependencies=[auth], responses=_errors(401))
    def status(request: Request) -> M.Status:
        """The box at a glance; of the packs, the active ones' records and the totals (``packs`` listed every pack's
        full record until the forty-fourth stop: 251 KB a poll on a box with a year of packs)."""
        box = box_of(request)
        free, total = disk_space(box.store.root)
        keys, libraries, active = box.trusted(), box.libraries.list(), box.store.active()
        totals = {**box.store.totals(), "libraries": len(libraries),
                  "library_bytes": box.library_sizes.total(str(lib.get("id")) for lib in libraries)}
        installed = set(box.store.ids())
        packs = [_pack_info(box, box.store.meta(pid), keys) for pid in dict.fromkeys(active.values())
                 if pid in installed]
        now = time.time()
        late = box.clock.note(now)
        return M.Status(name=box.config.box_name, version=__version__, versions=_versions(),
                        active=active, packs=packs, totals=M.Totals(**totals),
                        clock=M.Clock(now=now, set=not late, note=late),
                        engine=_engine_status(box), disk=M.Disk(free_bytes=free, total_bytes=total),
                        limits={"max_pack_bytes": box.config.max_pack_bytes,
                                "max_library_bytes": box.config.max_library_bytes},
                        libraries=len(libraries), recovery=box.recovery,
                        signatures={"required": box.config.require_signature, "trusted_keys": len(keys)})


# routes whose own line in the log says more (what was made, by whom), and pairing (no token yet)
_LOGGED_BY_ROUTE = {("POST", "/packs"), ("POST", "/libraries"), ("POST", "/pair")}


class ChangeLog:
    """ASGI middleware: every change a paired device made (a POST, PUT or DELETE the box carried out, status under
    400) goes in the box's log at info level with the device's name: "DELETE /packs/effect-fuzz-1.0.0-ab12 by
    'studio-mac' (204)" - a box nobody watches can then say what changed and who changed it.  Bodies are never
    logged; the routes of :data:`_LOGGED_BY_ROUTE` say more themselves.  Pure ASGI (no BaseHTTPMiddleware), so an
    upload's body streams to its route untouched."""

    def __init__(self, app: Any, box: Box) -> None:
        self.app, self.box = app, box

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope.get("type") != "http" or scope.get("method") not in ("POST", "PUT", "DELETE"):
            await self.app(scope, receive, send)
            return
        status = 0

        async def sending(message: dict[str, Any]) -> None:
            nonlocal status
            if message.get("type") == "http.response.start":
                status = int(message.get("status", 0))
            await send(message)

        device = self._device(scope)            # before: a device revoking its own pairing is still named
        await self.app(scope, receive, sending)
        key = (scope["method"], scope.get("path", ""))
        if 0 < status < 400 and key not in _LOGGED_BY_ROUTE:
            said = scope.get(LOG_WORDS)
            if said:
                log.info("%s by %r", said, device)
            else:
                log.info("%s %s by %r (%d)", key[0], key[1], device, status)

    def _device(self, scope: dict[str, Any]) -> str:
        """The name of the paired device whose token the request carries ("?" for none the box holds)."""
        header = dict(scope.get("headers") or []).get(b"authorization", b"").decode("latin-1")
        token = header[7:].strip() if header.lower().startswith("bearer ") else ""
        try:
            return self.box.tokens.name(self.box.tokens.check(token))
        except AuthError:
            return "?"


def create_app(store_dir: str | Path, control: Control, config: ApiConfig | None = None) -> FastAPI:
    """The API app for the pack store at ``store_dir``, driving the engine through ``control``.

    Recovers the store (see device/store.py), shows a pairing code and loads the active
    packs into the engine before returning.
    """
    box = Box(Path(store_dir), control, config or ApiConfig())
    app = FastAPI(title="hatbox device API", version=__version__,
                  description="Pair, push packs and sample libraries, and look at the box.",
                  dependencies=[Depends(strict_query)], redirect_slashes=False)   # /packs/: a JSON 404, no 307
    app.state.box = box
    auth = Depends(require_token)
    _handlers(app)
    app.add_middleware(ChangeLog, box=box)
    app.add_middleware(BodyLimit)              # outermost but one: before a byte of a large body is read
    app.add_middleware(CutOffAnswer)           # a request cut off by the box stopping: a JSON 503, not plain text
    _add_box_routes(app, auth)
    _add_pack_routes(app, auth)
    _add_slot_routes(app, auth)
    _add_library_routes(app, auth)
    _add_midi_routes(app, auth)
    _add_program_routes(app, auth)
    _add_prune_routes(app, auth)
    _add_kit_routes(app, auth)
    _add_knob_routes(app, auth)
    _add_log_routes(app, auth)
    _add_capture_routes(app, auth)
    box.start()
    return app
