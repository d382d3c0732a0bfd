"""Analytics on small hand-made graphs: loops, exposure, trace, paths, money buckets."""

from __future__ import annotations

import itertools

import networkx as nx
import pytest

from dealgraph.graph.exposure import exposure, two_sided_bets
from dealgraph.graph.loops import find_loops, vendor_financed_loops
from dealgraph.graph.money import bucket, countable, tally
from dealgraph.graph.paths import paths
from dealgraph.graph.trace import trace
from dealgraph.loaders import load_directory


@pytest.fixture
def mini(mini_dir, empty_kg):
    kg = empty_kg
    kg.load(load_directory(mini_dir))
    return kg


def test_loop_at_group_level_with_ratio(mini):
    [loop] = vendor_financed_loops(mini)
    assert loop["members"] == ["bigco", "lab-a"]
    assert (loop["money_out"], loop["money_back"], loop["ratio"]) == (10e9, 6e9, 0.6)
    assert loop["deal_ids"] == ["bigco-lab-a-investment", "lab-a-bigco-cloud-compute"]
    assert {s["document"] for s in loop["sources"]} == {"doc-a.txt", "doc-b.txt"}


def test_loop_as_of(mini):
    # knowledge time: before doc-b (inferred 2026-03) was published only doc-a's $4B claim is known
    [loop] = vendor_financed_loops(mini, known_at="2026-02-01")
    assert loop["money_back"] == 4e9 and loop["ratio"] == 0.4
    # valid time: the undated compute deal holds from doc-a (2026-01-10), with every amount
    # claimed for it, so doc-b's later $6B (the latest reporting) is its headline on 2026-02-01
    [loop] = vendor_financed_loops(mini, as_of="2026-02-01")
    assert loop["money_back"] == 6e9 and loop["ratio"] == 0.6
    assert vendor_financed_loops(mini, as_of="2026-01-04") == []  # the investment is dated 2026-01-05


def test_exposure_two_sided_keeps_contingent_apart(mini):
    e = exposure(mini, "bigco-cloud")  # any member stands for its group
    assert e["group"] == "bigco" and e["rival_pairs"] == [["lab-a", "lab-b"]]
    assert e["sides"]["lab-b"]["money_to_lab"]["contingent"] == 2e9
    assert e["sides"]["lab-b"]["money_to_lab"]["committed"] == 0
    assert e["total"]["money_to_labs"]["committed"] == 10e9
    assert e["total"]["money_to_labs"]["contingent"] == 2e9
    assert [x["group"] for x in two_sided_bets(mini)] == ["bigco"]
    assert two_sided_bets(mini, as_of="2026-02-01") == []  # lab-b tie reported in March


def test_trace_down_and_up(mini):
    down = trace(mini, "bigco", depth=2)
    assert [len(h["flows"]) for h in down["hops"]] == [2, 1]
    assert down["reached"]["lab-b"]["money"]["contingent"] == 2e9
    up = trace(mini, "bigco-cloud", depth=2, direction="up")
    assert up["reached"]["lab-a"]["money"]["committed"] == 6e9
    with pytest.raises(ValueError):
        trace(mini, "bigco", depth=0)


def test_paths_money_and_any(mini):
    money = paths(mini, "bigco", "bigco-cloud")
    assert [[s["deal"] for s in p["steps"]] for p in money] == [
        ["bigco-lab-a-investment", "lab-a-bigco-cloud-compute"]
    ]
    anyway = paths(mini, "bigco", "bigco-cloud", mode="any", max_length=1)
    assert [p["steps"][0]["kind"] for p in anyway] == ["subsidiary-of"]
    assert paths(mini, "lab-b", "bigco") == []


def test_money_buckets_never_mix():
    fl = [
        {
            "id": "p",
            "amount": 25,
            "kind": "equity-investment",
            "status": "announced",
            "bound": "exact",
            "part_of": None,
        },
        {
            "id": "t1",
            "amount": 5,
            "kind": "equity-investment",
            "status": "committed",
            "bound": "exact",
            "part_of": "p",
        },
        {
            "id": "t2",
            "amount": 20,
            "kind": "equity-investment",
            "status": "contingent",
            "bound": "up-to",
            "part_of": "p",
        },
        {
            "id": "agg",
            "amount": 33,
            "kind": "aggregate",
            "status": "aggregate",
            "bound": "exact",
            "part_of": None,
        },
        {
            "id": "u",
            "amount": 7,
            "kind": "compute-commitment",
            "status": "announced",
            "bound": "up-to",
            "part_of": None,
        },
    ]
    assert [f["id"] for f in countable(fl)] == ["t1", "t2", "u"]
    assert tally(countable(fl)) == {
        "committed": 5,
        "announced": 0,  # u is announced, but "up to": its bound puts it in upper_bound
        "contingent": 20,
        "upper_bound": 7,
        "forecast": 0,
        "aggregate": 0,
        "unknown_amounts": 0,
        "committed_bound": "exact",  # t1's $5B is exact
    }
    assert bucket(fl[3]) == "aggregate"


def _complete_edges(n):
    return {(str(a), str(b)): [{}] for a, b in itertools.permutations(range(n), 2)}


def test_loop_search_is_bounded_on_a_graph_with_many_cycles():
    # a complete digraph on 12 nodes has hundreds of millions of simple cycles; the
    # search must only find those closing an investment within the length bound.
    n = 12
    edges = _complete_edges(n)
    loops = find_loops(edges, {("0", "1"): [{}]}, max_length=3)
    # 0 -> 1 -> 0, and 0 -> 1 -> k -> 0 for each of the other 10 nodes
    assert len(loops) == 1 + (n - 2)
    assert ["0", "1", "0"] in loops and ["0", "1", "5", "0"] in loops
    # agrees with networkx's bounded cycle enumeration on the same question
    g = nx.DiGraph(list(edges))
    expected = sorted(c for c in nx.simple_cycles(g, length_bound=3) if _closes(c, "0", "1"))
    assert len(expected) == len(loops)


def _closes(cycle, a, b):
    i = cycle.index(a) if a in cycle else -1
    return i >= 0 and cycle[(i + 1) % len(cycle)] == b


def test_loop_search_many_investments_bounded():
    edges = _complete_edges(30)
    investments = {(str(a), str(a + 1)): [{}] for a in range(29)}
    loops = find_loops(edges, investments, max_length=2)
    assert len(loops) == 29  # each investment closed directly, nothing longer
    assert all(len(p) == 3 for p in loops)


def test_find_loops_rejects_too_short():
    with pytest.raises(ValueError):
        find_loops({}, {}, max_length=1)


def test_observation_conflicts_same_time_contradict_dated_apart_supersede(mini_dir, empty_kg):
    from dealgraph.graph.conflicts import conflicts

    f = mini_dir / "sources" / "doc-b.yaml"
    f.write_text(
        f.read_text()
        + """observations:
  - id: lab-a-valuation-2026-01-sdocb
    subject: lab-a
    metric: valuation
    value: 150_000_000_000
    unit: USD
    as_of: 2026-01-20
    evidence: [{quote: "Lab A is worth $150 billion"}]
  - id: lab-a-valuation-2026-02-sdocb
    subject: lab-a
    metric: valuation
    value: 400_000_000_000
    unit: USD
    as_of: 2026-02
    evidence: [{quote: "Lab A is worth $400 billion in February"}]
"""
    )
    kg = empty_kg
    kg.load(load_directory(mini_dir))
    obs = {c["id"]: c for c in conflicts(kg) if c["type"] == "observation"}
    # "about $100 billion" in January 2026 (doc-a) vs "$150 billion" on 20 January (doc-b): same
    # time, intervals 27% apart: contradictory
    same = obs.pop("lab-a-valuation-2026-01-sdoca+lab-a-valuation-2026-01-sdocb")
    assert same["disagreement"] == "contradictory"
    assert [f["document"] for f in same["figures"]] == ["doc-a.txt", "doc-b.txt"]
    # doc-a's January figure was current when doc-a was published (10 January); doc-b, published
    # later, says $400 billion in February: the later reporting supersedes it
    later = obs.pop("lab-a-valuation-2026-01-sdoca+lab-a-valuation-2026-02-sdocb")
    assert later["disagreement"] == "superseded"
    # doc-b's own $150B (20 January) and $400B (February) are its time series: not compared
    assert obs == {}
