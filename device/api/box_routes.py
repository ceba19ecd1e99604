"""The box's own routes (device/api/app.py builds the app): ``/health``, ``/pair``, the pairings (``/tokens``) and
``/status``.  Split out of device/api/app.py."""
from __future__ import annotations

import functools
import logging
import math
import sys
import time
from importlib import metadata
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response

from device.api import models as M
from device.api.auth import AuthError, PairingPaused
from device.api.box import Box
from device.api.capture_routes import with_session_owner
from device.api.errors import ApiError, _errors
from device.api.pack_routes import _pack_info
from device.api.state import box_of, say_in_log
from device.api.uploads import disk_space
from hatbox import __version__

log = logging.getLogger("hatbox.api")


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

    @app.delete("/tokens/{token_id}", status_code=204, responses=_errors(401, 404))
    def revoke_token(request: Request, token_id: str, asker: str = auth) -> Response:
        """Revoke pairing ``token_id``; the box keeps who asked (``asker``'s device name), which its refusal of the
        revoked token then says (device/api/revoked_tokens.py; p57 QA_D 2)."""
        tokens = box_of(request).tokens
        name = tokens.name(token_id)
        if not tokens.revoke(token_id, by=tokens.name(asker)):
            raise ApiError(404, "not found", f"no token '{token_id}'")
        say_in_log(request, f"the pairing of {name!r} (token {token_id}) revoked")
        return Response(status_code=204)

    @app.get("/status", response_model=M.Status, dependencies=[auth], responses=_errors(401))
    def status(request: Request, token_id: str = auth) -> M.Status:
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
        engine = with_session_owner(request, _engine_status(box), token_id)     # whose capture session (p45)
        return M.Status(name=box.config.box_name, version=__version__, versions=_versions(),
                        active=active, packs=packs, totals=M.Totals(**totals),
                        clock=M.Clock(now=now, set=not late, note=late),
                        engine=engine, disk=M.Disk(free_bytes=free, total_bytes=total),
                        limits={"max_pack_bytes": box.config.max_pack_bytes,
                                "max_library_bytes": box.config.max_library_bytes},
                        libraries=len(libraries), recovery=box.recovery,
                        signatures={"required": box.config.require_signature, "trusted_keys": len(keys)},
                        library_limits=M.LibraryLimits(**box.library_limits.published()))
