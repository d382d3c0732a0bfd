"""Vendor-financed loops: an investment that comes back to the investor's group.

A loop is an investment (``equity-investment``) from group A to group B closed by money
flowing back from B's group to A's group (compute, chips, services, revenue shares),
directly or through at most ``max_length - 1`` further money edges between groups.

The search never enumerates the cycles of the whole graph. For each investing group A it
computes, by a reverse breadth-first search bounded by ``max_length - 1``, which groups can
reach A at all; then from each investee group B it walks forward only into those groups.
The work is bounded by the investment edges times the bounded neighbourhoods, not by the
(exponential) number of cycles.

Money out is the committed investment from A's group to B's group (a ``warrant`` is an
investment leg too: a vendor granting shares to its customer is vendor financing);
announced, contingent and upper-bound investment is reported apart, and announced money
counts as committed only with ``include_announced``. Money back for a direct return
(B -> A) is the committed money from B's group to A's group; through longer paths it is the
smallest committed amount along the path (no more than that can have come back through
it). Each keeps its bound: "more than $100 billion" back is ``at-least`` (and so is the
ratio). The round-trip ratio is money back / money out; ``ratio_basis`` says on what it was
computed or why there is none (money out only announced or contingent, a warrant with
shares but no money, a leg back with capacity but no money figure). Every leg is listed in
``legs``, legs without a figure too. Loops are listed shortest first, then by money out.

>>> from dealgraph import open_graph
>>> for lp in vendor_financed_loops(open_graph(), max_length=2):
...     print(lp.members, lp.money_out, lp.money_back, lp.money_back_bound, lp.ratio)
['amazon', 'anthropic'] 13000000000 100000000000 at-least 7.6923
['microsoft', 'openai'] 13000000000 250000000000 exact 19.2308
['amazon', 'openai'] 0 38000000000 exact None
['oracle', 'openai'] 0 30000000000 exact None
>>> vendor_financed_loops(open_graph(), max_length=2)[2].ratio_basis
'no ratio: money out is announced, not committed ($50B; --include-announced counts it)'
>>> vendor_financed_loops(open_graph(), max_length=2, include_announced=True)[0].ratio
0.76
"""

from __future__ import annotations

from collections import defaultdict, deque
from typing import TYPE_CHECKING, Any

from .edge_table import INVESTMENT_KINDS, deal_flows, edge_table, flow_key, lean_groups
from .flows import sources_of_flows
from .money import PLAIN, bucket, deal_text, format_money, quantities_text, sum_bound, tally
from .results import Flow, Loop, LoopLeg, MoneyTally
from .timeline import Date, Timeline

if TYPE_CHECKING:  # pragma: no cover
    from .knowledge_graph import KnowledgeGraph

__all__ = ["vendor_financed_loops", "find_loops", "INVESTMENT_KINDS"]


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
    kg: KnowledgeGraph,
    max_length: int = 4,
    as_of: Date = None,
    known_at: Date = None,
    include_announced: bool = False,
) -> list[Loop]:
    """Every vendor-financed loop at corporate-group level (see the module docstring).

    Each loop: ``members`` (groups, investor first), ``flows`` (the investment flows and the
    return flows, as in :func:`dealgraph.graph.flows.flows`), ``legs`` (every leg in order,
    with its money per bucket and its capacity, chips or shares), ``money_out`` and
    ``money_back`` with their bounds, ``ratio`` and ``ratio_basis``, the announced,
    contingent and upper-bound money out kept apart, ``beneficiaries``, ``dates`` and
    ``sources``. ``include_announced`` counts announced money as committed. Sorted shortest
    first, then by money out, largest first.
    """
    cut = Timeline.of(as_of, known_at)
    table = edge_table(kg)
    groups = lean_groups(kg)
    edges: dict[tuple[str, str], list[int]] = defaultdict(list)
    investments: dict[tuple[str, str], list[int]] = defaultdict(list)
    group, payer, payee, kind = groups.get, table.payer, table.payee, table.kind  # (a million rows)
    for i in table.countable(cut):
        ga, gb = group(payer[i], payer[i]), group(payee[i], payee[i])
        if ga != gb:
            edges[(ga, gb)].append(i)
            if kind[i] in INVESTMENT_KINDS:
                investments[(ga, gb)].append(i)
    paths = find_loops(edges, investments, max_length)
    steps = [
        [investments[(p[0], p[1])]] + [edges[(p[k], p[k + 1])] for k in range(1, len(p) - 1)] for p in paths
    ]
    # full flows (claims, quotes, figures) only for the deals of the loops found
    full = deal_flows(kg, {table.ids[i] for legs in steps for leg in legs for i in leg}, cut)
    loops = [
        _loop(
            path, [sorted((full[table.ids[i]] for i in leg), key=flow_key) for leg in legs], include_announced
        )
        for path, legs in zip(paths, steps, strict=True)
    ]
    loops.sort(key=lambda lp: (len(lp.members), -lp.money_out, lp.members))
    return loops


def _loop(path: list[str], steps: list[list[Flow]], include_announced: bool) -> Loop:
    """The loop around ``path`` whose legs carry the flows ``steps`` (the investment first)."""
    legs = [_leg(path[i], path[i + 1], step, include_announced) for i, step in enumerate(steps)]
    out, back = legs[0], legs[1:]
    money_out = out.committed or 0
    # a leg with no committed figure leaves the money back unknown, not zero
    smallest = min(back, key=lambda leg: leg.committed or 0) if all(leg.committed for leg in back) else None
    money_back = smallest.committed if smallest else None
    ratio = round(money_back / money_out, 4) if money_out and money_back else None
    used = [f for step in steps for f in step]
    return Loop.model_validate(
        {
            "members": path[:-1],
            "investor": path[0],
            "investee": path[1],
            "flows": used,
            "money_out": money_out,
            "money_out_bound": out.committed_bound,
            "money_out_announced": out.money.announced,
            "money_out_contingent": out.money.contingent,
            "money_out_upper_bound": out.money.upper_bound,
            "money_back": money_back,
            "money_back_bound": smallest.committed_bound if smallest else None,
            "ratio": ratio,
            "ratio_basis": _ratio_basis(legs, steps, ratio, include_announced),
            "include_announced": include_announced,
            "legs": legs,
            "beneficiaries": sorted({b for leg in legs for b in leg.beneficiaries}),
            "deal_ids": [f.id for f in used],
            "out_deal_ids": [f.id for f in steps[0]],
            "back_deal_ids": [f.id for step in steps[1:] for f in step],
            "dates": sorted({f.effective_date for f in used if f.effective_date}),
            "sources": sources_of_flows(used),
        }
    )


def _leg(a: str, b: str, flows: list[Flow], include_announced: bool) -> LoopLeg:
    """One leg from group ``a`` to ``b``: its money per bucket (totals; a rate is not one), its
    committed money with its bound, its non-money figures and its deals in words."""
    committed = [
        f
        for f in flows
        if f.amount is not None and f.rate is None and bucket(f, include_announced) == "committed"
    ]
    return LoopLeg(
        from_group=a,
        to_group=b,
        deal_ids=[f.id for f in flows],
        money=MoneyTally.model_validate(tally(flows, include_announced)),
        committed=sum(f.amount for f in committed if f.amount is not None) if committed else None,
        committed_bound=sum_bound(committed),
        quantities=[q for f in flows for q in f.quantities],
        beneficiaries=sorted({f.beneficiary for f in flows if f.beneficiary}),
        text="; ".join(f"{deal_text(f, PLAIN, status=True)} ({f.id})" for f in flows),
    )


def _ratio_basis(legs: list[LoopLeg], steps: list[list[Flow]], ratio: float | None, announced: bool) -> str:
    """On what the ratio was computed, or why there is none (each leg without committed money)."""
    out, back = legs[0], legs[1:]
    if ratio is not None:
        smallest = min(back, key=lambda leg: leg.committed or 0)
        text = (
            f"committed money back {format_money(smallest.committed, smallest.committed_bound, style=PLAIN)}"
            f" over committed money out {format_money(out.committed, out.committed_bound, style=PLAIN)}"
        )
        if len(back) > 1:
            text += f" (the smallest leg back, {smallest.from_group} -> {smallest.to_group})"
        if announced and any(f.status == "announced" and f.amount for step in steps for f in step):
            text += "; announced money counted as committed"
        if smallest.committed_bound == "at-least":
            text += "; the money back is a floor, so is the ratio"
        return text
    reasons = [] if out.committed else [_why_no_money(out, steps[0], "money out")]
    for leg, step in zip(back, steps[1:], strict=True):
        if not leg.committed:
            label = "the way back" if len(back) == 1 else f"the way back ({leg.from_group} -> {leg.to_group})"
            reasons.append(_why_no_money(leg, step, label))
    return "no ratio: " + "; ".join(reasons)


def _why_no_money(leg: LoopLeg, flows: list[Flow], label: str) -> str:
    """Why a leg has no committed money: announced, up to or contingent, a rate, a warrant with
    shares, capacity or chips without money, or no figure at all (each that holds)."""
    why = []
    if leg.money.announced:
        announced = format_money(leg.money.announced, style=PLAIN)
        why.append(f"{label} is announced, not committed ({announced}; --include-announced counts it)")
    pending = [f for f in flows if f.amount is not None and f.rate is None and bucket(f) != "announced"]
    if pending:
        texts = " and ".join(deal_text(f, PLAIN, status=True) for f in pending)
        why.append(f"{label} is {texts}, not committed")
    rated = [format_money(f.amount, f.bound, f.rate, PLAIN) for f in flows if f.amount and f.rate]
    if rated:
        why.append(f"{label} is {', '.join(rated)}, a rate with no stated total")
    warrants = [f for f in flows if f.kind == "warrant" and f.amount is None]
    for f in warrants:
        why.append(f"the investment is a warrant for {quantities_text(f.quantities, PLAIN)}, no money figure")
    others = [q for f in flows if f.amount is None and f not in warrants for q in f.quantities]
    if others:
        why.append(f"{label} has {quantities_text(others, PLAIN)} but no money figure")
    return "; ".join(why) or f"{label} has no stated figure"
