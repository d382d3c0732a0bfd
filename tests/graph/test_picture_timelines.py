"""The pictures draw structural relationships on the two timelines, like the cards do.

001: "From 2019 to January 2025, OpenAI needed Microsoft's approval ... Microsoft had
right-of-first-refusal on all infrastructure deals. That ended Friday, January 24."
"""

from __future__ import annotations

from dealgraph import open_graph
from dealgraph.graph.picture import export_graph

RIGHT = ("microsoft", "openai", "right-of-first-refusal")


def _right(**dates) -> dict | None:
    g = export_graph(open_graph(), **dates)
    edges = [d for u, v, d in g.edges(data=True) if (u, v, d["kind"]) == RIGHT]
    return edges[0] if edges else None


def test_a_right_is_drawn_active_while_it_held_and_ended_after():
    assert _right(as_of="2018-06-01") is None  # before 2019
    assert _right(as_of="2024-06-01")["label"] == "right-of-first-refusal"
    ended = _right(as_of="2026-01-01")
    assert ended["label"] == "right-of-first-refusal (ended)" and ended["status"] == "ended"


def test_knowledge_time_cuts_relationships_by_their_documents():
    assert _right(known_at="2025-10-01") is None  # 001 was published in November 2025
    assert _right(known_at="2025-12-01") is not None
