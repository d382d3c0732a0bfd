"""Two-sided bets: an organization (group) with ties to two or more labs that compete.

A *tie* between a group G and a lab L is any of: money from G's members to L's group
(investments, payments), money from L's group to G's members (L buys G's compute, chips
or services), or a structural tie from G's members or platforms to L (G's platform
``distributes`` L's models, G ``supplies`` L, G is L's ``partner-of``, either is the other's
``customer-of``, G holds a ``right-of-first-refusal`` over L's deals). A structural tie
counts only while it is active: one that has ended (Microsoft's right of first refusal over
OpenAI's compute deals, until 24 January 2025) or is only planned is no tie, except as of a
date before its end. Labs compete when a ``competes-with`` relationship joins them (either
direction).

Per side the result gives money *to* the lab (committed, contingent, upper-bound; see
:mod:`dealgraph.graph.money`) and money *from* the lab, the deal kinds, deal ids,
structural ties and sources; plus totals over all sides, bucket by bucket.

>>> from dealgraph import open_graph
>>> sorted(exposure(open_graph(), "amazon").sides)[:2]
['anthropic', 'openai']
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from .cards import relationship_sources
from .flows import flows as all_flows
from .flows import sources_of_flows
from .groups import group_map
from .money import BUCKETS, countable, tally
from .projection import evidence_ref
from .results import Exposure, Flow
from .timeline import Date, Timeline

if TYPE_CHECKING:  # pragma: no cover
    from .knowledge_graph import KnowledgeGraph

__all__ = ["exposure", "two_sided_bets", "competitors", "TIE_RELATIONSHIPS"]

TIE_RELATIONSHIPS = ("distributes", "supplies", "partner-of", "customer-of", "right-of-first-refusal")


def competitors(kg: KnowledgeGraph) -> set[frozenset[str]]:
    """Pairs of groups joined by a ``competes-with`` relationship."""
    groups = group_map(kg)
    pairs = set()
    for u, v, d in kg.nx().edges(data=True):
        if d.get("kind") == "competes-with":
            gu, gv = groups.get(u, u), groups.get(v, v)
            if gu != gv:
                pairs.add(frozenset((gu, gv)))
    return pairs


def _labs(kg: KnowledgeGraph) -> set[str]:
    return {n for n, d in kg.nx().nodes(data=True) if "ai-lab" in d.get("roles", ())}


def exposure(
    kg: KnowledgeGraph, org: str, as_of: Date = None, known_at: Date = None, include_announced: bool = False
) -> Exposure:
    """The ties of ``org``'s corporate group to every lab, side by side (see module doc).

    ``include_announced`` counts announced money as committed.
    """
    kg.require_entity(org)
    groups = group_map(kg)
    group = groups.get(org, org)
    labs = {groups.get(lab, lab) for lab in _labs(kg)} - {group}
    cut = Timeline.of(as_of, known_at)
    to_lab, from_lab = _flows_with_labs(kg, groups, group, labs, cut)
    structural = _structural_ties(kg, groups, group, labs, cut)
    rivals = competitors(kg)
    sides = {
        lab: _side(
            lab,
            (to_lab.get(lab, []), from_lab.get(lab, [])),
            structural.get(lab, []),
            rivals,
            include_announced,
        )
        for lab in sorted(set(to_lab) | set(from_lab) | set(structural))
    }
    rival_pairs = sorted(sorted(p) for p in rivals if p <= set(sides))
    totals = {
        "money_to_labs": {b: sum(s["money_to_lab"][b] for s in sides.values()) for b in BUCKETS},
        "money_from_labs": {b: sum(s["money_from_lab"][b] for s in sides.values()) for b in BUCKETS},
    }
    return Exposure.model_validate(
        {
            "organization": org,
            "group": group,
            "sides": sides,
            "rival_pairs": rival_pairs,
            "two_sided": bool(rival_pairs),
            "total": totals,
        }
    )


def _flows_with_labs(
    kg: KnowledgeGraph, groups: dict[str, str], group: str, labs: set[str], cut: Timeline
) -> tuple[dict[str, list[Flow]], dict[str, list[Flow]]]:
    """Countable flows from ``group`` to each lab, and from each lab to ``group``."""
    to_lab: dict[str, list[Flow]] = defaultdict(list)
    from_lab: dict[str, list[Flow]] = defaultdict(list)
    for f in countable(all_flows(kg, as_of=cut.as_of, known_at=cut.known_at)):
        gp, gq = groups.get(f.payer, f.payer), groups.get(f.payee, f.payee)
        if gp == group and gq in labs:
            to_lab[gq].append(f)
        elif gq == group and gp in labs:
            from_lab[gp].append(f)
    return to_lab, from_lab


def _structural_ties(
    kg: KnowledgeGraph, groups: dict[str, str], group: str, labs: set[str], cut: Timeline
) -> dict[str, list[dict[str, Any]]]:
    """Lab -> the ties (:data:`TIE_RELATIONSHIPS`) between ``group`` and that lab.

    On a cut a tie counts from its start (undated: as an undated deal does), with the sources
    known then, and only while it is active on ``cut.as_of`` (without one: as recorded).
    """
    structural: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for u, v, _k, d in kg.nx().edges(keys=True, data=True):
        if d.get("kind") not in TIE_RELATIONSHIPS:
            continue
        gu, gv = groups.get(u, u), groups.get(v, v)
        if gu == group and gv in labs:
            lab = gv
        elif gv == group and gu in labs:
            lab = gu
        else:
            continue
        if cut.relationship_status(d["status"], d["end"]) != "active":
            continue
        tie = {"kind": d["kind"], "subject": u, "object": v, "relationship": d["relationship"]}
        srcs = _relationship_sources(kg, d["relationship"], cut, d["start"])
        if srcs is not None:
            structural[lab].append(tie | {"sources": srcs})
    for ties in structural.values():  # the same order whatever store answered
        ties.sort(key=lambda t: (t["kind"], t["subject"], t["object"]))
    return structural


def _side(
    lab: str,
    money: tuple[list[Flow], list[Flow]],
    ties: list[dict[str, Any]],
    rivals: set[frozenset[str]],
    include_announced: bool = False,
) -> dict[str, Any]:
    """One side of the exposure: the money each way (to the lab, from it), the kinds, deals,
    ties and sources."""
    out_f, in_f = money
    return {
        "lab": lab,
        "competes_with": sorted(next(iter(p - {lab})) for p in rivals if lab in p),
        "money_to_lab": tally(out_f, include_announced),
        "money_from_lab": tally(in_f, include_announced),
        "kinds": sorted({f.kind for f in out_f + in_f} | {t["kind"] for t in ties}),
        "deal_ids": sorted(f.id for f in out_f + in_f),
        "flows": out_f + in_f,
        "ties": ties,
        "sources": [s.model_dump() for s in sources_of_flows(out_f + in_f)]
        + [s | {"relationship": t["relationship"]} for t in ties for s in t["sources"]],
    }


def two_sided_bets(
    kg: KnowledgeGraph, as_of: Date = None, known_at: Date = None, include_announced: bool = False
) -> list[Exposure]:
    """Every group with ties to at least two labs that compete with each other."""
    groups = group_map(kg)
    tops = sorted({groups.get(n, n) for n, d in kg.nx().nodes(data=True) if d.get("type") == "organization"})
    out = []
    for top in tops:
        e = exposure(kg, top, as_of=as_of, known_at=known_at, include_announced=include_announced)
        if e.two_sided:
            out.append(e)
    out.sort(key=lambda e: -sum(e.total.money_to_labs.model_dump().values()))
    return out


def _relationship_sources(
    kg: KnowledgeGraph, rel: str, cut: Timeline, start: str | None = None
) -> list[dict] | None:
    """A relationship's sources that count on ``cut``, or None (:meth:`Timeline.relationship`)."""
    kept = cut.relationship(relationship_sources(kg).get(rel, []), start)
    return None if kept is None else [evidence_ref(s) for s in kept]
