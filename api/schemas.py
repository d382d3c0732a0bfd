"""Response models shared by the routers (for the OpenAPI document)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["ErrorBody", "ErrorResponse", "ERROR_RESPONSES", "Health"]


class Health(BaseModel):
    """Liveness and the size of the data served."""

    status: str = Field(description="Always 'ok' when the server answers.")
    triples: int = Field(description="Triples in the store (counted once per load).")
    query_sandbox: bool = Field(
        description="Whether SPARQL workers run without network access (Linux x86_64/aarch64)."
    )
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"status": "ok", "triples": 6021, "query_sandbox": True}]},
    )


class ErrorBody(BaseModel):
    status: int
    message: str
    model_config = {"extra": "allow"}


class ErrorResponse(BaseModel):
    error: ErrorBody


_DESCRIPTIONS = {
    400: "Bad request (e.g. SPARQL syntax error, SERVICE or FROM)",
    403: "Refused (SPARQL Update on a read-only endpoint)",
    404: "Unknown id (close matches in `suggestions`)",
    406: "No acceptable response format",
    413: "Request body too large",
    414: "Request URL or query too long",
    415: "Unsupported request media type",
    422: "Invalid parameter",
    503: "A renderer this export needs (Graphviz) is not installed",
    504: "Query stopped at the time limit",
}

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse, "description": text} for code, text in _DESCRIPTIONS.items()
}
