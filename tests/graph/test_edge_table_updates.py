"""The edge table saved beside an Oxigraph store follows each checked load (issue 13: the first
``loops`` after a load at 1M deals took 30 s, reading the whole table again).

After every load, the table read back (the saved one with the load's rows applied) must equal
the table built from the whole store, claims and corporate groups included; and reading it must
not scan the whole store. The batches are made up for the test: a new deal whose id sorts in
the middle, a publication date added to an existing source, a new dated amount claim on a deal
of the bundled data, and a new subsidiary (which moves an entity into another group).
"""

from __future__ import annotations

import pytest
from rdflib import RDF, XSD, Graph, Literal, URIRef

from dealgraph import open_graph
from dealgraph.graph import edge_table as module
from dealgraph.graph.knowledge_graph import KnowledgeGraph
from dealgraph.ontology.namespace import DG, ID

pytest.importorskip("pyoxigraph")

SRC = URIRef(f"{ID}source/edge-table-test.txt")


def _source(g: Graph, quote: str, name: str) -> URIRef:
    ev = URIRef(f"{ID}evidence/edge-table-{name}")
    g.add((SRC, RDF.type, DG.Source))
    g.add((SRC, DG.document, Literal("edge-table-test.txt")))
    g.add((SRC, DG.title, Literal("A made-up note for the edge table test")))
    g.add((ev, RDF.type, DG.Evidence))
    g.add((ev, DG.source, SRC))
    g.add((ev, DG.quote, Literal(quote)))
    return ev


def _new_deal() -> Graph:
    """OpenAI invests in Microsoft: a deal id between those of the bundled data."""
    g = Graph()
    d = URIRef(f"{ID}deal/m-openai-microsoft-test")
    ev = _source(g, "OpenAI invests in Microsoft", "deal")
    for p, o in [
        (RDF.type, DG.Deal),
        (DG.kind, DG.EquityInvestment),
        (DG.status, DG.Committed),
        (DG.payer, URIRef(f"{ID}entity/openai")),
        (DG.payee, URIRef(f"{ID}entity/microsoft")),
        (DG.evidence, ev),
    ]:
        g.add((d, p, o))
    return g


def _dated_source() -> Graph:
    """The test's source gets a publication date: the new deal is known from then."""
    g = Graph()
    g.add((SRC, DG.published, Literal("2031-05-01", datatype=XSD.date)))
    g.add((SRC, DG.publishedPrecision, DG.Day))
    return g


def _new_claim() -> Graph:
    """A second amount claim on a bundled deal, from the (dated) test source."""
    g = Graph()
    d = URIRef(f"{ID}deal/anthropic-aws-compute-2026")
    claim = URIRef(f"{ID}deal/anthropic-aws-compute-2026/amount-test")
    ev = _source(g, "more than $100 billion", "claim")
    g.add((d, DG.amount, claim))
    for p, o in [
        (RDF.type, DG.MonetaryAmount),
        (DG.value, Literal("123000000000.0", datatype=XSD.decimal)),
        (DG.currency, Literal("USD")),
        (DG.bound, DG.AtLeast),
        (DG.evidence, ev),
    ]:
        g.add((claim, p, o))
    return g


def _new_parent() -> Graph:
    """Microsoft becomes a subsidiary of Amazon (made up): its deals move to Amazon's group."""
    g = Graph()
    g.add((URIRef(f"{ID}entity/microsoft"), DG.subsidiaryOf, URIRef(f"{ID}entity/amazon")))
    return g


def _whole(kg: KnowledgeGraph) -> tuple[module.EdgeTable, dict[str, str]]:
    table = module._build(kg)
    table.claims = module._claims(kg, table)
    return table, module._lean_groups(kg)


def _read_back(kg: KnowledgeGraph, monkeypatch) -> tuple[module.EdgeTable, dict[str, str]]:
    """The table as the next reader gets it, with a whole-store build refused."""
    built = module._build

    def only_parts(source):
        assert isinstance(source, module._Part), "the whole store was read again"
        return built(source)

    monkeypatch.setattr(module, "_build", only_parts)
    kg._memo.clear()
    try:
        return module.edge_table(kg, claims=True), module.lean_groups(kg)
    finally:
        monkeypatch.setattr(module, "_build", built)


def _same(got: tuple[module.EdgeTable, dict[str, str]], want: tuple[module.EdgeTable, dict[str, str]]):
    (table, groups), (ref, ref_groups) = got, want
    for name in ("ids",) + module._ROW:
        assert getattr(table, name) == getattr(ref, name), name
    assert {table.ids[i]: sorted(c) for i, c in (table.claims or {}).items()} == {
        ref.ids[i]: sorted(c) for i, c in (ref.claims or {}).items()
    }
    assert groups == ref_groups


def test_each_load_updates_the_saved_table(tmp_path, monkeypatch):
    spec = f"oxigraph:{tmp_path / 'store'}"
    kg = open_graph(store=spec)
    module.edge_table(kg, claims=True)  # saved beside the store
    assert (tmp_path / "store.edges.json").exists() and (tmp_path / "store.edges.claims.json").exists()

    kg.load(_new_deal())
    assert (tmp_path / "store.edges.delta.json").exists()
    got = _read_back(kg, monkeypatch)
    assert "m-openai-microsoft-test" in got[0].ids
    _same(got, _whole(kg))
    assert (tmp_path / "store.edges.delta.json").exists()  # a few rows: each reader applies them

    kg.load(_dated_source())  # only a source's triples: its deal's row changes
    got = _read_back(kg, monkeypatch)
    row = got[0].index["m-openai-microsoft-test"]
    assert got[0].known_from[row] == "2031-05-01"
    _same(got, _whole(kg))

    kg.load(_new_claim())  # two loads before the next read: one chain of changes
    kg.load(_new_parent())
    got = _read_back(kg, monkeypatch)
    assert got[1]["microsoft"] == "amazon"
    _same(got, _whole(kg))
    monkeypatch.setattr(module, "_COMPACT_AT", 0)  # many rows: the reader saves the table whole
    _same(_read_back(kg, monkeypatch), _whole(kg))
    assert not (tmp_path / "store.edges.delta.json").exists()
    kg.close()

    again = KnowledgeGraph(spec)  # a new process reads the saved table as it is
    _same(_read_back(again, monkeypatch), _whole(again))
    again.close()


def test_a_load_without_a_saved_table_records_nothing(tmp_path):
    """No table saved for the data the load started from: the next reader builds it."""
    spec = f"oxigraph:{tmp_path / 'store'}"
    kg = open_graph(store=spec)
    kg.load(_new_deal())
    assert not (tmp_path / "store.edges.delta.json").exists()
    table = module.edge_table(kg, claims=True)
    _same((table, module.lean_groups(kg)), _whole(kg))
    kg.close()
