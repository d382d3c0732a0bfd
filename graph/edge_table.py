"""The lean edge table: one row per deal, enough to find loops and rank flows over the whole graph.

The NetworkX projection (:mod:`~dealgraph.graph.projection`) carries every claim, quote and
figure of every deal; analytics over the whole graph (loops, the report's biggest flows) need
far less: per deal its payer, payee, kind, status, ``part_of``, date and the publication
dates of its sources (for the two timelines, :mod:`~dealgraph.graph.timeline`), and for
ranking, its headline amount. :func:`edge_table` reads just that, one property at a time
(each a single scan of the store's index, joined here by deal: cheaper than the store
joining them), and keeps it until the next load (``kg.memo``). Full
:class:`~dealgraph.graph.results.Flow` objects, with claims and quotes, are then built only
for the deals an answer returns (:func:`deal_flows`, through
:func:`~dealgraph.graph.projection.project_deals`).

The table answers exactly as the projection does, with the data the shapes guarantee (a
deal has one payer, payee and kind and at least one piece of evidence; evidence has one
source with one document and one quote). The timeline rules are
:meth:`~dealgraph.graph.timeline.Timeline.deal`'s: a deal counts on valid time from its date,
else from its sources' earliest publication; on knowledge time once one of its sources (its
own evidence, or the earliest-published evidence of each amount claim) is known.

>>> from dealgraph import open_graph
>>> kg = open_graph()
>>> t = edge_table(kg)
>>> i = t.index["openai-aws-compute-2025"]
>>> t.payer[i], t.payee[i], t.kind[i]  # a kind is kept where it invests or aggregates
('openai', 'aws', None)
>>> t.kind[t.index["amazon-openai-investment-2026"]], t.status[t.index["amazon-openai-investment-2026"]]
('equity-investment', 'announced')
>>> lean_groups(kg)["aws"]
'amazon'
>>> sorted(deal_flows(kg, ["openai-aws-compute-2025"]))
['openai-aws-compute-2025']
"""

from __future__ import annotations

import bisect
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import networkx as nx

from ..ontology.namespace import DG, ID, entity_iri
from ..ontology.vocab import property_iri, term_iri, token_of
from .exposure import TIE_RELATIONSHIPS
from .flows import flag_tranche_sums, flow_of_edge
from .groups import group_map
from .projection import ENTITY_QUERY, headline_amount, iso, num, project_deals, select_in, term
from .results import Flow
from .timeline import Timeline

if TYPE_CHECKING:  # pragma: no cover
    from .knowledge_graph import KnowledgeGraph

__all__ = [
    "EdgeTable",
    "edge_table",
    "lean_groups",
    "deal_flows",
    "flow_key",
    "entity_names",
    "bet_candidates",
    "deals_graph",
    "conflict_candidates",
    "INVESTMENT_KINDS",
    "note_load",
]

#: the deal kinds that invest: an equity investment, and a vendor's warrant (shares it grants
#: its customer, a classic form of vendor financing)
INVESTMENT_KINDS = ("equity-investment", "warrant")

_DG = str(DG)
_ID = str(ID)
_PREFIXES = {"dg": _DG, "rdfs": "http://www.w3.org/2000/01/rdf-schema#"}
_XSD = "http://www.w3.org/2001/XMLSchema#"


@dataclass
class EdgeTable:
    """Columns of the deals (row ``i`` of each list is deal ``ids[i]``).

    ``first_pub`` is the earliest publication date among a deal's sources (its date on valid
    time when it has no date of its own); ``known_from`` the earliest date on which one of
    its sources is known ("" when one has no publication date, so always known; None for no
    sources). ``kind`` is read only where it invests or aggregates (:data:`INVESTMENT_KINDS`,
    ``aggregate``; else None), ``status`` only where it sets the money's bucket (announced,
    contingent, forecast, aggregate; else None, as committed): reading every deal's kind and
    status would cost as much as the rest of the table. ``claims`` holds, per row with amount
    claims, each claim as (value, rate, earliest publication of its evidence); it is read only
    when needed (tranches) or asked for (:func:`edge_table` with ``claims``).
    """

    ids: list[str]
    payer: list[str]
    payee: list[str]
    kind: list[str | None]
    status: list[str | None]
    part_of: list[str | None]
    date: list[str | None]
    first_pub: list[str | None]
    known_from: list[str | None]
    claims: dict[int, list[tuple[Any, Any, str | None]]] | None = None
    _index: dict[str, int] | None = field(default=None, repr=False, compare=False)

    @property
    def index(self) -> dict[str, int]:
        """Deal id -> its row (built the first time it is asked for)."""
        if self._index is None:
            self._index = {d: i for i, d in enumerate(self.ids)}
        return self._index

    def counts(self, i: int, cut: Timeline) -> bool:
        """Whether deal ``i`` counts on ``cut`` (as :meth:`Timeline.deal` decides on its edge)."""
        known = self.known_from[i]
        if cut.known_at is not None and known is not None and known > cut.known_at:
            return False
        return cut.valid(self.date[i] or self.first_pub[i])

    def headline(self, i: int, cut: Timeline) -> Any:
        """Deal ``i``'s headline amount on ``cut`` (None without a known claim); needs claims."""
        assert self.claims is not None, "claims not read (see edge_table(kg, claims=True))"
        known = [
            {"value": v, "rate": r, "published": p} for v, r, p in self.claims.get(i, []) if cut.known(p)
        ]
        head = headline_amount(known)
        return head["value"] if head else None

    def countable(self, cut: Timeline) -> list[int]:
        """Rows that count on ``cut`` and may be added up (as :func:`~dealgraph.graph.money.countable`
        keeps them: no aggregates, no parent counted through tranches with a figure)."""
        every = range(len(self.ids))
        timed = cut.known_at is not None or cut.as_of is not None
        rows = [i for i in every if self.counts(i, cut)] if timed else list(every)
        parents = {self.part_of[i] for i in rows if self.part_of[i] and self.headline(i, cut) is not None}
        dropped = {i for i, d in enumerate(self.ids) if d in parents} if parents else set()
        # the bucket of a deal is "aggregate" by its kind or its status alone (money.bucket)
        dropped |= {
            i for column in (self.kind, self.status) for i, v in enumerate(column) if v == "aggregate"
        }
        return [i for i in rows if i not in dropped] if dropped else rows


def edge_table(kg: KnowledgeGraph, claims: bool = False) -> EdgeTable:
    """The lean edge table of ``kg`` (see the module docstring), kept until the next load.

    ``claims`` also reads every amount claim's figure (for headlines); the table is read
    without them unless a deal is part of another (a tranche) or they are asked for.
    """
    table, _groups = _lean(kg)
    if table.claims is None and (claims or any(table.part_of)):
        where = _save_path(kg, ".claims.json")
        saved = _read(where)
        if saved is not None:
            table.claims = _claims_from_json(saved)
        else:
            table.claims = _claims(kg, table)
            if where is not None:  # kept beside the table for the next process
                _save(where[0], {"key": where[1]} | _claims_json(table.claims))
    return table


def _lean(kg: KnowledgeGraph) -> tuple[EdgeTable, dict[str, str]]:
    """The table and the groups, kept until the next load (and on disk beside an Oxigraph store)."""
    return kg.memo("edge-table", lambda: _saved_or_built(kg))


#: the layout of a saved table (a file of another layout is read again from the store)
_LAYOUT = 2
#: the columns a saved table keeps whole, and those it keeps as (row, value) pairs
_DENSE = ("ids", "payer", "payee")
_SPARSE = ("kind", "status", "part_of", "date", "first_pub", "known_from")


def _saved_or_built(kg: KnowledgeGraph) -> tuple[EdgeTable, dict[str, str]]:
    """The table saved beside the store when it was read from the very same data, else read now.

    An Oxigraph store only ever grows (a load adds triples or, when it fails, is undone), so
    its triple count, with the store's own identity (RocksDB's ``IDENTITY``, new for every
    store created), says whether the saved table was read from the data as it is: any load
    that adds a triple changes the count, and the table is read again. Other stores read it
    each time the process first needs it.
    """
    where = _save_path(kg, ".json")
    saved = _read(where)
    if saved is not None:
        try:
            return _from_json(saved), saved["groups"]
        except (ValueError, KeyError, TypeError):
            pass  # not a table of this layout: read the store
    updated = _updated(kg, where)
    if updated is not None:
        return updated
    table, groups = _build(kg), _lean_groups(kg)
    if where is not None:
        _save(where[0], {"key": where[1], "groups": groups} | _to_json(table))
    return table, groups


# -- keeping the saved table up to date, load by load ---------------------------------------

#: a load that touches more deals than this reads the table again instead of recording them
_DELTA_MAX_DEALS = 50_000
#: past this many rows recorded, the reader that applies them saves the whole table again
_COMPACT_AT = 20_000
_ROW = ("payer", "payee", "kind", "status", "part_of", "date", "first_pub", "known_from")


def note_load(kg: KnowledgeGraph, subjects: Iterable[Any], before: int) -> None:
    """Record what a checked load changed in the edge table saved beside an Oxigraph store.

    ``subjects`` are the subjects of the triples the load added, ``before`` the store's triple
    count before it. The rows of the deals those triples describe (the deals themselves, their
    amount claims, evidence and sources) are read again from the store, and only theirs, into
    ``STORE.edges.delta.json``, keyed from the saved table's count to the new one; each reader
    applies them (:func:`_updated`), and once they are many, saves the whole table again. Without a saved
    table for the data as it was, nothing is recorded (the next reader builds it).
    """
    old = _save_path(kg, ".json")
    if old is None:
        return
    old_key = old[1][:2] + [before]
    delta_path = old[0].with_name(old[0].name.removesuffix(".json") + ".delta.json")
    chain = _read((delta_path, old_key)) if _read_key(delta_path) == old_key else None
    base_key = chain["base"] if chain else old_key
    if chain is None and _read_key(old[0]) != old_key:
        return  # no table saved for the data the load started from
    subjects = {getattr(x, "value", str(x)) for x in subjects}  # pyoxigraph's terms or rdflib's
    deals = _touched_deals(kg, subjects)
    if deals is None:
        delta_path.unlink(missing_ok=True)
        return
    rows = dict(chain["rows"]) if chain else {}
    claims = dict(chain["claims"]) if chain else {}
    part = _build_part(kg, deals)
    for i, d in enumerate(part.ids):
        rows[d] = [getattr(part, c)[i] for c in _ROW]
        claims[d] = [list(c) for c in (part.claims or {}).get(i, [])]
    touched_groups = any(x.startswith((_ID + "entity/", _ID + "relationship/")) for x in subjects)
    groups = _lean_groups(kg) if touched_groups else (chain or {}).get("groups")
    _save(
        delta_path,
        {"key": old[1], "base": base_key, "rows": rows, "claims": claims, "groups": groups},
    )


def _read_key(path: Path) -> Any:
    """The key a saved file was written under (read from its start only), or None."""
    try:
        with path.open(encoding="utf-8") as f:
            head = f.read(200)
    except OSError:
        return None
    start = head.find('"key":')
    end = head.find("]", start)
    try:
        return json.loads(head[start + 6 : end + 1]) if start >= 0 and end > 0 else None
    except ValueError:
        return None


def _touched_deals(kg: KnowledgeGraph, subjects: set[str]) -> list[str] | None:
    """The ids of the deals whose rows the triples about ``subjects`` may change (None: too many
    to record; the table is read again): deals and their claims (IRIs under ``deal/``), and
    the deals and claims citing touched evidence, or evidence of touched sources."""
    deal_base = _ID + "deal/"
    things = {x for x in subjects if x.startswith(deal_base)}
    evidence = {x for x in subjects if x.startswith(_ID + "evidence/")}
    sources = [x for x in subjects if x.startswith(_ID + "source/")]
    if sources:
        evidence |= set(_subjects_of(kg, "source", sources))
    if evidence:
        things |= set(_subjects_of(kg, "evidence", sorted(evidence)))
    deals = {x[len(deal_base) :].split("/", 1)[0] for x in things if x.startswith(deal_base)}
    return sorted(deals) if len(deals) <= _DELTA_MAX_DEALS else None


def _subjects_of(kg: KnowledgeGraph, prop: str, objects: list[str]) -> list[str]:
    """The IRIs of the subjects of ``dg:{prop}`` whose object is one of ``objects``."""
    values = " ".join(f"<{x}>" for x in objects)
    text = f"SELECT (STR(?s) AS ?x) WHERE {{ VALUES ?o {{ {values} }} ?s <{_DG}{prop}> ?o }}"
    return [row[0] for row in _select(kg, text)]


def _build_part(kg: KnowledgeGraph, deals: list[str]) -> EdgeTable:
    """The rows (with their claims) of ``deals``: :func:`_build` over their neighbourhood alone,
    copied from the store into a small store (deals, claims, evidence, sources)."""
    part = _Part(kg, [f"{_ID}deal/{d}" for d in deals])
    table = _build(part)  # type: ignore[arg-type]
    table.claims = _claims(part, table)  # type: ignore[arg-type]
    return table


class _Part:
    """A small in-memory Oxigraph store holding the triples about ``deals`` and what their rows
    read (claims, evidence, sources), read by the same queries as a whole store (it answers
    :func:`_tsv` like one)."""

    #: the links followed from a deal: to its claims and evidence, then to their evidence and sources
    FOLLOW = (f"{_DG}amount", f"{_DG}evidence", f"{_DG}source")

    def __init__(self, kg: KnowledgeGraph, deals: list[str]) -> None:
        import pyoxigraph as ox  # only Oxigraph stores save tables

        store = cast(Any, kg._store).inner
        self.inner = ox.Store()
        self._store = self
        frontier, seen = set(deals), set(deals)
        while frontier:  # three rounds: deal -> claim/evidence -> evidence/source -> source
            values = " ".join(f"<{x}>" for x in sorted(frontier))
            quads = [
                ox.Quad(row["s"], row["p"], row["o"])
                for row in store.query(f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o }}")
            ]
            self.inner.extend(quads)
            frontier = {
                q.object.value
                for q in quads
                if q.predicate.value in self.FOLLOW and isinstance(q.object, ox.NamedNode)
            } - seen
            seen |= frontier

    def native_select(self, sparql: str, prefixes: dict[str, str]) -> tuple[list[str], Any]:
        solutions = cast(Any, self.inner.query(sparql, prefixes=prefixes))
        return [v.value for v in solutions.variables], solutions


def _updated(
    kg: KnowledgeGraph, where: tuple[Path, list[Any]] | None
) -> tuple[EdgeTable, dict[str, str]] | None:
    """The saved table with the rows recorded by the loads since (:func:`note_load`) applied,
    saved again whole; None when there is no such chain up to the data as it is."""
    if where is None:
        return None
    delta_path = where[0].with_name(where[0].name.removesuffix(".json") + ".delta.json")
    delta = _read((delta_path, where[1]))
    base = _read((where[0], delta["base"])) if delta else None
    if delta is None or base is None:
        return None
    table, groups = _from_json(base), delta["groups"] or base["groups"]
    claims_where = (where[0].with_name(where[0].name.removesuffix(".json") + ".claims.json"), delta["base"])
    saved_claims = _read(claims_where)
    table.claims = _claims_from_json(saved_claims) if saved_claims is not None else None
    _apply(table, delta["rows"], delta["claims"])
    if len(delta["rows"]) > _COMPACT_AT:  # else each reader applies the few rows (cheaper than a save)
        _save(where[0], {"key": where[1], "groups": groups} | _to_json(table))
        if table.claims is not None:
            _save(claims_where[0], {"key": where[1]} | _claims_json(table.claims))
        delta_path.unlink(missing_ok=True)
    return table, groups


def _apply(table: EdgeTable, rows: dict[str, list[Any]], claims: dict[str, list[Any]]) -> None:
    """Put ``rows`` (deal id -> its columns) into ``table``, kept sorted by id, and their
    ``claims`` into ``table.claims`` (when it has them)."""
    index = table.index
    new = sorted(d for d in rows if d not in index)
    by_id = {table.ids[i]: c for i, c in table.claims.items()} if table.claims is not None else None
    if new:  # one merge: the rows between two new ids are copied as slices
        at = [bisect.bisect_left(table.ids, d) for d in new]
        for name in ("ids",) + _ROW:
            column, merged, prev = getattr(table, name), [], 0
            for pos, d in zip(at, new, strict=True):
                merged.extend(column[prev:pos])
                merged.append(d if name == "ids" else rows[d][_ROW.index(name)])
                prev = pos
            merged.extend(column[prev:])
            setattr(table, name, merged)
        table._index = None
    for d, row in rows.items():
        i = table.index[d]
        for name, v in zip(_ROW, row, strict=True):
            getattr(table, name)[i] = v
    if by_id is not None:
        by_id.update({d: [tuple(c) for c in cs] for d, cs in claims.items()})
        table.claims = {table.index[d]: cs for d, cs in by_id.items() if cs}


def _read(where: tuple[Path, list[Any]] | None) -> dict[str, Any] | None:
    """What is saved at ``where``'s path under its key, or None (nothing, or saved for other data)."""
    if where is None:
        return None
    try:
        saved = json.loads(where[0].read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return saved if isinstance(saved, dict) and saved.get("key") == where[1] else None


def _save_path(kg: KnowledgeGraph, suffix: str) -> tuple[Path, list[Any]] | None:
    """Where the table of an Oxigraph store is saved (``STORE.edges{suffix}``), and its key."""
    if not kg.store.startswith("oxigraph:"):
        return None
    store = Path(kg.store.removeprefix("oxigraph:"))
    try:
        identity = (store / "IDENTITY").read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return store.with_name(f"{store.name}.edges{suffix}"), [_LAYOUT, identity, len(kg)]


def _save(path: Path, data: dict[str, Any]) -> None:
    """Write ``data`` to ``path`` whole or not at all (a store on a read-only disk is not saved to)."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)


def _to_json(table: EdgeTable) -> dict[str, Any]:
    """The columns as JSON: whole ones as one text of lines (read back by a split, not by the
    JSON parser value by value), the others as (row, value) pairs."""
    out: dict[str, Any] = {name: "\n".join(getattr(table, name)) for name in _DENSE}
    for name in _SPARSE:
        out[name] = [[i, v] for i, v in enumerate(getattr(table, name)) if v is not None]
    return out


def _from_json(saved: dict[str, Any]) -> EdgeTable:
    columns: dict[str, Any] = {name: saved[name].split("\n") if saved[name] else [] for name in _DENSE}
    n = len(columns["ids"])
    for name in _SPARSE:
        column: list[Any] = [None] * n
        for i, v in saved[name]:
            column[i] = v
        columns[name] = column
    return EdgeTable(**columns)


def _claims_json(claims: dict[int, list[tuple[Any, Any, str | None]]]) -> dict[str, list[Any]]:
    """The claims as four columns (row, value, rate, publication), one entry a claim."""
    flat = [(i, *c) for i, cs in claims.items() for c in cs]
    return {name: [c[k] for c in flat] for k, name in enumerate(("rows", "values", "rates", "published"))}


def _claims_from_json(saved: dict[str, list[Any]]) -> dict[int, list[tuple[Any, Any, str | None]]]:
    out: dict[int, list[tuple[Any, Any, str | None]]] = {}
    for i, value, rate, when in zip(
        saved["rows"], saved["values"], saved["rates"], saved["published"], strict=True
    ):
        out.setdefault(i, []).append((value, rate, when))
    return out


def _build(kg: KnowledgeGraph) -> EdgeTable:
    """Read the columns, one property at a time, and join them by deal."""
    payer = dict(_scan(kg, "payer"))
    payee = dict(_scan(kg, "payee"))
    ids = sorted(d for d in payer if d in payee)  # a deal has one payer, payee and kind (shapes)
    kind = dict(_scan(kg, "kind", _one_of(INVESTMENT_KINDS + ("aggregate",))))
    status = dict(_scan(kg, "status", _one_of(("announced", "contingent", "forecast", "aggregate"))))
    part_of = dict(_scan(kg, "partOf"))
    dated = f"SELECT ?s ?o WHERE {{ ?s <{_DG}date> ?o ; <{_DG}datePrecision> ?p }}"
    date = dict(_select(kg, dated))
    table = EdgeTable(
        ids=ids,
        payer=[payer[d] for d in ids],
        payee=[payee[d] for d in ids],
        kind=[kind.get(d) for d in ids],
        status=[status.get(d) for d in ids],
        part_of=[part_of.get(d) for d in ids],
        date=[date.get(d) for d in ids],
        first_pub=[None] * len(ids),
        known_from=[""] * len(ids),
    )
    _publication(kg, table)
    return table


#: every (thing's IRI, publication date) of evidence whose source has one
_PUBLISHED = (
    f"SELECT (STR(?s) AS ?x) ?o WHERE {{ ?s <{_DG}evidence> ?ev . ?ev <{_DG}source> ?src .\n"
    f"  ?src <{_DG}published> ?o }}"
)
#: every thing with a piece of evidence whose source has no publication date
_UNPUBLISHED = (
    f"SELECT DISTINCT (STR(?s) AS ?x) WHERE {{ ?s <{_DG}evidence> ?ev . ?ev <{_DG}source> ?src .\n"
    f"  FILTER NOT EXISTS {{ ?src <{_DG}published> ?p }} }}"
)
#: every (deal, amount claim): the claim as its IRI (claims have no id of their own)
_AMOUNTS = f"SELECT ?s (STR(?o) AS ?x) WHERE {{ ?s <{_DG}amount> ?o }}"
#: every (IRI, value) of a property (``prop``)
_BY_IRI = "SELECT (STR(?s) AS ?x) ?o WHERE {{ ?s <" + _DG + "{prop}> ?o }}"


def _publication(kg: KnowledgeGraph, table: EdgeTable) -> None:
    """Fill ``first_pub`` and ``known_from`` (every source undated: nothing to do).

    A deal's sources are its own evidence and, per amount claim, the claim's earliest
    published evidence (the projection keeps one source per claim); a claim none of whose
    evidence is dated is a source without a date.
    """
    published = _published(kg)
    if not published:
        return  # no source has a date: every deal counts on every cut (as it is read, from "")
    undated = {row[0] for row in _select(kg, _UNPUBLISHED)}
    sources: dict[int, list[str]] = {}
    for d, claim in _select(kg, _AMOUNTS):
        i = table.index.get(d)
        if i is not None:
            sources.setdefault(i, []).append(min(published[claim]) if claim in published else "")
    for d, i in table.index.items():
        iri = f"{_ID}deal/{d}"
        dates = sources.get(i, []) + published.get(iri, []) + ([""] if iri in undated else [])
        if not dates:
            table.known_from[i] = None
            continue
        table.known_from[i] = min(dates)
        table.first_pub[i] = min((x for x in dates if x), default=None)


def _claims(kg: KnowledgeGraph, table: EdgeTable) -> dict[int, list[tuple[Any, Any, str | None]]]:
    """Row -> its amount claims as (value, rate, earliest publication of their evidence)."""
    value = dict(_select(kg, _BY_IRI.format(prop="value")))
    rate = dict(_select(kg, _BY_IRI.format(prop="rate")))
    published = _published(kg)
    out: dict[int, list[tuple[Any, Any, str | None]]] = {}
    for d, claim in _select(kg, _AMOUNTS):
        i = table.index.get(d)
        if i is not None and claim in value:
            when = min(published[claim]) if claim in published else None
            out.setdefault(i, []).append((value[claim], rate.get(claim), when))
    return out


def _published(kg: KnowledgeGraph) -> dict[str, list[str]]:
    """IRI of a deal or claim -> the publication dates of its evidence that has one."""
    if not _select(kg, f"SELECT ?o WHERE {{ ?s <{_DG}published> ?o }} LIMIT 1"):
        return {}  # (the join over every piece of evidence is not run for nothing)
    published: dict[str, list[str]] = {}
    for thing, when in _select(kg, _PUBLISHED):
        published.setdefault(thing, []).append(when)
    return published


def lean_groups(kg: KnowledgeGraph) -> dict[str, str]:
    """Entity id -> its corporate group, as :func:`~dealgraph.graph.groups.group_map` gives it,
    read from ``subsidiaryOf`` and ``offers`` alone (no projection).

    Where the data leaves it open (an entity with several parents, a platform offered by
    two groups), the projection's own answer is taken.
    """
    return _lean(kg)[1]


def _lean_groups(kg: KnowledgeGraph) -> dict[str, str]:
    parents: dict[str, str] = {}
    for child, parent in _scan(kg, "subsidiaryOf"):
        if parents.setdefault(child, parent) != parent:
            return group_map(kg)
    groups = {}
    for e in parents:
        top, seen = e, {e}
        while top in parents and parents[top] not in seen:
            top = parents[top]
            seen.add(top)
        groups[e] = top
    offers = (
        f"SELECT ?s ?o WHERE {{ ?r <{_DG}relPredicate> <{_DG}offers> ; <{_DG}relSubject> ?s ; "
        f"<{_DG}relObject> ?o . ?o a ?t . FILTER(?t IN (<{_DG}Platform>, <{_DG}Product>)) }}"
    )
    offered: dict[str, str] = {}
    for owner, thing in _select(kg, offers):
        if offered.setdefault(thing, groups.get(owner, owner)) != groups.get(owner, owner):
            return group_map(kg)
    return groups | offered


def entity_names(kg: KnowledgeGraph) -> dict[str, str]:
    """Entity id -> name, sorted by id: the nodes of the projection and their ``name``."""
    return dict(sorted((row[0], str(row[1])) for row in _select(kg, ENTITY_QUERY)))


def bet_candidates(kg: KnowledgeGraph, cut: Timeline) -> list[str]:
    """The groups that may hold a two-sided bet on ``cut``, sorted: those with ties to both labs of
    a rival pair, by money (countable on ``cut``) or by a tie relationship of any status and date
    (more than :func:`~dealgraph.graph.exposure.exposure` counts, never fewer), that are
    organizations. Every group :func:`~dealgraph.graph.exposure.two_sided_bets` lists is one.
    """
    groups = lean_groups(kg)
    rivals = {
        frozenset((groups.get(s, s), groups.get(o, o)))
        for s, o in _select(kg, _RELATIONS.format(kinds=_iri_list(["competes-with"], property_iri)))
    }
    rivals = {p for p in rivals if len(p) == 2}
    if not rivals:
        return []
    labs = {groups.get(row[0], row[0]) for row in _select(kg, "SELECT ?e WHERE { ?e a dg:AiLab }")}
    ties: dict[str, set[str]] = {}
    table = edge_table(kg)
    ends = [(table.payer[i], table.payee[i]) for i in table.countable(cut)]
    ends += _select(kg, _RELATIONS.format(kinds=_iri_list(TIE_RELATIONSHIPS, property_iri)))
    for u, v in ends:
        gu, gv = groups.get(u, u), groups.get(v, v)
        if gu != gv:
            if gv in labs:
                ties.setdefault(gu, set()).add(gv)
            if gu in labs:
                ties.setdefault(gv, set()).add(gu)
    found = sorted(g for g, tied in ties.items() if any(p <= tied for p in rivals))
    orgs = select_in(
        kg, "SELECT ?e WHERE { ?e a dg:Organization }", "?e", [term(str(entity_iri(g))) for g in found]
    )
    return sorted({row["e"] for row in orgs} & set(found))


#: every (subject, object) of relationships of the kinds ``{kinds}`` (property IRIs)
_RELATIONS = (
    "SELECT ?s ?o WHERE {{ ?r <"
    + _DG
    + "relPredicate> ?p ; <"
    + _DG
    + "relSubject> ?s ; <"
    + _DG
    + "relObject> ?o . FILTER(?p IN ({kinds})) }}"
)


def _iri_list(tokens: Iterable[str], iri: Any) -> str:
    return ", ".join(f"<{iri(t)}>" for t in tokens)


def flow_key(f: Flow) -> tuple[Any, str]:
    """The order :func:`~dealgraph.graph.flows.flows` lists flows in: largest first, then by id."""
    return (-(f.amount or 0), f.id)


def deal_flows(kg: KnowledgeGraph, deal_ids: Iterable[str], cut: Timeline | None = None) -> dict[str, Flow]:
    """Deal id -> its full :class:`~dealgraph.graph.results.Flow` on ``cut``, for ``deal_ids`` only
    (those that count on it), equal to what :func:`~dealgraph.graph.flows.flows` gives.

    The deals' tranches are read too, so a deal whose tranches disagree with its total is
    flagged as it is among all flows.
    """
    want = set(deal_ids)
    every = []
    for u, v, key, data in deals_graph(kg, want).edges(keys=True, data=True):
        f = flow_of_edge(u, v, key, data, cut or Timeline())
        if f is not None:
            every.append(f)
    flag_tranche_sums(every)
    return {f["id"]: Flow.model_validate(f) for f in every if f["id"] in want}


def deals_graph(kg: KnowledgeGraph, deal_ids: Iterable[str]) -> nx.MultiDiGraph:
    """The projection of ``deal_ids`` and of their tranches (the deals part of them, and those
    they include), with their endpoints (:func:`~dealgraph.graph.projection.project_deals`)."""
    want = set(deal_ids)
    table = edge_table(kg)
    children = (
        {table.ids[i] for i, p in enumerate(table.part_of) if p in want} if any(table.part_of) else set()
    )
    g = project_deals(kg, want | children)
    included = {x for _u, _v, data in g.edges(data=True) for x in data.get("includes", [])}
    if included - want - children:
        g = nx.compose(g, project_deals(kg, included - want - children))
    return g


def conflict_candidates(kg: KnowledgeGraph, cut: Timeline) -> set[str]:
    """The deals that may hold a disagreement on ``cut``: two or more totals (claims without a
    rate) known then, or tranches (a deal others are part of, or that includes others)."""
    table = edge_table(kg, claims=True)
    assert table.claims is not None
    several = {
        table.ids[i]
        for i, claims in table.claims.items()
        if sum(1 for _v, rate, when in claims if rate is None and cut.known(when)) > 1
        and table.counts(i, cut)
    }
    return several | {p for p in table.part_of if p} | {d for d, _part in _scan(kg, "includes")}


# -- reading the store -------------------------------------------------------------------------


def _one_of(tokens: Iterable[str]) -> str:
    """A filter keeping ``?o`` among the vocabulary ``tokens`` (the others are never written out)."""
    return f"FILTER(?o IN ({', '.join(f'<{term_iri(t)}>' for t in tokens)}))"


def _scan(kg: KnowledgeGraph, prop: str, where: str = "") -> list[tuple[str, Any]]:
    """Every (subject id, object) of ``dg:{prop}`` (and ``where``): one index scan.

    The subjects are dealgraph resources (deals, entities): their id is the IRI's last part.
    """
    query = f"SELECT ?s ?o WHERE {{ ?s <{_DG}{prop}> ?o {where} }}"
    text = _tsv(kg, query)
    if text is None:
        return [(row[0], row[1]) for row in _select(kg, query)]
    cache: dict[str, Any] = {}
    out = []
    for line in text.split("\n")[1:]:
        if line:
            subject, _, cell = line.partition("\t")
            value = cache[cell] if cell in cache else cache.setdefault(cell, _cell(cell))
            out.append((subject[subject.rfind("/") + 1 : -1], value))
    return out


def _select(kg: KnowledgeGraph, query: str) -> list[tuple[Any, ...]]:
    """The rows of ``query`` as tuples of plain values: dealgraph ids, vocabulary tokens, ISO
    dates, numbers and text, as :meth:`KnowledgeGraph.rows` gives them.

    On Oxigraph the engine writes the results as TSV and they are parsed here (no term
    object per value); other stores answer through ``kg.rows``.
    """
    text = _tsv(kg, query)
    if text is None:
        return [tuple(_plain(v) for v in row.values()) for row in kg.rows(query)]
    return list(_tsv_rows(text))


def _tsv(kg: KnowledgeGraph, query: str) -> str | None:
    """The results of ``query`` as the engine writes them in TSV, on a store that can (Oxigraph)."""
    native = getattr(getattr(kg, "_store", None), "native_select", None)
    if native is None:
        return None
    import pyoxigraph as ox  # only stores that have native_select have it

    _names, solutions = native(query, _PREFIXES)
    return str(solutions.serialize(format=ox.QueryResultsFormat.TSV).decode("utf-8"))


def _tsv_rows(text: str) -> Iterator[tuple[Any, ...]]:
    """The rows of a SPARQL TSV result (its header line skipped).

    >>> list(_tsv_rows('?s\\t?o\\n<https://w3id.org/dealgraph/id/deal/x>\\t"2025-01-02"^^<http://www.w3.org/2001/XMLSchema#date>\\n'))
    [('x', '2025-01-02')]
    """
    cache: dict[str, Any] = {}
    for line in text.split("\n")[1:]:
        if line:
            yield tuple(cache[c] if c in cache else cache.setdefault(c, _cell(c)) for c in line.split("\t"))


def _cell(cell: str) -> Any:
    """One TSV cell as a plain value (None when unbound).

    >>> _cell("<https://w3id.org/dealgraph/ontology#EquityInvestment>"), _cell(""), _cell("38000000000.0")
    ('equity-investment', None, 38000000000)
    >>> _cell('"3210000000"^^<http://www.w3.org/2001/XMLSchema#decimal>'), _cell('"x"')
    (3210000000, 'x')
    """
    if not cell:
        return None
    if cell[0] == "<":
        iri = cell[1:-1]
        if iri.startswith(_ID):
            return iri.rsplit("/", 1)[-1]
        return token_of(iri) if iri.startswith(_DG) else iri
    if cell[0] == '"':
        lexical, _, datatype = cell[1:].rpartition('"')
        if datatype.startswith("^^<") and datatype[3:-1] in _NUMBERS:
            return num(lexical)
        return lexical.replace('\\"', '"').replace("\\t", "\t").replace("\\n", "\n").replace("\\\\", "\\")
    if cell in ("true", "false"):
        return cell == "true"
    return num(cell)


_NUMBERS = {f"{_XSD}{t}" for t in ("decimal", "integer", "double", "float", "int", "long")}


def _plain(v: Any) -> Any:
    """A :meth:`KnowledgeGraph.rows` value as :func:`_cell` gives it (dates as ISO text, numbers)."""
    if v is None or isinstance(v, bool | str):
        return v
    if isinstance(v, int | float) or type(v).__name__ == "Decimal":
        return num(v)
    return iso(v)
