"""Trace money from an entity hop by hop, downstream (payer -> payee) or upstream.

The trace starts from the entity's whole corporate group (money leaving AWS is Amazon's
money leaving). Each hop lists the flows crossed with their amounts; ``reached`` gives,
for every entity reached, the money arriving over traced flows, bucket by bucket (see
:mod:`dealgraph.graph.money`), and the hop at which it was first reached.

>>> from dealgraph import open_graph
>>> t = trace(open_graph(), "amazon", depth=1)
>>> t.reached["openai"].money.committed, t.reached["openai"].money.announced
(0, 50000000000)
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Literal

from .flows import flows as all_flows
from .groups import group_map
from .money import countable, parse_as_of, tally
from .results import Flow, Trace, TraceHop
from .timeline import Date

if TYPE_CHECKING:  # pragma: no cover
    from .knowledge_graph import KnowledgeGraph

__all__ = ["trace"]


def trace(
    kg: KnowledgeGraph,
    entity: str,
    depth: int = 2,
    direction: Literal["down", "up"] = "down",
    as_of: Date = None,
    known_at: Date = None,
    include_announced: bool = False,
) -> Trace:
    """Follow money from ``entity``'s group ``depth`` hops ``down`` (to payees) or ``up``.

    ``include_announced`` counts announced money as committed in ``reached``.
    """
    if direction not in ("down", "up"):
        raise ValueError("direction must be 'down' or 'up'")
    if depth < 1:
        raise ValueError("depth must be at least 1")
    kg.require_entity(entity)
    groups = group_map(kg)
    start = {n for n, gr in groups.items() if gr == groups.get(entity, entity)} | {entity}
    near, far = ("payer", "payee") if direction == "down" else ("payee", "payer")
    by_near: dict[str, list[Flow]] = defaultdict(list)
    for f in countable(all_flows(kg, as_of=as_of, known_at=known_at)):
        by_near[getattr(f, near)].append(f)
    hops, arriving, first_hop = _walk(start, by_near, far, depth)
    reached = {
        n: {
            "entity": n,
            "group": groups.get(n, n),
            "hop": first_hop.get(n, 0),
            "money": tally(fs, include_announced),
            "deal_ids": [f.id for f in fs],
        }
        for n, fs in sorted(arriving.items())
    }
    return Trace(
        entity=entity,
        start=sorted(start),
        direction=direction,
        depth=depth,
        as_of=parse_as_of(as_of),
        known_at=parse_as_of(known_at, "known-at"),
        hops=hops,
        reached=reached,
    )


def _walk(
    start: set[str], by_near: dict[str, list[Flow]], far: str, depth: int
) -> tuple[list[TraceHop], dict[str, list[Flow]], dict[str, int]]:
    """Breadth-first over flows from ``start``: the hops, flows arriving per entity, first hops.

    Each flow is crossed once; an entity is expanded at the hop it is first reached.
    """
    frontier, seen = set(start), set(start)
    hops: list[TraceHop] = []
    arriving: dict[str, list[Flow]] = defaultdict(list)
    first_hop: dict[str, int] = {}
    used: set[str] = set()
    for hop in range(1, depth + 1):
        crossed = [f for n in sorted(frontier) for f in by_near.get(n, []) if f.id not in used]
        if not crossed:
            break
        nxt = set()
        for f in crossed:
            used.add(f.id)
            there = getattr(f, far)
            arriving[there].append(f)
            if there not in seen:
                nxt.add(there)
                first_hop.setdefault(there, hop)
        hops.append(TraceHop(hop=hop, flows=crossed))
        seen |= nxt
        frontier = nxt
    return hops, arriving, first_hop
