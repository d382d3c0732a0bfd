"""What a change to the data did to the answers: two graphs, the same analytics, side by side.

:func:`diff_graphs` runs the analytics on a graph before and after a change to its data and
lists what differs, item by item:

- **deals** (:func:`~dealgraph.graph.flows.flows`, by id): added, removed, or changed in
  kind, payer, payee, headline amount, currency, bound, rate, status, date, term, parent
  deal, beneficiary, disagreement, chips, amount claims and other figures (capacity, chips,
  shares, stake...; each claim added or removed is listed) or sources;
- **observations** (figures of entities, by id): added, removed, or changed in value, bounds,
  unit, dates, basis, segment or sources;
- **relationships** (by kind, subject, object and id): added, removed, or changed in
  status, start, end, the reasoning of an inferred one, or sources;
- **loops** (:func:`~dealgraph.graph.loops.vendor_financed_loops`, by their members): added,
  removed, or changed in money out (each bucket), money back, ratio or deals;
- **two-sided bets** (:func:`~dealgraph.graph.exposure.two_sided_bets`, by organization):
  added, removed, or changed in rival pairs, labs, or money to or from the labs;
- **conflicts** (:func:`~dealgraph.graph.conflicts.conflicts`, by type, id and the two
  figures' documents and values): added, removed, or changed in class.

Both graphs are cut on the same timelines (``as_of``, ``known_at``) when given. An unchanged
data set gives an empty diff:

>>> from dealgraph import open_graph
>>> d = diff_graphs(open_graph(), open_graph())
>>> d.empty, d.deals, d.loops
(True, [], [])
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from pydantic import Field

from .cards import observations, relationship_sources
from .conflicts import conflicts
from .exposure import two_sided_bets
from .flows import flows
from .loops import vendor_financed_loops
from .results import (
    AmountClaim,
    Conflict,
    Disagreement,
    Evidence,
    Flow,
    MoneyTotals,
    Number,
    Observation,
    QuantityClaim,
    Result,
)
from .timeline import Date, Timeline

if TYPE_CHECKING:  # pragma: no cover
    from .knowledge_graph import KnowledgeGraph

__all__ = [
    "Change",
    "DealChange",
    "ObservationChange",
    "RelationshipFacts",
    "RelationshipChange",
    "LoopFigures",
    "LoopChange",
    "BetFigures",
    "BetChange",
    "ConflictChange",
    "DataDiff",
    "diff_graphs",
    "keyed_changes",
]

Change = Literal["added", "removed", "changed"]
"""What happened to an item between the two graphs."""

K = TypeVar("K", bound=Hashable)


def _f(description: str) -> Any:
    return Field(description=description)


def _o(description: str) -> Any:
    """An optional field: null when that side has no value."""
    return Field(None, description=description)


class _Change(Result):
    """What every changed item states first: how it changed and, when changed, which fields."""

    change: Change = _f("added, removed or changed.")
    changed: list[str] = _f("The fields that differ (a changed item); else empty.")


class DealChange(_Change):
    """A deal added, removed or changed (see :func:`diff_graphs` for what is compared)."""

    id: str = _f("The deal's id.")
    before: Flow | None = _o("The deal as a flow before the change; null when added.")
    after: Flow | None = _o("The deal as a flow after the change; null when removed.")
    claims_added: list[AmountClaim] = _f("Amount claims only the data after the change has.")
    claims_removed: list[AmountClaim] = _f("Amount claims only the data before the change had.")
    quantities_added: list[QuantityClaim] = _f(
        "Figures that are not money moved (capacity, chips, shares, stake...) only the data after has."
    )
    quantities_removed: list[QuantityClaim] = _f(
        "Figures that are not money moved only the data before the change had."
    )


class ObservationChange(_Change):
    """An observation (a figure of an entity) added, removed or changed."""

    id: str = _f("The observation's id.")
    before: Observation | None = _o("The observation before the change; null when added.")
    after: Observation | None = _o("The observation after the change; null when removed.")


class RelationshipFacts(Result):
    """What a diff compares of a structural relationship besides its ends and kind."""

    status: str | None = _o("active or ended, as recorded.")
    start: str | None = _o("When it started (YYYY-MM-DD), if known.")
    end: str | None = _o("When it ended (YYYY-MM-DD), if known.")
    inferred: str | None = _o("The reasoning of a relationship no quote states, else null.")
    sources: list[Evidence] = _f("Evidence for the relationship, sorted.")


class RelationshipChange(_Change):
    """A structural relationship added, removed or changed (status, dates, reasoning, sources)."""

    id: str | None = _o("The relationship's id (null for a bare subsidiary-of link).")
    kind: str = _f("Relationship kind, e.g. subsidiary-of, distributes, competes-with.")
    subject: str = _f("Entity id of the subject.")
    object: str = _f("Entity id of the object.")
    before: RelationshipFacts | None = _o("The relationship before the change; null when added.")
    after: RelationshipFacts | None = _o("The relationship after the change; null when removed.")


class LoopFigures(Result):
    """The figures of a vendor-financed loop that a diff compares (as in a :class:`Loop`)."""

    money_out: Number = _f("Committed investment from investor to investee (base units).")
    money_out_bound: str | None = _o("Bound of money_out (exact, about or at-least); null when it is 0.")
    money_out_announced: Number = _f("Announced, not committed investment (not in money_out).")
    money_out_contingent: Number = _f("Contingent investment (not in money_out).")
    money_out_upper_bound: Number = _f("'Up to' investment (not in money_out).")
    money_back: Number | None = _o("Committed money back (smallest leg); null when a leg has no figure.")
    money_back_bound: str | None = _o("Bound of money_back (at-least: the ratio is a floor too).")
    ratio: float | None = _o("money_back / money_out; null when either is unknown.")
    ratio_basis: str = _f("On what the ratio was computed, or why there is none.")
    beneficiaries: list[str] = _f("Third parties the loop's deals serve, sorted.")
    out_deal_ids: list[str] = _f("The investment deals, sorted.")
    back_deal_ids: list[str] = _f("The deals on the way back, sorted.")


class LoopChange(_Change):
    """A vendor-financed loop added, removed or changed (a loop is known by its members)."""

    members: list[str] = _f("Corporate groups around the loop, investor first.")
    before: LoopFigures | None = _o("The loop's figures before the change; null when added.")
    after: LoopFigures | None = _o("The loop's figures after the change; null when removed.")


class BetFigures(Result):
    """What a diff compares of a two-sided bet."""

    group: str = _f("The organization's corporate group.")
    rival_pairs: list[list[str]] = _f("Pairs of competing labs the group has ties to.")
    labs: list[str] = _f("Every lab the group has ties to, sorted.")
    money_to_labs: MoneyTotals = _f("Money from the group to every lab, per bucket.")
    money_from_labs: MoneyTotals = _f("Money from every lab to the group, per bucket.")


class BetChange(_Change):
    """A two-sided bet added, removed or changed (a bet is known by its organization)."""

    organization: str = _f("The organization with ties to competing labs.")
    before: BetFigures | None = _o("The bet before the change; null when added.")
    after: BetFigures | None = _o("The bet after the change; null when removed.")


class ConflictChange(Result):
    """A disagreement between sources that appeared, went away or changed class."""

    change: Change = _f("added, removed or changed (its class).")
    conflict: Conflict = _f("The disagreement (after the change; before it when removed).")
    was: Disagreement | None = _o("Its class before the change (a changed conflict); else null.")


class DataDiff(Result):
    """What a change to the data did to the answers, item by item (empty lists: no change)."""

    as_of: str | None = _o("As-of date both graphs were cut on (valid time), else null.")
    known_at: str | None = _o("Known-at date both graphs were cut on (knowledge time), else null.")
    include_announced: bool = _f("True when loops and bets counted announced money as committed.")
    deals: list[DealChange] = _f("Deals added, removed or changed, by id.")
    observations: list[ObservationChange] = _f("Observations added, removed or changed, by id.")
    relationships: list[RelationshipChange] = _f("Relationships added, removed or changed.")
    loops: list[LoopChange] = _f("Vendor-financed loops added, removed or changed.")
    two_sided_bets: list[BetChange] = _f("Two-sided bets added, removed or changed.")
    conflicts: list[ConflictChange] = _f("Disagreements added, removed or changed in class.")

    @property
    def empty(self) -> bool:
        """True when the change did nothing to the answers."""
        return not any(
            (
                self.deals,
                self.observations,
                self.relationships,
                self.loops,
                self.two_sided_bets,
                self.conflicts,
            )
        )


def keyed_changes(
    before: Mapping[K, Mapping[str, Any]], after: Mapping[K, Mapping[str, Any]]
) -> list[tuple[K, Change, list[str]]]:
    """Items of two keyed collections that were added, removed or changed, sorted by key.

    Each item is a mapping of the fields compared; a changed item lists the fields that differ.

    >>> keyed_changes({"a": {"x": 1}, "b": {"x": 2, "y": 0}}, {"b": {"x": 3, "y": 0}, "c": {"x": 4}})
    [('a', 'removed', []), ('b', 'changed', ['x']), ('c', 'added', [])]
    """
    out: list[tuple[K, Change, list[str]]] = []
    for key in sorted(set(before) | set(after), key=repr):
        if key not in after:
            out.append((key, "removed", []))
        elif key not in before:
            out.append((key, "added", []))
        else:
            b, a = before[key], after[key]
            fields = [f for f in dict.fromkeys([*b, *a]) if b.get(f) != a.get(f)]
            if fields:
                out.append((key, "changed", fields))
    return out


def diff_graphs(
    before: KnowledgeGraph,
    after: KnowledgeGraph,
    as_of: Date = None,
    known_at: Date = None,
    max_length: int = 4,
    include_announced: bool = False,
) -> DataDiff:
    """What the answers of ``after`` say that those of ``before`` did not (see the module doc).

    ``as_of`` and ``known_at`` cut both graphs on the two timelines; ``max_length`` bounds the
    loops as in :func:`~dealgraph.graph.loops.vendor_financed_loops`; ``include_announced``
    counts announced money as committed in the loops and bets (:mod:`~dealgraph.graph.money`).
    """
    cut = Timeline.of(as_of, known_at)
    return DataDiff(
        as_of=cut.as_of,
        known_at=cut.known_at,
        include_announced=include_announced,
        deals=_deal_changes(_flows(before, cut), _flows(after, cut)),
        observations=_observation_changes(_observations(before, cut), _observations(after, cut)),
        relationships=_relationship_changes(_relationships(before, cut), _relationships(after, cut)),
        loops=_loop_changes(
            _loops(before, cut, max_length, include_announced),
            _loops(after, cut, max_length, include_announced),
        ),
        two_sided_bets=_bet_changes(
            _bets(before, cut, include_announced), _bets(after, cut, include_announced)
        ),
        conflicts=_conflict_changes(_conflicts(before, cut), _conflicts(after, cut)),
    )


def _flows(kg: KnowledgeGraph, cut: Timeline) -> list[Flow]:
    return flows(kg, as_of=cut.as_of, known_at=cut.known_at)


def _conflicts(kg: KnowledgeGraph, cut: Timeline) -> list[Conflict]:
    return conflicts(kg, as_of=cut.as_of, known_at=cut.known_at)


def _side_by_side(
    before: Mapping[K, Any],
    after: Mapping[K, Any],
    signature: Callable[[Any], Mapping[str, Any]],
) -> list[tuple[K, Change, list[str], Any, Any]]:
    """:func:`keyed_changes` of the items' ``signature``, each with the two items (or None)."""
    changes = keyed_changes(
        {k: signature(v) for k, v in before.items()}, {k: signature(v) for k, v in after.items()}
    )
    return [(k, change, fields, before.get(k), after.get(k)) for k, change, fields in changes]


# --- deals and observations ----------------------------------------------------------------

_DEAL_FIELDS = (
    "kind",
    "payer",
    "payee",
    "amount",
    "currency",
    "bound",
    "rate",
    "status",
    "date",
    "term",
    "part_of",
    "beneficiary",
    "disagreement",
)

C = TypeVar("C", AmountClaim, QuantityClaim)


def _claim_key(c: Result) -> str:
    """A claim's identity: every field of it (figure, bound, rate, term, document, quote)."""
    return repr(sorted(c.model_dump().items()))


def _deal_signature(f: Flow) -> dict[str, Any]:
    sig: dict[str, Any] = {name: getattr(f, name) for name in _DEAL_FIELDS}
    sig["chips"] = sorted(f.chips)
    sig["amounts"] = sorted(_claim_key(c) for c in f.amounts)
    sig["quantities"] = sorted(_claim_key(c) for c in f.quantities)
    sig["sources"] = sorted((s.document, s.quote) for s in f.sources)
    return sig


def _added_removed(old: list[C], new: list[C]) -> tuple[list[C], list[C]]:
    """The claims only ``new`` has, and those only ``old`` has."""
    old_keys, new_keys = {_claim_key(c) for c in old}, {_claim_key(c) for c in new}
    return [c for c in new if _claim_key(c) not in old_keys], [
        c for c in old if _claim_key(c) not in new_keys
    ]


def _deal_changes(before: list[Flow], after: list[Flow]) -> list[DealChange]:
    out = []
    for key, change, fields, b, a in _side_by_side(
        {f.id: f for f in before}, {f.id: f for f in after}, _deal_signature
    ):
        claims = _added_removed(b.amounts if b else [], a.amounts if a else [])
        figures = _added_removed(b.quantities if b else [], a.quantities if a else [])
        out.append(
            DealChange(
                id=key,
                change=change,
                changed=fields,
                before=b,
                after=a,
                claims_added=claims[0],
                claims_removed=claims[1],
                quantities_added=figures[0],
                quantities_removed=figures[1],
            )
        )
    return out


_OBSERVATION_FIELDS = (
    "subject",
    "metric",
    "value",
    "upper",
    "unit",
    "bound",
    "rate",
    "as_of",
    "period",
    "basis",
    "forecast",
    "segment",
    "attributed_to",
)


def _observation_signature(o: Observation) -> dict[str, Any]:
    sig = {name: getattr(o, name) for name in _OBSERVATION_FIELDS}
    sig["sources"] = sorted((s.document, s.quote) for s in o.sources)
    return sig


def _observations(kg: KnowledgeGraph, cut: Timeline) -> dict[str, Observation]:
    return {o.id: o for o in observations(kg) if cut.observation(o)}


def _observation_changes(
    before: dict[str, Observation], after: dict[str, Observation]
) -> list[ObservationChange]:
    return [
        ObservationChange(id=key, change=change, changed=fields, before=b, after=a)
        for key, change, fields, b, a in _side_by_side(before, after, _observation_signature)
    ]


# --- relationships -------------------------------------------------------------------------


_RelKey = tuple[str, str, str, str | None]


def _relationships(kg: KnowledgeGraph, cut: Timeline) -> dict[_RelKey, RelationshipFacts]:
    """(kind, subject, object, id) -> the facts of every structural relationship that counts on ``cut``."""
    sources = relationship_sources(kg)
    out = {}
    for u, v, d in kg.nx().edges(data=True):
        if d.get("edge") == "money":
            continue
        rel = d.get("relationship")
        kept = [] if rel is None else cut.relationship(sources.get(rel, []), d.get("start"))
        if kept is not None:
            facts = {name: d.get(name) for name in ("status", "start", "end", "inferred")}
            if facts["status"] is not None:  # ended only from its end on (valid time)
                facts["status"] = cut.relationship_status(facts["status"], facts["end"])
            evidence = sorted({(s["document"], s["quote"]) for s in kept})
            out[(d["kind"], u, v, rel)] = RelationshipFacts.model_validate(
                facts | {"sources": [{"document": doc, "quote": q} for doc, q in evidence]}
            )
    return out


def _relationship_changes(
    before: dict[_RelKey, RelationshipFacts], after: dict[_RelKey, RelationshipFacts]
) -> list[RelationshipChange]:
    return [
        RelationshipChange(
            id=key[3],
            kind=key[0],
            subject=key[1],
            object=key[2],
            change=change,
            changed=fields,
            before=b,
            after=a,
        )
        for key, change, fields, b, a in _side_by_side(before, after, lambda x: x.model_dump())
    ]


# --- loops, two-sided bets, conflicts ------------------------------------------------------


def _loops(
    kg: KnowledgeGraph, cut: Timeline, max_length: int, include_announced: bool
) -> dict[tuple[str, ...], LoopFigures]:
    out = {}
    for lp in vendor_financed_loops(
        kg, max_length, as_of=cut.as_of, known_at=cut.known_at, include_announced=include_announced
    ):
        figures = lp.model_dump(include=set(LoopFigures.model_fields))
        for ids in ("beneficiaries", "out_deal_ids", "back_deal_ids"):
            figures[ids] = sorted(figures[ids])
        out[tuple(lp.members)] = LoopFigures.model_validate(figures)
    return out


def _loop_changes(
    before: dict[tuple[str, ...], LoopFigures], after: dict[tuple[str, ...], LoopFigures]
) -> list[LoopChange]:
    return [
        LoopChange(members=list(key), change=change, changed=fields, before=b, after=a)
        for key, change, fields, b, a in _side_by_side(before, after, lambda x: x.model_dump())
    ]


def _bets(kg: KnowledgeGraph, cut: Timeline, include_announced: bool) -> dict[str, BetFigures]:
    return {
        e.organization: BetFigures(
            group=e.group,
            rival_pairs=e.rival_pairs,
            labs=sorted(e.sides),
            money_to_labs=e.total.money_to_labs,
            money_from_labs=e.total.money_from_labs,
        )
        for e in two_sided_bets(
            kg, as_of=cut.as_of, known_at=cut.known_at, include_announced=include_announced
        )
    }


def _bet_changes(before: dict[str, BetFigures], after: dict[str, BetFigures]) -> list[BetChange]:
    return [
        BetChange(organization=key, change=change, changed=fields, before=b, after=a)
        for key, change, fields, b, a in _side_by_side(before, after, lambda x: x.model_dump())
    ]


def _conflict_key(c: Conflict) -> tuple:
    """A disagreement's identity: its type, its id and the two figures (document and value)."""
    return (c.type, c.id, *((f.document, f.value, f.upper, f.bound) for f in c.figures))


def _conflict_changes(before: list[Conflict], after: list[Conflict]) -> list[ConflictChange]:
    out = []
    for _key, change, _fields, b, a in _side_by_side(
        {_conflict_key(c): c for c in before},
        {_conflict_key(c): c for c in after},
        lambda c: {"disagreement": c.disagreement},
    ):
        was = b.disagreement if change == "changed" else None
        out.append(ConflictChange(change=change, conflict=a or b, was=was))
    return out
