"""API settings, read from ``DEALGRAPH_*`` environment variables (pydantic-settings).

>>> Settings(query_timeout=2).query_timeout
2.0
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from ..graph.registry import store_help

__all__ = ["Settings"]


class Settings(BaseSettings):
    """Every setting of the HTTP API; each is also an environment variable."""

    model_config = SettingsConfigDict(env_prefix="DEALGRAPH_", extra="ignore")

    data: Path | None = Field(None, description="Data directory (default: the bundled data set).")
    store: str = Field("memory", description=store_help())
    query_timeout: float = Field(10.0, gt=0, description="Seconds a SPARQL query may run.")
    max_rows: int = Field(10_000, gt=0, description="Most result rows (or triples) returned.")
    max_body_bytes: int = Field(1_000_000, gt=0, description="Largest request body accepted.")
    max_query_length: int = Field(20_000, gt=0, description="Longest SPARQL query accepted.")
    max_url_length: int = Field(32_000, gt=0, description="Longest request URL accepted.")
    max_header_bytes: int = Field(
        65_536,
        ge=4096,
        description="Largest request head (request "
        "line and headers) accepted; a larger one is answered 400 and "
        "the connection closed before the rest is read.",
    )
    client_max_queries: int = Field(
        1,
        gt=0,
        description="SPARQL queries one client may run at once; more are answered 429 with Retry-After.",
    )
    client_query_seconds: float = Field(
        30.0,
        gt=0,
        description="Seconds of SPARQL query time "
        "one client may use in any minute; past it, 429 with "
        "Retry-After.",
    )
    max_queries: int = Field(
        4,
        gt=0,
        description="SPARQL queries the server runs at once (all "
        "clients); more are answered 503 with Retry-After.",
    )
    warm_cards: int = Field(
        5000,
        ge=0,
        description="Render every entity card at start-up when the graph has at most this many entities.",
    )
    page_size: int = Field(50, gt=0, le=1000, description="Default page size of lists.")
