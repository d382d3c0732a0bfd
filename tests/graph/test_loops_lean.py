"""Loops from the lean edge table are the loops of the full projection (issue 13).

``vendor_financed_loops`` now finds loops on the lean edge table (graph/edge_table.py) and
reads full flows only for the deals of the loops it returns. The reference below is the
implementation it replaced (every flow of the projection, then the search); both must give
the same loops, field for field, on the seed data and on a generated 2,000-deal graph with
dates, publication dates, announced and contingent money written into it for the test, on
both timelines and with and without announced money.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from benchmarks.generate import generate, write_ntriples
from dealgraph import open_graph
from dealgraph.graph.conflicts import conflicts
from dealgraph.graph.edge_table import _cell, deal_flows, edge_table, lean_groups
from dealgraph.graph.exposure import two_sided_bets
from dealgraph.graph.flows import flows as all_flows
from dealgraph.graph.groups import group_map
from dealgraph.graph.knowledge_graph import KnowledgeGraph
from dealgraph.graph.loops import INVESTMENT_KINDS, _loop, find_loops, vendor_financed_loops
from dealgraph.graph.money import bucket, countable, parse_as_of
from dealgraph.graph.report import build_report
from dealgraph.graph.results import Flow, Loop, Report
from dealgraph.ontology.namespace import DG, ID

CUTS = [
    (None, None),
    ("2025-12-31", None),
    (None, "2025-11-15"),
    ("2026-06-01", "2026-03-01"),
    ("2025-06-30", "2026-04-20"),
]


def reference_loops(kg, max_length=4, as_of=None, known_at=None, include_announced=False) -> list[Loop]:
    """The loops as they were computed before the edge table: every flow of the projection."""
    groups = group_map(kg)
    fl = countable(all_flows(kg, as_of=as_of, known_at=known_at))
    edges: dict[tuple[str, str], list[Flow]] = defaultdict(list)
    investments: dict[tuple[str, str], list[Flow]] = defaultdict(list)
    for f in fl:
        ga, gb = groups.get(f.payer, f.payer), groups.get(f.payee, f.payee)
        if ga == gb:
            continue
        edges[(ga, gb)].append(f)
        if f.kind in INVESTMENT_KINDS:
            investments[(ga, gb)].append(f)
    loops = []
    for path in find_loops(edges, investments, max_length):
        steps = [investments[(path[0], path[1])]]
        steps += [edges[(path[i], path[i + 1])] for i in range(1, len(path) - 1)]
        loops.append(_loop(path, steps, include_announced))
    loops.sort(key=lambda lp: (len(lp.members), -lp.money_out, lp.members))
    return loops


def _same(kg, **kw) -> int:
    lean = [lp.model_dump() for lp in vendor_financed_loops(kg, **kw)]
    ref = [lp.model_dump() for lp in reference_loops(kg, **kw)]
    assert lean == ref, kw
    return len(lean)


@pytest.fixture(scope="module")
def seeds():
    return open_graph()


@pytest.fixture(scope="module")
def seeds_oxigraph(tmp_path_factory):
    """The seed data in an Oxigraph store (the table is read there as the engine's TSV)."""
    pytest.importorskip("pyoxigraph")
    return open_graph(store=f"oxigraph:{tmp_path_factory.mktemp('ox') / 'store'}")


@pytest.mark.parametrize("include_announced", [False, True])
@pytest.mark.parametrize(("as_of", "known_at"), CUTS)
def test_seed_loops_as_before(seeds, as_of, known_at, include_announced):
    _same(seeds, as_of=as_of, known_at=known_at, include_announced=include_announced)


def test_seed_loops_found(seeds):
    # the four loops of the seeds at length 2 (loops.py's docstring, from 000-003)
    assert _same(seeds, max_length=2) == 4
    assert _same(seeds, max_length=3) >= 4


@pytest.mark.parametrize(("as_of", "known_at"), CUTS[:3])
def test_seed_loops_on_oxigraph(seeds_oxigraph, as_of, known_at):
    _same(seeds_oxigraph, as_of=as_of, known_at=known_at)
    _same(seeds_oxigraph, as_of=as_of, known_at=known_at, include_announced=True)


def test_table_agrees_with_projection(seeds_oxigraph):
    """Each deal's payer, payee, kind, status, part_of and date are the projection's; groups too."""
    kg = seeds_oxigraph
    t = edge_table(kg, claims=True)
    edges = {k: (u, v, d) for u, v, k, d in kg.nx().edges(keys=True, data=True) if d.get("edge") == "money"}
    assert sorted(edges) == t.ids
    for deal, (u, v, d) in edges.items():
        i = t.index[deal]
        assert (t.payer[i], t.payee[i]) == (u, v)
        assert t.kind[i] == (d["kind"] if d["kind"] in (*INVESTMENT_KINDS, "aggregate") else None)
        assert bucket({"kind": "", "status": t.status[i]}) == bucket({"kind": "", "status": d["status"]})
        assert (t.part_of[i], t.date[i]) == (d["part_of"], d["date"])
    assert lean_groups(kg) == {k: v for k, v in group_map(kg).items() if k != v or k in lean_groups(kg)}


def test_deal_flows_equal_flows(seeds):
    every = {f.id: f for f in all_flows(seeds, known_at="2026-04-20")}
    some = sorted(every)[::3]
    got = deal_flows(seeds, some, cut=None)
    assert sorted(got) == some
    from dealgraph.graph.timeline import Timeline

    cut = Timeline.of(known_at="2026-04-20")
    assert {k: f.model_dump() for k, f in deal_flows(seeds, some, cut).items()} == {
        k: every[k].model_dump() for k in some
    }


def test_tsv_cells():
    assert _cell('"a \\"b\\""') == 'a "b"'
    assert _cell("<https://example.org/x>") == "https://example.org/x"
    assert _cell("true") is True


def _generated(path: Path, deals: int = 2000) -> Graph:
    """``deals`` generated deals, with timelines and statuses written in for the test.

    Every fourth deal rests only on documents published on 2025-06-01 (the deal) and
    2026-02-01 (its amount); every sixth is dated 2026-03-01; every tenth (from the third)
    is announced and every seventeenth contingent; every 25th equity investment a warrant.
    """
    syn = generate(deals, seed=7, loops=max(3, deals // 160))
    nt = path / "gen.nt"
    write_ntriples(syn, nt)
    g = Graph()
    g.parse(nt, format="nt")
    synthetic = URIRef(f"{ID}evidence/synthetic")
    for n, (doc, day) in enumerate([("early.txt", "2025-06-01"), ("later.txt", "2026-02-01")]):
        src, ev = URIRef(f"{ID}source/{doc}"), URIRef(f"{ID}evidence/e{n}")
        g.add((src, RDF.type, DG.Source))
        g.add((src, DG.document, Literal(doc)))
        g.add((src, DG.title, Literal(doc)))
        g.add((src, DG.published, Literal(day, datatype=XSD.date)))
        g.add((ev, RDF.type, DG.Evidence))
        g.add((ev, DG.source, src))
        g.add((ev, DG.quote, Literal(f"quote of {doc}")))
    for i, (did, kind, *_rest) in enumerate(syn.deals):
        d, a = URIRef(f"{ID}deal/{did}"), URIRef(f"{ID}deal/{did}/amount")
        if i % 4 == 0:
            g.remove((d, DG.evidence, synthetic))
            g.remove((a, DG.evidence, synthetic))
            g.add((d, DG.evidence, URIRef(f"{ID}evidence/e0")))
            g.add((a, DG.evidence, URIRef(f"{ID}evidence/e1")))
        if i % 6 == 0:
            g.add((d, DG.date, Literal("2026-03-01", datatype=XSD.date)))
            g.add((d, DG.datePrecision, DG.Day))
        status = DG.Announced if i % 10 == 3 else DG.Contingent if i % 17 == 0 else None
        if status is not None:
            g.set((d, DG.status, status))
        if kind == "equity-investment" and i % 25 == 0:
            g.set((d, DG.kind, DG.Warrant))
    return g


def _store(tmp_path_factory, deals: int) -> KnowledgeGraph:
    pytest.importorskip("pyoxigraph")
    path = tmp_path_factory.mktemp("gen")
    kg = KnowledgeGraph(f"oxigraph:{path / 'store'}")
    kg.load(_generated(path, deals))
    return kg


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    return _store(tmp_path_factory, 2000)


@pytest.fixture(scope="module")
def small_generated(tmp_path_factory):
    """600 deals: the reference report reads the whole projection, slow on 2,000."""
    return _store(tmp_path_factory, 600)


@pytest.mark.parametrize("include_announced", [False, True])
@pytest.mark.parametrize(("as_of", "known_at"), CUTS)
def test_generated_loops_as_before(generated, as_of, known_at, include_announced):
    _same(generated, as_of=as_of, known_at=known_at, include_announced=include_announced)


def test_generated_loops_found(generated):
    # the planted loops are found, and the cuts change what is found (the test has teeth)
    assert _same(generated) >= 10
    answers = {repr(vendor_financed_loops(generated, as_of=a, known_at=k)) for a, k in CUTS}
    assert len(answers) >= 3  # the cuts change the loops or their money (the comparison has teeth)
    assert _same(generated, max_length=3) <= _same(generated)


def _new_loop() -> Graph:
    """A made-up investment from OpenAI in Microsoft: with Microsoft's in OpenAI, a new loop."""
    g = Graph()
    d, ev, src = (
        URIRef(f"{ID}deal/test-openai-microsoft"),
        URIRef(f"{ID}evidence/t"),
        URIRef(f"{ID}source/t.txt"),
    )
    g.add((src, RDF.type, DG.Source))
    g.add((src, DG.document, Literal("t.txt")))
    g.add((src, DG.title, Literal("A made-up note for the cache test")))
    g.add((ev, RDF.type, DG.Evidence))
    g.add((ev, DG.source, src))
    g.add((ev, DG.quote, Literal("OpenAI invests in Microsoft")))
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


def test_api_loops_cached_until_a_load():
    from fastapi.testclient import TestClient

    from dealgraph.api.main import create_app

    kg = open_graph()
    client = TestClient(create_app(kg))
    first = client.get("/loops", params={"max_length": 2}).json()
    assert [lp["members"] for lp in first] == [lp.members for lp in reference_loops(kg, max_length=2)]
    assert kg.memo_peek("api-loops 2 None None False") is not None  # kept for the next request
    assert client.get("/loops", params={"max_length": 2}).json() == first
    kg.load(_new_loop())  # a load forgets it: the new loop is served at once
    assert kg.memo_peek("api-loops 2 None None False") is None
    after = client.get("/loops", params={"max_length": 2}).json()
    assert ["openai", "microsoft"] in [lp["members"] for lp in after]
    assert len(after) == len(first) + 1


def test_saved_table_is_read_back_until_a_load(tmp_path, monkeypatch):
    """Beside an Oxigraph store the table is saved; a new process reads it back while the data
    is the same, and a load (which adds triples) has it read from the store again."""
    from dealgraph.graph import edge_table as module

    spec = f"oxigraph:{tmp_path / 'store'}"
    kg = open_graph(store=spec)
    before = vendor_financed_loops(kg, max_length=2)
    assert (tmp_path / "store.edges.json").exists()
    kg.close()

    kg = KnowledgeGraph(spec)
    built = module._build
    monkeypatch.setattr(module, "_build", lambda kg: pytest.fail("the saved table was not used"))
    assert vendor_financed_loops(kg, max_length=2) == before
    monkeypatch.setattr(module, "_build", built)
    kg.load(_new_loop())
    assert ["openai", "microsoft"] in [lp.members for lp in vendor_financed_loops(kg, max_length=2)]
    _same(kg, max_length=2)
    kg.close()


def reference_report(kg, as_of=None, known_at=None, include_announced=False, top=10) -> Report:
    """The report as it was built before the edge table (every flow, every group's exposure)."""
    biggest = [f for f in countable(all_flows(kg, as_of=as_of, known_at=known_at)) if f.amount][:top]
    return Report(
        as_of=parse_as_of(as_of),
        known_at=parse_as_of(known_at, "known-at"),
        include_announced=include_announced,
        names={n: d["name"] for n, d in sorted(kg.nx().nodes(data=True))},
        biggest_flows=biggest,
        loops=reference_loops(kg, as_of=as_of, known_at=known_at, include_announced=include_announced),
        two_sided_bets=two_sided_bets(
            kg, as_of=as_of, known_at=known_at, include_announced=include_announced
        ),
        conflicts=conflicts(kg, as_of=as_of, known_at=known_at),
    )


@pytest.mark.parametrize(
    ("as_of", "known_at", "include_announced"), [(*c, i % 2 == 1) for i, c in enumerate(CUTS)]
)
def test_seed_report_as_before(seeds, as_of, known_at, include_announced):
    kw = {"as_of": as_of, "known_at": known_at, "include_announced": include_announced}
    assert build_report(seeds, **kw).model_dump() == reference_report(seeds, **kw).model_dump()


@pytest.mark.parametrize(("as_of", "known_at"), [CUTS[2]])
def test_generated_report_as_before(small_generated, as_of, known_at):
    kg = small_generated
    rep = build_report(kg, as_of=as_of, known_at=known_at, top=25)
    assert rep.model_dump() == reference_report(kg, as_of=as_of, known_at=known_at, top=25).model_dump()
    assert len(rep.biggest_flows) == 25


def test_report_bets_on_neighbourhoods(seeds, monkeypatch):
    """The bets' exposures read each group's neighbourhood (as a big store would), same answers."""
    from dealgraph.graph.knowledge_graph import KnowledgeGraph as KG

    scoped = KG.scoped
    monkeypatch.setattr(KG, "scoped", lambda self, ids, **kw: scoped(self, ids, **kw, whole_if_small=False))
    for kw in ({}, {"as_of": "2025-12-31", "include_announced": True}):
        bets = build_report(seeds, **kw).two_sided_bets
        assert [e.model_dump() for e in bets] == [e.model_dump() for e in two_sided_bets(seeds, **kw)]
