"""Turn a checked :class:`~dealgraph.loaders.dataset.Dataset` into RDF (ontology terms).

Every record becomes a node with the provenance it rests on: ``dg:evidence`` nodes, each
a ``dg:quote`` from a ``dg:Source``. ``origins`` maps each node IRI to the file and line it
came from, so SHACL violations can name them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Protocol

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

from ..ontology.namespace import (
    DG,
    ID,
    bind_prefixes,
    deal_iri,
    entity_iri,
    observation_iri,
    relationship_iri,
    source_iri,
)
from ..ontology.vocab import property_iri, term_iri
from .dataset import Dataset, Located
from .dates import DateValue
from .models import Amount, Evidence, Quantity
from .verify import document_text

__all__ = ["LoadedData", "build_graph", "add_date", "evidence_iri", "DEAL_FIGURES"]

#: A deal's figures: (field of the data format, ``dg:`` property of the deal). Money
#: (``amount``, ``exercisePrice``, ``stakeValue``) is a dg:MonetaryAmount; the others are
#: dg:Quantity nodes with a unit, never added to money.
DEAL_FIGURES = (
    ("amounts", "amount"),
    ("capacity", "capacity"),
    ("chip_count", "chipCount"),
    ("shares", "shares"),
    ("stake", "stake"),
    ("exercise_price", "exercisePrice"),
    ("stake_value", "stakeValue"),
)


@dataclass
class LoadedData:
    """RDF ready to load, with the file and line each node came from."""

    graph: Graph
    origins: dict[str, tuple[str, int | None]] = field(default_factory=dict)
    dataset: Dataset | None = None


def _hash(*parts: object) -> str:
    return hashlib.sha1("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:12]


def evidence_iri(document: str, quote: str) -> URIRef:
    """Evidence nodes are shared by every claim that cites the same quote of a document."""
    return URIRef(f"{ID}evidence/{_hash(document, ' '.join(quote.split()))}")


def _dec(v: Decimal) -> Literal:
    """An xsd:decimal in canonical lexical form ("38000000000.0"), so it round-trips."""
    text = format(Decimal(v).normalize(), "f")
    if "." not in text:
        text += ".0"
    return Literal(text, datatype=XSD.decimal)


class TripleSink(Protocol):
    """What the builder writes triples to: an rdflib Graph, or an :class:`NTriplesSink`."""

    def add(self, triple: tuple[Node, Node, Node], /) -> object: ...


def add_date(g: TripleSink, node: URIRef, prop: str, d: DateValue | None) -> None:
    """Add ``dg:<prop>`` (first day of the period) and its Precision/Inferred/Basis companions."""
    if d is None:
        return
    g.add((node, DG[prop], Literal(d.value, datatype=XSD.date)))
    g.add((node, DG[prop + "Precision"], term_iri(d.precision)))
    if d.inferred:
        g.add((node, DG[prop + "Inferred"], Literal(True)))
    if d.basis:
        g.add((node, DG[prop + "Basis"], Literal(d.basis)))


class NTriplesSink:
    """Takes triples like a Graph's ``add`` and writes them as N-Triples lines.

    Building a large batch into an rdflib Graph costs more than everything else in a load
    (three indexes per triple); a store with a bulk loader only needs the text.
    """

    def __init__(self, fh) -> None:
        self.fh = fh
        self.count = 0

    def add(self, triple: tuple[Node, Node, Node], /) -> None:
        s, p, o = triple
        self.fh.write(f"{s.n3()} {p.n3()} {_nt_object(o)} .\n")
        self.count += 1


def _nt_object(o) -> str:
    """An object in N-Triples (rdflib's ``n3()`` writes a literal with a line break as a
    Turtle long string, which N-Triples does not have).

    >>> print(_nt_object(Literal('two\\nlines, "quoted"')))
    "two\\nlines, \\"quoted\\""
    """
    if not isinstance(o, Literal):
        return o.n3()
    text = (
        '"' + str(o).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'
    )
    if o.language:
        return f"{text}@{o.language}"
    return f"{text}^^<{o.datatype}>" if o.datatype else text


class _Builder:
    def __init__(self, ds: Dataset, sink: TripleSink):
        self.ds = ds
        self.g = sink
        self.origins: dict[str, tuple[str, int | None]] = {}
        self.quoted: set[URIRef] = set()  # evidence nodes written (with their quote)

    def origin(self, node: URIRef, item: Located) -> None:
        self.origins.setdefault(str(node), (item.file, item.line))

    def start(self, node: URIRef, item: Located, cls: URIRef) -> TripleSink:
        """Begin the node of a record: where it came from, its class; the graph to add to."""
        self.origin(node, item)
        self.g.add((node, RDF.type, cls))
        return self.g

    def evidence(
        self, node: URIRef, document: str, ev: Evidence | str, where: tuple[str, int | None] | None = None
    ) -> None:
        quote = ev if isinstance(ev, str) else ev.quote
        e = evidence_iri(document, quote)
        g = self.g
        g.add((node, DG.evidence, e))
        if where is not None:
            self.origins.setdefault(str(e), where)
        if not isinstance(ev, str) and ev.note:
            g.add((e, DG.note, Literal(ev.note)))
        if e in self.quoted:  # the same quote again, perhaps spaced differently: one node
            return
        self.quoted.add(e)
        g.add((e, RDF.type, DG.Evidence))
        g.add((e, DG.source, source_iri(document)))
        g.add((e, DG.quote, Literal(quote)))

    def build(self) -> dict[str, tuple[str, int | None]]:
        """Write every record's triples; return the origins."""
        for item in self.ds.sources.values():
            self.source(item)
        for item in self.ds.entities.values():
            self.entity(item)
        for mentions in self.ds.deals.values():
            self.deal(mentions)
        for item in self.ds.observations.values():
            self.observation(item)
        for mentions in self.ds.relationships.values():
            self.relationship(mentions)
        return self.origins

    def source(self, item: Located) -> None:
        s = item.record
        node = source_iri(s.document)
        g = self.start(node, item, DG.Source)
        g.add((node, DG.document, Literal(s.document)))
        g.add((node, DG.title, Literal(s.title)))
        for prop, val in (("publisher", s.publisher), ("url", s.url), ("note", s.note), ("sha256", s.sha256)):
            if val:
                g.add((node, DG[prop], Literal(val)))
        add_date(g, node, "published", s.published)
        add_date(g, node, "retrieved", s.retrieved)
        # the text sits beside a source file, or in sources/ beside a data set's CSV files
        folder = Path(item.file).parent
        if not any(document_text(f, s.document) for f in (folder, folder / "sources")):
            g.add((node, DG.unverified, Literal(True)))

    def entity(self, item: Located) -> None:
        e = item.record
        node = entity_iri(e.id)
        g = self.start(node, item, term_iri(e.type))
        for role in e.roles:
            g.add((node, RDF.type, term_iri(role)))
        g.add((node, RDFS.label, Literal(e.name)))
        for alias in e.aliases:
            g.add((node, DG.alias, Literal(alias)))
        if e.description:
            g.add((node, DG.description, Literal(e.description)))
        if e.subsidiary_of:
            g.add((node, DG.subsidiaryOf, entity_iri(e.subsidiary_of)))
        if e.subsidiary_of_inferred:
            g.add((node, DG.subsidiaryOfInferred, Literal(e.subsidiary_of_inferred)))

    def figure(
        self, node: URIRef, value: Decimal, upper: Decimal | None, bound: str, rate: str | None
    ) -> None:
        """A stated figure: its value, the top of its range, its bound and its rate."""
        self.g.add((node, DG.value, _dec(value)))
        if upper is not None:
            self.g.add((node, DG.upperValue, _dec(upper)))
        self.g.add((node, DG.bound, term_iri(bound)))
        if rate:
            self.g.add((node, DG.rate, term_iri(rate)))

    def quantity(
        self,
        deal_node: URIRef,
        document: str,
        q: Amount | Quantity,
        kind: str,
        where: tuple[str, int | None] | None = None,
    ) -> URIRef:
        node = URIRef(f"{deal_node}/{kind}-{_hash(document, q.value, q.upper, q.bound, q.quote)}")
        g = self.g
        g.add((node, RDF.type, DG.MonetaryAmount if isinstance(q, Amount) else DG.Quantity))
        self.figure(node, q.value, q.upper, q.bound, q.rate)
        if isinstance(q, Amount):
            g.add((node, DG.currency, Literal(q.currency)))
        else:
            g.add((node, DG.unit, Literal(q.unit)))
        if q.term:
            g.add((node, DG["term"], Literal(q.term, datatype=XSD.duration)))
        self.evidence(node, document, q.quote, where)
        return node

    def deal(self, mentions: list[Located]) -> None:
        first = mentions[0].record
        node = deal_iri(first.id)
        g = self.start(node, mentions[0], DG.Deal)
        g.add((node, DG.kind, term_iri(first.kind)))
        g.add((node, DG.payer, entity_iri(first.payer)))
        g.add((node, DG.payee, entity_iri(first.payee)))
        done: set[str] = set()
        for item in mentions:
            d, doc = item.record, item.rests_on()
            if d.status and "status" not in done:
                g.add((node, DG.status, term_iri(d.status)))
                done.add("status")
            for prop, val in (("date", d.date), ("startDate", d.start), ("endDate", d.end)):
                if val is not None and prop not in done:
                    add_date(g, node, prop, val)
                    done.add(prop)
            if d.term and "term" not in done:
                g.add((node, DG["term"], Literal(d.term, datatype=XSD.duration)))
                done.add("term")
            if d.part_of:
                g.add((node, DG.partOf, deal_iri(d.part_of)))
            for ref in d.includes:
                g.add((node, DG.includes, deal_iri(ref)))
            for ref in d.chips:
                g.add((node, DG.chip, entity_iri(ref)))
            for ref in d.facilities:
                g.add((node, DG.facility, entity_iri(ref)))
            for cond in d.conditions:
                g.add((node, DG.condition, Literal(cond)))
            if d.note:
                g.add((node, DG.note, Literal(d.note)))
            if d.beneficiary:
                g.add((node, DG.beneficiary, entity_iri(d.beneficiary)))
            self.deal_figures(node, item)
            for i, ev in enumerate(d.evidence):
                self.evidence(node, doc, ev, (item.file, item.locate(("evidence", i))[0]))

    def deal_figures(self, node: URIRef, item: Located) -> None:
        """A deal mention's amounts and quantities, each a node with its quote (see DEAL_FIGURES)."""
        d, doc = item.record, item.rests_on()
        for field_name, prop in DEAL_FIGURES:
            value = getattr(d, field_name)
            for i, q in enumerate(value if isinstance(value, list) else [value] if value else []):
                path = (field_name, i) if isinstance(value, list) else (field_name,)
                where = (item.file, item.locate(path)[0])
                qnode = self.quantity(node, doc, q, prop, where)
                self.g.add((node, DG[prop], qnode))
                self.origins.setdefault(str(qnode), where)

    def observation(self, item: Located) -> None:
        o, doc = item.record, item.rests_on()
        node = observation_iri(o.id)
        g = self.start(node, item, DG.Observation)
        g.add((node, DG.subject, entity_iri(o.subject)))
        g.add((node, DG.metric, term_iri(o.metric)))
        self.figure(node, o.value, o.upper, o.bound, o.rate)
        g.add((node, DG.unit, Literal(o.unit)))
        add_date(g, node, "asOf", o.as_of)
        if o.period is not None:
            text = o.period.text + (f"/{o.period_end.text}" if o.period_end else "")
            g.add((node, DG.period, Literal(text)))
            add_date(g, node, "periodStart", o.period)
            add_date(g, node, "periodEnd", o.period_end)
        if o.basis:
            g.add((node, DG.basis, term_iri(o.basis)))
        g.add((node, DG.forecast, Literal(o.forecast)))
        for prop, val in (("segment", o.segment), ("attributedTo", o.attributed_to), ("note", o.note)):
            if val:
                g.add((node, DG[prop], Literal(val)))
        if o.counterparty:
            g.add((node, DG.counterparty, entity_iri(o.counterparty)))
        for i, ev in enumerate(o.evidence):
            self.evidence(node, doc, ev, (item.file, item.locate(("evidence", i))[0]))

    def relationship(self, mentions: list[Located]) -> None:
        r = mentions[0].record
        node = relationship_iri(r.id)
        g = self.start(node, mentions[0], DG.Relationship)
        inferred = [m.record.inferred for m in mentions if m.record.inferred]
        g.add((node, RDF.type, DG.InferredRelationship if inferred else DG.StatedRelationship))
        for reasoning in inferred:
            g.add((node, DG.inferenceBasis, Literal(reasoning)))
        self.relationship_time(node, mentions)
        pred = property_iri(r.kind)
        g.add((node, DG.relSubject, entity_iri(r.subject)))
        g.add((node, DG.relPredicate, pred))
        g.add((node, DG.relObject, entity_iri(r.object)))
        g.add((entity_iri(r.subject), pred, entity_iri(r.object)))
        for item in mentions:
            if item.record.note:
                g.add((node, DG.note, Literal(item.record.note)))
            for i, ev in enumerate(item.record.evidence):
                self.evidence(node, item.rests_on(), ev, (item.file, item.locate(("evidence", i))[0]))

    def relationship_time(self, node: URIRef, mentions: list[Located]) -> None:
        """A relationship's start, end and status (the first mention that states each)."""
        done: set[str] = set()
        for item in mentions:
            r = item.record
            for prop, val in (("startDate", r.start), ("endDate", r.end)):
                if val is not None and prop not in done:
                    add_date(self.g, node, prop, val)
                    done.add(prop)
            status = r.status or ("ended" if r.end is not None else None)
            if status and "status" not in done:
                self.g.add((node, DG.relationshipStatus, term_iri(status)))
                done.add("status")


def build_graph(ds: Dataset) -> LoadedData:
    """Check ``ds`` (raising DataError) and build its RDF."""
    ds.check()
    graph = bind_prefixes(Graph())
    origins = _Builder(ds, graph).build()
    return LoadedData(graph, origins, ds)


def build_ntriples(ds: Dataset, fh) -> dict[str, tuple[str, int | None]]:
    """Check ``ds`` (raising DataError) and write its RDF to ``fh`` as N-Triples.

    Returns the origins (file and line of each node) for error messages.
    """
    ds.check()
    return _Builder(ds, NTriplesSink(fh)).build()
