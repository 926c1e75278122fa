"""A cap on request bodies: anything larger than ``max_upload_mb`` is answered 413 unread.

A declared ``Content-Length`` over the cap is refused before a byte is read; a body sent
without one (chunked) is counted as it arrives and refused once it passes the cap, so no
upload can fill the disk or the memory of the server.
"""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Multipart framing (boundaries, part headers) around a file of exactly the cap.
_SLACK = 64 * 1024


def _message(max_bytes: int) -> str:
    mb = max_bytes / (1024 * 1024)
    return (
        f"The upload is larger than this server accepts ({mb:g} MB). Split the file into "
        "smaller files, or ask the operator to raise CHAINKG_MAX_UPLOAD_MB."
    )


class _TooLarge(HTTPException):
    """Raised from ``receive``; an HTTPException so FastAPI's body parsing passes it on as is."""


class BodyLimitMiddleware:
    """Answer 413 to any request whose body is larger than ``max_bytes`` (plus framing)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.limit = max_bytes + _SLACK

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, counting its body; answer 413 once it passes the cap."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            await self._refuse(send)
            return
        seen = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge(413, _message(self.max_bytes))
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except _TooLarge:
            if not started:
                await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        body = json.dumps({"detail": _message(self.max_bytes), "code": "too_large"}, ensure_ascii=False).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})
