"""The box's record of its recent pack uploads, by SHA-256 (p55 F1): what became of each pack pushed.

A push whose connection was cut once its whole body was sent never gets the box's answer; the laptop then asks the
box whether the pack arrived (hatbox/upload_asked_pack.py).  GET /packs lists a pack only once it is installed, so
a pack the box refused (422 "pack rejected", 507 while installing it) or is still checking looked the same there as
one that never came.  This record tells them apart (``GET /packs/uploads/{sha256}``, device/api/pack_routes.py):
"checking" from when the whole body is received until the push's answer (while any push of the same bytes is in
flight: p55 M1), then "installed" (the pack's id) or "refused" (the answer's status and
:class:`~device.api.models.ErrorBody` fields, and the pack's id where the box holds it installed all the same).
In memory only, the latest :data:`KEEP` uploads (the oldest forgotten first); thread-safe (the routes run on several
threads).
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Optional

from device.api.errors import ApiError, unexpected_body

KEEP = 64                   # uploads remembered at most
CHECKING, INSTALLED, REFUSED = "checking", "installed", "refused"
# the ``error`` word of GET /packs/uploads/{sha256}'s own 404 (:func:`unrecorded`), which a laptop reads first
# (hatbox/upload_asked_pack.py NO_RECORD_ERROR); "not found" before the fifty-sixth stop, told by its message then
NO_RECORD_ERROR = "no upload record"


@dataclass(frozen=True)
class UploadMark:
    """What became of one pack upload: ``state`` (:data:`CHECKING`, :data:`INSTALLED`, :data:`REFUSED`), the pack's
    id once installed, the answer's HTTP status and ErrorBody fields (error, message, check, hint) once refused;
    ``at``: when it last changed (time.monotonic(), s)."""
    state: str
    pack: Optional[str] = None
    status: Optional[int] = None
    refused: Optional[dict[str, Any]] = None
    at: float = field(default_factory=time.monotonic)

    def ago_s(self) -> float:
        """Seconds since it last changed."""
        return max(0.0, time.monotonic() - self.at)


class PackUploads:
    """The latest :data:`KEEP` pack uploads' marks, by lower-case hex SHA-256 of the upload.  Two pushes of the same
    bytes share a digest: while any of them is still being checked the record says :data:`CHECKING` (a laptop
    asking after its own push is never told another push's refusal), then the latest one's final mark."""

    def __init__(self, keep: int = KEEP) -> None:
        self._lock, self._keep = threading.Lock(), keep
        self._marks: OrderedDict[str, UploadMark] = OrderedDict()
        self._flying: dict[str, list[float]] = {}       # digest -> when each upload of it still checked began

    def get(self, sha256: str) -> UploadMark | None:
        """The mark of the uploads of digest ``sha256`` (any case): :data:`CHECKING` since the latest still in
        flight began, else the latest one's final mark; None for one not remembered."""
        key = sha256.lower()
        with self._lock:
            flying = self._flying.get(key)
            if flying:
                return UploadMark(CHECKING, at=max(flying))
            return self._marks.get(key)

    def in_flight(self, sha256: str) -> int:
        """How many uploads of digest ``sha256`` are being checked now."""
        with self._lock:
            return len(self._flying.get(sha256.lower(), ()))

    def _set(self, sha256: str, mark: UploadMark) -> None:
        with self._lock:
            self._marks.pop(sha256.lower(), None)
            self._marks[sha256.lower()] = mark
            while len(self._marks) > self._keep:
                self._marks.popitem(last=False)

    def refused(self, sha256: str, exc: ApiError, pack: str | None = None) -> None:
        """The upload of ``sha256`` was answered with ``exc``; ``pack``: the pack of these bytes the box holds
        installed all the same (its activation refused, or installed before), None when it holds none."""
        self._set(sha256, UploadMark(REFUSED, pack=pack, status=exc.status, refused=exc.body.model_dump()))

    @contextmanager
    def marking(self, sha256: str, kept: Callable[[], str | None] = lambda: None
                ) -> Iterator[Callable[[str], None]]:
        """One upload of ``sha256`` is checked inside: :data:`CHECKING` (while it or another of the digest is in
        flight) until the block calls the function it is given with the installed pack's id, or raises: an
        :class:`ApiError` is recorded refused with its answer, any other exception as the box's 500 answers it
        (device/api/errors.py ``unexpected_body``), both with ``kept()``, the pack of these bytes the box holds
        installed after all (None: none); a BaseException (a cancellation) leaves no mark of its own."""
        key, began = sha256.lower(), time.monotonic()
        with self._lock:
            self._flying.setdefault(key, []).append(began)
        try:
            yield lambda pid: self._set(sha256, UploadMark(INSTALLED, pack=pid))
        except ApiError as exc:
            self.refused(sha256, exc, _kept(kept))
            raise
        except Exception as exc:
            body = unexpected_body("POST", "/packs", exc)
            self._set(sha256, UploadMark(REFUSED, pack=_kept(kept), status=500, refused=body.model_dump()))
            raise
        finally:
            self._landed(key, began)

    def _landed(self, key: str, began: float) -> None:
        """The upload of digest ``key`` that began at ``began`` is no longer in flight."""
        with self._lock:
            flying = self._flying.get(key, [])
            if began in flying:
                flying.remove(began)
            if not flying:
                self._flying.pop(key, None)


def unrecorded(sha256: str, hint: str | None = None) -> ApiError:
    """GET /packs/uploads/{sha256}'s 404 for a digest the box keeps no record of: :data:`NO_RECORD_ERROR`, and the
    message the fifty-fifth stop's laptops tell it by (hatbox/upload_asked_pack.py NO_RECORD): keep its words;
    ``hint``: what to do (device.store.LIST_HINT)."""
    return ApiError(404, NO_RECORD_ERROR, f"the box has no record of a pack upload of SHA-256 '{sha256[:64]}' "
                    f"(it keeps the latest {KEEP} since it started)", hint=hint)


def _kept(kept: Callable[[], str | None]) -> str | None:
    """``kept()``, or None when it fails: the record of a refusal never hides the refusal itself."""
    try:
        return kept()
    except Exception:  # noqa: BLE001 - the store unreadable: the refusal is recorded without a pack
        return None
