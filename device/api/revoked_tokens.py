"""What the box keeps of the pairings it revoked, so that a revoked laptop is told so, and by whom (p57 QA_D 2: a
workshop laptop revoked another's pairing, and the revoked one heard only "wrong or revoked").

:class:`RevokedTokens` keeps, for each of the last :data:`KEPT` revoked tokens, its SHA-256 (the one thing the box
ever held of it), the device name it was paired under, who revoked it (the device name of the pairing that asked;
"" where the box does not know) and when, in ``tokens.revoked.json`` beside ``tokens.json`` (written atomically).  A
file that cannot be read or written loses only these words: the token stays refused either way.
"""
from __future__ import annotations

import json
import logging
import threading
import time
from pathlib import Path
from typing import Any

from export.atomic import write_atomic

_log = logging.getLogger("hatbox.api")

KEPT = 64                       # revoked pairings remembered; an older one is refused as "wrong or revoked"
FILE_NAME = "tokens.revoked.json"


class RevokedTokens:
    """The pairings revoked lately, by their token's SHA-256 (hex): {"name", "by", "at"} each."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._held: dict[str, dict[str, Any]] = _read(path)

    def note(self, digest: str, name: str, by: str) -> None:
        """Keep that the token of SHA-256 ``digest`` (paired as ``name``) was revoked by ``by`` now, in memory
        (:meth:`words` says it from now on); :meth:`save` writes it to the file."""
        with self._lock:
            self._held.pop(digest, None)
            self._held[digest] = {"name": name, "by": by[:64], "at": time.time()}
            while len(self._held) > KEPT:
                self._held.pop(next(iter(self._held)))

    def save(self, name: str) -> None:
        """Write the records to the file (atomically: a file sync and a directory sync), after :meth:`note` of the
        pairing of ``name``; a file that cannot be written is said in the log (the token is refused all the same).
        TokenStore.revoke calls it outside the lock its requests take, inside its own revoke lock: one write at a
        time, each of the records as they are then."""
        with self._lock:
            data = json.dumps(self._held, indent=1).encode()
        try:
            write_atomic(self.path, data)
        except OSError as exc:
            _log.warning("cannot keep who revoked the pairing of %r (%s): it is refused all the same", name, exc)

    def words(self, digest: str) -> str | None:
        """The refusal of a revoked token of SHA-256 ``digest``, or None for one the box did not revoke lately."""
        with self._lock:
            record = self._held.get(digest)
        return revoked_words(record) if record is not None else None


def revoked_words(record: dict[str, Any]) -> str:
    """"the box does not accept this token: its pairing ('laptop-s4') was revoked by 'laptop-s2' at 16:52 (40 s
    ago)", on the box's clock; no "by" where the box does not know who."""
    from device.api.when_words import ago, ago_words
    by = str(record.get("by") or "")
    at, since = record.get("at"), ago(record.get("at"))
    when = (f" at {time.strftime('%H:%M', time.localtime(float(at)))} ({ago_words(since)})"
            if since is not None else "")
    return (f"the box does not accept this token: its pairing ({str(record.get('name', '?'))!r}) was revoked"
            + (f" by {by!r}" if by else "") + when)


def _read(path: Path) -> dict[str, dict[str, Any]]:
    """The records in ``path``; {} for none, or for a file that cannot be read (logged)."""
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, RecursionError) as exc:
        _log.warning("the box's record of revoked pairings (%s) is unreadable (%s): a revoked laptop is told only "
                     "that its token is wrong or revoked", path.name, exc)
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): v for k, v in data.items() if isinstance(v, dict)}
