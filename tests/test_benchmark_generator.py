"""The synthetic generator's planted loops are exactly the loops the search finds."""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from generate import generate  # noqa: E402

from dealgraph.graph.loops import find_loops  # noqa: E402


def test_planted_loops_are_the_only_loops():
    g = generate(3000, seed=7, loops=12)
    edges, investments = defaultdict(list), defaultdict(list)
    for did, kind, payer, payee, _ in g.deals:
        a, b = g.parents.get(payer, payer), g.parents.get(payee, payee)
        edges[(a, b)].append(did)
        if kind == "equity-investment":
            investments[(a, b)].append(did)
    found = find_loops(edges, investments, max_length=4)
    assert sorted(map(tuple, found)) == sorted(g.planted)
    assert {len(p) for p in g.planted} == {3, 4}  # two- and three-hop loops
