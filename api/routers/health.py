"""/health."""

from __future__ import annotations

from fastapi import APIRouter

from ..deps import GraphDep
from ..sandbox import supported as sandbox_supported
from ..schemas import ERROR_RESPONSES, Health

router = APIRouter(tags=["health"], responses=ERROR_RESPONSES)


@router.get("/health", operation_id="health", summary="Liveness and data size")
async def health(kg: GraphDep) -> Health:
    # the count is kept per load: on a large persistent store it is a full scan
    # query_sandbox: whether SPARQL workers run without network access (Linux x86_64/aarch64)
    return Health(status="ok", triples=kg.memo("len", lambda: len(kg)), query_sandbox=sandbox_supported())
