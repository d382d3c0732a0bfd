"""The money map the explorer opens on: entities, corporate groups as compound nodes, and deals.

On a small store (:meth:`~dealgraph.graph.knowledge_graph.KnowledgeGraph.is_small`) the map
holds every entity and every countable deal; a corporate group with members on the map is a
compound node (``is_group``) and its members name it as their ``parent`` (Amazon holds AWS,
Annapurna Labs and Amazon Bedrock). Loop edges are the deals of the vendor-financed loops
(:func:`~dealgraph.graph.loops.vendor_financed_loops`), dashed edges the money that is not
committed, as in every export (:mod:`~dealgraph.graph.picture`).

On a large store the map is read from the lean edge table (:mod:`~dealgraph.graph.edge_table`),
never the whole projection: the ``top`` corporate groups by money (each deal's headline total
once for its payer's group and once for its payee's), the :data:`MAX_EDGES` largest deals among
them, and full flows for those deals only; loop edges are then the loops among the deals
drawn (:func:`~dealgraph.graph.loops.find_loops` on them).

Each edge carries ``valid_from`` (when it counts on valid time) and ``known_from`` (when its
first source was published), so a page can replay the map through time without asking again
(:meth:`~dealgraph.graph.timeline.Timeline.deal`'s rules: an edge counts on ``as_of`` when
``valid_from`` is null or not after it, on ``known_at`` when ``known_from`` is).

>>> from dealgraph import open_graph
>>> m = money_map(open_graph())
>>> {n.id: n.parent for n in m.nodes if n.parent == "amazon"}
{'amazon-bedrock': 'amazon', 'annapurna-labs': 'amazon', 'aws': 'amazon'}
>>> m.total_entities == m.shown_entities
True
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import networkx as nx

from .edge_table import INVESTMENT_KINDS, EdgeTable, deal_flows, edge_table, lean_groups
from .flows import flows as all_flows
from .groups import group_map
from .loops import find_loops, vendor_financed_loops
from .money import bucket, countable, quantities_text
from .picture import ROLE_COLORS, amount_label, clean_text, role_of
from .projection import ENTITY_QUERY, add_entities, headline_amount
from .results import Flow, MapEdge, MapNode, MoneyMap
from .timeline import Date, Timeline

if TYPE_CHECKING:  # pragma: no cover
    from .knowledge_graph import KnowledgeGraph

__all__ = ["money_map", "MAX_EDGES", "TOP"]

#: the groups a large store's map shows by default
TOP = 60
#: the most deals a large store's map draws (the largest among the top groups)
MAX_EDGES = 200


def money_map(kg: KnowledgeGraph, as_of: Date = None, known_at: Date = None, top: int = TOP) -> MoneyMap:
    """The money map on the timelines ``as_of``/``known_at`` (see the module docstring).

    >>> from dealgraph import open_graph
    >>> m = money_map(open_graph(), as_of="2025-12-31")
    >>> [e.amount_text for e in m.edges if e.deal == "amazon-anthropic-investment-prior"]
    ['$8B']
    """
    cut = Timeline.of(as_of, known_at)
    if kg.is_small():
        flows = countable(all_flows(kg, as_of=cut.as_of, known_at=cut.known_at))
        loops = vendor_financed_loops(kg, as_of=cut.as_of, known_at=cut.known_at)
        in_loops = {d for lp in loops for d in lp.deal_ids}
        nodes = {n: d for n, d in kg.nx().nodes(data=True)}
        return _map(kg, flows, in_loops, nodes, group_map(kg), len(nodes), len(flows))
    table = edge_table(kg, claims=True)
    groups = lean_groups(kg)
    rows = table.countable(cut)
    shown_groups, kept = _top(table, rows, groups, cut, top)
    full = deal_flows(kg, (table.ids[i] for i in kept), cut)
    flows = [full[table.ids[i]] for i in kept if table.ids[i] in full]
    in_loops = _loop_deals(table, kept, groups)
    ends = {x for f in flows for x in (f.payer, f.payee)} | shown_groups
    nodes = _lean_nodes(kg, ends)
    return _map(
        kg, flows, in_loops, nodes, groups, kg.memo("entity count", lambda: _entity_count(kg)), len(rows)
    )


def _map(
    kg: KnowledgeGraph,
    flows: list[Flow],
    in_loops: set[str],
    nodes: dict[str, dict[str, Any]],
    groups: dict[str, str],
    total_entities: int,
    total_deals: int,
) -> MoneyMap:
    """The map of ``flows`` between ``nodes`` (entity id -> its projection data)."""
    table = edge_table(kg)
    edges = [_edge(f, f.id in in_loops, table) for f in flows if _finite(f.amount)]
    money: dict[str, Any] = defaultdict(int)
    for e, f in zip(edges, (f for f in flows if _finite(f.amount)), strict=True):
        if e.bucket == "committed" and f.amount is not None and f.rate is None:
            money[e.source] += f.amount
            money[e.target] += f.amount
    parents = {n: groups.get(n, n) for n in nodes if groups.get(n, n) != n and groups.get(n, n) in nodes}
    out = [
        MapNode(
            id=n,
            label=clean_text(d.get("name", n)),
            type=d.get("type", "organization"),
            role=role_of(d),
            color=ROLE_COLORS.get(role_of(d), ROLE_COLORS["organization"]),
            parent=parents.get(n),
            is_group=n in set(parents.values()),
            money=money.get(n, 0),
        )
        for n, d in sorted(nodes.items())
    ]
    return MoneyMap(
        nodes=out,
        edges=edges,
        valid_dates=sorted({e.valid_from for e in edges if e.valid_from}),
        known_dates=sorted({e.known_from for e in edges if e.known_from}),
        total_entities=total_entities,
        shown_entities=len(out),
        total_deals=total_deals,
        shown_deals=len(edges),
    )


def _finite(amount: Any) -> bool:
    """Whether a flow can be drawn: no figure, or a finite one (as the exports draw them)."""
    return amount is None or math.isfinite(amount)


def _edge(f: Flow, in_loop: bool, table: EdgeTable) -> MapEdge:
    """One deal as a map edge, with the dates it counts from on both timelines."""
    b = bucket(f)
    i = table.index.get(f.id)
    text = amount_label(f) if f.amount is not None else quantities_text(f.quantities) or "undisclosed"
    return MapEdge(
        id=f.id,
        source=f.payer,
        target=f.payee,
        deal=f.id,
        kind=f.kind,
        amount=f.amount,
        amount_text=clean_text(text),
        bucket=b,
        dashed=b in ("contingent", "upper_bound", "announced"),
        in_loop=in_loop,
        valid_from=None if i is None else (table.date[i] or table.first_pub[i]),
        known_from=None if i is None else (table.known_from[i] or None),
    )


def _total(table: EdgeTable, i: int, cut: Timeline) -> float:
    """Deal ``i``'s headline total on ``cut`` (0 without one, for a rate, or when not committed)."""
    if table.status[i] is not None or not table.claims:
        return 0.0
    known = [{"value": v, "rate": r, "published": p} for v, r, p in table.claims.get(i, []) if cut.known(p)]
    head = headline_amount([c for c in known if c["rate"] is None])
    value = float(head["value"]) if head else 0.0
    return value if math.isfinite(value) else 0.0


def _top(
    table: EdgeTable, rows: list[int], groups: dict[str, str], cut: Timeline, top: int
) -> tuple[set[str], list[int]]:
    """The ``top`` groups by money on ``cut`` and the :data:`MAX_EDGES` largest deals among them."""
    money: dict[str, float] = defaultdict(float)
    amount = {}
    for i in rows:
        ga, gb = groups.get(table.payer[i], table.payer[i]), groups.get(table.payee[i], table.payee[i])
        amount[i] = _total(table, i, cut)
        money[ga] += amount[i]
        if gb != ga:
            money[gb] += amount[i]
    shown = set(sorted(money, key=lambda g: (-money[g], g))[:top])
    among = [
        i
        for i in rows
        if groups.get(table.payer[i], table.payer[i]) in shown
        and groups.get(table.payee[i], table.payee[i]) in shown
    ]
    among.sort(key=lambda i: (-amount[i], table.ids[i]))
    return shown, among[:MAX_EDGES]


def _loop_deals(table: EdgeTable, rows: Iterable[int], groups: dict[str, str]) -> set[str]:
    """The deals among ``rows`` that close a vendor-financed loop among themselves (group level)."""
    edges: dict[tuple[str, str], list[int]] = defaultdict(list)
    investments: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i in rows:
        ga, gb = groups.get(table.payer[i], table.payer[i]), groups.get(table.payee[i], table.payee[i])
        if ga != gb:
            edges[(ga, gb)].append(i)
            if table.kind[i] in INVESTMENT_KINDS:
                investments[(ga, gb)].append(i)
    found = set()
    for path in find_loops(edges, investments):
        found |= {table.ids[i] for i in investments[(path[0], path[1])]}
        for a, b in zip(path[1:], path[2:], strict=False):
            found |= {table.ids[i] for i in edges[(a, b)]}
    return found


def _lean_nodes(kg: KnowledgeGraph, ids: set[str]) -> dict[str, dict[str, Any]]:
    """Entity id -> name, type and roles for ``ids`` only (asked of the store for them alone)."""
    g = nx.MultiDiGraph()
    add_entities(g, kg, ids)
    return {n: dict(g.nodes[n]) if n in g else {"name": n} for n in ids}


#: how many entities the store holds (the entities of the projection, counted by the store)
_ENTITY_COUNT = ENTITY_QUERY.replace("SELECT ?e ?name ?type ?parent", "SELECT (COUNT(?e) AS ?n)").replace(
    "  OPTIONAL { ?e dg:subsidiaryOf ?parent }\n", ""
)


def _entity_count(kg: KnowledgeGraph) -> int:
    return int(kg.rows(_ENTITY_COUNT)[0]["n"])
