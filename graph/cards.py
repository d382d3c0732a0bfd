"""Entity cards and the list of sources, each claim with its evidence.

>>> from dealgraph import open_graph
>>> kg = open_graph()
>>> card = entity_card(kg, "aws")
>>> card.name, card.group
('Amazon Web Services', 'amazon')
>>> try:
...     entity_card(kg, "amazn")
... except UnknownEntityError as exc:
...     print(exc)
unknown entity 'amazn' (did you mean 'amazon'?)
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .flows import flag_tranche_sums, flow_of_edge
from .projection import (
    MEASURES,
    date_fields,
    dated,
    evidence_item,
    evidence_of,
    evidence_query,
    evidence_ref,
    iso,
    num,
    optional,
)
from .results import Deal, EntityCard, Observation, Source
from .timeline import Date, Timeline

if TYPE_CHECKING:  # pragma: no cover
    from .knowledge_graph import KnowledgeGraph

__all__ = [
    "UnknownIdError",
    "UnknownEntityError",
    "UnknownDealError",
    "DealNotOnDatesError",
    "deal_card",
    "close_matches",
    "entity_card",
    "observations",
    "sources",
    "group_of",
    "group_members",
    "entity_texts",
]


def close_matches(name: str, known: Iterable[str]) -> list[str]:
    """Up to three of ``known`` that look like ``name`` (for "did you mean" hints).

    >>> close_matches("amazn", ["amazon", "aws", "openai"])
    ['amazon']
    """
    return difflib.get_close_matches(name, list(known), n=3, cutoff=0.6)


class UnknownIdError(LookupError):
    """An id that is not in the graph; ``suggestions`` holds close matches."""

    what = "id"

    def __init__(self, unknown: str, known: Iterable[str]):
        self.unknown = unknown
        self.suggestions = close_matches(unknown, known)
        hint = ""
        if self.suggestions:
            hint = " (did you mean " + " or ".join(repr(s) for s in self.suggestions) + "?)"
        super().__init__(f"unknown {self.what} {unknown!r}{hint}")

    def __str__(self) -> str:
        return self.args[0]


class UnknownEntityError(UnknownIdError):
    """An entity id that is not in the graph; ``suggestions`` holds close matches.

    Raised by :meth:`KnowledgeGraph.require_entity <dealgraph.graph.KnowledgeGraph.require_entity>`,
    the one check every analytic, the CLI and the API make.
    """

    what = "entity"

    @property
    def entity_id(self) -> str:
        return self.unknown


class UnknownDealError(UnknownIdError):
    """A deal id that is not in the graph (see :func:`deal_card`)."""

    what = "deal"


def deal_card(kg: KnowledgeGraph, deal_id: str, as_of: Date = None, known_at: Date = None) -> Deal:
    """One deal with every amount claim side by side, its tranches and all its evidence.

    A total that its tranches (or its documents) dispute carries its ``disagreement``.
    ``as_of`` and ``known_at`` cut it on the two timelines (:mod:`~dealgraph.graph.timeline`).

    >>> from dealgraph import open_graph
    >>> d = deal_card(open_graph(), "openai-oracle-compute")
    >>> sorted(a.value for a in d.amounts), d.disagreement
    ([30000000000, 300000000000], 'contradictory')
    >>> [a.value for a in deal_card(open_graph(), "openai-oracle-compute", known_at="2026-04-13").amounts]
    [300000000000]
    >>> deal_card(open_graph(), "openai-oracle")
    Traceback (most recent call last):
    ...
    dealgraph.graph.cards.UnknownDealError: unknown deal 'openai-oracle' (did you mean ...?)
    """
    cut = Timeline.of(as_of, known_at)
    edges = [(u, v, k, d) for u, v, k, d in kg.nx().edges(keys=True, data=True) if d.get("edge") == "money"]
    for u, v, key, data in edges:
        if key != deal_id:
            continue
        flow = flow_of_edge(u, v, key, data, cut)
        if flow is None:
            raise DealNotOnDatesError(deal_id, cut)
        parts = [flow_of_edge(a, b, k, d, cut) for a, b, k, d in edges if d.get("part_of") == deal_id]
        shown = [p for p in parts if p is not None]
        flag_tranche_sums([flow, *shown])  # a total its tranches disagree with says so
        evidence = [s for s in data["sources"] if cut.known(s["published"])]
        tranches = sorted(p["id"] for p in shown)
        return Deal.model_validate(flow | {"tranches": tranches, "all_sources": evidence})
    raise UnknownDealError(deal_id, kg.deal_ids())


class DealNotOnDatesError(LookupError):
    """A deal that exists but does not count on the dates asked (see :func:`deal_card`)."""

    def __init__(self, deal_id: str, cut: Timeline):
        dates = ", ".join(f"{n} {v}" for n, v in (("as of", cut.as_of), ("known at", cut.known_at)) if v)
        super().__init__(f"deal {deal_id!r} does not count on the dates asked ({dates})")
        self.suggestions: list[str] = []

    def __str__(self) -> str:
        return self.args[0]


_OBSERVATION_FIELDS = ("period", "basis", "forecast", "segment", "counterparty", "attributedTo", "note")

OBSERVATION_QUERY = f"""
SELECT ?o ?subject ?metric ?value ?upper ?unit ?bound ?rate ?asOf ?asOfPrecision ?asOfInferred
       ?period ?basis ?forecast ?segment ?counterparty ?attributedTo ?note ?doc ?published ?quote ?unverified
WHERE {{
  ?o a dg:Observation ; dg:subject ?subject ; dg:metric ?metric ; dg:value ?value ; dg:unit ?unit .
  {evidence_of("?o")}
  {optional("?o", "upperValue ?upper", "bound ?bound", "rate ?rate")}
  {dated("?o", "asOf")}
  {optional("?o", *(f"{p} ?{p}" for p in _OBSERVATION_FIELDS))}
}}"""

RELATIONSHIP_EVIDENCE_QUERY = evidence_query("?r", "Relationship")


def relationship_sources(kg: KnowledgeGraph) -> dict[str, list[dict[str, Any]]]:
    """Relationship id -> its sources (document, quote, published), computed once per load."""

    def compute() -> dict[str, list[dict[str, Any]]]:
        by_rel: dict[str, list[dict[str, Any]]] = {}
        for row in kg.rows(RELATIONSHIP_EVIDENCE_QUERY):
            by_rel.setdefault(row["r"], []).append(evidence_item(row))
        for srcs in by_rel.values():  # a stable order whatever store answered
            srcs.sort(key=lambda x: (x["document"], x["quote"]))
        return by_rel

    return kg.memo("relationship_sources", compute)


SOURCES_QUERY = f"""
SELECT ?s ?doc ?title ?publisher ?published ?publishedPrecision ?publishedInferred ?url ?note ?unverified
WHERE {{
  ?s a dg:Source ; dg:document ?doc ; dg:title ?title .
  {dated("?s", "published")}
  {optional("?s", "publisher ?publisher", "url ?url", "note ?note", "unverified ?unverified")}
}}"""

CLAIMS_QUERY = f"""
SELECT DISTINCT ?doc ?claim ?quote WHERE {{
  {evidence_of("?node")}
  OPTIONAL {{ ?owner {"|".join("dg:" + p for p in ("amount", *MEASURES))} ?node }}
  BIND(COALESCE(?owner, ?node) AS ?claim)
}}"""


def observations(kg: KnowledgeGraph, subject: str | None = None) -> list[Observation]:
    """Every observation (of ``subject`` if given), each with its sources.

    The observations are read once per load and kept (:meth:`KnowledgeGraph.memo`); callers
    get copies they may change.
    """
    every = kg.memo("observations", lambda: [Observation.model_validate(o) for o in _all_observations(kg)])
    return [o.model_copy(deep=True) for o in every if subject is None or o.subject == subject]


def _all_observations(kg: KnowledgeGraph) -> list[dict[str, Any]]:
    """Every observation with its sources; ``published`` is the earliest publication date of
    the documents it rests on (an observation a store holds from two loads, or an RDF file
    gives evidence from two documents, was known from the first), as for amount claims."""
    by_id: dict[str, dict[str, Any]] = {}
    for row in kg.rows(OBSERVATION_QUERY):
        o = by_id.setdefault(
            row["o"],
            {
                "id": row["o"],
                "subject": row["subject"],
                "metric": row["metric"],
                "value": num(row["value"]),
                "upper": num(row["upper"]),
                "unit": str(row["unit"]),
                "bound": row["bound"],
                "rate": row["rate"],
                **date_fields(row, "asOf", "as_of"),
                "period": row["period"],
                "basis": row["basis"],
                "forecast": bool(row["forecast"]),
                "segment": row["segment"],
                "counterparty": row["counterparty"],
                "attributed_to": row["attributedTo"],
                "note": row["note"],
                "published": None,
                "sources": [],
            },
        )
        o["published"] = min(filter(None, (o["published"], iso(row["published"]))), default=None)
        src = evidence_ref(evidence_item(row))
        if src not in o["sources"]:
            o["sources"].append(src)
    for o in by_id.values():  # a stable order whatever store answered
        o["sources"].sort(key=lambda x: (x["document"], x["quote"]))
    return sorted(
        by_id.values(),
        key=lambda o: (o["subject"], o["metric"], o["as_of"] or str(o["period"] or ""), o["id"]),
    )


def group_of(kg: KnowledgeGraph, entity_id: str) -> str:
    """The top of ``entity_id``'s corporate group (itself when it has no parent)."""
    return kg.nx().nodes[entity_id]["group"]


def group_members(kg: KnowledgeGraph, group: str) -> list[str]:
    """Every entity whose corporate group is ``group``."""

    def index() -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for n, d in kg.nx().nodes(data=True):
            out.setdefault(d.get("group"), []).append(n)
        return {k: sorted(v) for k, v in out.items()}

    return list(kg.memo("group-members", index).get(group, []))


TEXTS_QUERY = """
SELECT ?e ?alias ?description WHERE {
  ?e rdfs:label ?name .
  OPTIONAL { ?e dg:alias ?alias }
  OPTIONAL { ?e dg:description ?description }
  FILTER(BOUND(?alias) || BOUND(?description))
}"""


def entity_texts(kg: KnowledgeGraph) -> dict[str, dict[str, Any]]:
    """Aliases and description of every entity that has them, read once per load.

    One query, not one per entity: on a remote store each lookup is a round trip.
    """

    def read() -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for row in kg.rows(TEXTS_QUERY):
            t = out.setdefault(row["e"], {"aliases": set(), "description": None})
            if row["alias"] is not None:
                t["aliases"].add(str(row["alias"]))
            if row["description"] is not None:
                t["description"] = str(row["description"])
        return {e: {"aliases": sorted(t["aliases"]), "description": t["description"]} for e, t in out.items()}

    return kg.memo("entity-texts", read)


def entity_card(kg: KnowledgeGraph, entity_id: str, as_of: Date = None, known_at: Date = None) -> EntityCard:
    """Everything about one entity: types, names, group, relationships, deals, observations.

    ``as_of`` and ``known_at`` cut them on the two timelines (:mod:`~dealgraph.graph.timeline`).
    """
    cut = Timeline.of(as_of, known_at)
    kg.require_entity(entity_id)
    g = kg.nx()
    node = g.nodes[entity_id]
    texts = entity_texts(kg).get(entity_id, {"aliases": [], "description": None})
    rel_sources = relationship_sources(kg)
    relationships, deals = [], []
    for direction, edges in (
        ("out", g.out_edges(entity_id, keys=True, data=True)),
        ("in", g.in_edges(entity_id, keys=True, data=True)),
    ):
        for u, v, key, data in edges:
            other = v if direction == "out" else u
            if data["edge"] == "money":
                f = flow_of_edge(u, v, key, data, cut)
                if f is not None:
                    deals.append(f | {"direction": direction, "counterparty": other})
            elif (rel := card_relationship(data, rel_sources.get(data["relationship"], []), cut)) is not None:
                relationships.append(
                    rel | {"direction": direction, "subject": u, "object": v, "counterparty": other}
                )
    relationships.sort(key=lambda r: (r["kind"], r["direction"], r["counterparty"]))
    flag_tranche_sums(deals)  # a total its tranches disagree with says so here too
    deals.sort(key=lambda d: (-(d["amount"] or 0), d["id"]))
    group = node["group"]
    return EntityCard.model_validate(
        {
            "id": entity_id,
            "name": node["name"],
            "type": node["type"],
            "roles": node["roles"],
            "aliases": texts["aliases"],
            "description": texts["description"],
            "group": group,
            "group_members": group_members(kg, group),
            "relationships": relationships,
            "deals": deals,
            "observations": [o for o in observations(kg, entity_id) if cut.observation(o)],
        }
    )


def card_relationship(
    data: dict[str, Any], sources: list[dict[str, Any]], cut: Timeline
) -> dict[str, Any] | None:
    """A structural edge's card fields on ``cut`` (None when it does not count then).

    It counts from its start (:meth:`Timeline.relationship`); its status is the one on
    ``cut.as_of`` (an ended relationship shows as active before its end); ``inferred`` is the
    reasoning of a relationship no quote states.

    >>> edge = {"relationship": "microsoft--right-of-first-refusal--openai", "kind": "right-of-first-refusal",
    ...     "status": "ended", "start": "2019-01-01", "end": "2025-01-24", "inferred": None}
    >>> src = [{"document": "001.txt", "quote": "q", "published": None}]
    >>> card_relationship(edge, src, Timeline.of(as_of="2024-06-01"))["status"]
    'active'
    >>> card_relationship(edge, src, Timeline.of(as_of="2018-06-01")) is None
    True
    """
    kept = cut.relationship(sources, data["start"])
    if kept is None:
        return None
    return {
        "id": data["relationship"],
        "kind": data["kind"],
        "status": cut.relationship_status(data["status"], data["end"]),
        "start": data["start"],
        "end": data["end"],
        "inferred": data["inferred"],
        "sources": [evidence_ref(s) for s in kept],
    }


def sources(kg: KnowledgeGraph) -> list[Source]:
    """The source documents, each with the claims (ids and quotes) that rest on it."""
    claims: dict[str, list[dict[str, str]]] = {}
    for row in kg.rows(CLAIMS_QUERY):
        claims.setdefault(str(row["doc"]), []).append({"id": row["claim"], "quote": str(row["quote"])})
    out = []
    for row in kg.rows(SOURCES_QUERY):
        doc = str(row["doc"])
        out.append(
            {
                "document": doc,
                "title": str(row["title"]),
                "publisher": row["publisher"],
                **date_fields(row, "published", "published"),
                "url": row["url"],
                "note": row["note"],
                "unverified": bool(row["unverified"]),
                "claims": sorted(claims.get(doc, []), key=lambda c: (c["id"], c["quote"])),
            }
        )
    return [Source.model_validate(s) for s in sorted(out, key=lambda s: s["document"])]
