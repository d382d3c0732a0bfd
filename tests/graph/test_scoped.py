"""Scoped views (KnowledgeGraph.scoped, dealgraph.graph.scope) answer as the whole graph does.

Every entity-centred analytic is run on the whole projection and on the neighbourhood view
of the entity (or entities) it is about; the answers must be equal, on the bundled seed
data and on a generated 500-deal graph (benchmarks/generate.py), with no cut and on both
timelines.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from dealgraph import open_graph
from dealgraph.graph import KnowledgeGraph, entity_card, flows
from dealgraph.graph.cards import deal_card
from dealgraph.graph.exposure import exposure
from dealgraph.graph.paths import paths, share
from dealgraph.graph.trace import trace

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from generate import generate, write_ntriples  # noqa: E402

#: no cut; and a cut on both timelines (the seeds' deals straddle 2025)
CUTS = [{}, {"as_of": "2025-10-01", "known_at": "2025-12-01"}]


@pytest.fixture(scope="module")
def seeds() -> KnowledgeGraph:
    return open_graph()


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeGraph]:
    nt = tmp_path_factory.mktemp("scoped") / "g.nt"
    write_ntriples(generate(500, seed=5), nt)
    kg = KnowledgeGraph(f"oxigraph:{nt.parent / 'store'}")  # the store scoped views are for
    kg.load(files=[nt])
    yield kg
    kg.close()


def _busiest(kg: KnowledgeGraph, n: int) -> list[str]:
    """The ``n`` entities in the most deals (and the least busy one with a deal)."""
    counts = Counter(e for u, v, d in kg.nx().edges(data=True) if d["edge"] == "money" for e in (u, v))
    ranked = [e for e, _ in counts.most_common()]
    return ranked[:n] + ranked[-1:]


def _entities(kg: KnowledgeGraph) -> list[str]:
    """The busiest entities and the quietest one (in the memory store a view costs ~2 s)."""
    return _busiest(kg, 5 if kg.store == "memory" else 12)


@pytest.mark.parametrize("which", ["seeds", "synthetic"])
def test_entity_flows_trace_exposure(which: str, request: pytest.FixtureRequest) -> None:
    kg = request.getfixturevalue(which)
    for e in _entities(kg):
        view = kg.scoped([e], whole_if_small=False)
        rivals = kg.scoped([e], rivals=True, whole_if_small=False)
        down = kg.scoped([e], hops=1, direction="out", whole_if_small=False)
        up = kg.scoped([e], hops=1, direction="in", whole_if_small=False)
        for cut in CUTS:
            assert entity_card(view, e, **cut) == entity_card(kg, e, **cut), e
            assert flows(view, payer=e, **cut) == flows(kg, payer=e, **cut), e
            assert flows(view, payee=e, **cut) == flows(kg, payee=e, **cut), e
            for announced in (False, True):
                expected = exposure(kg, e, **cut, include_announced=announced)
                assert exposure(rivals, e, **cut, include_announced=announced) == expected, e
            assert trace(down, e, 2, "down", **cut) == trace(kg, e, 2, "down", **cut), e
            assert trace(up, e, 2, "up", **cut) == trace(kg, e, 2, "up", **cut), e


@pytest.mark.parametrize("which", ["seeds", "synthetic"])
def test_paths_and_share(which: str, request: pytest.FixtureRequest) -> None:
    kg = request.getfixturevalue(which)
    ends = _busiest(kg, 3)
    shapes = (
        [(3, False), (2, True)] if kg.store == "memory" else [(3, False), (2, True), (4, False), (3, True)]
    )
    found = 0
    for a in ends:
        for b in ends:
            if a == b:
                continue
            for length, any_edge in shapes:
                mode = "any" if any_edge else "money"
                view = kg.scoped_paths(a, b, length, any_edge, whole_if_small=False)
                for cut in CUTS:
                    got = paths(view, a, b, max_length=length, mode=mode, **cut)
                    assert got == paths(kg, a, b, max_length=length, mode=mode, **cut), (a, b, length, mode)
                    found += len(got)
            pair = kg.scoped([a, b], whole_if_small=False)
            for cut in CUTS:
                assert share(pair, a, b, **cut) == share(kg, a, b, **cut)
    assert found  # some pairs are joined: the comparison is not of empty lists only


@pytest.mark.parametrize("which", ["seeds", "synthetic"])
def test_deal_cards(which: str, request: pytest.FixtureRequest) -> None:
    kg = request.getfixturevalue(which)
    ids = kg.deal_ids()
    parts = [k for _u, _v, k, d in kg.nx().edges(keys=True, data=True) if d.get("part_of")]
    for deal in sorted(set(ids[:: max(1, len(ids) // 8)] + parts[:3])):
        view = kg.scoped_deals([deal], whole_if_small=False)
        for cut in CUTS:
            try:
                expected = deal_card(kg, deal, **cut)
            except LookupError as exc:
                with pytest.raises(type(exc)):
                    deal_card(view, deal, **cut)
            else:
                assert deal_card(view, deal, **cut) == expected, deal


def test_share_of_seed_quotes(seeds: KnowledgeGraph) -> None:
    """The share doctest (data/sources: OpenAI's $38B AWS deal over its $1.4T commitments) on a view."""
    s = share(seeds.scoped(["openai", "aws"], whole_if_small=False), "openai", "aws", as_of="2025-11-30")
    assert (s.money.committed, s.total, s.share) == (38000000000, 1400000000000, 0.0271)


def test_unknown_entity_suggests_from_the_whole_store(seeds: KnowledgeGraph) -> None:
    view = seeds.scoped(["amazn"], whole_if_small=False)
    with pytest.raises(LookupError, match="did you mean 'amazon'"):
        view.require_entity("amazn")


def test_small_or_built_graph_answers_itself(seeds: KnowledgeGraph) -> None:
    assert seeds.scoped(["aws"]) is seeds
    assert seeds.scoped_paths("aws", "openai", 3, False) is seeds


def test_same_answers_on_every_store(kg: KnowledgeGraph, seeds: KnowledgeGraph) -> None:
    """The views of the seeds in the memory, Oxigraph and remote stores (tests/conftest.py
    ``kg``) answer as the whole graph in memory; each holds a neighbourhood, not the store."""
    whole = seeds.nx().number_of_edges()
    for e in ("anthropic", "nvidia"):
        view = kg.scoped([e], whole_if_small=False)
        assert view.nx().number_of_edges() < whole
        assert entity_card(view, e) == entity_card(seeds, e)
        assert flows(view, payer=e, as_of="2025-10-01") == flows(seeds, payer=e, as_of="2025-10-01")
        rivals = kg.scoped([e], rivals=True, whole_if_small=False)
        assert exposure(rivals, e, known_at="2025-12-01") == exposure(seeds, e, known_at="2025-12-01")
        down = kg.scoped([e], hops=1, direction="out", whole_if_small=False)
        assert trace(down, e, 2, "down") == trace(seeds, e, 2, "down")
    view = kg.scoped_paths("microsoft", "aws", 3, False, whole_if_small=False)
    assert paths(view, "microsoft", "aws") == paths(seeds, "microsoft", "aws")
