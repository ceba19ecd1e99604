"""The box's record of its recent pack uploads, by SHA-256 (p55 F1): what became of each pack pushed.

A push whose connection was cut once its whole body was sent never gets the box's answer; the laptop then asks the
box whether the pack arrived (hatbox/upload_asked_pack.py).  GET /packs lists a pack only once it is installed, so
a pack the box refused (422 "pack rejected", 507 while installing it) or is still checking looked the same there as
one that never came.  This record tells them apart (``GET /packs/uploads/{sha256}``, device/api/pack_routes.py):
"checking" from when the whole body is received until the push's answer, then "installed" (the pack's id) or
"refused" (the answer's status and :class:`~device.api.models.ErrorBody` fields).  In memory only, the latest
:data:`KEEP` uploads (the oldest forgotten first); thread-safe (the routes run on several threads).
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
    """The latest :data:`KEEP` pack uploads' marks, by lower-case hex SHA-256 of the upload."""

    def __init__(self, keep: int = KEEP) -> None:
        self._lock, self._keep = threading.Lock(), keep
        self._marks: OrderedDict[str, UploadMark] = OrderedDict()

    def get(self, sha256: str) -> UploadMark | None:
        """The mark of the upload of digest ``sha256`` (any case); None for one not remembered."""
        with self._lock:
            return self._marks.get(sha256.lower())

    def _set(self, sha256: str, mark: UploadMark) -> None:
        with self._lock:
            self._marks.pop(sha256.lower(), None)
            self._marks[sha256.lower()] = mark
            while len(self._marks) > self._keep:
                self._marks.popitem(last=False)

    def refused(self, sha256: str, exc: ApiError) -> None:
        """The upload of ``sha256`` was answered with ``exc``."""
        self._set(sha256, UploadMark(REFUSED, status=exc.status, refused=exc.body.model_dump()))

    @contextmanager
    def marking(self, sha256: str) -> Iterator[Callable[[str], None]]:
        """The upload of ``sha256`` is checked inside: :data:`CHECKING` until the block calls the function it is
        given with the installed pack's id, or raises: an :class:`ApiError` is recorded refused with its answer, any
        other exception as the box's 500 answers it (device/api/errors.py ``unexpected_body``), a BaseException
        (a cancellation) forgets it: never left "checking"."""
        self._set(sha256, UploadMark(CHECKING))
        try:
            yield lambda pid: self._set(sha256, UploadMark(INSTALLED, pack=pid))
        except ApiError as exc:
            self.refused(sha256, exc)
            raise
        except Exception as exc:
            body = unexpected_body("POST", "/packs", exc)
            self._set(sha256, UploadMark(REFUSED, status=500, refused=body.model_dump()))
            raise
        except BaseException:
            self._forget_checking(sha256)
            raise
        self._forget_checking(sha256)           # ended without saying installed: no guess kept

    def _forget_checking(self, sha256: str) -> None:
        """Forget the mark of ``sha256`` while it still says :data:`CHECKING`."""
        with self._lock:
            mark = self._marks.get(sha256.lower())
            if mark is not None and mark.state == CHECKING:
                del self._marks[sha256.lower()]
