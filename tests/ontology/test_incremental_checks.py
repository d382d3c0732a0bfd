"""The check scoped to a batch finds exactly what the check of the whole store finds.

A load into a store that holds data checks only the batch's subjects
(:func:`~dealgraph.ontology.shacl_sparql.validate_focus`); the whole-store check
(:func:`~dealgraph.ontology.shacl_sparql.validate_with_sparql`, itself held equal to pyshacl
by ``test_shacl_sparql.py``) is the reference. For each batch, added to a store holding a
data set that conforms, both are run on the union and must report the same set of
(focus, path, message, value). The designed batches below break nodes already in the store
(a second payer, a second ``partOf``, a new type on an old node...) as well as new ones;
hypothesis draws more from the nodes, paths and classes of the mini data set.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from dealgraph.graph import stores
from dealgraph.graph.stores import OxigraphStore
from dealgraph.loaders import load_directory
from dealgraph.ontology.namespace import DG, deal_iri, entity_iri
from dealgraph.ontology.shacl_sparql import validate_focus, validate_with_sparql

ROOT = Path(__file__).resolve().parents[2]
A = deal_iri("amazon-openai-frontier-distribution")  # partOf amazon-openai-investment-2026
B = deal_iri("amazon-anthropic-investment-2026")
NEW = deal_iri("new-batch-deal")
AMAZON, OPENAI = entity_iri("amazon"), entity_iri("openai")
REL = URIRef("https://w3id.org/dealgraph/id/relationship/amazon--distributes--frontier")


def _quads(triples) -> list[ox.Quad]:
    g = Graph()
    for t in triples:
        g.add(t)
    return list(ox.parse(g.serialize(format="nt").encode(), format=ox.RdfFormat.N_TRIPLES))


@pytest.fixture(scope="module")
def bundled() -> Graph:
    return load_directory(ROOT / "data").graph


@pytest.fixture(scope="module")
def bundled_quads(bundled) -> list[ox.Quad]:
    return _quads(bundled)


def _keys(report) -> set[tuple]:
    return {(v.focus, v.path, v.message, v.value) for v in report.violations}


def _both(base: list[ox.Quad], batch: list[ox.Quad]) -> tuple[set, set]:
    """(full check, check scoped to the batch's subjects) on the union of base and batch."""
    store = ox.Store()
    store.extend(base)
    assert validate_with_sparql(store.query).conforms  # the store conforms before the batch
    store.extend(batch)
    full = validate_with_sparql(store.query)
    scoped = validate_focus(store, {q.subject for q in batch})
    return _keys(full), _keys(scoped)


def _new_deal(g: Graph, deal: URIRef = NEW) -> list[tuple]:
    """A deal that conforms: B's kind and evidence, Amazon pays OpenAI."""
    return [
        (deal, RDF.type, DG.Deal),
        (deal, DG.payer, AMAZON),
        (deal, DG.payee, OPENAI),
        (deal, DG.kind, g.value(B, DG.kind)),
        (deal, DG.evidence, g.value(B, DG.evidence)),
    ]


def _amount(g: Graph) -> URIRef:
    return g.value(B, DG.amount)


# name -> (the batch, given the bundled graph; whether it conforms)
BATCHES = {
    "a new deal": (lambda g: _new_deal(g), True),
    "restating triples the store holds": (lambda g: list(g.triples((B, None, None))), True),
    "a new deal whose payer the batch declares": (
        lambda g: [
            *[t for t in _new_deal(g) if t[1] != DG.payer],
            (NEW, DG.payer, entity_iri("newco")),
            (entity_iri("newco"), RDF.type, DG.Organization),
            (entity_iri("newco"), RDFS.label, Literal("NewCo")),
        ],
        True,
    ),
    "a new deal part of two existing deals": (
        lambda g: [*_new_deal(g), (NEW, DG.partOf, A), (NEW, DG.partOf, B)],
        False,
    ),
    "an existing deal made part of a second deal (maxCount on an old node)": (
        lambda g: [(A, DG.partOf, B)],
        False,
    ),
    "a second payer for an existing deal": (lambda g: [(B, DG.payer, OPENAI)], False),
    "an existing deal part of an entity": (lambda g: [(B, DG.partOf, AMAZON)], False),
    "an existing deal's evidence that is an entity": (lambda g: [(B, DG.evidence, AMAZON)], False),
    "new evidence without source or quote on an existing deal": (
        lambda g: [(B, DG.evidence, URIRef("urn:ev")), (URIRef("urn:ev"), RDF.type, DG.Evidence)],
        False,
    ),
    "a new relationship to an existing deal": (
        lambda g: [
            (URIRef("urn:rel"), RDF.type, DG.StatedRelationship),
            (URIRef("urn:rel"), DG.relSubject, AMAZON),
            (URIRef("urn:rel"), DG.relObject, B),
            (URIRef("urn:rel"), DG.relPredicate, DG.partnerOf),
            (URIRef("urn:rel"), DG.evidence, g.value(B, DG.evidence)),
        ],
        False,
    ),
    "an existing relationship given a second object": (lambda g: [(REL, DG.relObject, AMAZON)], False),
    "an existing entity typed as a deal": (lambda g: [(AMAZON, RDF.type, DG.Deal)], False),
    "an existing amount typed as a quantity (it is one)": (
        lambda g: [(_amount(g), RDF.type, DG.Quantity)],
        True,
    ),
    "an existing piece of evidence typed as a quantity": (
        lambda g: [(g.value(B, DG.evidence), RDF.type, DG.Quantity)],
        False,
    ),
    "an existing amount given a second currency": (
        lambda g: [(_amount(g), DG.currency, Literal("EUR"))],
        False,
    ),
    "an existing entity's name with a language": (
        lambda g: [(AMAZON, RDFS.label, Literal("Amazon", lang="de"))],
        False,
    ),
    "an entity of a subclass with no name": (lambda g: [(URIRef("urn:lab"), RDF.type, DG.AiLab)], False),
    "a new deal's blank-node amount without currency": (
        lambda g: [
            *_new_deal(g),
            (NEW, DG.amount, BNode("amt")),
            (BNode("amt"), RDF.type, DG.MonetaryAmount),
        ],
        False,
    ),
    "a new deal paying nobody that exists": (
        lambda g: [*[t for t in _new_deal(g) if t[1] != DG.payee], (NEW, DG.payee, entity_iri("nobody"))],
        False,
    ),
}


@pytest.mark.parametrize("name", list(BATCHES))
def test_scoped_check_finds_what_the_full_check_finds(name, bundled, bundled_quads):
    make, conforms = BATCHES[name]
    full, scoped = _both(bundled_quads, _quads(make(bundled)))
    assert scoped == full
    assert (not full) == conforms, full


def test_a_batch_that_breaks_an_old_node_names_it(bundled, bundled_quads):
    """The violation is at the deal the store held, found from the batch's subject."""
    full, scoped = _both(bundled_quads, _quads([(A, DG.partOf, B)]))
    assert {(f, p) for f, p, _, _ in scoped} == {(str(A), str(DG.partOf))}


@pytest.mark.parametrize("scoped", [True, False], ids=["scoped", "whole store"])
def test_the_oxigraph_store_checks_a_batch_at_its_nodes(tmp_path, bundled, scoped, monkeypatch):
    """A load into a filled store: refused with the full check's violations, store unchanged;
    accepted, it counts what it gained. A batch over the size limit is bulk-loaded and the
    whole store checked, with the same answers."""
    if not scoped:
        monkeypatch.setattr(stores, "_SCOPED_MAX_BYTES", 0)
    data = tmp_path / "data.nt"
    bundled.serialize(str(data), format="nt", encoding="utf-8")
    store = OxigraphStore(str(tmp_path / "store"))
    try:
        assert store.load(Graph(), [data]).conforms  # a first load: the whole store checked
        before = store.count()
        bad = Graph()
        for t in [*_new_deal(bundled), (B, DG.payer, OPENAI), (A, DG.partOf, B)]:
            bad.add(t)
        report = store.load(bad)
        assert not report.conforms
        assert store.count() == len(store.inner) == before  # restored
        union = ox.Store()
        union.extend(_quads(bundled))
        union.extend(_quads(bad))
        assert _keys(report) == _keys(validate_with_sparql(union.query))
        good = Graph()
        for t in _new_deal(bundled):
            good.add(t)
        assert store.load(good).conforms
        assert store.count() == len(store.inner) == before + len(good)
    finally:
        store.close()


# -- drawn batches, against the mini data set ----------------------------------------------

MINI = load_directory(ROOT / "tests" / "fixtures" / "mini").graph
MINI_QUADS = _quads(MINI)
_NODES = sorted({s for s in MINI.subjects() if isinstance(s, URIRef)}) + [URIRef("urn:new"), BNode("b")]
_PATHS = [
    DG.payer,
    DG.payee,
    DG.kind,
    DG.status,
    DG.partOf,
    DG.includes,
    DG.evidence,
    DG.amount,
    DG.currency,
    DG.value,
    DG.bound,
    DG.source,
    DG.quote,
    RDFS.label,
    DG.subsidiaryOf,
    DG.relSubject,
    DG.relObject,
    DG.subject,
    DG.unit,
    DG.date,
]
_CLASSES = [
    DG.Deal,
    DG.Entity,
    DG.AiLab,
    DG.Organization,
    DG.MonetaryAmount,
    DG.Quantity,
    DG.Evidence,
    DG.Source,
    DG.StatedRelationship,
    DG.Observation,
]
_LITERALS = [
    Literal("USD"),
    Literal("usd"),
    Literal("x", lang="en"),
    Literal("5.0", datatype=XSD.decimal),
    Literal("0", datatype=XSD.decimal),
    Literal("2025-01-01", datatype=XSD.date),
    Literal("GW"),
]
_VOCAB = [DG.Committed, DG.Exact, DG.EquityInvestment]

_nodes = st.sampled_from(_NODES)
_triple = st.one_of(
    st.tuples(_nodes, st.just(RDF.type), st.sampled_from(_CLASSES)),
    st.tuples(
        _nodes,
        st.sampled_from(_PATHS),
        st.one_of(_nodes, st.sampled_from(_LITERALS), st.sampled_from(_VOCAB)),
    ),
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_triple, min_size=1, max_size=5))
def test_drawn_batches_agree_with_the_full_check(batch):
    full, scoped = _both(MINI_QUADS, _quads(batch))
    assert scoped == full
