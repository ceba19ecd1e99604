"""Pairing and tokens: who may talk to the box.

The box shows a short pairing code on its panel (and prints it on its terminal without one).  A laptop
that sends the right code gets a random bearer token; the box keeps only the token's
sha256, so a stolen tokens.json does not let anyone in.  A code is single-use and lives
``CODE_TTL_S`` seconds.  Wrong codes do not change it (a stranger sending wrong codes cannot
make the code on the panel stale); instead, after ``FREE_MISSES`` wrong codes in a row every
pairing attempt is refused (:class:`PairingPaused`) for a pause of ``FIRST_PAUSE_S``, doubled
by each wrong code after a pause up to ``MAX_PAUSE_S``.  A successful pairing, or an hour
without a wrong code, ends the pauses.

A stranger sending wrong codes could thus keep pairing paused (up to 5 minutes after their last
wrong code, for as long as they keep at it).  The owner standing at the box overrides that as a
router's button does: the panel's "new code" button (Settings page; :meth:`Pairing.owner_window`,
reached in-process only - no HTTP route calls it) shows a fresh code and opens an *owner window*
of ``OWNER_WINDOW_S`` in which the pause does not apply.  Every wrong code in the window still
counts as above (the pause keeps growing behind it), and the window lets through at most
``OWNER_MISSES`` wrong codes in all and ``OWNER_CLIENT_MISSES`` from any one address (after that
the address waits out the pause as before), so that a stranger with one address cannot use up
the window before the owner types the code.  It closes on a success, after those wrong codes, or
when its time is up.  The button exists only where a panel runs beside the API: the panel's
starter hands it this pairing with :meth:`Pairing.attach_panel` (hatbox/cmd_device.py), and only
then does a pause's hint offer the button; without a panel (``--no-panel``, ``python -m device.api
--sim``, a panel that did not start) the hint says to wait out the pause, or to restart the box:
the pauses live only in this process's memory, so a restart ends them (and shows a new code).

Guessing, over the network: at most 20 codes are checked in any hour and 12 an hour sustained
(the pauses refuse the rest unchecked), plus at most ``OWNER_MISSES`` (5) per press of the button,
which only someone at the box can press.  A code is one of 31**6 = 887,503,681, so guessing one
takes over 4,000 years on average (at least half the codes must be tried even against one that
never changed); a year of trying succeeds about once in 8,400, or once in 8,300 if the owner
pressed the button every day of it (5 x 365 more codes checked).  The remaining price: a
stranger with ``OWNER_MISSES / OWNER_CLIENT_MISSES`` (3) or more addresses can use up a window
(the owner presses again; a press gives them no more than those 5 codes).
Tokens are revoked by id.  A token is checked when a request starts; a long request (an upload)
checks it again where it commits (:meth:`TokenStore.held`), so a token revoked meanwhile changes
nothing on the box.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import math
import os
import secrets
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

from export.atomic import write_atomic
from hatbox.errors import HatboxError

_log = logging.getLogger("hatbox.api")

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"    # no 0/O, 1/I/L: easy to read off a small panel
CODE_LEN = 6
CODE_TTL_S = 600.0
FREE_MISSES = 5             # wrong codes in a row before pairing pauses
FIRST_PAUSE_S = 30.0        # the first pause; each wrong code after a pause doubles it...
MAX_PAUSE_S = 300.0         # ... up to this: at most one guess per 5 minutes, 12 an hour
QUIET_S = 3600.0            # an hour without a wrong code forgets the earlier ones
OWNER_WINDOW_S = 120.0      # the panel's "new code" button: attempts skip the pause this long...
OWNER_MISSES = 5            # ... for at most this many wrong codes in all ...
OWNER_CLIENT_MISSES = 2     # ... and this many from any one client address


class AuthError(HatboxError):
    """A missing, wrong or revoked token, or a wrong pairing code."""


class PairingPaused(AuthError):
    """Too many wrong pairing codes: every attempt is refused for ``retry_after`` seconds.
    ``status_code`` / ``headers`` are what an HTTP answer should carry (429, ``Retry-After``)."""

    status_code = 429

    def __init__(self, seconds: float, wrong: bool = False, panel: bool = False) -> None:
        self.retry_after = max(1, math.ceil(seconds))
        self.headers = {"Retry-After": str(self.retry_after)}
        first = "wrong pairing code; too many wrong codes" if wrong else "too many wrong pairing codes"
        super().__init__(f"{first}: pairing is paused for {self.retry_after} s",
                         hint=pause_hint(self.retry_after, panel))


def pause_hint(seconds: int, panel: bool) -> str:
    """What the owner can do about a pause of ``seconds``: with a panel (it has the "new code"
    button) press it; without one wait, or restart the box (pauses are not kept across a restart)."""
    if panel:
        return (f"read the code off the box's panel and try again in {seconds} s, "
                "or press 'new code' on the panel's Settings page to pair now")
    return (f"wait {seconds} s, then send the code shown on the terminal the box runs in ('pairing code: ...'; "
            "never in its log); restarting the box also ends the pause (it shows a fresh code)")


def _read_code(panel: bool) -> str:
    """Where the owner reads the pairing code: the panel's Settings page, or the terminal the box runs in (never
    its log: device/api/app.log_code)."""
    if panel:
        return "read the code off the box's panel"
    return "read the code on the terminal the box runs in ('pairing code: ...'; it is never in the box's log)"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalize_code(code: str) -> str:
    """What the user typed -> canonical code (case, spaces and dashes ignored)."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


class Pairing:
    """The current pairing code; ``on_code(code)`` is called whenever a new one is made.
    ``clock`` (seconds, monotonic) is injectable for tests."""

    def __init__(self, on_code: Callable[[str], None] = lambda c: None, ttl_s: float = CODE_TTL_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._on_code = on_code
        self._ttl = ttl_s
        self._clock = clock
        self._lock = threading.Lock()
        self._code = ""
        self._expires = -math.inf
        self._used, self._used_until = "", -math.inf     # the code a pairing last took, and until when it is said so
        self._misses = 0            # wrong codes since the last success (or quiet hour)
        self._pause = 0.0           # the last pause's length (0: none yet)
        self._paused_until = -math.inf
        self._last_miss = -math.inf
        self._owner_until = -math.inf           # the owner window (panel button) is open until then
        self._owner_misses: dict[str, int] = {}  # wrong codes in the window, per client address
        self._panel = False                     # a panel with the "new code" button holds this pairing

    def attach_panel(self) -> "Pairing":
        """A panel in this process takes this pairing for its "new code" button: from now on a
        pause's hint offers the button.  Returns self (``data.pairing = pairing.attach_panel()``)."""
        self._panel = True
        return self

    def detach_panel(self) -> None:
        """The panel did not start or has closed: hints stop offering its button."""
        self._panel = False

    def panel_attached(self) -> bool:
        """Whether a panel with the "new code" button holds this pairing (:meth:`attach_panel`)."""
        return self._panel

    def current(self) -> str:
        """The code to show now (a fresh one once the old one expired)."""
        with self._lock:
            if self._clock() >= self._expires:
                self._renew()
            return self._code

    def valid_for(self) -> float:
        """Seconds the current code stays valid (0: expired; :meth:`current` makes a new one)."""
        with self._lock:
            return max(0.0, self._expires - self._clock())

    def paused_for(self) -> float:
        """Seconds until pairing attempts are accepted again (0: now), owner window aside."""
        with self._lock:
            return max(0.0, self._paused_until - self._clock())

    def owner_window(self, seconds: float = OWNER_WINDOW_S) -> str:
        """The panel's "new code" button (physical presence: never offered over HTTP).  Shows a
        fresh code (returned) and, for ``seconds``, lets attempts skip the pause; see the module
        docstring for what still counts and when the window closes early."""
        with self._lock:
            self._renew()
            self._owner_until = self._clock() + seconds
            self._owner_misses = {}
            return self._code

    def owner_window_for(self) -> float:
        """Seconds the owner window stays open (0: closed, or used up by wrong codes)."""
        with self._lock:
            return max(0.0, self._owner_until - self._clock())

    def _exempt(self, now: float, client: str) -> bool:
        """Whether an attempt from ``client`` now skips the pause (an open window it has not used up)."""
        return now < self._owner_until and self._owner_misses.get(client, 0) < OWNER_CLIENT_MISSES

    def _owner_miss(self, client: str) -> None:
        """A wrong code in the window: counted against ``client``; the window closes at OWNER_MISSES."""
        self._owner_misses[client] = self._owner_misses.get(client, 0) + 1
        if sum(self._owner_misses.values()) >= OWNER_MISSES:
            self._close_window()

    def _close_window(self) -> None:
        self._owner_until, self._owner_misses = -math.inf, {}

    def _renew(self) -> None:
        self._code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LEN))
        self._expires = self._clock() + self._ttl
        self._on_code(self._code)

    def _forgive(self) -> None:
        self._misses, self._pause, self._paused_until, self._last_miss = 0, 0.0, -math.inf, -math.inf

    def redeem(self, code: str, client: str = "") -> None:
        """Accept ``code`` once (then make a new one); else AuthError, or PairingPaused while
        paused (the code is not even compared then) unless the owner window lets ``client`` (the
        caller's address) through.  The code a pairing took, sent again within the code's lifetime (a second
        laptop, a retry), is said to be used, and is no wrong guess: it counts toward no pause."""
        with self._lock:
            now = self._clock()
            exempt = self._exempt(now, client)
            if now < self._paused_until and not exempt:
                raise PairingPaused(self._paused_until - now, panel=self._panel)
            if now - self._last_miss >= QUIET_S:
                self._forgive()
            if now >= self._expires:          # what the panel showed had expired: not a guess
                self._renew()
                raise AuthError("the pairing code had expired; the box shows a new one now",
                                hint=f"{_read_code(self._panel)} and try again")
            if hmac.compare_digest(normalize_code(code).encode(), self._code.encode()):
                self._forgive()
                self._close_window()
                self._used, self._used_until = self._code, now + self._ttl
                self._renew()
                return
            if now < self._used_until and hmac.compare_digest(normalize_code(code).encode(), self._used.encode()):
                raise AuthError("this pairing code was already used; the box shows a new one",    # not a guess
                                hint=f"{_read_code(self._panel)} and try again")
            self._count_miss(now, client, exempt)
        raise AuthError("wrong or expired pairing code", hint=f"{_read_code(self._panel)} and try again")

    def _count_miss(self, now: float, client: str, exempt: bool) -> None:
        """A wrong code: it counts toward the pauses (window or not); PairingPaused when one now
        applies to ``client``."""
        self._misses += 1
        self._last_miss = now
        if exempt:
            self._owner_miss(client)
        if self._misses >= FREE_MISSES:
            self._pause = min(MAX_PAUSE_S, 2 * self._pause) if self._pause else FIRST_PAUSE_S
            self._paused_until = now + self._pause
            if not self._exempt(now, client):
                raise PairingPaused(self._pause, wrong=True, panel=self._panel)


class TokenStore:
    """Hashed bearer tokens in ``path`` (JSON, written atomically)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._revoking = threading.RLock()     # held by revoke() and by held(): a revoke waits out a commit
        self.lost = False                      # the pairings file was damaged at start: every computer pairs again
        self._tokens: dict[str, dict[str, Any]] = self._load()
        from device.api.revoked_tokens import FILE_NAME, RevokedTokens
        self.revoked = RevokedTokens(self.path.with_name(FILE_NAME))    # a revoked laptop is told by whom

    def _load(self) -> dict[str, dict[str, Any]]:
        """The pairings in the file; a file that is damaged (not JSON, not pairings) is kept as
        ``tokens.json.damaged``, said in the log, and no computer is paired."""
        try:
            data = json.loads(self.path.read_bytes())
            tokens = {str(k): dict(v) for k, v in data.items()}
            if all(isinstance(v.get("sha256"), str) for v in tokens.values()):
                return tokens
            why = "an entry is not a pairing"
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, AttributeError, TypeError, RecursionError) as exc:
            why = str(exc) or type(exc).__name__
        damaged = self.path.with_name(self.path.name + ".damaged")
        try:
            os.replace(self.path, damaged)
        except OSError:
            pass
        self.lost = True
        _log.warning("the box's pairings (%s) are unreadable (%s): no computer is paired now, each must pair again "
                     "(hatbox pair URL, with the code the box shows); the file is kept as %s", self.path.name, why,
                     damaged.name)
        return {}

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(self.path, json.dumps(self._tokens, indent=1, sort_keys=True).encode())

    def issue(self, name: str) -> tuple[str, str]:
        """A new token for device ``name``; returns (token id, token). Only the hash is kept.  A token never starts
        with "-": one in 64 did, and ``hatbox status --token -Xy...`` then read it as an option (twenty-ninth stop)."""
        token = secrets.token_urlsafe(32)
        while token.startswith("-"):
            token = secrets.token_urlsafe(32)
        tid = secrets.token_hex(4)
        with self._lock:
            self._tokens[tid] = {"sha256": _digest(token), "name": name[:64], "created": time.time()}
            self._save()
            self.lost = False                   # paired again since: a refused token is wrong or revoked now
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
        revoked = self.revoked.words(digest)
        if revoked is not None:
            raise AuthError(revoked, hint="pair again: hatbox pair URL")
        raise AuthError("the box does not accept this token (wrong or revoked)" if not self.lost else
                        "the box does not accept this token: its pairings were damaged and it lost them at its last "
                        "start", hint="pair again: hatbox pair URL")

    def bearer_name(self, header: str) -> str:
        """The device name of the token an ``Authorization: Bearer ...`` header carries ("" for none the box holds)."""
        token = header[7:].strip() if header.lower().startswith("bearer ") else ""
        try:
            return self.name(self.check(token))
        except AuthError:
            return ""

    def name(self, tid: str) -> str:
        """The device name token ``tid`` was issued to ("?" for a token no longer held)."""
        with self._lock:
            entry = self._tokens.get(tid)
        return str(entry["name"]) if entry else "?"

    def list(self) -> list[dict[str, Any]]:
        with self._lock:
            return [{"id": tid, "name": e["name"], "created": e["created"]} for tid, e in sorted(self._tokens.items())]

    @contextmanager
    def held(self, tid: str) -> Iterator[None]:
        """Run the block only while token ``tid`` is still valid, and keep it from being revoked until
        the block ends (a revoke waits): AuthError, the block not run, when it was revoked since the
        request began.  Wrap what a long request commits in it."""
        with self._revoking:
            with self._lock:
                valid = tid in self._tokens
            if not valid:
                raise AuthError("this token was revoked while the request ran, so the box refused it",
                                hint="pair again: hatbox pair URL")
            yield

    def revoke(self, tid: str, by: str = "") -> bool:
        """Forget token ``tid`` (False: no such token); waits for a commit under :meth:`held` to end.  ``by``: the
        device name of the pairing that asked ("" not known), kept with the token's SHA-256 so that the revoked laptop
        is told who revoked it (:class:`~device.api.revoked_tokens.RevokedTokens`; its file written after the lock
        every request takes is let go, still one revoke after the other: p57 RD2 5)."""
        with self._revoking:
            with self._lock:
                entry = self._tokens.pop(tid, None)
                if entry is None:
                    return False
                self._save()
                name = str(entry.get("name", "?"))
                self.revoked.note(str(entry["sha256"]), name, by)
            self.revoked.save(name)
            return True
