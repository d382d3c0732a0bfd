"""API settings, read from ``DEALGRAPH_*`` environment variables (pydantic-settings).

>>> Settings(query_timeout=2).query_timeout
2.0
>>> Settings(cors_origins="https://yasgui.example, https://observablehq.com").cors_origin_list()
['https://yasgui.example', 'https://observablehq.com']
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
    warm_map: bool = Field(
        True,
        description="On a large store, compute the explorer's opening map in the background at "
        "start-up (first paint at once; lookups in the first seconds share the CPU with it).",
    )
    page_size: int = Field(50, gt=0, le=1000, description="Default page size of lists.")
    cors_origins: str = Field(
        "*",
        max_length=10_000,
        description="Web origins whose pages may read the API and /sparql from the browser "
        "(CORS): '*' for any (the default, as Wikidata's and DBpedia's endpoints), a "
        "comma-separated list of origins (https://example.org), or '' for none. Credentials "
        "are never allowed.",
    )

    def cors_origin_list(self) -> list[str]:
        """The allowed origins as a list: ``["*"]``, the origins named, or ``[]`` (CORS off).

        Why ``*`` by default: the API is read-only and takes no credentials (no cookies, no
        authorization header, no login), so a page on another site that reads it learns
        nothing it could not fetch itself; Wikidata's query service and DBpedia answer
        ``Access-Control-Allow-Origin: *`` for the same reason, which is what lets YASGUI
        hosted elsewhere and Observable notebooks query them. Credentials stay off whatever
        the setting (``*`` forbids them anyway): a browser never sends a user's cookies
        along, so no answer can depend on who the user is. A server on a private network
        that must not be read by outside pages names its own origins, or sets ``''``.

        >>> Settings(cors_origins="").cors_origin_list(), Settings().cors_origin_list()
        ([], ['*'])
        """
        return [o.strip().rstrip("/") for o in self.cors_origins.split(",") if o.strip()]
