"""Paths between two entities, and shares of a payer's total commitments.

>>> from dealgraph import open_graph
>>> kg = open_graph()
>>> for p in paths(kg, "amazon", "aws", max_length=2):
...     print(" -> ".join(s.deal for s in p.steps))
amazon-anthropic-investment-2026-initial -> anthropic-aws-compute-2026
amazon-anthropic-investment-2026-initial -> anthropic-aws-revenue-share
amazon-anthropic-investment-2026-milestone -> anthropic-aws-compute-2026
amazon-anthropic-investment-2026-milestone -> anthropic-aws-revenue-share
amazon-anthropic-investment-prior -> anthropic-aws-compute-2026
amazon-anthropic-investment-prior -> anthropic-aws-revenue-share
amazon-openai-frontier-distribution -> openai-aws-compute-2025
amazon-openai-investment-2026 -> openai-aws-compute-2025
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import networkx as nx

from .cards import observations
from .flows import flows as all_flows
from .groups import group_map
from .money import PLAIN, countable, deal_text, format_money, tally
from .results import Path, Share
from .timeline import Date, Timeline

if TYPE_CHECKING:  # pragma: no cover
    from .knowledge_graph import KnowledgeGraph

__all__ = ["paths", "share"]


def paths(
    kg: KnowledgeGraph,
    a: str,
    b: str,
    max_length: int = 3,
    mode: Literal["money", "any"] = "money",
    as_of: Date = None,
    known_at: Date = None,
    limit: int = 100,
) -> list[Path]:
    """Simple paths from ``a`` to ``b`` of at most ``max_length`` edges, shortest first.

    ``mode="money"`` follows money edges in their direction (payer -> payee);
    ``mode="any"`` follows money and structural edges in either direction. At most
    ``limit`` paths are returned.
    """
    kg.require_entity(a, b)
    view = _path_view(kg, mode, Timeline.of(as_of, known_at))
    out = [_path(view, a, edge_path) for edge_path in nx.all_simple_edge_paths(view, a, b, cutoff=max_length)]
    out.sort(key=_path_key)
    return [Path.model_validate(p) for p in out[:limit]]


def _path_view(kg: KnowledgeGraph, mode: str, cut: Timeline) -> nx.MultiGraph:
    """The graph paths walk: countable flows, plus structural edges (undirected) for ``any``."""
    g = kg.nx()
    view = nx.MultiGraph() if mode == "any" else nx.MultiDiGraph()
    view.add_nodes_from(g.nodes)
    for f in countable(all_flows(kg, as_of=cut.as_of, known_at=cut.known_at)):
        view.add_edge(f.payer, f.payee, key=f.id, flow=f)
    if mode == "any":
        for u, v, k, d in g.edges(keys=True, data=True):
            if d["edge"] == "structure":
                # Keyed by both ends, so A->B and B->A of one kind stay two edges undirected.
                view.add_edge(u, v, key=(u, v, k), structure=d)
    return view


def _path(view: nx.MultiGraph, a: str, edge_path: list[tuple[str, str, Any]]) -> dict[str, Any]:
    """One path from ``a`` as its steps (a money step per flow, a structure step per tie)."""
    steps: list[dict[str, Any]] = []
    node = a
    for u, v, k in edge_path:
        d = view.get_edge_data(u, v, k)
        other = v if u == node else u
        if "flow" in d:
            f = d["flow"]
            steps.append(
                {
                    "from": node,
                    "to": other,
                    "deal": f.id,
                    "kind": f.kind,
                    "payer": f.payer,
                    "payee": f.payee,
                    "amount": f.amount,
                    "status": f.status,
                    "sources": f.sources,
                }
            )
        else:
            s = d["structure"]
            steps.append({"from": node, "to": other, "relationship": s["relationship"], "kind": s["kind"]})
        node = other
    return {"length": len(steps), "steps": steps}


def _path_key(p: dict[str, Any]) -> tuple:
    """Shortest first, then by each step's deal or relationship id.

    A structural edge may have no relationship id (an entity's ``parent``), so a missing id
    sorts after the named ones and the step's kind and ends break ties: a total order that
    never compares None with a string.
    """
    return (
        p["length"],
        [
            (label is None, label or "", s["kind"], s["from"], s["to"])
            for s in p["steps"]
            for label in [s.get("deal") or s.get("relationship")]
        ],
    )


def share(
    kg: KnowledgeGraph,
    payer: str,
    payee: str,
    as_of: Date = None,
    known_at: Date = None,
    include_announced: bool = False,
) -> Share:
    """``payee``'s group's share of ``payer``'s total commitments, when a total is known.

    The total is the latest ``total-commitments`` observation of the payer (as of the date);
    the numerator is the committed money from the payer to the payee's group (announced
    money too with ``include_announced``). Deals without a money figure are left out of the
    share and listed in ``without_figure`` with what they do state (capacity, chips); with
    no committed money at all there is no share (null, never 0%), and ``share_basis`` says why.

    >>> from dealgraph import open_graph
    >>> s = share(open_graph(), "openai", "aws", as_of="2025-11-30")
    >>> s.money.committed, s.total, s.share
    (38000000000, 1400000000000, 0.0271)
    >>> share(open_graph(), "anthropic", "broadcom").share_basis
    'no share: no total-commitments figure of anthropic is known; left out, no money total:
    anthropic-broadcom-chips: money unknown, capacity 3.5 GW'
    """
    groups = group_map(kg)
    target = groups.get(payee, payee)
    cut = Timeline.of(as_of, known_at)
    fl = [
        f
        for f in countable(all_flows(kg, payer=payer, as_of=cut.as_of, known_at=cut.known_at))
        if groups.get(f.payee, f.payee) == target
    ]
    totals = [
        o
        for o in observations(kg, payer)
        if o.metric == "total-commitments" and not o.forecast and cut.observation(o)
    ]
    total = max(totals, key=lambda o: (o.as_of or "", o.published or ""), default=None)
    money = tally(fl, include_announced)
    without = {f.id: deal_text(f, PLAIN) for f in fl if f.amount is None or f.rate is not None}
    value = (
        round(money["committed"] / total.value, 4) if total and total.value and money["committed"] else None
    )
    return Share.model_validate(
        {
            "payer": payer,
            "payee": payee,
            "payee_group": target,
            "money": money,
            "deal_ids": [f.id for f in fl],
            "total": total.value if total else None,
            "total_observation": total.id if total else None,
            "share": value,
            "share_basis": _share_basis(money, without, total.value if total else None, payer),
            "without_figure": without,
            "include_announced": include_announced,
            "sources": [s for f in fl for s in f.sources] + (total.sources if total else []),
        }
    )


def _share_basis(money: dict[str, Any], without: dict[str, str], total: float | None, payer: str) -> str:
    """On what a share was computed, or why there is none; then what it leaves out and why."""
    notes = []
    if money["announced"]:
        announced = format_money(money["announced"], style=PLAIN)
        notes.append(f"{announced} is announced, not committed (--include-announced counts it)")
    if money["contingent"] or money["upper_bound"]:
        pending = format_money(money["contingent"] + money["upper_bound"], style=PLAIN)
        notes.append(f"up to {pending} is contingent or 'up to', not committed")
    if without:
        notes.append("left out, no money total: " + "; ".join(f"{d}: {t}" for d, t in without.items()))
    if not total:
        head = f"no share: no total-commitments figure of {payer} is known"
    elif money["committed"]:
        committed, whole = format_money(money["committed"], style=PLAIN), format_money(total, style=PLAIN)
        head = f"committed {committed} over {payer}'s total commitments {whole}"
    else:
        head = "no share: no committed money with a figure"
    return "; ".join([head, *notes])
