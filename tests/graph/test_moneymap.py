"""The money map (graph/moneymap.py): every entity and deal on the seeds, groups as compound
nodes, both timelines; the large-store path (edge table, top groups) on a generated store."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from dealgraph import open_graph
from dealgraph.graph import KnowledgeGraph, moneymap
from dealgraph.graph.flows import flows
from dealgraph.graph.money import countable
from dealgraph.graph.moneymap import money_map

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from generate import generate, write_ntriples  # noqa: E402


@pytest.fixture(scope="module")
def seeds() -> KnowledgeGraph:
    return open_graph()


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeGraph]:
    nt = tmp_path_factory.mktemp("moneymap") / "g.nt"
    write_ntriples(generate(300, seed=7), nt)
    kg = KnowledgeGraph(f"oxigraph:{nt.parent / 'store'}")
    kg.load(files=[nt])
    yield kg
    kg.close()


def test_every_entity_and_deal_on_a_small_store(seeds):
    m = money_map(seeds)
    assert m.total_entities == m.shown_entities == len(seeds.nx().nodes)
    assert {n.id for n in m.nodes} == set(seeds.nx().nodes)  # isolated ones too (ChatGPT, Claude, ...)
    assert {"chatgpt", "claude", "trainium4"} <= {n.id for n in m.nodes}
    assert sorted(e.deal for e in m.edges) == sorted(f.id for f in countable(flows(seeds)))
    assert m.shown_deals == len(m.edges) == m.total_deals


def test_groups_are_compound_nodes(seeds):
    m = money_map(seeds)
    nodes = {n.id: n for n in m.nodes}
    # data/sources/002: Amazon Web Services, Annapurna Labs ("an Israeli chip designer it acquired")
    # and Amazon Bedrock belong to Amazon
    assert {n for n, d in nodes.items() if d.parent == "amazon"} == {
        "aws",
        "annapurna-labs",
        "amazon-bedrock",
    }
    assert nodes["amazon"].is_group and nodes["amazon"].parent is None
    assert not nodes["aws"].is_group and not nodes["nvidia"].is_group
    assert all(nodes[n.parent].is_group for n in m.nodes if n.parent)


def test_edges_carry_amounts_buckets_loops_and_dates(seeds):
    edges = {e.deal: e for e in money_map(seeds).edges}
    # 001: "Amazon invested $8 billion in Anthropic" (no date of its own: counts from 2025-11-01)
    prior = edges["amazon-anthropic-investment-prior"]
    assert (prior.source, prior.target, prior.amount, prior.amount_text) == (
        "amazon",
        "anthropic",
        8_000_000_000,
        "$8B",
    )
    assert (prior.valid_from, prior.known_from, prior.dashed, prior.in_loop) == (
        "2025-11-01",
        "2025-11-01",
        False,
        True,
    )
    # 002: "Amazon could invest up to an additional $20 billion in the future" (milestones)
    milestone = edges["amazon-anthropic-investment-2026-milestone"]
    assert (milestone.amount_text, milestone.bucket, milestone.dashed) == ("up to $20B", "contingent", True)
    # 000 (published 2026-04-14): "in February of this year, Amazon announced a $50 billion investment"
    announced = edges["amazon-openai-investment-2026"]
    assert (announced.bucket, announced.dashed, announced.valid_from, announced.known_from) == (
        "announced",
        True,
        "2026-02-01",
        "2026-04-14",
    )
    assert edges["anthropic-broadcom-chips"].amount_text == "capacity 3.5 GW"  # no money figure
    assert edges["openai-coreweave-compute"].in_loop is False


def test_node_money_is_committed_money_in_and_out(seeds):
    m = money_map(seeds)
    money = {n.id: n.money for n in m.nodes}
    committed = [e for e in m.edges if e.bucket == "committed" and e.amount is not None]
    assert money["coreweave"] == sum(e.amount for e in committed if "coreweave" in (e.source, e.target))
    assert money["claude"] == 0


def test_the_dates_and_the_cut(seeds):
    m = money_map(seeds)
    assert m.valid_dates == sorted({e.valid_from for e in m.edges if e.valid_from})
    assert m.known_dates == sorted({e.known_from for e in m.edges if e.known_from})
    assert m.valid_dates[0] == "2015-01-01"  # 002: Annapurna "acquired for $350 million in 2015"
    cut = money_map(seeds, as_of="2025-12-31")
    # the client cut (valid_from <= as_of) keeps exactly the deals the server keeps at that date
    assert sorted(e.deal for e in cut.edges) == sorted(
        e.deal for e in m.edges if e.valid_from is None or e.valid_from <= "2025-12-31"
    )
    known = money_map(seeds, known_at="2025-12-01")
    assert sorted(e.deal for e in known.edges) == sorted(
        e.deal for e in m.edges if e.known_from is None or e.known_from <= "2025-12-01"
    )
    assert "amazon-openai-investment-2026" not in {e.deal for e in known.edges}  # 000 not yet out


def test_large_store_path_matches_the_small_one(synthetic, monkeypatch):
    small = money_map(synthetic)
    monkeypatch.setattr(synthetic, "is_small", lambda: False)
    monkeypatch.setattr(moneymap, "MAX_EDGES", 10_000)
    large = money_map(synthetic, top=10_000)
    assert large.total_deals == small.total_deals and large.total_entities == small.total_entities

    def shown(m):
        return sorted(
            (e.deal, e.amount_text, e.bucket, e.valid_from, e.known_from, e.in_loop) for e in m.edges
        )

    assert shown(large) == shown(small)
    # entities without deals are not shown on a large store's map
    assert {n.id for n in large.nodes} <= {n.id for n in small.nodes}
    assert {n.id: n.parent for n in large.nodes} == {
        n.id: n.parent for n in small.nodes if n.id in {x.id for x in large.nodes}
    }


def test_large_store_shows_the_top_groups(synthetic, monkeypatch):
    monkeypatch.setattr(synthetic, "is_small", lambda: False)
    monkeypatch.setattr(moneymap, "MAX_EDGES", 25)
    m = money_map(synthetic, top=5)
    assert len({n.parent or n.id for n in m.nodes}) == 5  # every member drawn inside its group
    assert m.shown_deals == len(m.edges) <= 25 < m.total_deals
    assert m.shown_entities == len(m.nodes) < m.total_entities
    groups = {n.id: n.parent or n.id for n in m.nodes}
    assert all(groups[e.source] in groups.values() and groups[e.target] in groups.values() for e in m.edges)
