"""The named SPARQL queries and the NetworkX analytics agree on the bundled data."""

from __future__ import annotations

from dealgraph.graph import entity_card, flows
from dealgraph.graph.conflicts import conflicts
from dealgraph.graph.exposure import two_sided_bets
from dealgraph.graph.loops import vendor_financed_loops
from dealgraph.graph.sparql import named_queries


def _rows(kg, name):
    return kg.rows(named_queries()[name])


def test_flows_by_payer(kg):
    sparql = {(r["payer"], r["deal"]) for r in _rows(kg, "flows-by-payer")}
    python = {(f["payer"], f["id"]) for f in flows(kg)}
    assert sparql == python and len(python) > 20


def test_loops_of_two_hops(kg):
    sparql = {
        (r["investorGroup"], r["investeeGroup"], r["investment"], r["return"])
        for r in _rows(kg, "loops-two-hops")
    }
    python = set()
    for lp in vendor_financed_loops(kg, max_length=2):
        python |= {
            (lp["investor"], lp["investee"], i, r) for i in lp["out_deal_ids"] for r in lp["back_deal_ids"]
        }
    assert sparql == python
    assert {(a, b) for a, b, _, _ in sparql} == {
        ("amazon", "anthropic"),
        ("amazon", "openai"),
        ("microsoft", "openai"),
        ("oracle", "openai"),
    }


def test_two_sided_exposure(kg):
    sparql = {(r["group"], r["labA"], r["labB"]) for r in _rows(kg, "two-sided-exposure")}
    python = {(e["group"], *pair) for e in two_sided_bets(kg) for pair in e["rival_pairs"]}
    assert sparql == python
    assert ("amazon", "anthropic", "openai") in python


def test_entity_relationships(kg):
    sparql = {r["id"] for r in _rows(kg, "entity-relationships")}
    card = entity_card(kg, "anthropic")
    python = {r["id"] for r in card["relationships"] if r["id"]} | {d["id"] for d in card["deals"]}
    assert sparql == python


def test_conflicting_figures(kg):
    sparql = {r["deal"] for r in _rows(kg, "conflicting-figures")}
    # the named query compares a deal's own amount claims; conflicts() also adds up a
    # document's tranche claims (the Amazon-Anthropic 2026 deal), which the query does not
    python = {c["id"] for c in conflicts(kg) if c["type"] == "deal" and not c.figures[0].tranches}
    assert sparql == python == {"openai-oracle-compute"}
