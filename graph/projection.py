"""Build the NetworkX projection of the RDF with SPARQL.

Nodes are entities (attributes: ``name``, ``type``, ``roles``, ``group``). Edges:

* money edges ``payer -> payee`` keyed by deal id, ``edge="money"``, with ``kind``,
  ``status``, ``date``, ``amount`` (the headline figure, see :func:`headline_amount`),
  ``amounts`` (every claim with its source), ``quantities`` (capacity, chip count, shares,
  stake, exercise price, stake value: every claim with its source, never money moved),
  ``chips``, ``conditions`` (what contingent money or a warrant's vesting depends on),
  ``beneficiary``, ``part_of``, ``includes`` and ``sources``;
* structural edges keyed by relationship kind, ``edge="structure"`` (``subsidiary-of``,
  ``distributes``, ``competes-with``, ``operates``, ``supplies`` ...), with ``status``,
  ``start``, ``end`` and ``inferred`` (the reasoning of a relationship no quote states).

Because the projection is built by SPARQL only, the same code works on any store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import networkx as nx
from rdflib import Literal, URIRef

from ..ontology.namespace import deal_iri, entity_iri

if TYPE_CHECKING:  # pragma: no cover
    from .knowledge_graph import KnowledgeGraph

__all__ = [
    "project",
    "project_deals",
    "select_in",
    "term",
    "entity_rows",
    "add_structure",
    "add_entities",
    "add_deals",
    "STRUCTURE_QUERY",
    "STRUCTURE_PARTS",
    "STRUCTURE_SELECT",
    "RELATIONSHIP_PATTERN",
    "BATCH",
    "headline_amount",
    "evidence_of",
    "evidence_query",
    "evidence_item",
    "evidence_ref",
    "optional",
    "dated",
    "ENTITY_QUERY",
    "DEAL_QUERY",
    "AMOUNT_QUERY",
    "FIGURE_QUERY",
    "MEASURES",
]


#: Runs a SELECT and returns its rows (``KnowledgeGraph.rows`` or a restriction of it).
Rows = Callable[[str], list[dict[str, Any]]]


def evidence_of(node: str) -> str:
    """The pattern for ``node``'s evidence: binds ``?doc``, ``?quote``, ``?published`` and ``?unverified``.

    ``?published`` (the document's publication date) stays unbound when it is not known;
    ``?unverified`` is true for a document whose text the data set does not keep.
    Every query that reads evidence uses this one pattern.
    """
    return (
        f"{node} dg:evidence ?ev . ?ev dg:source ?s ; dg:quote ?quote . ?s dg:document ?doc .\n"
        "  OPTIONAL { ?s dg:published ?published }\n  OPTIONAL { ?s dg:unverified ?unverified }"
    )


def optional(node: str, *pairs: str) -> str:
    """One ``OPTIONAL`` pattern a property: ``optional("?a", "rate ?rate")``.

    >>> print(optional("?a", "rate ?rate", "term ?term"))
    OPTIONAL { ?a dg:rate ?rate }
      OPTIONAL { ?a dg:term ?term }
    """
    return "\n  ".join(f"OPTIONAL {{ {node} dg:{pair} }}" for pair in pairs)


def dated(node: str, prop: str) -> str:
    """The optional date ``prop`` of ``node`` with its precision and whether it was inferred.

    Binds ``?{prop}``, ``?{prop}Precision`` and ``?{prop}Inferred`` (read by :func:`date_fields`).
    """
    return (
        f"OPTIONAL {{ {node} dg:{prop} ?{prop} ; dg:{prop}Precision ?{prop}Precision .\n"
        f"             OPTIONAL {{ {node} dg:{prop}Inferred ?{prop}Inferred }} }}"
    )


def date_fields(row: dict[str, Any], prop: str, name: str) -> dict[str, Any]:
    """The fields ``name``, ``name_precision`` and ``name_inferred`` of a :func:`dated` row."""
    return {
        name: iso(row[prop]),
        f"{name}_precision": row[f"{prop}Precision"],
        f"{name}_inferred": bool(row[f"{prop}Inferred"]),
    }


ENTITY_QUERY = """
SELECT ?e ?name ?type ?parent WHERE {
  ?e rdfs:label ?name ; a ?type .
  FILTER(?type IN (dg:Organization, dg:Chip, dg:Facility, dg:Platform, dg:Product, dg:Place))
  OPTIONAL { ?e dg:subsidiaryOf ?parent }
}"""

ROLE_QUERY = """
SELECT ?e ?role WHERE {
  ?e a dg:Organization , ?role .
  FILTER(?role IN (dg:Investor, dg:AiLab, dg:CloudProvider, dg:ChipDesigner, dg:Foundry,
                   dg:ComputeProvider, dg:DataCenterOperator))
}"""

DEAL_QUERY = f"""
SELECT ?d ?payer ?payee ?kind ?status ?date ?datePrecision ?dateInferred ?partOf ?start ?end ?term
WHERE {{
  ?d a dg:Deal ; dg:payer ?payer ; dg:payee ?payee ; dg:kind ?kind .
  {dated("?d", "date")}
  {optional("?d", "status ?status", "partOf ?partOf", "startDate ?start", "endDate ?end", "term ?term")}
}}"""

AMOUNT_QUERY = f"""
SELECT ?d ?a ?value ?upper ?currency ?bound ?rate ?term ?doc ?published ?quote WHERE {{
  ?d a dg:Deal ; dg:amount ?a .
  ?a dg:value ?value ; dg:currency ?currency ; dg:bound ?bound .
  {evidence_of("?a")}
  {optional("?a", "upperValue ?upper", "rate ?rate", "term ?term")}
}}"""


#: The non-money figures of a deal: dg property -> the measure's name in results.
MEASURES = {
    "capacity": "capacity",
    "chipCount": "chip-count",
    "shares": "shares",
    "stake": "stake",
    "exercisePrice": "exercise-price",
    "stakeValue": "stake-value",
}

FIGURE_QUERY = f"""
SELECT ?d ?prop ?q ?value ?upper ?unit ?currency ?bound ?rate ?term ?doc ?published ?quote WHERE {{
  VALUES ?prop {{ {" ".join("dg:" + p for p in MEASURES)} }}
  ?d a dg:Deal ; ?prop ?q .
  ?q dg:value ?value ; dg:bound ?bound .
  {evidence_of("?q")}
  {optional("?q", "upperValue ?upper", "unit ?unit", "currency ?currency", "rate ?rate", "term ?term")}
}}"""

UNVERIFIED_QUERY = "SELECT ?doc WHERE { ?s a dg:Source ; dg:document ?doc ; dg:unverified true }"
CHIP_QUERY = "SELECT ?d ?chip WHERE { ?d a dg:Deal ; dg:chip ?chip }"
CONDITION_QUERY = "SELECT ?d ?condition WHERE { ?d a dg:Deal ; dg:condition ?condition }"
BENEFICIARY_QUERY = "SELECT ?d ?who WHERE { ?d a dg:Deal ; dg:beneficiary ?who }"


def evidence_query(node: str, cls: str) -> str:
    """SELECT ``node``, ``?doc``, ``?published``, ``?quote``: the evidence of every ``dg:{cls}``."""
    return (
        f"SELECT {node} ?doc ?published ?quote ?unverified WHERE {{\n  {node} a dg:{cls} .\n"
        f"  {evidence_of(node)}\n}}"
    )


def evidence_ref(source: dict[str, Any]) -> dict[str, Any]:
    """A source as a result's evidence: document, quote, and ``unverified`` for a document
    whose text the data set does not keep (its quote could not be checked).

    >>> evidence_ref({"document": "a.txt", "published": None, "quote": "q", "unverified": True})
    {'document': 'a.txt', 'quote': 'q', 'unverified': True}
    """
    unverified = bool(source.get("unverified"))
    return {"document": source["document"], "quote": source["quote"], "unverified": unverified}


def evidence_item(row: dict[str, Any]) -> dict[str, Any]:
    """A row of :func:`evidence_query` as ``{"document", "published", "quote", "unverified"}``."""
    return {
        "document": str(row["doc"]),
        "published": iso(row["published"]),
        "quote": str(row["quote"]),
        "unverified": bool(row.get("unverified")),
    }


EVIDENCE_QUERY = evidence_query("?d", "Deal")

INCLUDES_QUERY = "SELECT ?d ?part WHERE { ?d a dg:Deal ; dg:includes ?part }"

#: The structural edges stated as relationships (status, dates, inference basis) ...
RELATIONSHIP_PATTERN = """?r a dg:Relationship ; dg:relSubject ?s ; dg:relPredicate ?p ; dg:relObject ?o .
    OPTIONAL { ?r dg:relationshipStatus ?status }
    OPTIONAL { ?r dg:startDate ?start }
    OPTIONAL { ?r dg:endDate ?end }
    OPTIONAL { ?r dg:inferenceBasis ?inferred }"""

#: ... and the subsidiaries stated as a plain ``subsidiaryOf`` with no relationship.
# "No relationship" is an OPTIONAL left unbound, not a FILTER NOT EXISTS: Virtuoso 7.2 drops a
# FILTER NOT EXISTS that shares its group with an OPTIONAL (tests/graph/test_virtuoso.py), and
# in a group of its own Oxigraph evaluates it over every subsidiary in the store before it
# joins the ``VALUES`` of a scoped query (0.8 s at 1M deals, instead of a lookup).
SUBSIDIARY_PATTERN = """?s dg:subsidiaryOf ?o .
    OPTIONAL { ?r0 dg:relSubject ?s ; dg:relPredicate dg:subsidiaryOf ; dg:relObject ?o }
    FILTER(!BOUND(?r0))
    BIND(dg:subsidiaryOf AS ?p)
    OPTIONAL { ?s dg:subsidiaryOfInferred ?inferred }"""

STRUCTURE_SELECT = "SELECT ?s ?p ?o ?r ?status ?start ?end ?inferred WHERE"

STRUCTURE_QUERY = f"""
{STRUCTURE_SELECT} {{
  {{ {RELATIONSHIP_PATTERN} }}
  UNION
  {{ {SUBSIDIARY_PATTERN} }}
}}"""

#: :data:`STRUCTURE_QUERY` one branch a query: a ``VALUES`` clause (:func:`select_in`) binds
#: the branch itself, where a store joins it first.
STRUCTURE_PARTS = [
    f"{STRUCTURE_SELECT} {{ {pattern} }}" for pattern in (RELATIONSHIP_PATTERN, SUBSIDIARY_PATTERN)
]


def headline_amount(amounts: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The claim a flow shows as its ``amount``.

    Totals (claims without a rate) beat recurring rates; among those, the claim from the
    most recently published source wins (later reporting supersedes earlier), then the
    larger value. All claims stay available in ``amounts``; disagreement is flagged by
    :func:`dealgraph.graph.flows.flows` as ``conflict``.

    >>> headline_amount([{"value": 300, "rate": None, "published": "2025-11-01"},
    ...                  {"value": 30, "rate": None, "published": "2026-04-14"}])["value"]
    30
    >>> headline_amount([{"value": 1, "rate": "per-month", "published": "2026-05-29"},
    ...                  {"value": 45, "rate": None, "published": "2026-05-29"}])["value"]
    45
    >>> headline_amount([]) is None
    True
    """
    if not amounts:
        return None
    return max(
        amounts,
        key=lambda a: (a.get("rate") is None, str(a.get("published") or ""), a["value"]),
    )


def iso(v: Any) -> str | None:
    """A date (or other value) as text; None stays None."""
    if v is None:
        return None
    return v.isoformat() if isinstance(v, dt.date) else str(v)


def num(v: Any) -> int | float | None:
    """A decimal as int when whole, else float; None stays None.

    >>> num(38000000000.0), num(2.52), num(None)
    (38000000000, 2.52, None)
    """
    if v is None:
        return None
    f = float(v)
    return int(f) if f.is_integer() else f


def project(kg: KnowledgeGraph) -> nx.MultiDiGraph:
    """Build the MultiDiGraph view of ``kg`` (see module docstring)."""
    g = nx.MultiDiGraph()
    add_entities(g, kg, None)
    add_deals(g, kg, None)
    add_structure(g, kg.rows(STRUCTURE_QUERY))
    return g


def project_deals(kg: KnowledgeGraph, deal_ids: Iterable[str]) -> nx.MultiDiGraph:
    """The projection of some deals only: their money edges (the same attributes as
    :func:`project`) and their endpoints (name, type, roles, corporate group).

    The queries are :func:`project`'s, restricted with ``VALUES ?d`` (batches of
    :data:`BATCH` ids), so the cost follows the deals asked for, not the store.

    >>> from dealgraph import open_graph
    >>> kg = open_graph()
    >>> deal = next(k for _u, v, k in kg.nx().out_edges("openai", keys=True) if v == "aws")
    >>> g = project_deals(kg, [deal])
    >>> sorted(g.nodes), g.nodes["aws"]["group"]
    (['aws', 'openai'], 'amazon')
    >>> g.edges["openai", "aws", deal] == kg.nx().edges["openai", "aws", deal]
    True
    """
    g = nx.MultiDiGraph()
    ends = add_deals(g, kg, [term(str(deal_iri(d))) for d in sorted(set(deal_ids))])
    add_entities(g, kg, ends)
    return g


#: The most values one ``VALUES`` clause carries (longer lists run as several queries).
BATCH = 500


def term(value: str) -> str:
    """A SPARQL term: an IRI (``http...``) in angle brackets, anything else a string literal.

    >>> term("https://w3id.org/dealgraph/id/entity/aws"), term("synthetic.txt")
    ('<https://w3id.org/dealgraph/id/entity/aws>', '"synthetic.txt"')
    """
    value = str(value)
    node = URIRef(value) if value.startswith(("http://", "https://")) else Literal(value)
    return node.n3()


def select_in(kg: KnowledgeGraph, query: str, var: str, values: Iterable[str] | None) -> list[dict[str, Any]]:
    """The rows of ``query`` with ``var`` bound to one of ``values`` (SPARQL terms, see :func:`term`).

    ``values=None`` runs ``query`` as it is (every row). Otherwise a ``VALUES`` clause goes
    right after the query's first ``WHERE {``, :data:`BATCH` values a query.

    >>> from dealgraph import open_graph
    >>> rows = select_in(open_graph(), ENTITY_QUERY, "?e", [term(str(entity_iri("aws")))])
    >>> [(r["e"], r["parent"]) for r in rows]
    [('aws', 'amazon')]
    """
    if values is None:
        return kg.rows(query)
    items = sorted(set(values))
    head, sep, tail = query.partition("WHERE {")
    out: list[dict[str, Any]] = []
    for i in range(0, len(items), BATCH):
        out.extend(kg.rows(f"{head}{sep}\n  VALUES {var} {{ {' '.join(items[i : i + BATCH])} }}{tail}"))
    return out


def add_structure(g: nx.MultiDiGraph, rows: Iterable[dict[str, Any]]) -> None:
    """Structural edges (rows of :data:`STRUCTURE_QUERY`), keyed by relationship kind."""
    for row in rows:
        kind = row["p"]
        g.add_edge(
            row["s"],
            row["o"],
            key=kind,
            edge="structure",
            kind=kind,
            relationship=row["r"],
            status=row["status"] or ("ended" if row["end"] is not None else "active"),
            start=iso(row["start"]),
            end=iso(row["end"]),
            inferred=str(row["inferred"]) if row["inferred"] is not None else None,
        )


def entity_rows(kg: KnowledgeGraph, ids: Iterable[str] | None) -> list[dict[str, Any]]:
    """Rows of :data:`ENTITY_QUERY` for ``ids`` and every organization above them (``None``: all)."""
    if ids is None:
        return kg.rows(ENTITY_QUERY)
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    todo = set(ids)
    while todo:
        seen |= todo
        found = select_in(kg, ENTITY_QUERY, "?e", [term(str(entity_iri(e))) for e in todo])
        rows.extend(found)
        todo = {row["parent"] for row in found if row["parent"]} - seen
    return rows


def add_entities(g: nx.MultiDiGraph, kg: KnowledgeGraph, ids: set[str] | None) -> None:
    """Entity nodes (all, or ``ids``) with their name, type, sorted roles and corporate group."""
    parents: dict[str, str] = {}
    for row in entity_rows(kg, ids):
        e = row["e"]
        if ids is None or e in ids:
            g.add_node(e, name=str(row["name"]), type=row["type"], roles=[])
        if row["parent"]:
            parents[e] = row["parent"]
    keep = None if ids is None else [term(str(entity_iri(e))) for e in ids]
    for row in select_in(kg, ROLE_QUERY, "?e", keep):
        if row["e"] in g:
            g.nodes[row["e"]]["roles"].append(row["role"])
    for n in [n for n, d in g.nodes(data=True) if "roles" in d]:
        g.nodes[n]["roles"].sort()
        top, seen = n, {n}
        while top in parents and parents[top] not in seen:
            top = parents[top]
            seen.add(top)
        g.nodes[n]["group"] = top


def _amount_claims(rows: Rows) -> dict[str, dict[str, dict[str, Any]]]:
    """Deal id -> amount id -> the claim (figure, document, publication date, quote)."""
    amounts: dict[str, dict[str, dict[str, Any]]] = {}
    for row in rows(AMOUNT_QUERY):
        claim = amounts.setdefault(row["d"], {}).setdefault(
            row["a"],
            {
                "value": num(row["value"]),
                "upper": num(row["upper"]),
                "currency": str(row["currency"]),
                "bound": row["bound"],
                "rate": row["rate"],
                "term": str(row["term"]) if row["term"] is not None else None,
                "document": str(row["doc"]),
                "published": iso(row["published"]),
                "quote": str(row["quote"]),
            },
        )
        # a claim resting on several documents keeps the earliest publication date
        if row["published"] is not None and (
            claim["published"] is None or iso(row["published"]) < claim["published"]
        ):
            claim.update(document=str(row["doc"]), published=iso(row["published"]))
    return amounts


def _figure_claims(rows: Rows) -> dict[str, list[dict[str, Any]]]:
    """Deal id -> its non-money figures (:data:`MEASURES`), each claim with its source."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for row in rows(FIGURE_QUERY):
        claim = {
            "measure": MEASURES[str(row["prop"]).rpartition("#")[2]],
            "value": num(row["value"]),
            "upper": num(row["upper"]),
            "unit": str(row["unit"] or row["currency"]),
            "bound": row["bound"],
            "rate": row["rate"],
            "term": str(row["term"]) if row["term"] is not None else None,
            "document": str(row["doc"]),
            "published": iso(row["published"]),
            "quote": str(row["quote"]),
        }
        kept = out.setdefault(row["d"], {}).setdefault(row["q"], claim)
        if claim["published"] and (kept["published"] is None or claim["published"] < kept["published"]):
            kept.update(document=claim["document"], published=claim["published"])
    return {
        d: sorted(qs.values(), key=lambda c: (c["measure"], c["published"] or "", c["document"], c["value"]))
        for d, qs in out.items()
    }


def _by_deal(rows: Rows, query: str, item: Callable[[dict[str, Any]], Any]) -> dict[str, list[Any]]:
    """Deal id (``?d``) -> ``item(row)`` for every row of ``query``."""
    out: dict[str, list[Any]] = {}
    for row in rows(query):
        out.setdefault(row["d"], []).append(item(row))
    return out


def add_deals(g: nx.MultiDiGraph, kg: KnowledgeGraph, deals: list[str] | None) -> set[str]:
    """One money edge per deal (all, or ``deals``: SPARQL terms), payer -> payee, keyed by the
    deal id (see module docstring); returns the payers and payees."""

    def rows(query: str) -> list[dict[str, Any]]:
        return select_in(kg, query, "?d", deals)

    deal_rows = rows(DEAL_QUERY)
    amounts = _amount_claims(rows)
    docs = None if deals is None else [term(a["document"]) for c in amounts.values() for a in c.values()]
    unverified = {str(row["doc"]) for row in select_in(kg, UNVERIFIED_QUERY, "?doc", docs)}
    evidence = _by_deal(rows, EVIDENCE_QUERY, evidence_item)
    includes = _by_deal(rows, INCLUDES_QUERY, lambda row: row["part"])
    figures = _figure_claims(rows)
    chips = _by_deal(rows, CHIP_QUERY, lambda row: row["chip"])
    conditions = _by_deal(rows, CONDITION_QUERY, lambda row: str(row["condition"]))
    beneficiary = {d: who[0] for d, who in _by_deal(rows, BENEFICIARY_QUERY, lambda row: row["who"]).items()}
    for row in deal_rows:
        d = row["d"]
        claims = sorted(
            amounts.get(d, {}).values(), key=lambda a: (a["published"] or "", a["document"], a["value"])
        )
        head = headline_amount(claims) or {}
        sources = sorted(
            evidence.get(d, [])
            + [
                {"document": a["document"], "published": a["published"], "quote": a["quote"]}
                | {"unverified": a["document"] in unverified}
                for a in claims
            ],
            key=lambda s: (s["published"] or "", s["document"], s["quote"]),
        )
        g.add_edge(
            row["payer"],
            row["payee"],
            key=d,
            edge="money",
            kind=row["kind"],
            status=row["status"],
            **date_fields(row, "date", "date"),
            start=iso(row["start"]),
            end=iso(row["end"]),
            term=str(row["term"]) if row["term"] is not None else None,
            part_of=row["partOf"],
            includes=sorted(includes.get(d, [])),
            amount=head.get("value"),
            currency=head.get("currency"),
            bound=head.get("bound"),
            rate=head.get("rate"),
            amounts=claims,
            quantities=figures.get(d, []),
            chips=sorted(chips.get(d, [])),
            conditions=sorted(conditions.get(d, [])),
            beneficiary=beneficiary.get(d),
            sources=_dedupe(sources),
        )
    return {end for row in deal_rows for end in (row["payer"], row["payee"])}


def _dedupe(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen, out = set(), []
    for it in items:
        k = (it["document"], it["quote"])
        if k not in seen:
            seen.add(k)
            out.append(it)
    return out
