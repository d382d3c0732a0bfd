"""The one-page briefing: biggest flows, vendor-financed loops, two-sided bets, conflicts.

Every line carries its source (document and quote). :func:`build_report` returns the data;
:func:`render_report` writes it as plain text for a reader who knows nothing yet.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from typing import TYPE_CHECKING

from .conflicts import conflicts
from .exposure import two_sided_bets
from .flows import flows
from .loops import vendor_financed_loops
from .money import countable
from .results import (
    AmountClaim,
    DealFigure,
    Evidence,
    Flow,
    ObservationFigure,
    Report,
)

if TYPE_CHECKING:  # pragma: no cover
    from .knowledge_graph import KnowledgeGraph

__all__ = ["build_report", "render_report"]


def build_report(kg: KnowledgeGraph, as_of: str | dt.date | None = None, top: int = 10) -> Report:
    """The report's content: each section a list of items with their sources.

    >>> from dealgraph import open_graph
    >>> rep = build_report(open_graph())
    >>> [lp.ratio for lp in rep.loops][:3]
    [0.76, 7.6923, 19.2308]
    >>> "Vendor-financed loops" in render_report(rep)
    True
    """
    biggest = [f for f in countable(flows(kg, as_of=as_of)) if f.amount][:top]
    return Report(
        as_of=None if as_of is None else str(as_of),
        names={n: d["name"] for n, d in kg.nx().nodes(data=True)},
        biggest_flows=biggest,
        loops=vendor_financed_loops(kg, as_of=as_of),
        two_sided_bets=two_sided_bets(kg, as_of=as_of),
        conflicts=conflicts(kg, as_of=as_of),
    )


def _money(v: float | int | None, bound: str | None = None, rate: str | None = None) -> str:
    if v is None:
        return "an undisclosed amount"
    x = float(v)
    for div, suffix in ((1e12, " trillion"), (1e9, " billion"), (1e6, " million")):
        if abs(x) >= div:
            text = f"${x / div:.2f}".rstrip("0").rstrip(".") + suffix
            break
    else:
        text = f"${x:,.0f}"
    prefix = {"about": "about ", "at-least": "at least ", "up-to": "up to "}.get(bound or "", "")
    suffix = {"per-month": " a month", "per-year": " a year", "per-hour": " an hour"}.get(rate or "", "")
    return prefix + text + suffix


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
}


def render_report(rep: Report, width: int = 88) -> str:
    """Plain-text briefing (each figure followed by the quote it rests on)."""
    out: list[str] = []
    w = out.append
    names = rep.names

    def nm(entity_id: str) -> str:
        return names.get(entity_id, entity_id)

    title = "dealgraph briefing: the money behind AI"
    if rep.as_of:
        title += f" (as of {rep.as_of})"
    w(title)
    w("=" * len(title))
    w(
        textwrap.fill(
            "Who pays whom among AI labs, clouds and chip makers, from the documents in the data "
            "set. Amounts are as the sources state them; 'up to' and milestone-dependent money is "
            "never added to committed money. Each line is followed by its source: [document] "
            "“quote”.",
            width,
        )
    )
    w("")
    w("1. The biggest money flows")
    w("-" * 27)
    for i, f in enumerate(rep.biggest_flows, 1):
        verb = _KIND.get(f.kind, f.kind)
        status = f" ({f.status})" if f.status and f.status != "committed" else ""
        extra = " — sources disagree, see section 4" if f.conflict else ""
        line = (
            f"{i:>2}. {nm(f.payer)} {verb} {nm(f.payee)}: {_money(f.amount, f.bound, f.rate)}{status}{extra}"
        )
        w(textwrap.fill(line, width, subsequent_indent="    "))
        w(_cite(_headline_source(f), width))
    w("")
    w("2. Vendor-financed loops (an investor's money comes back to its own group)")
    w("-" * 74)
    if not rep.loops:
        w("None found.")
    known = [lp for lp in rep.loops if lp.money_back is not None or len(lp.members) == 2]
    unknown = [lp for lp in rep.loops if lp not in known]
    for lp in known:
        chain = " -> ".join(nm(m) for m in lp.members + [lp.members[0]])
        if lp.ratio is not None:
            ratio = f"round trip {lp.ratio:.2f}x"
        elif not lp.money_out:
            ratio = "no ratio: the investment has no stated figure"
        else:
            ratio = "no ratio: a leg of the way back has no stated figure"
        w(
            textwrap.fill(
                f"* {chain}: {_money(lp.money_out or None)} out, {_money(lp.money_back)} back "
                f"({ratio})"
                + (
                    f"; plus {_money(lp.money_out_contingent)} contingent on milestones"
                    if lp.money_out_contingent
                    else ""
                ),
                width,
                subsequent_indent="  ",
            )
        )
        for f in lp.flows:
            if f.amount is None and f.kind != "equity-investment":
                continue
            w(f"    {f.id}: {nm(f.payer)} -> {nm(f.payee)} {_money(f.amount, f.bound, f.rate)}")
            if f.sources:
                w(_cite(_headline_source(f), width))
    if unknown:
        w(
            textwrap.fill(
                "Longer loops whose way back has a leg without a stated figure (the deals are "
                "listed; see `dealgraph loops --json` for each flow and source):",
                width,
            )
        )
        for lp in unknown:
            chain = " -> ".join(nm(m) for m in lp.members + [lp.members[0]])
            w(
                textwrap.fill(
                    f"  - {chain}: " + ", ".join(lp.deal_ids),
                    width,
                    subsequent_indent="      ",
                    break_on_hyphens=False,
                )
            )
    w("")
    w("3. Two-sided bets (ties to labs that compete with each other)")
    w("-" * 62)
    if not rep.two_sided_bets:
        w("None found.")
    for e in rep.two_sided_bets:
        rivals = "; ".join(" vs ".join(nm(x) for x in p) for p in e.rival_pairs)
        w(f"* {nm(e.group)} (rivals: {rivals})")
        for side in e.sides.values():
            if not any(side.lab in p for p in e.rival_pairs):
                continue
            bits = []
            to, back = side.money_to_lab, side.money_from_lab
            if to.committed:
                bits.append(f"puts in {_money(to.committed)}")
            if to.contingent or to.upper_bound:
                bits.append(f"up to {_money(to.contingent + to.upper_bound)} more contingent/upper-bound")
            if back.committed:
                bits.append(f"receives {_money(back.committed)}")
            if side.ties:
                bits.append(", ".join(f"{t.subject} {t.kind} {t.object}" for t in side.ties))
            if not bits:
                bits.append("deals without stated figures: " + ", ".join(side.deal_ids))
            w(textwrap.fill(f"    {nm(side.lab)}: " + "; ".join(bits), width, subsequent_indent="      "))
            if side.sources:
                w(_cite(side.sources[0], width))
    w("")
    w("4. Figures the sources disagree on")
    w("-" * 34)
    if not rep.conflicts:
        w("None found.")
    for c in rep.conflicts:
        w(f"* {c.what} ({c.id})")
        for fig in c.figures:
            w(f"    {_money(fig.value, fig.bound)}")
            w(_cite(fig, width))
    w("")
    return "\n".join(out)
