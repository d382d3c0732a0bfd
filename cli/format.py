"""Human formatting for the CLI: one printer per result, ``printer(console, result)``.

Amounts are written by :func:`dealgraph.graph.money.format_money` (``$38B``, ``~$1.4T``,
``up to $20B``), as in every other front end.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.table import Table

from ..graph.disagreement import disputed_note, figure_text
from ..graph.money import PLAIN, SHORT, bucket, deal_text, format_money, quantity_text
from ..graph.report import render_report
from ..graph.results import (
    Conflict,
    Deal,
    EntityCard,
    Evidence,
    Exposure,
    Flow,
    Loop,
    MoneyTally,
    MoneyTotals,
    Observation,
    Path,
    Report,
    Share,
    Source,
    Trace,
)
from ..graph.sparql import Rows

__all__ = [
    "print_card",
    "print_conflicts",
    "print_exposures",
    "print_flows",
    "print_loaded",
    "print_loops",
    "print_paths",
    "print_report",
    "print_rows",
    "print_share",
    "print_sources",
    "print_stats",
    "print_trace",
    "print_validation",
]


def _value(o: Observation) -> str:
    if o.unit == "USD":
        s = format_money(o.value, o.bound, o.rate)
        if o.upper is not None:
            s += "–" + format_money(o.upper)
        return s
    s = f"{o.value:g}" if isinstance(o.value, float) else str(o.value)
    if o.upper is not None:
        s += f"–{o.upper}"
    return f"{SHORT.bounds.get(o.bound or '', '')}{s} {o.unit}{SHORT.rates.get(o.rate or '', '')}"


def print_card(console: Console, card: EntityCard) -> None:
    """Print an entity card as rich tables."""
    head = f"[bold]{card.name}[/] ({card.id}) — {card.type}"
    if card.roles:
        head += ": " + ", ".join(card.roles)
    console.print(head)
    if card.aliases:
        console.print("aliases: " + ", ".join(card.aliases))
    if card.group != card.id or len(card.group_members) > 1:
        console.print(f"group: {card.group} ({', '.join(card.group_members)})")
    if card.deals:
        t = Table("deal", "direction", "counterparty", "kind", "amount", "status", "sources", title="deals")
        for d in card.deals:
            t.add_row(
                d.id,
                "pays" if d.direction == "out" else "receives",
                d.counterparty,
                d.kind,
                deal_text(d) + disputed_note(d, label=_doc),
                d.status or "",
                _sources(d.sources),
            )
        console.print(t)
    if card.relationships:
        t = Table("kind", "subject", "object", "status", "sources", title="relationships")
        for r in card.relationships:
            when = " – ".join(x or "" for x in (r.start, r.end)) if r.start or r.end else ""
            basis = _sources(r.sources)
            if r.inferred:
                basis = f"inferred: {r.inferred}" + (f" ({basis})" if basis else "")
            t.add_row(r.kind, r.subject, r.object, f"{r.status} {when}".strip(), basis)
        console.print(t)
    if card.observations:
        t = Table("metric", "value", "when", "note", "source", title="observations")
        for o in card.observations:
            when = o.as_of or o.period or ""
            extra = ", ".join(
                x for x in (o.segment, o.basis, "forecast" if o.forecast else None, o.attributed_to) if x
            )
            t.add_row(o.metric, _value(o), str(when), extra, _sources(o.sources))
        console.print(t)


def _tally_text(t: MoneyTotals) -> str:
    """Money per bucket (``at least $100B committed`` keeps its bound), then the deals without one."""
    parts = []
    for key, label in (
        ("committed", "committed"),
        ("announced", "announced"),
        ("contingent", "contingent"),
        ("upper_bound", "up to"),
        ("forecast", "forecast"),
        ("aggregate", "reported total"),
    ):
        if getattr(t, key):
            bound = t.committed_bound if key == "committed" and isinstance(t, MoneyTally) else None
            parts.append(f"{format_money(getattr(t, key), bound, style=PLAIN)} {label}")
    if isinstance(t, MoneyTally) and t.unknown_amounts:
        parts.append(f"{t.unknown_amounts} deal(s) without a total")
    return ", ".join(parts) or "—"


def print_trace(console: Console, result: Trace) -> None:
    console.print(
        f"[bold]Money {'from' if result.direction == 'down' else 'into'} "
        f"{result.entity}[/] (group: {', '.join(result.start)})"
    )
    for hop in result.hops:
        t = Table("deal", "flow", "kind", "amount", "status", title=f"hop {hop.hop}")
        for f in hop.flows:
            t.add_row(
                f.id,
                f"{f.payer} → {f.payee}",
                f.kind,
                deal_text(f) + disputed_note(f, label=_doc),
                f.status or "",
            )
        console.print(t)
    t = Table("entity", "group", "hop", "money arriving", title="reached")
    for r in result.reached.values():
        t.add_row(r.entity, r.group, str(r.hop), _tally_text(r.money))
    console.print(t)


def print_exposure(console: Console, e: Exposure) -> None:
    pairs = "; ".join(" vs ".join(p) for p in e.rival_pairs) or "no rival labs"
    console.print(f"[bold]{e.group}[/]: ties to {len(e.sides)} lab(s); rivals: {pairs}")
    t = Table("lab", "money to lab", "money from lab", "ties", "deals")
    for side in e.sides.values():
        ties = ", ".join(f"{x.subject} {x.kind} {x.object}" for x in side.ties)
        t.add_row(
            side.lab,
            _tally_text(side.money_to_lab),
            _tally_text(side.money_from_lab),
            ties,
            ", ".join(side.deal_ids),
        )
    console.print(t)


def print_loops(console: Console, loops: list[Loop]) -> None:
    """Each loop: money out and back with their bounds, the ratio and its basis, every leg."""
    if not loops:
        console.print("no vendor-financed loops")
        return
    for lp in loops:
        console.print(" → ".join(lp.members + [lp.members[0]]), style="bold", markup=False, highlight=False)
        out = (
            "none committed"
            if not lp.money_out
            else format_money(lp.money_out, lp.money_out_bound, style=PLAIN)
        )
        pending = [
            deal_text(f, PLAIN, status=True)
            for f in lp.flows
            if f.id in lp.out_deal_ids
            and f.amount is not None
            and bucket(f, lp.include_announced) != "committed"
        ]
        out += f"; not committed: {'; '.join(pending)}" if pending else ""
        back = (
            "unknown"
            if lp.money_back is None
            else format_money(lp.money_back, lp.money_back_bound, style=PLAIN)
        )
        back += "".join(disputed_note(f, label=_doc) for f in lp.flows if f.id in lp.back_deal_ids)
        ratio = lp.ratio_basis if lp.ratio is None else f"ratio: {lp.ratio:.2f} ({lp.ratio_basis})"
        lines = [f"money out: {out}", f"money back: {back}", ratio]
        if lp.beneficiaries:
            lines.append("serves: " + ", ".join(lp.beneficiaries))
        lines += [f"{leg.from_group} → {leg.to_group}: {leg.text}" for leg in lp.legs]
        for line in lines:
            console.print("  " + line, markup=False, highlight=False)


def print_exposures(console: Console, result: Exposure | list[Exposure]) -> None:
    """One exposure, or a list of them."""
    for e in result if isinstance(result, list) else [result]:
        print_exposure(console, e)


def print_validation(console: Console, result: dict[str, Any]) -> None:
    """The counts of a data set that validated, on one line."""
    counts = result["counts"]
    console.print(
        f"[bold green]valid[/]: {counts['triples']} triples, "
        f"{counts['entities']} entities, {counts['deals']} deals, "
        f"{counts['observations']} observations, "
        f"{counts['relationships']} relationships, {counts['sources']} sources"
    )
    verified = result.get("verified")
    if verified:
        console.print(verified["summary"], markup=False, highlight=False)
        for name in verified["unverified_files"]:
            console.print(f"unverified (no document text): {name}", markup=False, highlight=False)


def print_stats(console: Console, counts: dict[str, Any]) -> None:
    """Counts by class, one row each (counts by kind, type or role one row per value)."""
    table = Table("what", "count", title="dealgraph")
    for k, v in counts.items():
        if isinstance(v, dict):
            for k2, v2 in v.items():
                table.add_row(f"{k}: {k2}", str(v2))
        else:
            table.add_row(k, str(v))
    console.print(table)


def print_sources(console: Console, docs: list[Source]) -> None:
    table = Table("document", "published", "publisher", "title", "claims", "text")
    for d in docs:
        pub = (d.published or "?") + (" (inferred)" if d.published_inferred else "")
        text = "unverified (not kept)" if d.unverified else "kept"
        table.add_row(d.document, pub, d.publisher or "", d.title, str(len(d.claims)), text)
    console.print(table)


def print_flows(console: Console, flows: list[Flow]) -> None:
    """One deal a row: its money with bound and rate, then capacity, chips, shares or stake."""
    table = Table("deal", "payer → payee", "kind", "amount", "status", "date", "sources")
    for f in flows:
        table.add_row(
            f.id,
            f"{f.payer} → {f.payee}" + (f"\nfor {f.beneficiary}" if f.beneficiary else ""),
            f.kind,
            deal_text(f)
            + (disputed_note(f, label=_doc) or (" ⚠ conflict" if f.conflict else ""))
            + (f"\nchips: {', '.join(f.chips)}" if f.chips else ""),
            f.status or "",
            f.date or "",
            _sources(f.sources, _doc),
        )
    console.print(table)


def print_deal(console: Console, deal: Deal) -> None:
    """One deal: what it is, its headline (and any disagreement), the party it serves and its
    chips, every amount claim and every other figure (capacity, chips, shares, stake, exercise
    price, stake value) with its quote."""
    head = deal_text(deal) + disputed_note(deal)
    console.print(f"{deal.id}: {deal.kind} {deal.payer} → {deal.payee}", markup=False, highlight=False)
    facts = [("headline", head), ("status", deal.status), ("date", deal.date), ("term", deal.term)]
    facts += [("part of", deal.part_of), ("tranches", ", ".join(deal.tranches))]
    facts += [("serves", deal.beneficiary), ("chips", ", ".join(deal.chips))]
    facts += [("depends on", "; ".join(deal.conditions))]
    for name, value in facts:
        if value:
            console.print(f"  {name}: {value}", markup=False, highlight=False)
    claims = Table("claim", "document", "published", "quote", title="amount claims")
    for a in deal.amounts:
        figure = format_money(a.value, a.bound, a.rate) + (f"–{format_money(a.upper)}" if a.upper else "")
        claims.add_row(figure + (f" over {a.term}" if a.term else ""), a.document, a.published or "", a.quote)
    if deal.amounts:
        console.print(claims)
    figures = Table("claim", "document", "published", "quote", title="other figures (never money moved)")
    for q in deal.quantities:
        figure = quantity_text(q) + (f" over {q.term}" if q.term else "")
        figures.add_row(figure, q.document, q.published or "", q.quote)
    if deal.quantities:
        console.print(figures)
    evidence = Table("document", "published", "quote", title="evidence")
    for e in deal.all_sources:
        evidence.add_row(e.document + (" (unverified)" if e.unverified else ""), e.published or "", e.quote)
    console.print(evidence)


def print_candidates(console: Console, found: list[Any]) -> None:
    """Likely duplicate deals, best first (loaders.dedupe.Candidate)."""
    if not found:
        console.print("no likely duplicate deals", markup=False)
        return
    table = Table("score", "existing", "newer", "why", title="likely duplicates (review)")
    for c in found:
        table.add_row(
            f"{c.score:.2f}",
            f"{c.existing}\n{c.existing_file}:{c.existing_line}",
            f"{c.newer}\n{c.newer_file}:{c.newer_line}",
            c.summary,
        )
    console.print(table)


def print_rows(console: Console, rows: Rows) -> None:
    """SELECT results as a table."""
    table = Table(*rows.header)
    for row in rows.rows:
        table.add_row(*row)
    console.print(table)


def print_paths(console: Console, paths: list[Path]) -> None:
    """One path a line: ``a → [deal] b → [relationship] c``."""
    for p in paths:
        console.print(
            " → ".join(
                [p.steps[0].from_]
                + [
                    f"[{getattr(s, 'deal', None) or getattr(s, 'relationship', None) or s.kind}] {s.to}"
                    for s in p.steps
                ]
            ),
            markup=False,
            highlight=False,
        )
    if not paths:
        console.print("no path")


def print_share(console: Console, result: Share) -> None:
    """The share and its basis; never "$0 ... 0.0%" for deals whose money is unknown."""
    head = f"{result.payee} ({result.payee_group} group) of {result.payer}'s total commitments"
    if result.share is not None:
        head += f": {result.share:.1%}"
    console.print(head, markup=False, highlight=False)
    console.print(f"  {result.share_basis}", markup=False, highlight=False)


def print_conflicts(console: Console, result: list[Conflict]) -> None:
    """Each disagreeing pair: what, its class and reason, then both figures with their sources."""
    for c in result:
        console.print(f"[bold]{c.what}[/] ({c.id}): {c.disagreement}", highlight=False)
        console.print(f"  {c.reason}", markup=False, highlight=False)
        for f in c.figures:
            text = figure_text(
                f.value, f.upper, f.bound, getattr(f, "unit", "USD"), summed=bool(getattr(f, "tranches", []))
            )
            console.print(
                f"  {text}  {f.document} ({f.published or 'undated'}): “{f.quote}”",
                markup=False,
                highlight=False,
            )


def _sources(sources: list[Evidence], name: Callable[[str], str] = str) -> str:
    """The documents of ``sources``, each once; one whose text the data set does not keep
    is marked ``(unverified)``: its quotes could not be checked.

    >>> _sources([Evidence(document="001_x.txt", quote="q"), Evidence(document="002_y.txt", quote="r",
    ...     unverified=True)], _doc)
    '001, 002 (unverified)'
    """
    return ", ".join(sorted({name(s.document) + (" (unverified)" if s.unverified else "") for s in sources}))


def _doc(document: str) -> str:
    """A document as the flows table's sources column shows it (its first three characters)."""
    return document[:3]


def print_report(console: Console, rep: Report) -> None:
    """The briefing as plain text (:func:`dealgraph.graph.report.render_report`), as it is."""
    console.file.write(render_report(rep))


def print_drafted(console: Console, result: dict[str, Any]) -> None:
    console.print(
        f"wrote {result['written']} with {result['stubs']} draft stub(s) to review; "
        "move what each supports into deals, observations or relationships, delete drafts:, "
        "then run dealgraph validate",
        markup=False,
        highlight=False,
    )


def print_loaded(console: Console, result: dict[str, Any]) -> None:
    console.print(f"loaded {result['added']} new triples into {result['store']} ({result['triples']} in all)")
