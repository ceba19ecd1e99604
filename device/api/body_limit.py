"""A cap on request bodies other than the two uploads (thirty-third stop's QA: three 300 MB JSON bodies sent without a
token made the box read and parse all of them, 2.1 GB of memory, before the 401, and the engine dropped out).

Pure ASGI, outermost: a body declared larger than :data:`MAX_BODY_BYTES` (``content-length``) is answered 413 before
a byte of it is read, and one sent without a length (chunked) is cut off with 413 once it passes the cap
(the route is handed an empty end of it, and its answer is replaced).  The pack
and library uploads (``POST /packs``, ``POST /libraries``) stream to disk under their own limits
(device/api/uploads.py) and pass untouched.
"""
from __future__ import annotations

import json
from typing import Any

MAX_BODY_BYTES = 1 << 20        # 1 MiB: the largest JSON the API takes (a kit, a file's tags) is a few kB
UPLOADS = {("POST", "/packs"), ("POST", "/libraries")}
_WORDS = {"error": "too large",
          "message": f"the request body is larger than the box takes for this call ({MAX_BODY_BYTES // 1024} KiB)",
          "hint": "only pack and library uploads are large: hatbox push, hatbox push-library"}


def is_upload(scope: dict[str, Any]) -> bool:
    """Whether the request of ASGI ``scope`` is a pack or library upload (:data:`UPLOADS`: its body streams to disk
    under its own limits, for as long as it takes; device/api/conn_guard.py gives it no body deadline)."""
    return (scope.get("method"), str(scope.get("path", "")).rstrip("/")) in UPLOADS


def declared_length(scope: dict[str, Any]) -> int:
    """The request's Content-Length in bytes (from the ASGI ``scope``'s headers; 0 when unsaid or not a number)."""
    for name, value in scope.get("headers") or ():
        if name.lower() == b"content-length":
            return int(value) if value.strip().isdigit() else 0
    return 0


class BodyLimit:
    """ASGI middleware capping non-upload request bodies at ``limit`` bytes (module docstring)."""

    def __init__(self, app: Any, limit: int = MAX_BODY_BYTES) -> None:
        self.app, self.limit = app, int(limit)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope.get("type") != "http" or is_upload(scope):
            await self.app(scope, receive, send)
            return
        if declared_length(scope) > self.limit:
            await _refuse(send)
            return
        seen, over = 0, False

        async def counted() -> dict[str, Any]:
            nonlocal seen, over
            if over:                                 # the app asked again: the body has ended for it
                return {"type": "http.request", "body": b"", "more_body": False}
            message = await receive()
            if message.get("type") == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:                # the app gets an empty end; its answer is replaced below
                    over = True
                    return {"type": "http.request", "body": b"", "more_body": False}
            return message

        async def sending(message: dict[str, Any]) -> None:
            if not over:
                await send(message)

        await self.app(scope, counted, sending)
        if over:
            await _refuse(send)


async def _refuse(send: Any) -> None:
    """The 413 in the API's error shape (device/api/models.py ErrorBody); the connection is closed after it."""
    body = json.dumps(_WORDS).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
