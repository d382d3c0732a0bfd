"""Vendor-financed loops: an investment that comes back to the investor's group.

A loop is an investment (``equity-investment``) from group A to group B closed by money
flowing back from B's group to A's group (compute, chips, services, revenue shares),
directly or through at most ``max_length - 1`` further money edges between groups.

The search never enumerates the cycles of the whole graph. For each investing group A it
computes, by a reverse breadth-first search bounded by ``max_length - 1``, which groups can
reach A at all; then from each investee group B it walks forward only into those groups.
The work is bounded by the investment edges times the bounded neighbourhoods, not by the
(exponential) number of cycles.

Money out is the committed investment from A's group to B's group; contingent and
upper-bound investment is reported apart. Money back for a direct return (B -> A) is the
committed money from B's group to A's group; through longer paths it is the smallest
committed amount along the path (no more than that can have come back through it). The
round-trip ratio is money back / money out. Where a leg has no committed figure the money
back is unknown (``None``), and so is the ratio; likewise when money out has no figure.
Loops are listed shortest first, then by money out.

>>> from dealgraph import open_graph
>>> for lp in vendor_financed_loops(open_graph(), max_length=2):
...     print(lp.members, lp.money_out, lp.money_back, lp.ratio)
['amazon', 'openai'] 50000000000 38000000000 0.76
['amazon', 'anthropic'] 13000000000 100000000000 7.6923
['microsoft', 'openai'] 13000000000 250000000000 19.2308
['oracle', 'openai'] 0 30000000000 None
"""

from __future__ import annotations

from collections import defaultdict, deque
from typing import TYPE_CHECKING, Any

from .flows import flows as all_flows
from .flows import sources_of_flows
from .groups import group_map
from .money import countable, tally
from .results import Flow, Loop
from .timeline import Date

if TYPE_CHECKING:  # pragma: no cover
    from .knowledge_graph import KnowledgeGraph

__all__ = ["vendor_financed_loops", "find_loops", "INVESTMENT_KINDS"]

INVESTMENT_KINDS = ("equity-investment",)


def find_loops(
    edges: dict[tuple[str, str], list[Any]],
    investments: dict[tuple[str, str], list[Any]],
    max_length: int = 4,
) -> list[list[str]]:
    """Group paths ``[A, B, ..., A]`` that close an investment A -> B within ``max_length``.

    ``edges`` maps (group, group) to the money flows between them (return paths use these);
    ``investments`` maps (investor group, investee group) to investment flows.

    >>> e = {("b", "a"): [{}], ("b", "c"): [{}], ("c", "a"): [{}]}
    >>> find_loops(e, {("a", "b"): [{}]}, max_length=3)
    [['a', 'b', 'a'], ['a', 'b', 'c', 'a']]
    >>> find_loops(e, {("a", "b"): [{}]}, max_length=2)
    [['a', 'b', 'a']]
    """
    if max_length < 2:
        raise ValueError("a loop needs at least two edges (max_length >= 2)")
    succ: dict[str, set[str]] = defaultdict(set)
    pred: dict[str, set[str]] = defaultdict(set)
    for a, b in edges:
        if a != b:
            succ[a].add(b)
            pred[b].add(a)
    hops = max_length - 1  # edges allowed on the way back
    out: list[list[str]] = []
    reach_cache: dict[str, dict[str, int]] = {}
    for a, b in sorted(investments):
        if a == b:
            continue
        if a not in reach_cache:  # distance from each group to `a`, up to `hops`
            dist, queue = {a: 0}, deque([a])
            while queue:
                n = queue.popleft()
                if dist[n] == hops:
                    continue
                for p in pred.get(n, ()):
                    if p not in dist:
                        dist[p] = dist[n] + 1
                        queue.append(p)
            reach_cache[a] = dist
        dist = reach_cache[a]
        if b not in dist:
            continue
        stack = [(b, [a, b])]
        while stack:
            node, path = stack.pop()
            used = len(path) - 2  # edges walked back so far
            for nxt in sorted(succ.get(node, ()), reverse=True):
                if nxt == a:
                    out.append(path + [a])
                elif nxt not in path and nxt in dist and used + 1 + dist[nxt] <= hops:
                    stack.append((nxt, path + [nxt]))
    out.sort(key=lambda p: (len(p), p))
    return out


def vendor_financed_loops(
    kg: KnowledgeGraph, max_length: int = 4, as_of: Date = None, known_at: Date = None
) -> list[Loop]:
    """Every vendor-financed loop at corporate-group level (see the module docstring).

    Each loop: ``members`` (groups, investor first), ``flows`` (the investment flows and the
    return flows, as in :func:`dealgraph.graph.flows.flows`), ``money_out``, ``money_back``,
    ``ratio``, ``money_out_contingent``, ``money_out_upper_bound``, ``dates`` and
    ``sources``. Sorted by money out, largest first.
    """
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
    loops: list[dict[str, Any]] = []
    for path in find_loops(edges, investments, max_length):
        a, b = path[0], path[1]
        out_flows = investments[(a, b)]
        back_legs = [edges[(path[i], path[i + 1])] for i in range(1, len(path) - 1)]
        out_tally = tally(out_flows)
        leg_committed = [tally(leg)["committed"] for leg in back_legs]
        # a leg with no committed figure leaves the money back unknown, not zero
        money_back = min(leg_committed) if leg_committed and all(leg_committed) else None
        money_out = out_tally["committed"]
        used = out_flows + [f for leg in back_legs for f in leg]
        loops.append(
            {
                "members": path[:-1],
                "investor": a,
                "investee": b,
                "flows": used,
                "money_out": money_out,
                "money_out_contingent": out_tally["contingent"],
                "money_out_upper_bound": out_tally["upper_bound"],
                "money_back": money_back,
                "ratio": round(money_back / money_out, 4) if money_out and money_back else None,
                "deal_ids": [f.id for f in used],
                "out_deal_ids": [f.id for f in out_flows],
                "back_deal_ids": [f.id for leg in back_legs for f in leg],
                "dates": sorted({f.effective_date for f in used if f.effective_date}),
                "sources": sources_of_flows(used),
            }
        )
    loops.sort(key=lambda lp: (len(lp["members"]), -lp["money_out"], lp["members"]))
    return [Loop.model_validate(lp) for lp in loops]
