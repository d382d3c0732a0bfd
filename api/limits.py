"""ASGI middleware bounding request size: 414 for long URLs, 413 for large bodies.

The body limit holds for chunked bodies too: bytes are counted as they arrive, and the
request is answered 413 as soon as the count passes the limit.
"""

from __future__ import annotations

from .errors import asgi_error

__all__ = ["RequestLimits"]


def _error(status: int, message: str) -> tuple[dict, dict]:
    return asgi_error(status, message, close=True)


class RequestLimits:
    def __init__(self, app, max_body_bytes: int, max_url_length: int):
        self.app = app
        self.max_body = max_body_bytes
        self.max_url = max_url_length

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        url_length = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
        if url_length > self.max_url:
            for m in _error(414, f"request URL longer than {self.max_url} bytes"):
                await send(m)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body:
            for m in _error(413, f"request body larger than {self.max_body} bytes"):
                await send(m)
            return
        received = 0
        too_large = False
        response_started = False

        async def limited_receive():
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    too_large = True
                    raise _TooLarge()
            return message

        async def tracking_send(message):
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not response_started:
                for m in _error(413, f"request body larger than {self.max_body} bytes"):
                    await send(m)
        except Exception:
            if too_large and not response_started:
                for m in _error(413, f"request body larger than {self.max_body} bytes"):
                    await send(m)
            else:
                raise


class _TooLarge(Exception):
    pass
