"""Pairing and tokens: who may talk to the box.

The box shows a short pairing code on its panel (and logs it with ``--sim``).  A laptop
that sends the right code gets a random bearer token; the box keeps only the token's
sha256, so a stolen tokens.json does not let anyone in.  A code is single-use, lives
``CODE_TTL_S`` seconds and is replaced after ``MAX_ATTEMPTS`` wrong guesses, so guessing
one (31**6 codes) over the network is hopeless.  Tokens are revoked by id.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
import time
from pathlib import Path
from typing import Any, Callable

from export.atomic import write_atomic
from hatbox.errors import HatboxError

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"    # no 0/O, 1/I/L: easy to read off a small panel
CODE_LEN = 6
CODE_TTL_S = 600.0
MAX_ATTEMPTS = 5


class AuthError(HatboxError):
    """A missing, wrong or revoked token, or a wrong pairing code."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalize_code(code: str) -> str:
    """What the user typed -> canonical code (case, spaces and dashes ignored)."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


class Pairing:
    """The current pairing code; ``on_code(code)`` is called whenever a new one is made."""

    def __init__(self, on_code: Callable[[str], None] = lambda c: None, ttl_s: float = CODE_TTL_S) -> None:
        self._on_code = on_code
        self._ttl = ttl_s
        self._lock = threading.Lock()
        self._code = ""
        self._expires = 0.0
        self._misses = 0

    def current(self) -> str:
        """The code to show now (a fresh one once the old one expired)."""
        with self._lock:
            if time.monotonic() >= self._expires:
                self._renew()
            return self._code

    def _renew(self) -> None:
        self._code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LEN))
        self._expires = time.monotonic() + self._ttl
        self._misses = 0
        self._on_code(self._code)

    def redeem(self, code: str) -> None:
        """Accept ``code`` once (then make a new one) or raise AuthError."""
        self.current()
        with self._lock:
            if hmac.compare_digest(normalize_code(code).encode(), self._code.encode()):
                self._renew()
                return
            self._misses += 1
            if self._misses >= MAX_ATTEMPTS:
                self._renew()
        raise AuthError("wrong or expired pairing code", hint="read the code off the box's panel and try again")


class TokenStore:
    """Hashed bearer tokens in ``path`` (JSON, written atomically)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._tokens: dict[str, dict[str, Any]] = self._load()

    def _load(self) -> dict[str, dict[str, Any]]:
        try:
            data = json.loads(self.path.read_bytes())
            return {str(k): dict(v) for k, v in data.items()}
        except (FileNotFoundError, ValueError, AttributeError):
            return {}

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(self.path, json.dumps(self._tokens, indent=1, sort_keys=True).encode())

    def issue(self, name: str) -> tuple[str, str]:
        """A new token for device ``name``; returns (token id, token). Only the hash is kept."""
        token = secrets.token_urlsafe(32)
        tid = secrets.token_hex(4)
        with self._lock:
            self._tokens[tid] = {"sha256": _digest(token), "name": name[:64], "created": time.time()}
            self._save()
        return tid, token

    def check(self, token: str | None) -> str:
        """The id of ``token`` if it is valid, else AuthError."""
        if not token:
            raise AuthError("this call needs a token", hint="pair first: hatbox pair URL")
        digest = _digest(token)
        with self._lock:
            for tid, entry in self._tokens.items():
                if hmac.compare_digest(entry["sha256"], digest):
                    return tid
        raise AuthError("the box does not accept this token (wrong or revoked)",
                        hint="pair again: hatbox pair URL")

    def list(self) -> list[dict[str, Any]]:
        with self._lock:
            return [{"id": tid, "name": e["name"], "created": e["created"]} for tid, e in sorted(self._tokens.items())]

    def revoke(self, tid: str) -> bool:
        with self._lock:
            if self._tokens.pop(tid, None) is None:
                return False
            self._save()
            return True
