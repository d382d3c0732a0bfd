"""The one-page briefing: biggest flows, vendor-financed loops, two-sided bets, conflicts.

Every line carries its source (document and quote). :func:`build_report` returns the data;
:func:`render_report` writes it as plain text for a reader who knows nothing yet.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from typing import Any

import networkx as nx

from .conflicts import conflicts
from .disagreement import disputed_note, figure_text
from .edge_table import bet_candidates, conflict_candidates, deal_flows, deals_graph, edge_table, entity_names
from .exposure import exposure
from .knowledge_graph import KnowledgeGraph
from .loops import vendor_financed_loops
from .money import WORDS, bucket, deal_text, format_money
from .results import (
    AmountClaim,
    Conflict,
    DealFigure,
    Evidence,
    Exposure,
    ExposureSide,
    Flow,
    Loop,
    ObservationFigure,
    Report,
)
from .timeline import Date, Timeline

__all__ = ["build_report", "render_report"]


def build_report(
    kg: KnowledgeGraph,
    as_of: Date = None,
    top: int = 10,
    known_at: Date = None,
    include_announced: bool = False,
) -> Report:
    """The report's content: each section a list of items with their sources.

    ``include_announced`` counts announced money as committed in the loops and bets.

    >>> from dealgraph import open_graph
    >>> rep = build_report(open_graph())
    >>> [lp.ratio for lp in rep.loops][:3]
    [7.6923, 19.2308, None]
    >>> [lp.ratio for lp in build_report(open_graph(), include_announced=True).loops][:3]
    [0.76, 7.6923, 19.2308]
    >>> "Vendor-financed loops" in render_report(rep)
    True
    """
    cut = Timeline.of(as_of, known_at)
    return Report(
        as_of=cut.as_of,
        known_at=cut.known_at,
        include_announced=include_announced,
        names=entity_names(kg),
        biggest_flows=_biggest_flows_of(kg, cut, top),
        loops=vendor_financed_loops(kg, as_of=as_of, known_at=known_at, include_announced=include_announced),
        two_sided_bets=_two_sided_bets(kg, cut, include_announced),
        conflicts=conflicts(
            _DealsView(kg, deals_graph(kg, conflict_candidates(kg, cut))), cut.as_of, cut.known_at
        ),
    )


class _DealsView(KnowledgeGraph):
    """``kg`` with the projection of some deals as its :meth:`nx`: conflicts reads the flows of
    the deals that may disagree only (every other lookup, observations among them, reads the
    whole store)."""

    def __init__(self, kg: KnowledgeGraph, graph: nx.MultiDiGraph) -> None:  # noqa: D107
        self.store, self._store, self.ontology = kg.store, kg._store, kg.ontology
        self._memo = {"nx": graph}

    def load(self, *args: Any, **kwargs: Any) -> int:
        raise TypeError("a view does not load: load the KnowledgeGraph it was cut from")


def _biggest_flows_of(kg: KnowledgeGraph, cut: Timeline, top: int) -> list[Flow]:
    """The ``top`` countable flows with a figure, largest first (as ``countable(flows(kg))`` lists
    them), ranked on the edge table; full flows are read for those only."""
    table = edge_table(kg, claims=True)
    heads = ((table.headline(i, cut), table.ids[i]) for i in table.countable(cut))
    ranked = sorted((-head, deal) for head, deal in heads if head)[:top]
    full = deal_flows(kg, [deal for _head, deal in ranked], cut)
    return [full[deal] for _head, deal in ranked]


def _two_sided_bets(kg: KnowledgeGraph, cut: Timeline, include_announced: bool) -> list[Exposure]:
    """:func:`~dealgraph.graph.exposure.two_sided_bets`, asking exposure of the groups that may
    hold a bet only (:func:`~dealgraph.graph.edge_table.bet_candidates`), each on its
    neighbourhood (:meth:`KnowledgeGraph.scoped`)."""
    out = []
    for group in bet_candidates(kg, cut):
        e = exposure(kg.scoped([group], rivals=True), group, cut.as_of, cut.known_at, include_announced)
        if e.two_sided:
            out.append(e)
    out.sort(key=lambda e: -sum(e.total.money_to_labs.model_dump().values()))
    return out


def _money(v: float | None, bound: str | None = None, rate: str | None = None) -> str:
    return format_money(v, bound, rate, style=WORDS)


def _headline_source(f: Flow) -> AmountClaim | Evidence:
    """The claim behind a flow's headline amount, else its first source."""
    head = [a for a in f.amounts if a.value == f.amount and a.rate == f.rate]
    return head[-1] if head else f.sources[0]


def _cite(src: Evidence | AmountClaim | DealFigure | ObservationFigure, width: int = 88) -> str:
    quote = src.quote if len(src.quote) <= 160 else src.quote[:157] + "..."
    return textwrap.fill(
        f"[{src.document}] “{quote}”", width=width, initial_indent="      ", subsequent_indent="        "
    )


_KIND = {
    "equity-investment": "invests in",
    "compute-commitment": "commits to spend on compute with",
    "chip-supply": "buys chips from",
    "acquisition": "acquires",
    "revenue-share": "shares revenue with",
    "distribution-rights": "secures distribution rights from",
    "partnership": "partners with",
    "aggregate": "in total has put into",
    "warrant": "grants a warrant to",
    "lease": "leases from",
}


def render_report(rep: Report, width: int = 88) -> str:
    """Plain-text briefing (each figure followed by the quote it rests on)."""
    names = rep.names

    def nm(entity_id: str) -> str:
        return names.get(entity_id, entity_id)

    out = _title(rep, width)
    out += _heading("1. The biggest money flows", 27)
    out += _biggest_flows(rep.biggest_flows, nm, width)
    out += _heading(
        "2. Vendor-financed loops (an investor's money comes back to its own group)", 74, rep.loops
    )
    out += _loops(rep.loops, nm, width)
    out += _heading("3. Two-sided bets (ties to labs that compete with each other)", 62, rep.two_sided_bets)
    out += _bets(rep.two_sided_bets, nm, width)
    out += _heading("4. Figures the sources disagree on", 34, rep.conflicts)
    out += _conflicts(rep.conflicts, width)
    out.append("")
    return "\n".join(out)


def _title(rep: Report, width: int) -> list[str]:
    title = "dealgraph briefing: the money behind AI"
    if rep.as_of:
        title += f" (as of {rep.as_of})"
    if rep.known_at:
        title += f" (as reported by {rep.known_at})"
    announced = (
        "announced money is counted as committed (--include-announced)"
        if rep.include_announced
        else "announced money is kept apart from committed money (--include-announced counts it)"
    )
    intro = (
        "Who pays whom among AI labs, clouds and chip makers, from the documents in the data "
        "set. Amounts are as the sources state them; 'up to' and milestone-dependent money is "
        f"never added to committed money; {announced}. Each line is followed by its source: "
        "[document] “quote”."
    )
    return [title, "=" * len(title), textwrap.fill(intro, width, break_on_hyphens=False)]


def _heading(title: str, rule: int, items: Sequence[object] | None = None) -> list[str]:
    """A section's title, underlined ``rule`` wide; "None found." when ``items`` is empty."""
    lines = ["", title, "-" * rule]
    if items is not None and not items:
        lines.append("None found.")
    return lines


def _biggest_flows(flows: list[Flow], nm: Callable[[str], str], width: int) -> list[str]:
    out = []
    for i, f in enumerate(flows, 1):
        verb = _KIND.get(f.kind, f.kind)
        status = f" ({f.status})" if f.status and f.status != "committed" else ""
        note = disputed_note(f, WORDS)
        extra = f"{note[:-1]}; see section 4)" if note else ""
        line = f"{i:>2}. {nm(f.payer)} {verb} {nm(f.payee)}: {deal_text(f, WORDS)}{status}{extra}"
        out.append(textwrap.fill(line, width, subsequent_indent="    "))
        out.append(_cite(_headline_source(f), width))
    return out


def _loops(loops: list[Loop], nm: Callable[[str], str], width: int) -> list[str]:
    """Every loop with every leg, legs without a figure too (each deal with its source)."""
    out = []
    for lp in loops:
        out += _loop(lp, nm, width)
    return out


def _loop(lp: Loop, nm: Callable[[str], str], width: int) -> list[str]:
    """A loop's headline (money out and back with their bounds, the ratio or why there is none),
    the basis of its ratio, then each leg and its deals."""
    chain = " -> ".join(nm(m) for m in lp.members + [lp.members[0]])
    by_id = {f.id: f for f in lp.flows}
    out_flows = [by_id[d] for d in lp.legs[0].deal_ids]
    if lp.money_out:
        money_out = _money(lp.money_out, lp.money_out_bound)
    else:  # never "an undisclosed amount" for money that is announced, up to or contingent
        money_out = (
            "no committed money (" + "; ".join(deal_text(f, WORDS, status=True) for f in out_flows) + ")"
        )
    back = "".join(disputed_note(f, WORDS) for f in lp.flows if f.id in lp.back_deal_ids)
    money_back = (
        "no committed figure" if lp.money_back is None else _money(lp.money_back, lp.money_back_bound)
    )
    if lp.ratio is not None:
        floor = "at least " if lp.money_back_bound == "at-least" else ""
        ratio = f"round trip {floor}{lp.ratio:.2f}x"
    else:
        ratio = "no ratio"
    text = f"* {chain}: {money_out} out, {money_back} back{back} ({ratio})"
    pending = [
        f for f in out_flows if f.amount is not None and bucket(f, lp.include_announced) != "committed"
    ]
    if lp.money_out and pending:
        text += "; plus " + " and ".join(deal_text(f, WORDS, status=True) for f in pending)
    if lp.beneficiaries:
        text += "; serves " + ", ".join(nm(b) for b in lp.beneficiaries)
    out = [textwrap.fill(text, width, subsequent_indent="  ", break_on_hyphens=False)]
    basis = lp.ratio_basis if lp.ratio is None else f"ratio: {lp.ratio_basis}"
    out.append(
        textwrap.fill(basis, width, initial_indent="  ", subsequent_indent="    ", break_on_hyphens=False)
    )
    for leg in lp.legs:
        out.append(f"  {nm(leg.from_group)} -> {nm(leg.to_group)}:")
        for deal in leg.deal_ids:
            f = by_id[deal]
            line = f"    {f.id}: {nm(f.payer)} -> {nm(f.payee)} {deal_text(f, WORDS, status=True)}"
            if f.beneficiary:
                line += f", for {nm(f.beneficiary)}"
            line += disputed_note(f, WORDS)
            out.append(textwrap.fill(line, width, subsequent_indent="      ", break_on_hyphens=False))
            if f.sources:
                out.append(_cite(_headline_source(f), width))
    return out


def _bets(bets: list[Exposure], nm: Callable[[str], str], width: int) -> list[str]:
    out = []
    for e in bets:
        rivals = "; ".join(" vs ".join(nm(x) for x in p) for p in e.rival_pairs)
        out.append(f"* {nm(e.group)} (rivals: {rivals})")
        for side in e.sides.values():
            if any(side.lab in p for p in e.rival_pairs):
                out.append(textwrap.fill(_side_text(side, nm), width, subsequent_indent="      "))
                if side.sources:
                    out.append(_cite(side.sources[0], width))
    return out


def _side_text(side: ExposureSide, nm: Callable[[str], str]) -> str:
    """One lab's side of a bet in words: money in, money back, ties (or the bare deals)."""
    bits = []
    to, back = side.money_to_lab, side.money_from_lab
    if to.committed:
        bits.append(f"puts in {_money(to.committed, to.committed_bound)}")
    if to.announced:
        bits.append(f"has announced {_money(to.announced)} (not committed)")
    if to.contingent or to.upper_bound:
        bits.append(f"up to {_money(to.contingent + to.upper_bound)} more contingent/upper-bound")
    if back.committed:  # "more than $100 billion" back stays at least $100 billion
        bits.append(f"receives {_money(back.committed, back.committed_bound)}")
    if back.announced:
        bits.append(f"has been announced {_money(back.announced)} (not committed)")
    # deals with no total (no figure, or only a rate such as $1.25 billion a month) in words
    bits += [f"{f.id}: {deal_text(f, WORDS)}" for f in side.flows if f.amount is None or f.rate is not None]
    if side.ties:
        bits.append(", ".join(f"{t.subject} {t.kind} {t.object}" for t in side.ties))
    return f"    {nm(side.lab)}: " + "; ".join(bits)


def _conflicts(conflicts: list[Conflict], width: int) -> list[str]:
    out = []
    for c in conflicts:
        out.append(textwrap.fill(f"* {c.what} ({c.id}): {c.disagreement}", width, subsequent_indent="  "))
        out.append(textwrap.fill(c.reason, width, initial_indent="  ", subsequent_indent="  "))
        for fig in c.figures:
            unit = fig.unit if isinstance(fig, ObservationFigure) else "USD"
            published = f" (published {fig.published})" if fig.published else ""
            summed = isinstance(fig, DealFigure) and bool(fig.tranches)
            out.append(f"    {figure_text(fig.value, fig.upper, fig.bound, unit, WORDS, summed)}{published}")
            out.append(_cite(fig, width))
    return out
