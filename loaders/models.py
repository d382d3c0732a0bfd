"""Pydantic models of the data files (``data/entities.yaml``, ``data/sources/*.yaml``).

The models say exactly what they accept (``extra="forbid"``); the format is documented in
the README ("The data format").

>>> Deal.model_validate({"id": "x-y", "kind": "equity-investment", "payer": "x", "payee": "y",
...     "evidence": [{"quote": "x invests in y"}]}).kind
'equity-investment'
>>> Deal.model_validate({"id": "x-y", "kind": "gift", "payer": "x", "payee": "y",
...     "evidence": [{"quote": "q"}]})  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
pydantic_core._pydantic_core.ValidationError: 1 validation error for Deal
kind
  Input should be 'equity-investment', 'compute-commitment', ...
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from ..ontology.text import NOT_TEXT
from ..ontology.vocab import (
    SLUG_PATTERN,
    Basis,
    Bound,
    DealKind,
    DealStatus,
    EntityType,
    Metric,
    QuantityUnit,
    Rate,
    RelationshipKind,
    RelationshipStatus,
    Role,
    Unit,
)
from .dates import DateValue, parse_date

__all__ = [
    "Entity",
    "EntitiesFile",
    "Source",
    "Evidence",
    "Amount",
    "Capacity",
    "Quantity",
    "ChipCount",
    "Shares",
    "Stake",
    "Deal",
    "Observation",
    "Relationship",
    "SourceFile",
    "MAX_FIGURE",
    # the vocabularies (defined in dealgraph.ontology.vocab), as the models use them
    "Basis",
    "Bound",
    "DealKind",
    "DealStatus",
    "EntityType",
    "Metric",
    "Rate",
    "RelationshipKind",
    "RelationshipStatus",
    "QuantityUnit",
    "Role",
    "Unit",
]

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
RelationshipId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+--[a-z0-9-]+--[a-z0-9-]+$")]


def _plain_text(v: str) -> str:
    m = NOT_TEXT.search(v)
    if m:
        what = "a lone surrogate" if "\ud800" <= m.group() <= "\udfff" else "a control character"
        raise ValueError(f"contains {what} ({m.group()!r} at position {m.start()})")
    return v


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1), AfterValidator(_plain_text)]

# A document's file name becomes part of its source's IRI: only characters an IRI path
# segment holds as they are.
_DOCUMENT = re.compile(r"(?=.*\w)[\w.~!$&'()*+,;=:@-]+")


def _document(v: str) -> str:
    if not _DOCUMENT.fullmatch(v):
        raise ValueError(
            f"{v[:80]!r} is not a usable document name: a file name of letters, "
            "digits and . _ - ~ ! $ & ' ( ) * + , ; = : @ (no spaces, slashes or "
            "other characters an IRI cannot hold)"
        )
    return v


DocumentName = Annotated[Text, AfterValidator(_document)]
Date = Annotated[DateValue, BeforeValidator(parse_date)]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]


def _duration(v: str) -> str:
    if not re.fullmatch(r"P(?=\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?", v):
        raise ValueError(f"term {v!r} is not an ISO 8601 duration such as P7Y, P18M or P3Y6M")
    return v


Duration = Annotated[str, AfterValidator(_duration)]

#: The largest figure (amount, value, upper bound) a data file may state, in base units:
#: 10^15, a thousand trillion (about ten times world GDP in dollars). Larger numbers are
#: typing errors, not data. Every whole number up to it is exact as a double (2^53 > 10^15),
#: so JSON output and exports show it as written. Infinity and NaN are never figures.
MAX_FIGURE = Decimal(10) ** 15


def _figure(v: Decimal) -> Decimal:
    if abs(v) > MAX_FIGURE:
        shown = f"{v:.3E}" if abs(v) >= Decimal("1E+20") else str(v)
        raise ValueError(
            f"{shown} is above the ceiling of 10^15 (1,000 trillion) for a figure "
            "(money is in base units: dollars, not billions)"
        )
    return v


#: A finite number no larger than :data:`MAX_FIGURE` either way.
Figure = Annotated[Decimal, AfterValidator(_figure)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Entity(Strict):
    """An organization, chip, facility, platform, product or place."""

    id: Slug
    type: EntityType
    name: Text
    aliases: list[Text] = []
    roles: list[Role] = []
    subsidiary_of: Slug | None = None
    #: why ``subsidiary_of`` holds when no quote states it (a source file's ``subsidiary-of``
    #: relationship is the quoted form); ``validate`` wants one or the other
    subsidiary_of_inferred: Text | None = None
    description: Text | None = None

    @model_validator(mode="after")
    def _roles_for_organizations(self) -> Entity:
        if self.roles and self.type != "organization":
            raise ValueError(f"only organizations have roles (this is a {self.type})")
        if self.subsidiary_of and self.type != "organization":
            raise ValueError(f"only organizations have a parent (this is a {self.type})")
        if self.subsidiary_of == self.id:
            raise ValueError("an entity cannot be its own subsidiary")
        if self.subsidiary_of_inferred and not self.subsidiary_of:
            raise ValueError("'subsidiary_of_inferred' explains a 'subsidiary_of', and there is none")
        return self


class EntitiesFile(Strict):
    entities: list[Entity]


class Source(Strict):
    """The document a source file describes."""

    document: DocumentName
    title: Text
    publisher: Text | None = None
    published: Date | None = None
    url: Text | None = None
    note: Text | None = None
    #: when the text was taken (the document may change after)
    retrieved: Date | None = None
    #: the sha256 of the document's text as kept next to the source (checked by validate)
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")] | None = None


class Evidence(Strict):
    quote: Text
    note: Text | None = None


class _Valued(Strict):
    value: Annotated[Figure, Field(ge=0)]
    upper: Figure | None = None
    bound: Bound = "exact"

    @model_validator(mode="after")
    def _range(self):
        if self.upper is not None and self.upper < self.value:
            raise ValueError(f"upper ({self.upper}) is below value ({self.value})")
        return self


class Amount(_Valued):
    """One source's claim of how much money a deal moves."""

    value: Annotated[Figure, Field(gt=0)]
    currency: Currency
    rate: Rate | None = None
    term: Duration | None = None
    quote: Text


class Quantity(_Valued):
    """A figure a deal states in a unit other than money (never added to money).

    Its ``rate`` says it recurs (``one gigawatt ... weekly``); a total is never derived from
    a rate: only a source's own total is one.
    """

    unit: QuantityUnit
    rate: Rate | None = None
    term: Duration | None = None
    quote: Text


class Capacity(Quantity):
    """Compute capacity a deal secures, in GW (the default) or MW."""

    unit: Literal["GW", "MW"] = "GW"


class ChipCount(Quantity):
    """How many chips (GPUs, TPUs, accelerators) a deal covers: ``up to one million TPUs``."""

    unit: Literal["chips"] = "chips"


class Shares(Quantity):
    """A number of shares (a warrant for 160 million shares)."""

    unit: Literal["shares"] = "shares"


class Stake(Quantity):
    """An ownership stake, or a share of revenue, in percent (``~7%``)."""

    unit: Literal["percent"] = "percent"
    value: Annotated[Figure, Field(ge=0, le=100)]
    upper: Annotated[Figure, Field(ge=0, le=100)] | None = None


class Deal(Strict):
    """A deal as one source describes it (mentions of the same id are merged)."""

    id: Slug
    kind: DealKind
    payer: Slug
    payee: Slug
    status: DealStatus | None = None
    date: Date | None = None
    start: Date | None = None
    end: Date | None = None
    term: Duration | None = None
    part_of: Slug | None = None
    includes: list[Slug] = []
    capacity: Capacity | None = None
    #: how many chips the deal covers
    chip_count: ChipCount | None = None
    #: shares granted or bought (a warrant's count)
    shares: Shares | None = None
    #: the ownership stake the deal gives, or a revenue share's percentage
    stake: Stake | None = None
    #: a warrant's or option's price per share
    exercise_price: Amount | None = None
    #: what the stake is worth (a holding's value, not money paid)
    stake_value: Amount | None = None
    #: the party the deal serves when it runs through a vehicle or a lease (the lab an SPV
    #: buys chips for)
    beneficiary: Slug | None = None
    chips: list[Slug] = []
    facilities: list[Slug] = []
    conditions: list[Text] = []
    amounts: list[Amount] = []
    evidence: Annotated[list[Evidence], Field(min_length=1)]
    note: Text | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Deal:
        if self.payer == self.payee:
            raise ValueError("payer and payee are the same entity")
        if self.part_of == self.id:
            raise ValueError("a deal cannot be part of itself")
        if self.includes and self.kind != "aggregate":
            raise ValueError("only aggregate deals list 'includes'")
        if self.beneficiary in (self.payer, self.payee):
            raise ValueError("the beneficiary is a third party (neither payer nor payee)")
        if self.kind == "warrant" and not (self.shares or self.stake or self.amounts):
            raise ValueError("a warrant states its shares, its stake or an amount")
        if self.exercise_price is not None and self.kind not in ("warrant", "equity-investment"):
            raise ValueError("only a warrant or an equity investment has an exercise price")
        return self


class Observation(Strict):
    """A metric of an entity at a time or over a period, as one source states it."""

    id: Slug
    subject: Slug
    metric: Metric
    value: Figure
    upper: Figure | None = None
    unit: Unit
    bound: Bound = "exact"
    rate: Rate | None = None
    as_of: Date | None = None
    period: Date | None = None
    period_end: Date | None = None
    basis: Basis | None = None
    forecast: bool = False
    segment: Text | None = None
    #: the other entity the figure is about: the company a stake (``ownership-stake``,
    #: ``stake-value``) is held in
    counterparty: Slug | None = None
    attributed_to: Text | None = None
    evidence: Annotated[list[Evidence], Field(min_length=1)]
    note: Text | None = None

    @model_validator(mode="after")
    def _when(self) -> Observation:
        if self.as_of is None and self.period is None:
            raise ValueError("an observation needs 'as_of' or 'period' (when the figure holds)")
        if self.upper is not None and self.upper < self.value:
            raise ValueError(f"upper ({self.upper}) is below value ({self.value})")
        if self.period_end is not None and self.period is None:
            raise ValueError("'period_end' needs 'period' (the start of the range)")
        return self


class Relationship(Strict):
    """A structural fact between two entities (subsidiary-of, distributes, ...)."""

    id: RelationshipId
    kind: RelationshipKind
    subject: Slug
    object: Slug
    #: when the relationship began and ended (a right that ended has an ``end``)
    start: Date | None = None
    end: Date | None = None
    status: RelationshipStatus | None = None
    evidence: list[Evidence] = []
    #: the reasoning, for a relationship no quote states (then ``evidence`` may be empty)
    inferred: Text | None = None
    note: Text | None = None

    @model_validator(mode="after")
    def _id_convention(self) -> Relationship:
        expected = f"{self.subject}--{self.kind}--{self.object}"
        if self.id != expected:
            raise ValueError(f"relationship id must be {expected!r}")
        if not self.evidence and not self.inferred:
            raise ValueError("a relationship rests on evidence (a quote) or says why it is 'inferred'")
        if self.end is not None and self.status not in (None, "ended"):
            raise ValueError(f"a relationship with an 'end' has ended (status {self.status!r})")
        if self.start and self.end and self.end.value < self.start.value:
            raise ValueError("'end' is before 'start'")
        return self


class SourceFile(Strict):
    """One source document's facts."""

    source: Source
    deals: list[Deal] = []
    observations: list[Observation] = []
    relationships: list[Relationship] = []
