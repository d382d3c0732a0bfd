"""Scoped views: the part of the graph an answer about one entity reads.

:func:`project_scope` projects an entity's neighbourhood only: the entity's corporate group
(found by ``subsidiaryOf`` up and down, with the platforms and products the members
``offer``), the money edges touching it, expanded ``hops`` times along the money, and the
structural edges touching every entity it holds. The queries bind the entities with
``VALUES`` on ``?payer``/``?payee``/``?s``/``?o`` (indexed by Oxigraph, pushed down to a
remote store), so the cost follows the neighbourhood, not the store.

A :class:`~dealgraph.graph.knowledge_graph.Scope` wraps such a projection so that the
analytics (entity cards, flows, trace, exposure, paths, share) take it in place of the
:class:`KnowledgeGraph`: its ``nx()`` is the neighbourhood, and the per-entity lookups they
make (aliases, relationship evidence, observations) are restricted to the entities and relationships it holds.

>>> from dealgraph import open_graph
>>> kg = open_graph()
>>> scope = kg.scoped(["aws"])
>>> from dealgraph.graph.groups import group_map
>>> sorted(n for n, top in group_map(scope).items() if top == "amazon")[:3]
['amazon', 'amazon-bedrock', 'annapurna-labs']
>>> scope.entity("aws") == kg.entity("aws")
True
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal

import networkx as nx

from ..ontology.namespace import deal_iri, entity_iri
from .projection import (
    RELATIONSHIP_PATTERN,
    STRUCTURE_PARTS,
    STRUCTURE_SELECT,
    add_deals,
    add_entities,
    add_structure,
    entity_rows,
    select_in,
    term,
)

if TYPE_CHECKING:  # pragma: no cover
    from .knowledge_graph import KnowledgeGraph

__all__ = ["project_scope", "project_paths", "entity_terms", "Direction", "ALL_DEALS_QUERY"]

#: Which money edges a ring of the neighbourhood follows: paid, received, or both.
Direction = Literal["out", "in", "both"]

OUT_QUERY = "SELECT ?d ?x WHERE { ?d dg:payer ?e ; dg:payee ?x . ?d a dg:Deal }"
IN_QUERY = "SELECT ?d ?x WHERE { ?d dg:payee ?e ; dg:payer ?x . ?d a dg:Deal }"
CHILD_QUERY = "SELECT ?x WHERE { ?x dg:subsidiaryOf ?e }"
PARTS_QUERY = "SELECT ?x WHERE { ?x dg:partOf ?d }"
PARENT_QUERY = "SELECT ?x WHERE { ?d dg:partOf ?x }"
#: Who offers a platform or product (the structural rows of ``offers`` relationships).
OFFERS_QUERY = f"{STRUCTURE_SELECT} {{ VALUES ?p {{ dg:offers }} {RELATIONSHIP_PATTERN} }}"
ALL_DEALS_QUERY = "SELECT ?d WHERE { ?d a dg:Deal ; dg:payer ?payer }"


def entity_terms(ids: Iterable[str]) -> list[str]:
    """The SPARQL terms (IRIs) of entity ids."""
    return [term(str(entity_iri(e))) for e in ids]


class _Builder:
    """Collects the deals, entities and structural rows of a neighbourhood."""

    def __init__(self, kg: KnowledgeGraph):
        self.kg = kg
        self.deals: set[str] = set()
        self.entities: set[str] = set()
        self.structured: set[str] = set()
        self.structure: dict[tuple[Any, ...], dict[str, Any]] = {}

    def closure(self, ids: set[str]) -> set[str]:
        """``ids`` with their whole corporate groups (and what the members offer)."""
        parents = {row["e"]: row["parent"] for row in entity_rows(self.kg, ids) if row["parent"]}
        tops = set()
        for e in ids:
            seen = {e}
            while e in parents and parents[e] not in seen:
                e = parents[e]
                seen.add(e)
            tops.add(e)
        members, todo = set(tops) | ids, set(tops)
        while todo:
            todo = {r["x"] for r in select_in(self.kg, CHILD_QUERY, "?e", entity_terms(todo))} - members
            members |= todo
        offered = {r["o"] for r in self.structures(members) if r["p"] == "offers"}
        self.structures(offered - members)
        self.entities |= members | offered
        return members | offered

    def structures(self, ids: set[str]) -> list[dict[str, Any]]:
        """The structural rows touching ``ids`` (each entity's read once)."""
        new = ids - self.structured
        self.structured |= new
        terms = entity_terms(new)
        rows = [
            row for q in STRUCTURE_PARTS for var in ("?s", "?o") for row in select_in(self.kg, q, var, terms)
        ]
        for row in rows:
            self.structure.setdefault((row["s"], row["p"], row["o"], row["r"]), row)
            self.entities |= {row["s"], row["o"]}
        return [r for r in self.structure.values() if r["s"] in ids or r["o"] in ids]

    def money(self, ids: set[str], direction: Direction) -> set[str]:
        """Record the deals touching ``ids`` (paid, received or both); return the counterparties."""
        queries = {"out": [OUT_QUERY], "in": [IN_QUERY], "both": [OUT_QUERY, IN_QUERY]}[direction]
        rows = [row for q in queries for row in select_in(self.kg, q, "?e", entity_terms(ids))]
        self.deals |= {row["d"] for row in rows}
        return {row["x"] for row in rows}

    def graph(self) -> nx.MultiDiGraph:
        """The projection of what was collected, with the tranches and totals of its deals."""
        terms = [term(str(deal_iri(d))) for d in self.deals]
        parents = {r["x"] for r in select_in(self.kg, PARENT_QUERY, "?d", terms)}
        both = terms + [term(str(deal_iri(d))) for d in parents - self.deals]
        self.deals |= parents | {r["x"] for r in select_in(self.kg, PARTS_QUERY, "?d", both)}
        g = nx.MultiDiGraph()
        ends = add_deals(g, self.kg, sorted(term(str(deal_iri(d))) for d in self.deals))
        # who offers a platform or product held: it belongs to that organization's group
        lone = entity_terms((ends | self.entities) - self.structured)
        for row in select_in(self.kg, OFFERS_QUERY, "?o", lone):
            self.structure.setdefault((row["s"], row["p"], row["o"], row["r"]), row)
            self.entities.add(row["s"])
        add_entities(g, self.kg, ends | self.entities)
        add_structure(g, self.structure.values())
        return g


def project_scope(
    kg: KnowledgeGraph,
    entity_ids: Iterable[str],
    hops: int = 0,
    direction: Direction = "both",
    rivals: bool = False,
    structure_links: bool = False,
    deals: Iterable[str] = (),
) -> nx.MultiDiGraph:
    """The neighbourhood of ``entity_ids`` (see module docstring) as a projection.

    Ring 0 is the entities' corporate groups with the money edges touching them (in
    ``direction``); each of ``hops`` more rings holds the counterparties reached and their
    money edges (``structure_links``: structural neighbours count as reached too). Every
    entity held brings its structural edges; ``rivals`` adds the corporate groups of ring
    0's counterparties, money or structural (their members, roles and ties: who competes
    with whom). ``deals`` are held too (with their endpoints).

    >>> from dealgraph import open_graph
    >>> g = project_scope(open_graph(), ["openai"])
    >>> g.has_edge("openai", "aws"), g.nodes["aws"]["group"]
    (True, 'amazon')
    """
    b = _Builder(kg)
    b.deals |= set(deals)
    first = _expand(b, set(entity_ids), hops, direction, structure_links or rivals)
    if rivals:
        b.structures(b.closure(first))
    return b.graph()


def project_paths(kg: KnowledgeGraph, a: str, b: str, max_length: int, any_edge: bool) -> nx.MultiDiGraph:
    """What the paths of at most ``max_length`` edges from ``a`` to ``b`` can use.

    The first half of such a path leaves ``a`` within ``ceil(max_length / 2) - 1`` hops, the
    rest reaches ``b`` within ``floor(max_length / 2) - 1`` hops: the union of the two
    neighbourhoods holds every path (money edges in their direction; with ``any_edge``
    money and structural edges either way).

    >>> from dealgraph import open_graph
    >>> g = project_paths(open_graph(), "microsoft", "aws", 3, False)
    >>> g.has_edge("microsoft", "openai") and g.has_edge("openai", "aws")
    True
    """
    builder = _Builder(kg)
    out: Direction = "both" if any_edge else "out"
    back: Direction = "both" if any_edge else "in"
    _expand(builder, {a}, (max_length + 1) // 2 - 1, out, any_edge)
    _expand(builder, {b}, max_length // 2 - 1, back, any_edge)
    return builder.graph()


def _expand(b: _Builder, ids: set[str], hops: int, direction: Direction, structure_links: bool) -> set[str]:
    """Collect ``ids``' groups and ``hops`` + 1 rings of money (none for ``hops`` < 0);
    return the first ring's counterparties."""
    ring = b.closure(ids)
    b.structures(ring)
    first: set[str] = set()
    seen = set(ring)
    for hop in range(hops + 1):
        reached = b.money(ring, direction)
        if structure_links:
            reached |= {e for r in b.structures(ring) for e in (r["s"], r["o"])}
        first = first or reached
        if hop < hops:  # the last ring's offers are read by _Builder.graph
            b.structures(reached)
        ring = reached - seen if hop < hops else set()
        seen |= ring
    return first
