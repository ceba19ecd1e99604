"""Library uploads in progress on the box (p50 FC, QA "liveset"): while a library was received or unpacked, `box-kit
--from kitB` and `box-library kitB --tag kick` said "the box has no library 'kitB'", and no listing showed the upload.

:class:`LiveUploads` (``Libraries.uploads``) keeps each upload of POST /libraries from its first byte to its end:
its name (the upload's ``name`` query, known before a byte), who sends it, the bytes declared (Content-Length) and
received so far (the size of its file in the store's tmp/, read when asked: nothing counted on the receiving path),
and whether it is received or being unpacked.  ``GET /libraries/uploading`` lists them (an older box answers that
path 404, as a library of that id: the laptop then says what it said before).  An upload cut off midway (the laptop
gone, stalled) leaves a line in the box's log: "upload of 'kitF' cut off after 112 of 224 MiB: nothing kept".
"""
from __future__ import annotations

import itertools
import logging
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Optional

from pydantic import BaseModel, Field


log = logging.getLogger("hatbox.api")
RECEIVING, UNPACKING = "receiving", "unpacking"
CUT_OFF = frozenset({"upload cut short", "upload stalled"})    # device/api/uploads.py's errors for a body cut off


class UploadInProgress(BaseModel):
    """``GET /libraries/uploading``: one library upload the box is taking now."""
    name: str = Field(description="the library's name, as the upload gives it")
    phase: str = Field(description="receiving (its bytes coming) or unpacking (received: checked and unpacked)")
    received: int = Field(description="bytes received so far")
    total: Optional[int] = Field(None, description="bytes the upload declared (Content-Length); null: not said")
    by: str = Field("", description="the paired device sending it")
    seconds: float = Field(description="how long since it began, counted on the box")


@dataclass
class Live:
    """One upload in progress: ``path`` its file as received so far."""
    name: str
    path: Path
    total: int | None
    by: str
    began: float = field(default_factory=time.monotonic)
    phase: str = RECEIVING

    def received(self) -> int:
        try:
            return self.path.stat().st_size
        except OSError:                 # removed at its end, or not made yet
            return 0

    def answer(self) -> UploadInProgress:
        got = self.received()
        return UploadInProgress(name=self.name, phase=self.phase, received=got if self.phase == RECEIVING else
                                (self.total or got), total=self.total, by=self.by,
                                seconds=round(time.monotonic() - self.began, 1))


class LiveUploads:
    """The library uploads in progress (any thread: a lock)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._live: dict[int, Live] = {}
        self._ids = itertools.count()

    @contextmanager
    def track(self, name: str, path: Path, total: int | None, by: str = "") -> Iterator[Live]:
        """Keep upload ``name`` (received into ``path``; ``total`` bytes declared) listed while the block runs; an
        upload cut off while receiving (:data:`CUT_OFF`) is said in the box's log."""
        live, key = Live(name, path, total, by), next(self._ids)
        with self._lock:
            self._live[key] = live
        try:
            yield live
        except Exception as exc:
            if live.phase == RECEIVING and getattr(getattr(exc, "body", None), "error", None) in CUT_OFF:
                log.warning("%s", cut_off_words(live))
            raise
        finally:
            with self._lock:
                self._live.pop(key, None)

    def listed(self) -> list[UploadInProgress]:
        """The uploads in progress, oldest first."""
        with self._lock:
            lives = [self._live[k] for k in sorted(self._live)]
        return [live.answer() for live in lives]


def cut_off_words(live: Live) -> str:
    """"upload of 'kitF' cut off after 112 of 224 MiB: nothing kept" (of a total not declared: "after 112 MiB"), in
    the words a pack's cut-off upload is logged with (device/api/uploads.py cut_off_line: one implementation)."""
    from device.api.uploads import cut_off_line
    return cut_off_line(f"'{live.name}'", live.received(), live.total, live.by)
