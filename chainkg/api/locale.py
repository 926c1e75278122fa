"""The language of each request: ``?lang=zh|en``, else ``Accept-Language``, else the settings' (zh).

A plain ASGI middleware sets :mod:`chainkg.i18n`'s context-local language before the route runs,
so pages, CSV headers and chart labels of that request speak it; JSON field names never change.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from starlette.types import ASGIApp, Receive, Scope, Send

from chainkg.i18n import from_accept_language, normalize, use_locale


def request_locale(scope: Scope, default: str) -> str:
    """The language a request asks for: its ``lang`` parameter, its Accept-Language, or ``default``."""
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    asked = normalize(query.get("lang", [""])[-1])
    if asked:
        return asked
    header = dict(scope.get("headers") or []).get(b"accept-language", b"").decode("latin-1")
    return from_accept_language(header) or default


class LocaleMiddleware:
    """Runs each HTTP request in the language it asks for."""

    def __init__(self, app: ASGIApp, default: str = "zh") -> None:
        self.app = app
        self.default = default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on inside its language (other scopes as they are)."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with use_locale(request_locale(scope, self.default)):
            await self.app(scope, receive, send)
