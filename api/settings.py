"""API settings, read from ``DEALGRAPH_*`` environment variables (pydantic-settings).

>>> Settings(query_timeout=2).query_timeout
2.0
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings"]


class Settings(BaseSettings):
    """Every setting of the HTTP API; each is also an environment variable."""

    model_config = SettingsConfigDict(env_prefix="DEALGRAPH_", extra="ignore")

    data: Path | None = Field(None, description="Data directory (default: the bundled data set).")
    store: str = Field("memory", description="Where the graph lives: memory, oxigraph:PATH or "
                       "http://HOST:PORT[/PATH][#LAYOUT] (a SPARQL server).")
    query_timeout: float = Field(10.0, gt=0, description="Seconds a SPARQL query may run.")
    max_rows: int = Field(10_000, gt=0, description="Most result rows (or triples) returned.")
    max_body_bytes: int = Field(1_000_000, gt=0, description="Largest request body accepted.")
    max_query_length: int = Field(20_000, gt=0, description="Longest SPARQL query accepted.")
    max_url_length: int = Field(32_000, gt=0, description="Longest request URL accepted.")
    warm_cards: int = Field(5000, ge=0, description="Render every entity card at start-up when "
                            "the graph has at most this many entities.")
    page_size: int = Field(50, gt=0, le=1000, description="Default page size of lists.")
