"""JSON errors: every error response is ``{"error": {"status", "message", ...}}``."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

__all__ = ["ApiError", "install_error_handlers", "error_response", "asgi_error"]

_log = logging.getLogger("dealgraph.api")


class ApiError(Exception):
    """An error with an HTTP status, a message and optional details (e.g. suggestions)."""

    def __init__(self, status: int, message: str, *, headers: dict[str, str] | None = None, **details: Any):
        self.status = status
        self.message = message
        self.headers = headers
        self.details = details
        super().__init__(message)


def error_response(
    status: int, message: str, headers: Mapping[str, str] | None = None, **details: Any
) -> JSONResponse:
    return JSONResponse(
        {"error": {"status": status, "message": message, **details}}, status_code=status, headers=headers
    )


def asgi_error(
    status: int, message: str, headers: dict[str, str] | None = None, *, close: bool = False, **details: Any
) -> tuple[dict, dict]:
    """The two ASGI messages of a JSON error response, for middleware that answers before
    the app (same body as :func:`error_response`)."""
    body = json.dumps({"error": {"status": status, "message": message, **details}}).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    if close:
        raw.append((b"connection", b"close"))
    return {"type": "http.response.start", "status": status, "headers": raw}, {
        "type": "http.response.body",
        "body": body,
    }


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.message, headers=exc.headers, **exc.details)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        headers = exc.headers
        if exc.status_code == 405:  # list every method of the path, not just one route's
            methods: set[str] = set()
            for route in app.router.routes:
                match, _ = route.matches(request.scope)
                if match != Match.NONE:
                    methods |= getattr(route, "methods", None) or set()  # a Mount has none
            headers = {"Allow": ", ".join(sorted(methods))}
        return error_response(exc.status_code, str(exc.detail), headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [{"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()]
        return error_response(
            422,
            "invalid request: " + "; ".join(f"{p['field']}: {p['message']}" for p in problems),
            problems=problems,
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:  # pragma: no cover
        # the details go to the server's log, never to the client
        _log.error("internal error on %s %s", request.method, request.url.path, exc_info=exc)
        return error_response(500, "internal error (the server logged the details)")
