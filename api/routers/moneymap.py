"""The money map the explorer opens on (filled in by issue 14's map work)."""

from __future__ import annotations

from fastapi import APIRouter

from ..schemas import ERROR_RESPONSES

router = APIRouter(tags=["explorer"], responses=ERROR_RESPONSES)
