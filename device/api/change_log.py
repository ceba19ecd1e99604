"""The box's change log: every change a paired device made, in the box's log with its name (:class:`ChangeLog`,
ASGI middleware device/api/app.py puts around the app).  Split out of device/api/app.py."""
from __future__ import annotations

import logging
from typing import Any

from device.api.box import Box
from device.api.state import LOG_AFTER, LOG_WORDS

log = logging.getLogger("hatbox.api")


CHANGES = ("POST", "PUT", "PATCH", "DELETE")       # the methods of a change (GET, HEAD: reads)

# routes whose own line in the log says more (what was made, by whom), and pairing (no token yet)
_LOGGED_BY_ROUTE = {("POST", "/packs"), ("POST", "/libraries"), ("POST", "/pair")}


class ChangeLog:
    """ASGI middleware: every change a paired device made (a POST, PUT, PATCH or DELETE the box carried out, status
    under 400) goes in the box's log at info level with the device's name: the route's own words
    (device.api.state.say_in_log: "pack fuzz 1.0.0 (ID, laptopA's) deleted by 'laptopB'"), else the generic "POST
    /kit by 'studio-mac' (200)" for a route with no words yet - a box nobody watches can then say what changed and who
    changed it.  Bodies are never logged; the routes of :data:`_LOGGED_BY_ROUTE` say more themselves.  Pure ASGI
    (no BaseHTTPMiddleware), so an upload's body streams to its route untouched.  (PATCH, the kit notes' latch and
    choke: p52 QA1, `box-kit --latch`/`--choke` never reached `box-logs --changes`.)"""

    def __init__(self, app: Any, box: Box) -> None:
        self.app, self.box = app, box

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope.get("type") != "http" or scope.get("method") not in CHANGES:
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
            said = scope.get(LOG_WORDS)     # "": the route said it changed nothing (no line at all)
            if said:
                log.info("%s by %r%s", said, device, scope.get(LOG_AFTER) or "")
            elif said is None:
                log.info("%s %s by %r (%d)", key[0], key[1], device, status)

    def _device(self, scope: dict[str, Any]) -> str:
        """The name of the paired device whose token the request carries ("?" for none the box holds)."""
        header = dict(scope.get("headers") or []).get(b"authorization", b"").decode("latin-1")
        return self.box.tokens.bearer_name(header) or "?"
