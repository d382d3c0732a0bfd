"""Likely duplicate deals: two ids that look like one deal recorded twice.

A user who adds a document may record a deal the data set already holds under a new id;
the loader then counts its money twice. This module finds such pairs the way an entity
resolver does (nomenklatura's model): a *blocking key* decides which pairs are compared
at all, *features* score each pair (agreeing ones add weight, contradicting ones take it
away), and a reviewer's *judgements* (``same`` / ``different``), kept as data, take a
pair out of the candidates for good, until the judgement is deleted.

* Blocking: the same kind and the same corporate-group pair (payer's group -> payee's
  group; a group is the top of the ``subsidiary_of`` chain, and a platform or product
  belongs to the group of who ``offers`` it), e.g. openai -> azure is openai -> microsoft.
* Structure is never a duplicate: a tranche and its parent (``part_of``), two tranches of
  one parent, an aggregate and a deal it includes, two deals of one aggregate.
* Features (:data:`WEIGHTS`): the amounts agree within :data:`AMOUNT_TOLERANCE` (same
  currency and rate) or both are unknown; the dates (``date``, else ``start``) are within
  :data:`DATE_WINDOW` of each other or one is undated; capacities agree. Amounts, dates or
  capacities that disagree count against the pair. Figures are compared as stated (an
  up-to or at-least figure as its number, a range by either end); amounts in another
  currency or rate (per month against a total) are not compared.
* A pair scoring :data:`WARN_AT` or more is a likely duplicate (``dealgraph validate``
  warns); from :data:`REVIEW_AT` it is listed for review.

The *newer* deal of a pair is the one whose first source was published later (a source
without a date counts as the newest), then the one read later.

Judgements live in ``judgements.yaml`` next to ``entities.yaml`` (:class:`JudgementsFile`)::

    judgements:
      - first: openai-microsoft-compute      # the deal that stays
        second: openai-microsoft-250b        # same: the second records the same deal
        judgement: same                      # or different: never flag this pair again
        note: why (optional)

``same`` links are transitive (a = b and b = c judge a = c) and ``different`` holds between
everything judged the same as either side. Undoing a decision is deleting its entry.

A ``same`` judgement changes what is loaded (:func:`merge_judged`, applied by
:func:`dealgraph.loaders.load_directory`): the second deal's mentions become mentions of
the first, as if its source files had named the first id, so its amounts and evidence are
claims about the first deal and flows, loops and shares count the deal once. The first
deal's kind, payer and payee stand; any other field the second states (date, status ...)
must agree with the first's, as for any deal two documents mention. References to the
second id (``part_of``, ``includes``) point to the first. The files are not changed:
deleting the judgement loads both deals again. Candidates and warnings are judged on the
deals as their files give them.

>>> from dealgraph import bundled_data_dir
>>> [c.newer for c in candidates(bundled_data_dir()) if c.score >= WARN_AT]
[]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from ..ontology.errors import DataError, Problem
from ..ontology.vocab import SLUG_PATTERN
from .csv_loader import read_directory
from .dataset import Dataset, Located, problems_from_validation, within
from .dates import DateValue, period_end
from .models import Amount, Capacity, Deal
from .yaml_source import field_path, line_of, read_yaml

__all__ = [
    "AMOUNT_TOLERANCE",
    "DATE_WINDOW",
    "JUDGEMENTS_FILE",
    "REVIEW_AT",
    "WARN_AT",
    "WEIGHTS",
    "Candidate",
    "Judgement",
    "JudgementsFile",
    "candidates",
    "JudgedDataset",
    "judgements",
    "merge_judged",
    "warnings",
]

#: The reviewer's decisions, in the data directory.
JUDGEMENTS_FILE = "judgements.yaml"
#: Two figures agree when they are at most this far apart, relative to the larger.
AMOUNT_TOLERANCE = Decimal("0.10")
#: Two dates are near when their periods are at most this far apart.
DATE_WINDOW = dt.timedelta(days=90)
#: What each feature adds to (or takes from) a pair's score; the score is kept in 0..1.
WEIGHTS: dict[str, float] = {
    "same-block": 0.4,  # same kind and group pair (every compared pair has it)
    "amounts-agree": 0.4,
    "amounts-unknown": 0.2,  # neither states an amount: nothing tells them apart
    "amounts-not-compared": 0.0,  # one has none, or another currency or rate
    "amounts-differ": -0.6,
    "dates-near": 0.2,
    "undated": 0.1,
    "dates-far": -0.6,
    "capacities-agree": 0.1,
    "capacities-differ": -0.4,
}
#: A pair scoring this much is a likely duplicate: same block, agreeing (or both unknown)
#: amounts, and no date against it.
WARN_AT = 0.7
#: A pair scoring this much is listed for review (e.g. one amount unknown, undated).
REVIEW_AT = 0.5

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]


class Judgement(BaseModel):
    """A reviewer's decision on a pair of deal ids."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    first: Slug = Field(description="The deal that stays (the existing one).")
    second: Slug = Field(description="The other deal of the pair.")
    judgement: Literal["same", "different"] = Field(
        description="same: the second records the same deal as the first; different: never flag the pair."
    )
    note: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)] | None = None

    @model_validator(mode="after")
    def _two_deals(self) -> Judgement:
        if self.first == self.second:
            raise ValueError("a judgement needs two different deal ids")
        return self


def _none_is_empty(value: object) -> object:
    """``judgements:`` with its last entry deleted is an empty list."""
    return [] if value is None else value


class JudgementsFile(BaseModel):
    """The format of ``judgements.yaml``: a list of decisions on pairs of deals."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    judgements: Annotated[list[Judgement], BeforeValidator(_none_is_empty)] = []


class Candidate(BaseModel):
    """Two deal ids that may record one deal: the one recorded first and the newer one."""

    model_config = ConfigDict(frozen=True)

    existing: str = Field(description="Id of the deal recorded first.", examples=["openai-microsoft-compute"])
    existing_file: str
    existing_line: int | None
    newer: str = Field(description="Id of the deal that looks like it.")
    newer_file: str
    newer_line: int | None
    score: float = Field(ge=0, le=1, description="How alike the two are (features weighed by WEIGHTS).")
    reasons: list[str] = Field(description="What the score rests on, in words.")

    @property
    def summary(self) -> str:
        return ", ".join(self.reasons)


def candidates(
    data_dir: str | Path, minimum: float = REVIEW_AT, dataset: Dataset | None = None
) -> list[Candidate]:
    """Pairs of deals that may be one deal, best first; judged pairs are left out.

    ``dataset`` is the data directory as already read (``LoadedData.dataset``), so the files
    are not parsed again; by default they are read here.
    """
    return _judge(dataset or read_directory(data_dir), judgements(data_dir), minimum)


def warnings(data_dir: str | Path, dataset: Dataset | None = None) -> list[Problem]:
    """A problem for each likely duplicate (naming the newer deal's file and line and the
    existing id) and for each judgement naming a deal the data set no longer has.

    ``dataset`` is the data directory as already read (see :func:`candidates`).
    """
    ds = dataset or read_directory(data_dir)
    written = _as_written(ds)
    judged = judgements(data_dir)
    out = [
        item.problem(
            (side,),
            f"judgement names deal {deal_id!r}, which is not in the data set "
            "(delete the entry if the deal was removed or renamed)",
        )
        for item in judged
        for side, deal_id in (("first", item.record.first), ("second", item.record.second))
        if deal_id not in written
    ]
    where = Path(data_dir) / JUDGEMENTS_FILE
    for c in _judge(ds, judged, WARN_AT):
        message = (
            f"looks like deal {c.existing} ({Path(c.existing_file).name}:{c.existing_line}): {c.summary} "
            f"(score {c.score}); record a judgement in {where} if they differ"
        )
        out.append(written[c.newer][0].problem(("id",), message))
    return out


def judgements(data_dir: str | Path) -> list[Located]:
    """The judgements of ``data_dir`` (none when the file is absent), each with its file and
    line (``Located``, the record a :class:`Judgement`). Raises DataError naming file, line
    and field for a malformed entry, a pair judged twice, or a ``different`` that other
    entries judge the same."""
    path = Path(data_dir) / JUDGEMENTS_FILE
    if not path.is_file():
        return []
    doc = read_yaml(path)
    if doc is None:  # an empty file: no decisions
        return []

    def locate(loc: tuple) -> tuple[int | None, str]:
        return line_of(doc, loc), field_path(loc)

    try:
        parsed = JudgementsFile.model_validate(doc)
    except ValidationError as exc:
        raise DataError(problems_from_validation(exc, str(path), locate)) from None
    items = [
        Located(j, str(path), within(locate, ("judgements", i))) for i, j in enumerate(parsed.judgements)
    ]
    problems = _inconsistent(items)
    if problems:
        raise DataError(problems)
    return items


def _inconsistent(items: list[Located]) -> list[Problem]:
    out: list[Problem] = []
    seen: dict[frozenset[str], Located] = {}
    for item in items:
        key = frozenset((item.record.first, item.record.second))
        if key in seen:
            message = f"this pair is already judged at line {seen[key].line}"
            out.append(item.problem(("second",), message))
        seen.setdefault(key, item)
    decisions = _Decisions(items)
    for item in items:
        j: Judgement = item.record
        if j.judgement == "different" and decisions.same(j.first, j.second):
            message = f"{j.first} and {j.second} are judged the same through other entries"
            out.append(item.problem(("judgement",), message))
    return out


class _Decisions:
    """The judgements as clusters: ``same`` links join clusters, ``different`` keeps two apart."""

    def __init__(self, items: list[Located]) -> None:
        self._parent: dict[str, str] = {}
        for item in items:
            if item.record.judgement == "same":
                self._parent[self._root(item.record.second)] = self._root(item.record.first)
        self._apart = {
            frozenset((self._root(i.record.first), self._root(i.record.second)))
            for i in items
            if i.record.judgement == "different"
        }

    def root(self, node: str) -> str:
        """The id that stands for every deal judged the same as ``node`` (itself if none)."""
        return self._root(node)

    def _root(self, node: str) -> str:
        while node in self._parent and self._parent[node] != node:
            node = self._parent[node]
        return node

    def same(self, a: str, b: str) -> bool:
        return self._root(a) == self._root(b)

    def decided(self, a: str, b: str) -> bool:
        return self.same(a, b) or frozenset((self._root(a), self._root(b))) in self._apart


@dataclass
class JudgedDataset(Dataset):
    """A :class:`Dataset` whose deals judged the same are merged (see :func:`merge_judged`);
    ``as_written`` keeps the deals as their files give them, by id, in reading order."""

    as_written: dict[str, list[Located]] = field(default_factory=dict)


def _as_written(ds: Dataset) -> dict[str, list[Located]]:
    return ds.as_written if isinstance(ds, JudgedDataset) else ds.deals


def merge_judged(ds: Dataset, judged: list[Located]) -> JudgedDataset:
    """``ds`` with each deal judged ``same`` as another merged into it (``ds`` is unchanged).

    Of each cluster of deals judged the same, the one that stays is the ``first`` of the
    judgements (the first of the cluster read, when that id is not in ``ds``). The others'
    mentions are added to its mentions with its id, kind, payer and payee; ``part_of`` and
    ``includes`` naming them name it. Judgements naming deals ``ds`` lacks change nothing. A
    tranche judged the same as its parent is a problem (in ``problems``: loading refuses it).

    >>> from dealgraph import bundled_data_dir
    >>> from dealgraph.loaders.yaml_loader import read_yaml_dataset
    >>> ds = read_yaml_dataset(bundled_data_dir())
    >>> same = Judgement(first="openai-microsoft-compute", second="openai-microsoft-azure-spend",
    ...                  judgement="same")
    >>> merged = merge_judged(ds, [Located(same, "judgements.yaml", lambda loc: (None, ""))])
    >>> len(merged.deals["openai-microsoft-compute"]), "openai-microsoft-azure-spend" in merged.deals
    (2, False)
    >>> "openai-microsoft-azure-spend" in merged.as_written
    True
    """
    decisions = _Decisions(judged)
    stays: dict[str, str] = {}  # a cluster's root -> the id that stays
    for deal_id in ds.deals:
        root = decisions.root(deal_id)
        stays.setdefault(root, root if root in ds.deals else deal_id)
    into = {deal_id: stays[decisions.root(deal_id)] for deal_id in ds.deals}
    deals = {deal_id: list(mentions) for deal_id, mentions in ds.deals.items() if into[deal_id] == deal_id}
    for deal_id, mentions in ds.deals.items():
        target = into[deal_id]
        if target != deal_id:
            head: Deal = deals[target][0].record
            parties = {"id": target, "kind": head.kind, "payer": head.payer, "payee": head.payee}
            deals[target] += [_with(m, m.record.model_copy(update=parties)) for m in mentions]
    problems = list(ds.problems)
    for deal_id, mentions in deals.items():
        deals[deal_id] = [_redirect(m, into) for m in mentions]
        problems += [
            m.problem(
                ("part_of",),
                f"deal judged the same as {deal_id!r}, the deal it is part of ({JUDGEMENTS_FILE})",
            )
            for m in deals[deal_id]
            if m.record.part_of == deal_id
        ]
    kept = {f.name: getattr(ds, f.name) for f in fields(Dataset)}
    return JudgedDataset(**{**kept, "deals": deals, "problems": problems}, as_written=ds.deals)


def _with(item: Located, record: Deal) -> Located:
    return Located(record, item.file, item.locate, item.document)


def _redirect(item: Located, into: dict[str, str]) -> Located:
    """The mention with its ``part_of`` and ``includes`` naming the deals that stay."""
    d: Deal = item.record
    part_of = into.get(d.part_of, d.part_of) if d.part_of else None
    includes = [into.get(ref, ref) for ref in d.includes]
    if (part_of, includes) == (d.part_of, d.includes):
        return item
    return _with(item, d.model_copy(update={"part_of": part_of, "includes": includes}))


@dataclass(frozen=True)
class _View:
    """One deal id (its mentions merged) as the judge compares it."""

    id: str
    kind: str
    groups: tuple[str, str]  # the payer's and the payee's corporate group
    amounts: tuple[Amount, ...]
    capacity: Capacity | None
    date: DateValue | None
    parents: frozenset[str]  # its part_of and the aggregates that include it
    first: Located  # its first mention
    age: tuple[dt.date, int]  # first publication of a source naming it, then reading order


def _judge(ds: Dataset, judged: list[Located], minimum: float) -> list[Candidate]:
    decisions = _Decisions(judged)
    blocks: dict[tuple[str, str, str], list[_View]] = {}
    for view in _views(ds):
        blocks.setdefault((view.kind, *view.groups), []).append(view)
    out = []
    for block in blocks.values():
        for old, new in _pairs(sorted(block, key=lambda v: v.age)):
            if _structure(old, new) or decisions.decided(old.id, new.id):
                continue
            score, reasons = _score(old, new)
            if score >= minimum:
                out.append(
                    Candidate(
                        existing=old.id,
                        existing_file=old.first.file,
                        existing_line=old.first.line,
                        newer=new.id,
                        newer_file=new.first.file,
                        newer_line=new.first.line,
                        score=score,
                        reasons=reasons,
                    )
                )
    return sorted(out, key=lambda c: (-c.score, c.existing, c.newer))


def _pairs(views: list[_View]) -> Iterator[tuple[_View, _View]]:
    for i, old in enumerate(views):
        for new in views[i + 1 :]:
            yield old, new


def _structure(a: _View, b: _View) -> bool:
    """True for a tranche and its parent, two tranches of one parent, an aggregate and a
    deal it includes, or two deals of one aggregate: parts of a whole, not duplicates."""
    return a.id in b.parents or b.id in a.parents or bool(a.parents & b.parents)


def _views(ds: Dataset) -> list[_View]:
    groups = _groups(ds)
    written = _as_written(ds)
    aggregates: dict[str, set[str]] = {}
    for deal in (m.record for ms in written.values() for m in ms):
        for member in deal.includes:
            aggregates.setdefault(member, set()).add(deal.id)
    out = []
    for order, (deal_id, mentions) in enumerate(written.items()):
        records: list[Deal] = [m.record for m in mentions]
        head = records[0]
        out.append(
            _View(
                id=deal_id,
                kind=head.kind,
                groups=(groups.get(head.payer, head.payer), groups.get(head.payee, head.payee)),
                amounts=tuple(a for r in records for a in r.amounts),
                capacity=next((r.capacity for r in records if r.capacity), None),
                date=next((r.date or r.start for r in records if r.date or r.start), None),
                parents=frozenset({r.part_of for r in records if r.part_of} | aggregates.get(deal_id, set())),
                first=mentions[0],
                age=(_first_published(ds, mentions), order),
            )
        )
    return out


def _first_published(ds: Dataset, mentions: list[Located]) -> dt.date:
    """When the first source naming the deal was published (sources without a date last)."""
    sources = [ds.sources[m.document].record for m in mentions if m.document in ds.sources]
    return min((s.published.value for s in sources if s.published), default=dt.date.max)


def _groups(ds: Dataset) -> dict[str, str]:
    """Entity id -> the top of its corporate group: the ``subsidiary_of`` chain (entity
    field or relationship); a platform or product belongs to the group that offers it."""
    parents = {k: v.record.subsidiary_of for k, v in ds.entities.items() if v.record.subsidiary_of}
    offered: dict[str, str] = {}
    for rel in ds.all_relationships():
        if rel.kind == "subsidiary-of":
            parents.setdefault(rel.subject, rel.object)
        elif rel.kind == "offers" and rel.object in ds.entities:
            if ds.entities[rel.object].record.type in ("platform", "product"):
                offered[rel.object] = rel.subject
    groups = {node: _top(node, parents) for node in {*ds.entities, *parents}}
    groups.update({product: _top(owner, parents) for product, owner in offered.items()})
    return groups


def _top(node: str, parents: dict[str, str]) -> str:
    seen = {node}
    while node in parents and parents[node] not in seen:
        node = parents[node]
        seen.add(node)
    return node


# -- features ------------------------------------------------------------------------------


def _score(old: _View, new: _View) -> tuple[float, list[str]]:
    """The pair's score (its features' weights, kept in 0..1) and the features in words."""
    features = [
        ("same-block", f"same groups {old.groups[0]} -> {old.groups[1]}, same kind {old.kind}"),
        _amount_feature(old.amounts, new.amounts),
        _date_feature(old.date, new.date),
    ]
    if old.capacity and new.capacity:
        shown = f"capacity {_quantity(old.capacity)} vs {_quantity(new.capacity)}"
        agree = _close(old.capacity, new.capacity)
        features.append(("capacities-agree", shown) if agree else ("capacities-differ", shown + _APART))
    total = sum(WEIGHTS[name] for name, _ in features)
    return round(min(1.0, max(0.0, total)), 2), [why for _, why in features]


_APART = f" (more than {int(AMOUNT_TOLERANCE * 100)}% apart)"


def _amount_feature(old: tuple[Amount, ...], new: tuple[Amount, ...]) -> tuple[str, str]:
    if not old and not new:
        return "amounts-unknown", "no amount on either"
    shown = f"{_amounts(old)} vs {_amounts(new)}"
    if not old or not new:
        return "amounts-not-compared", shown
    comparable = [(a, b) for a in old for b in new if (a.currency, a.rate) == (b.currency, b.rate)]
    if not comparable:
        return "amounts-not-compared", shown + " (not comparable: another currency or rate)"
    if any(_close(a, b) for a, b in comparable):
        return "amounts-agree", shown
    return "amounts-differ", shown + _APART


def _close(a: Amount | Capacity, b: Amount | Capacity) -> bool:
    """Some figure of ``a`` (its value or upper end) is within the tolerance of one of ``b``."""
    figures = [[v.value] + ([v.upper] if v.upper is not None else []) for v in (a, b)]
    return any(abs(x - y) <= AMOUNT_TOLERANCE * max(x, y) for x in figures[0] for y in figures[1])


def _date_feature(old: DateValue | None, new: DateValue | None) -> tuple[str, str]:
    shown = f"dates {old or 'undated'} vs {new or 'undated'}"
    if old is None or new is None:
        return "undated", shown
    gap = max(new.value - period_end(old), old.value - period_end(new), dt.timedelta(0))
    if gap <= DATE_WINDOW:
        return "dates-near", shown
    return "dates-far", f"{shown} ({gap.days} days apart)"


_SCALES = ((Decimal(10) ** 12, "T"), (Decimal(10) ** 9, "B"), (Decimal(10) ** 6, "M"))
_BOUNDS = {"exact": "", "about": "about ", "at-least": "at least ", "up-to": "up to "}


def _amounts(amounts: tuple[Amount, ...]) -> str:
    """``$250B``, ``up to $20B``, ``$1.25B/month``; several joined by `` / ``."""
    if not amounts:
        return "no amount"
    return " / ".join(dict.fromkeys(_quantity(a) for a in amounts))  # each figure once


def _quantity(v: Amount | Capacity) -> str:
    unit = v.currency if isinstance(v, Amount) else v.unit
    figures = "-".join(_figure(x, unit) for x in (v.value, v.upper) if x is not None)
    rate = f"/{v.rate.removeprefix('per-')}" if isinstance(v, Amount) and v.rate else ""
    return f"{_BOUNDS[v.bound]}{figures}{rate}"


def _figure(value: Decimal, unit: str) -> str:
    if unit != "USD":
        return f"{_plain(value)} {unit}"
    for size, suffix in _SCALES:
        if value >= size:
            return f"${_plain(value / size)}{suffix}"
    return f"${_plain(value)}"


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
