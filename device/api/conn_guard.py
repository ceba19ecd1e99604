"""The box's HTTP connections against a stranger's flood (forty-eighth stop's QA): a deadline for each request head,
and a cap on the connections held, so that no one on the studio's network locks the producer out by opening
connections and saying nothing.

uvicorn's h11 protocol (device/api/server.py serves with it: httptools is not installed) has a keep-alive timeout
only *after* a response: a connection that sends nothing, or sends its request head a byte at a time and never ends
it, is held for ever (any data cancels the keep-alive timer, even after a response).  :class:`GuardedH11` adds:

- **a head deadline** (:data:`HEAD_TIMEOUT_S`): from the moment a connection is made, and again from the end of
  each response, its next request head must be complete within that time, or the connection is closed.  Once a
  head is complete the deadline is off: a 4 GiB library upload whose body streams for minutes is never cut.
- **a body deadline for the small requests** (:data:`BODY_TIMEOUT_S` plus the declared Content-Length at
  :data:`BODY_RATE_BPS`): every route but the two uploads takes at most 1 MiB (device/api/body_limit.py) and
  FastAPI reads a JSON body before it checks the token, so a stranger could hold a connection by sending ``POST
  /pair``'s body a byte a minute.  Such a body must be complete within that time of its head (a paired laptop's
  1 MiB of ``--fixes`` on a slow Wi-Fi: 79 s; a few kB: 15 s).  The uploads (``POST /packs``, ``POST
  /libraries``) have their own stall limit (device/api/uploads.py) and answer a stranger 401 before reading a byte.
- **a cap** (:func:`connection_cap`, below the process's open-file limit): when a new connection would pass it,
  the connection that has waited longest for its request (a head, or a small request's body) is closed to make
  room (a flood's idle connections go first; a paired laptop's connection sends its whole request within
  milliseconds of connecting, and a request being served is never closed).  Only when every held connection is
  being served is the new one answered 503.

Idle connections are closed with ``transport.abort()``: a TLS connection's ``close()`` waited up to 30 s for the
peer's close_notify with its file descriptor open, while the guard no longer counted it.

The guard relies on uvicorn's H11Protocol internals (``self.cycle``, ``self.conn``, ``self.scope``,
``handle_events`` called from ``data_received``, ``on_response_complete``): :func:`guarded_protocol` checks, once,
that the uvicorn installed still has them (:func:`missing_internals`) and falls back to uvicorn's own protocol with
one warning in the log where it does not (a guard whose request cycle never moved would close every connection
after 5 s).

uvicorn's own ``limit_concurrency`` is not used: it still accepts (and so holds a file descriptor for) every
connection, and answers 503 to every request while the count is over the cap, the producer's too.
"""
from __future__ import annotations

import asyncio
import functools
import logging
import resource
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from device.api.body_limit import MAX_BODY_BYTES, declared_length, is_upload

HEAD_TIMEOUT_S = 5.0       # a request head (or the first one after a response) must be complete within this
BODY_TIMEOUT_S = 15.0      # a request body other than an upload's (1 MiB at most) must be complete within this...
BODY_RATE_BPS = 16 * 1024  # ...plus its declared Content-Length at this rate (bytes a second): 1 MiB, 15 + 64 s
KEEP_ALIVE_S = 5           # uvicorn's keep-alive timeout after a response (its default, said here on purpose)
BACKLOG = 128              # listen backlog: also how many connections asyncio accepts in one go before any closes
RESERVE_FDS = 256          # file descriptors kept for the box itself (store, audio, logs, taggers, sqlite)
MAX_CONNECTIONS = 1000     # the cap when the open-file limit allows it
MIN_CONNECTIONS = 32       # the cap however low the open-file limit is
BUSY = (b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain; charset=utf-8\r\nconnection: close\r\n"
        b"content-length: 64\r\n\r\nthe box is busy: too many connections are open; try again shortly")
log = logging.getLogger("hatbox.api")


def open_file_limit() -> int:
    """The process's soft limit on open files (RLIMIT_NOFILE); a large number when it has none."""
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    return 1 << 20 if soft == resource.RLIM_INFINITY else int(soft)


def connection_cap(limit: int | None = None) -> int:
    """How many connections the API holds at most under the open-file ``limit`` (default: this process's): what
    is left after :data:`RESERVE_FDS` for the box and :data:`BACKLOG` accepted in one go, at most
    :data:`MAX_CONNECTIONS`, at least :data:`MIN_CONNECTIONS` (1024 files: 640; systemd's LimitNOFILE=16384: 1000)."""
    limit = open_file_limit() if limit is None else limit
    return max(MIN_CONNECTIONS, min(MAX_CONNECTIONS, limit - RESERVE_FDS - BACKLOG))


@dataclass
class ConnGuard:
    """One server's connections: ``live`` (each open one), ``waiting`` (those waiting for their request to be
    complete, the one waiting longest first), the deadlines ``head_s`` and ``body_s`` (seconds) and the ``cap``;
    counters of what it closed.  Used on the server's event loop only (no lock)."""

    head_s: float = HEAD_TIMEOUT_S
    body_s: float = BODY_TIMEOUT_S
    body_rate: float = BODY_RATE_BPS
    cap: int = field(default_factory=connection_cap)
    live: set[Any] = field(default_factory=set)
    waiting: "OrderedDict[Any, None]" = field(default_factory=OrderedDict)
    timed_out: int = 0
    evicted: int = 0
    turned_away: int = 0

    def admit(self, conn: Any) -> bool:
        """Count ``conn`` in; when that passes the cap, close the connection waiting longest for its head (True),
        or, none waiting, say no (False: the caller turns ``conn`` away)."""
        self.live.add(conn)
        if len(self.live) <= self.cap:
            return True
        if not self.waiting:
            self.live.discard(conn)
            self.turned_away += 1
            log.warning("a connection was turned away (503): the box holds %d connections, its most, each in the "
                        "middle of a request", self.cap)
            return False
        oldest = next(iter(self.waiting))
        self.evicted += 1
        log.warning("the box holds %d connections, its most: the one idle longest was closed to let a new one in "
                    "(someone on the network opening connections and saying nothing?)", self.cap)
        oldest.close_idle()
        return True

    def body_deadline(self, declared: int) -> float:
        """Seconds a small request's body of ``declared`` bytes (its Content-Length; 0 when unsaid) may take:
        ``body_s`` plus the bytes (at most the routes' 1 MiB) at ``body_rate``."""
        return self.body_s + min(max(declared, 0), MAX_BODY_BYTES) / self.body_rate

    def forget(self, conn: Any) -> None:
        """``conn`` is closed or closing: no longer counted."""
        self.live.discard(conn)
        self.waiting.pop(conn, None)


class GuardedH11(H11Protocol):
    """uvicorn's h11 protocol with the head deadline and the cap of :class:`ConnGuard` (module docstring); a
    subclass made by :func:`guarded_protocol` names the server's guard."""

    guard: ConnGuard
    _head_timer: asyncio.TimerHandle | None = None
    _armed_cycle: Any = None
    _in_body = False                        # the head came; a small request's body is still coming

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if not self.guard.admit(self):
            self.transport.write(BUSY)
            self.transport.close()
            return
        self._await_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self._head_done()
        self.guard.forget(self)
        super().connection_lost(exc)

    def handle_events(self) -> None:
        super().handle_events()
        if self._head_timer is not None:
            self._check_progress()

    def _check_progress(self) -> None:
        """After data came: the wait ends once the request is complete (its head; a small request's body too)."""
        if self.transport.is_closing() or self.transport.get_protocol() is not self:
            self._head_done()
        elif self.cycle is self._armed_cycle:
            return                          # no complete head yet: a new request cycle starts at one
        elif self.conn.their_state is h11.SEND_BODY and not is_upload(self.scope):
            if not self._in_body:
                self._in_body = True
                self._set_timer(self.guard.body_deadline(declared_length(self.scope)))
        else:
            self._head_done()

    def on_response_complete(self) -> None:
        if not self.transport.is_closing():
            self._await_head()              # before uvicorn's: a pipelined request it handles now ends the wait
        super().on_response_complete()

    def _await_head(self) -> None:
        """Start the deadline for the next request head (the connection counts as waiting)."""
        self._head_done()
        self._armed_cycle, self._in_body = self.cycle, False
        self._set_timer(self.guard.head_s)
        self.guard.waiting[self] = None

    def _set_timer(self, seconds: float) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
        self._head_timer = self.loop.call_later(seconds, self._head_late)

    def _head_done(self) -> None:
        """The deadline is off (a head came, or the connection is gone)."""
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None
        self.guard.waiting.pop(self, None)

    def _head_late(self) -> None:
        """No complete request head (or small body) within the deadline: the connection is closed."""
        self._head_timer = None
        self.guard.timed_out += 1
        if self._in_body:
            log.info("closed a connection whose request body did not come within %g s of its head (and its length "
                     "at %g kB/s)", self.guard.body_s, self.guard.body_rate / 1000)
        else:
            log.info("closed a connection that sent no complete request within %g s", self.guard.head_s)
        self.close_idle()

    def close_idle(self) -> None:
        """Close this connection, which is waiting for a request head (no request of it is cut) or a small
        request's body (that request is cut: its route reads a client gone away).  Aborted, not closed: nothing is
        left to send, and a TLS ``close()`` held the file descriptor up to 30 s waiting for the peer's close_notify
        (a response still in the write buffer, rare for an idle connection, is flushed by a plain close)."""
        self._head_done()
        self.guard.forget(self)
        if self.transport.is_closing():
            return
        if self.transport.get_write_buffer_size():
            self.transport.close()
        else:
            self.transport.abort()


# What GuardedH11 uses of uvicorn's H11Protocol: methods it overrides or calls, and the names they must use.
_METHODS = ("connection_made", "connection_lost", "data_received", "handle_events", "on_response_complete")
_USES = {"__init__": ("cycle", "conn", "scope", "loop", "transport"), "data_received": ("handle_events",),
         "handle_events": ("cycle", "scope", "on_response_complete"), "connection_made": ("transport",)}


def missing_internals(protocol: type = H11Protocol) -> list[str]:
    """What of uvicorn's ``protocol`` (its H11Protocol) the guard relies on is not there (empty when all is): a
    method, or an attribute name a method no longer uses (read from its code, so nothing is run)."""
    missing = [f"{protocol.__name__}.{m}" for m in _METHODS if not callable(getattr(protocol, m, None))]
    for method, names in _USES.items():
        code = getattr(getattr(protocol, method, None), "__code__", None)
        used = set(code.co_names) if code is not None else set()
        missing += [f"{protocol.__name__}.{method} using self.{n}" for n in names if n not in used]
    return missing


@functools.lru_cache(maxsize=1)
def guard_fits_uvicorn() -> bool:
    """Whether the installed uvicorn has what :class:`GuardedH11` relies on; said once in the log when not."""
    missing = missing_internals()
    if missing:
        import uvicorn
        log.warning("the box's guard against connection floods is off: uvicorn %s lacks what it relies on (%s); "
                    "connections are served by uvicorn's own protocol", uvicorn.__version__, ", ".join(missing))
    return not missing


def guarded_protocol(guard: ConnGuard | None = None) -> type[H11Protocol]:
    """The protocol class for one server (uvicorn's Config ``http=``), with ``guard`` (default: a new one); uvicorn's
    own H11Protocol when the installed uvicorn lacks what the guard relies on (:func:`guard_fits_uvicorn`)."""
    if not guard_fits_uvicorn():
        return H11Protocol
    return type("GuardedH11", (GuardedH11,), {"guard": guard or ConnGuard()})
