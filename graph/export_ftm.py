"""FollowTheMoney (FtM) export: entities and links as FtM JSON lines, for Aleph and the
OpenSanctions tools (``ftm``, ``nomenklatura``, ``followthemoney-store``).

Each line is one FtM entity, ``{"id", "schema", "properties": {name: [text, ...]}}``, written
here plainly (the ``followthemoney`` library is not needed to write it; the tests validate
every line with it). The entities of the export graph
(:func:`dealgraph.graph.exports.entity_graph`, so the same filters and the same entities
as every graph file) become:

========================  =====================================================================
dealgraph                 FtM
========================  =====================================================================
organization              ``Company`` (name, alias, description, sector = its roles)
facility                  ``RealEstate``
chip, product, platform   ``Asset``
place                     ``Address``
equity-investment,        ``Ownership`` (owner = the investor, asset = the company; sharesValue
acquisition, warrant      and sharesCurrency = the headline amount; ownershipType = the kind)
every other money deal    ``Payment`` (payer, beneficiary, amount, currency, purpose = the kind)
subsidiary-of             ``Ownership`` (owner = the parent, ownershipType = subsidiary)
other relationships       ``UnknownLink`` (subject, object, role = the kind)
a source document         ``Article`` (title, publisher, publishedAt, sourceUrl, fileName)
========================  =====================================================================

A deal whose parties do not fit the FtM ranges (a Payment's payer and beneficiary are legal
entities) is written as an ``UnknownLink`` with the deal kind as its role, so nothing is
dropped. Every link carries its evidence where FtM has a field for it: ``summary`` (each
verbatim quote), ``proof`` (the ``Article`` of each document, written too), ``publisher``,
``sourceUrl`` (the document's address, when the data set has one), ``recordId`` (the deal or
relationship id), ``date`` (a deal's event date, at its precision), a relationship's
``startDate``/``endDate``, and a ``description`` with the status and the amount as the
pictures write it ("up to $20B").
Ids are ``dealgraph-entity-<id>``, ``dealgraph-deal-<id>``, ``dealgraph-relationship-<id>``
and ``dealgraph-document-<file>`` (:func:`ftm_id`).

>>> from dealgraph import open_graph
>>> from dealgraph.graph.exports import entity_graph
>>> kg = open_graph()
>>> lines = [json.loads(x) for x in ftm_lines(kg, entity_graph(kg)).splitlines()]
>>> amazon = next(x for x in lines if x["id"] == "dealgraph-entity-amazon")
>>> amazon["schema"], amazon["properties"]["name"]
('Company', ['Amazon'])
>>> deal = next(x for x in lines if x["id"] == "dealgraph-deal-openai-microsoft-compute")
>>> deal["schema"], deal["properties"]["amount"], deal["properties"]["purpose"]
('Payment', ['250000000000'], ['compute-commitment'])
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

import networkx as nx

from .cards import entity_texts, relationship_sources, sources
from .flows import flows as all_flows
from .picture import clean_text
from .timeline import Date, Timeline

if TYPE_CHECKING:  # pragma: no cover
    from .knowledge_graph import KnowledgeGraph

__all__ = ["ftm_lines", "ftm_records", "ftm_id", "ENTITY_SCHEMATA", "OWNERSHIP_KINDS", "MEDIA_TYPE"]

#: the media type of the export: one JSON object a line
MEDIA_TYPE = "application/x-ndjson"
#: the FtM schema of each entity type
ENTITY_SCHEMATA = {
    "organization": "Company",
    "facility": "RealEstate",
    "chip": "Asset",
    "product": "Asset",
    "platform": "Asset",
    "place": "Address",
}
#: the deal kinds that make the payer an owner of the payee (FtM ``Ownership``)
OWNERSHIP_KINDS = ("equity-investment", "acquisition", "warrant")
# FtM ranges: a Payment's parties and an Ownership's owner are LegalEntity, its asset an Asset
_LEGAL = {"Company"}
_ASSETS = {"Company", "RealEstate", "Asset"}
_NOT_IN_ID = re.compile(r"[^0-9A-Za-z.-]")
# characters of a date kept at each precision (a quarter or half-year is known to its year)
_DATE_CHARS = {"day": 10, "month": 7, "quarter": 4, "half-year": 4, "year": 4}


def ftm_id(kind: str, key: str) -> str:
    """The FtM id of a dealgraph entity, deal, relationship or document.

    FtM ids are letters, digits, dots and hyphens: any other character (the underscore of
    a document's file name) is written as a hyphen.

    >>> ftm_id("entity", "amazon"), ftm_id("document", "000_f58f.txt")
    ('dealgraph-entity-amazon', 'dealgraph-document-000-f58f.txt')
    """
    return f"dealgraph-{kind}-" + _NOT_IN_ID.sub("-", key)


def ftm_lines(kg: KnowledgeGraph, g: nx.MultiDiGraph, as_of: Date = None, known_at: Date = None) -> str:
    """The FtM JSON lines of the export graph ``g`` (one entity a line, sorted keys).

    ``as_of``/``known_at`` must be the cut ``g`` was drawn on: the deals' dates and
    evidence are read on it.
    """
    return "".join(
        json.dumps(r, ensure_ascii=False, sort_keys=True, allow_nan=False) + "\n"
        for r in ftm_records(kg, g, as_of, known_at)
    )


def ftm_records(
    kg: KnowledgeGraph, g: nx.MultiDiGraph, as_of: Date = None, known_at: Date = None
) -> list[dict[str, Any]]:
    """The FtM entities of ``g``: its nodes, then its edges, then the documents they cite.

    >>> from dealgraph import open_graph
    >>> from dealgraph.graph.exports import entity_graph
    >>> kg = open_graph()
    >>> recs = ftm_records(kg, entity_graph(kg, focus="spacex"))
    >>> sorted({r["schema"] for r in recs})
    ['Article', 'Company', 'Payment', 'UnknownLink']
    """
    texts = entity_texts(kg)
    schema_of = {n: ENTITY_SCHEMATA.get(d["type"], "Asset") for n, d in g.nodes(data=True)}
    out = [_entity(n, schema_of[n], d, texts.get(n, {})) for n, d in sorted(g.nodes(data=True))]
    flows = {f["id"]: f for f in all_flows(kg, as_of=as_of, known_at=known_at)}
    cut = Timeline.of(as_of, known_at)
    base, rel_sources = kg.nx(), relationship_sources(kg)
    docs = {s.document: s for s in sources(kg)}
    cited: set[str] = set()
    for u, v, k, d in sorted(g.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2])):
        ends = (schema_of[u], schema_of[v])
        if d["edge"] == "money":
            flow = flows[k]
            evidence = [{"document": e["document"], "quote": e["quote"]} for e in flow["sources"]]
            record = _money(u, v, k, d, flow, ends)
        else:
            data = base.edges[u, v, k]
            rel = data.get("relationship")
            evidence = (cut.relationship(rel_sources.get(rel, []), data["start"]) or []) if rel else []
            record = _structure(u, v, rel or k, d, data, ends)
        record["properties"] |= _evidence(evidence, docs)
        cited.update(e["document"] for e in evidence)
        out.append(record)
    return out + [_document(docs[doc]) for doc in sorted(cited) if doc in docs]


def _props(props: dict[str, Any]) -> dict[str, list[str]]:
    """FtM properties: every value as display text, empty ones left out, no value twice."""
    properties: dict[str, list[str]] = {}
    for name, value in props.items():
        values = value if isinstance(value, (list, tuple)) else [value]
        texts = [clean_text(x) for x in values if x is not None and str(x) != ""]
        if texts:
            properties[name] = list(dict.fromkeys(texts))
    return properties


def _record(kind: str, key: str, schema: str, props: dict[str, Any]) -> dict[str, Any]:
    """One FtM entity."""
    return {"id": ftm_id(kind, key), "schema": schema, "properties": _props(props)}


def _entity(n: str, schema: str, d: dict[str, Any], texts: dict[str, Any]) -> dict[str, Any]:
    roles = [r for r in d["roles"].split(",") if r]
    props: dict[str, Any] = {
        "name": d["label"],
        "alias": texts.get("aliases", []),
        "description": texts.get("description"),
        "keywords": [d["type"], *roles],
    }
    if schema == "Company":
        props["sector"] = roles
    if schema == "Address":
        props["full"] = d["label"]
    return _record("entity", n, schema, props)


def _date(value: str | None, precision: str | None) -> str | None:
    """A date cut to what is known of it (FtM dates are prefixes: 2026, 2026-02, 2026-02-14)."""
    return value[: _DATE_CHARS.get(precision or "day", 10)] if value else None


def _money(u: str, v: str, deal: str, d: dict[str, Any], flow: Any, ends: tuple[str, str]) -> dict[str, Any]:
    """A money deal: Ownership for an investment in the payee, else Payment (or UnknownLink
    when the parties are not legal entities)."""
    amount = (
        None if d["amount"] is None else f"{d['amount']:.15g}" if d["amount"] % 1 else str(int(d["amount"]))
    )
    currency = flow["currency"] or "USD"
    common = {
        "date": _date(flow["date"], flow["date_precision"]),
        "description": f"{d['kind']}, {d['status'] or 'status unknown'}: {d['amount_label']}",
        "recordId": deal,
    }
    if d["kind"] in OWNERSHIP_KINDS and ends[0] in _LEGAL and ends[1] in _ASSETS:
        props = {"owner": ftm_id("entity", u), "asset": ftm_id("entity", v), "ownershipType": d["kind"]}
        props |= {"sharesValue": amount, "sharesCurrency": amount and currency, "status": d["status"]}
        return _record("deal", deal, "Ownership", props | common)
    if ends[0] in _LEGAL and ends[1] in _LEGAL:
        props = {"payer": ftm_id("entity", u), "beneficiary": ftm_id("entity", v), "purpose": d["kind"]}
        props |= {"amount": amount, "currency": amount and currency}
        if amount and currency == "USD":
            props["amountUsd"] = amount
        return _record("deal", deal, "Payment", props | common)
    props = {"subject": ftm_id("entity", u), "object": ftm_id("entity", v), "role": d["kind"]}
    return _record("deal", deal, "UnknownLink", props | {"status": d["status"]} | common)


def _structure(
    u: str, v: str, rel: str, d: dict[str, Any], data: dict[str, Any], ends: tuple[str, str]
) -> dict[str, Any]:
    """A relationship: subsidiary-of as the parent's Ownership, the others as UnknownLink."""
    common = {
        "startDate": data.get("start"),
        "endDate": data.get("end"),
        "status": d["status"] or data.get("status"),
        "recordId": rel,
    }
    if d["kind"] == "subsidiary-of" and ends[1] in _LEGAL and ends[0] in _ASSETS:
        props = {"owner": ftm_id("entity", v), "asset": ftm_id("entity", u), "ownershipType": "subsidiary"}
        return _record("relationship", rel, "Ownership", props | common)
    props = {"subject": ftm_id("entity", u), "object": ftm_id("entity", v), "role": d["kind"]}
    return _record("relationship", rel, "UnknownLink", props | common)


def _evidence(evidence: list[dict[str, Any]], docs: dict[str, Any]) -> dict[str, list[str]]:
    """A link's evidence: each quote a ``summary``, each document a ``proof`` (its Article),
    and the documents' ``publisher`` and ``sourceUrl``."""
    cited = [docs[e["document"]] for e in evidence if e["document"] in docs]
    return _props(
        {
            "summary": [e["quote"] for e in evidence],
            "proof": [ftm_id("document", s.document) for s in cited],
            "publisher": [s.publisher for s in cited],
            "sourceUrl": [s.url for s in cited],
        }
    )


def _document(s: Any) -> dict[str, Any]:
    props = {
        "title": s.title,
        "fileName": s.document,
        "publisher": s.publisher,
        "publishedAt": _date(s.published, s.published_precision),
        "sourceUrl": s.url,
        "description": s.note,
    }
    return _record("document", s.document, "Article", props)
