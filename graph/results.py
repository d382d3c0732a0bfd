"""Typed results: the pydantic models the analytics return.

One model per shape, shared by the analytics (:mod:`dealgraph.graph.flows`, ``trace``,
``exposure``, ``loops``, ``paths``, ``cards``, ``conflicts``, ``report``), the CLI's
``--json`` (``model_dump(mode="json")``) and the HTTP API's ``response_model`` (so the
OpenAPI document describes every response). Field names and shapes are those of the JSON
the analytics have always produced: a flow is the same object in ``/flows``, in a loop, in a
trace hop and in an entity card.

Every field has a description and every top-level model carries one example in its JSON
schema, copied from the bundled data set's real output (``tests/graph/test_results.py``
checks that each example validates).

Read-only item access (``flow["amount"]``, ``flow.get("amount")``) is kept on every model
as well as attributes (``flow.amount``): the analytics returned dicts until 2026-11, and the
README's Python API, the exporters and users' scripts index them that way. New code should
use attributes; item access never writes.

>>> from dealgraph import open_graph
>>> from dealgraph.graph import flows
>>> f = flows(open_graph(), payer="openai", payee="aws")[0]
>>> type(f).__name__, f.amount, f["amount"], f.sources[0].document
('Flow', 38000000000, 38000000000, '001_930f0b1a03446070.txt')
"""

from __future__ import annotations

from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Result",
    "Evidence",
    "DatedEvidence",
    "FlowEvidence",
    "RelationshipEvidence",
    "Amount",
    "AmountClaim",
    "MoneyTotals",
    "MoneyTally",
    "Flow",
    "CardDeal",
    "Deal",
    "CardRelationship",
    "Observation",
    "EntityCard",
    "SourceClaim",
    "Source",
    "TraceHop",
    "Reached",
    "Trace",
    "LoopLeg",
    "Loop",
    "Tie",
    "ExposureSide",
    "ExposureTotals",
    "Exposure",
    "MoneyStep",
    "StructureStep",
    "Path",
    "Share",
    "DealFigure",
    "ObservationFigure",
    "DealConflict",
    "ObservationConflict",
    "Conflict",
    "Report",
    "EntitySummary",
    "RelatedDeal",
    "RelatedRelationship",
    "RelatedItem",
    "BetweenDeal",
    "BetweenRelationship",
    "Between",
    "Page",
    "FlowPage",
    "EntityPage",
    "RelatedPage",
    "MapNode",
    "MapEdge",
    "MoneyMap",
    "Number",
    "Disagreement",
    "Document",
    "Quote",
    "Published",
    "Upper",
    "Bound",
    "Rate",
    "Term",
    "Precision",
    "Inferred",
]

Number = int | float

Disagreement = Literal["contradictory", "divergent", "superseded"]
"""How two figures of one quantity disagree (the rules are in :mod:`dealgraph.graph.conflicts`)."""
"""A figure as the data states it: whole figures stay ``int`` (38000000000), others float."""

T = TypeVar("T")


def _f(description: str, **kw: Any) -> Any:
    return Field(description=description, **kw)


def _o(description: str, **kw: Any) -> Any:
    """An optional field: null (or left out) when the data has no value.

    Results always carry these fields (as null); the default lets the OpenAPI document's
    examples validate, since FastAPI drops null values from examples.
    """
    return Field(None, description=description, **kw)


# Fields that recur across the models, each described once. An optional one (``| None``)
# takes ``= None`` where it is used (see _o for why).
Document = Annotated[str, Field(description="File name of the source document (see /sources).")]
Quote = Annotated[str, Field(description="The verbatim quote from the document.")]
Published = Annotated[
    str | None, Field(description="Publication date of the document (YYYY-MM-DD), if known.")
]
Upper = Annotated[Number | None, Field(description="Upper end when the source gives a range, else null.")]
Bound = Annotated[
    str, Field(description="How the figure bounds the amount: exact, about, at-least or up-to.")
]
Rate = Annotated[
    str | None,
    Field(description="Recurrence (per-hour, -day, -week, -month, -quarter or -year); null: a total."),
]
Term = Annotated[str | None, Field(description="Duration as the source states it (e.g. P7Y).")]
Precision = Annotated[
    str | None, Field(description="Precision of that date: day, month, quarter, half-year or year.")
]
Inferred = Annotated[bool, Field(description="True when that date was resolved from a relative expression.")]


class Result(BaseModel):
    """Base of every result model: unknown fields refused, read-only item access kept."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    # Read-only Mapping-style access, for code written against the dict results (see the
    # module docstring). Keys are the JSON names (aliases), e.g. a path step's "from".
    def __getitem__(self, key: str) -> Any:
        name = _field_name(type(self), key)
        if name is None:
            raise KeyError(key)
        return getattr(self, name)

    def get(self, key: str, default: Any = None) -> Any:
        """The field named ``key`` (its JSON name), or ``default`` when there is none."""
        name = _field_name(type(self), key)
        return default if name is None else getattr(self, name)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and _field_name(type(self), key) is not None

    def keys(self) -> list[str]:
        """The JSON names of the fields, in order."""
        return [f.alias or n for n, f in type(self).model_fields.items()]


def _field_name(cls: type[BaseModel], key: str) -> str | None:
    for name, f in cls.model_fields.items():
        if key == (f.alias or name):
            return name
    return None


def _example(value: Any) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": [value]})


# --- examples (each copied from the bundled data set's real output) ---------------------------

_EVIDENCE: dict[str, Any] = {
    "document": "001_930f0b1a03446070.txt",
    "quote": "OpenAI cut a $38 billion compute deal with AWS on Monday",
    "unverified": False,
}
_RELATIONSHIP_EVIDENCE: dict[str, Any] = {
    "document": "001_930f0b1a03446070.txt",
    "quote": "The seven-year AWS agreement delivers hundreds of thousands of Nvidia GPUs immediately",
    "unverified": False,
    "relationship": "aws--supplies--openai",
}
_AMOUNT: dict[str, Any] = {
    "value": 38000000000,
    "upper": None,
    "currency": "USD",
    "bound": "exact",
    "rate": None,
    "term": "P7Y",
}
_CLAIM: dict[str, Any] = _AMOUNT | {
    "document": "001_930f0b1a03446070.txt",
    "published": "2025-11-01",
    "quote": _EVIDENCE["quote"],
}
_QUANTITY_CLAIM: dict[str, Any] = {
    "measure": "capacity",
    "value": 5,
    "upper": None,
    "unit": "GW",
    "bound": "up-to",
    "rate": None,
    "term": None,
    "document": "002_fce6943532eb5e8c.txt",
    "published": "2026-04-27",
    "quote": "In return, Anthropic secures **up to 5 gigawatts (GW)** of capacity for training and "
    "deploying Claude.",
}
_TOTALS0: dict[str, Any] = {
    "committed": 0,
    "announced": 0,
    "contingent": 0,
    "upper_bound": 0,
    "forecast": 0,
    "aggregate": 0,
}
_TALLY0: dict[str, Any] = _TOTALS0 | {"unknown_amounts": 0, "committed_bound": None}
_MONEY_TOTALS: dict[str, Any] = _TOTALS0 | {"committed": 50000000000}
_MONEY_TALLY: dict[str, Any] = _TALLY0 | {"committed": 50000000000, "committed_bound": "exact"}
_FLOW: dict[str, Any] = {
    "id": "openai-aws-compute-2025",
    "kind": "compute-commitment",
    "payer": "openai",
    "payee": "aws",
    "amount": 38000000000,
    "currency": "USD",
    "bound": "exact",
    "rate": None,
    "status": "committed",
    "date": "2025-11-03",
    "date_precision": "day",
    "date_inferred": True,
    "effective_date": "2025-11-03",
    "term": "P7Y",
    "part_of": None,
    "includes": [],
    "amounts": [_CLAIM],
    "quantities": [],
    "chips": ["nvidia-gb200", "nvidia-gb300"],
    "conditions": [],
    "beneficiary": None,
    "conflict": False,
    "sources": [_EVIDENCE],
    "disagreement": None,
    "disputed_by": [],
}
_INVESTMENT_EVIDENCE: dict[str, Any] = {
    "document": "000_f58ffbe10c493a29.txt",
    "quote": "in February of this year, Amazon announced a $50 billion investment in OpenAI",
    "unverified": False,
}
_INVESTMENT: dict[str, Any] = {
    "id": "amazon-openai-investment-2026",
    "kind": "equity-investment",
    "payer": "amazon",
    "payee": "openai",
    "amount": 50000000000,
    "currency": "USD",
    "bound": "exact",
    "rate": None,
    "status": "announced",
    "date": "2026-02-01",
    "date_precision": "month",
    "date_inferred": True,
    "effective_date": "2026-02-01",
    "term": None,
    "part_of": None,
    "includes": [],
    "amounts": [
        {
            "value": 50000000000,
            "upper": None,
            "currency": "USD",
            "bound": "exact",
            "rate": None,
            "term": None,
            "published": "2026-04-14",
            "document": _INVESTMENT_EVIDENCE["document"],
            "quote": _INVESTMENT_EVIDENCE["quote"],
        }
    ],
    "quantities": [],
    "chips": [],
    "conditions": [],
    "beneficiary": None,
    "conflict": False,
    "sources": [_INVESTMENT_EVIDENCE],
    "disagreement": None,
    "disputed_by": [],
}
_DEAL: dict[str, Any] = _FLOW | {"tranches": [], "all_sources": [_EVIDENCE | {"published": "2025-11-01"}]}
_OBSERVATION: dict[str, Any] = {
    "id": "openai-total-commitments-2025-11-s001",
    "subject": "openai",
    "metric": "total-commitments",
    "value": 1400000000000,
    "upper": None,
    "unit": "USD",
    "bound": "exact",
    "rate": None,
    "as_of": "2025-11-01",
    "as_of_precision": "month",
    "as_of_inferred": True,
    "period": None,
    "basis": None,
    "forecast": False,
    "segment": "infrastructure (compute) commitments",
    "counterparty": None,
    "attributed_to": None,
    "note": None,
    "published": "2025-11-01",
    "sources": [
        {
            "document": "001_930f0b1a03446070.txt",
            "quote": "OpenAI's infrastructure commitments now total $1.4 trillion",
            "unverified": False,
        }
    ],
}
_STRUCTURE_TIME: dict[str, Any] = {"status": "active", "start": None, "end": None}
_SUBSIDIARY: dict[str, Any] = {
    "id": "aws--subsidiary-of--amazon",
    "kind": "subsidiary-of",
    "direction": "out",
    "subject": "aws",
    "object": "amazon",
    "counterparty": "amazon",
    **_STRUCTURE_TIME,
    "inferred": "No document states that Amazon owns AWS: its name is 'Amazon Web Services' (002), and "
    "the platform share of sales through AWS is 'paid to Amazon' (000), as to the platform's owner.",
    "sources": [
        {
            "document": "002_fce6943532eb5e8c.txt",
            "quote": "Anthropic has committed to spend on Amazon Web Services (AWS) over the next decade.",
            "unverified": False,
        }
    ],
}
_RIGHT_ENDED: dict[str, Any] = {
    "id": "microsoft--right-of-first-refusal--openai",
    "kind": "right-of-first-refusal",
    "direction": "out",
    "subject": "microsoft",
    "object": "openai",
    "counterparty": "openai",
    "status": "ended",
    "start": "2019-01-01",
    "end": "2025-01-24",
    "inferred": None,
    "sources": [
        {
            "document": "001_930f0b1a03446070.txt",
            "quote": "From 2019 to January 2025, OpenAI needed Microsoft's approval to buy compute from "
            "anyone else. Microsoft had right-of-first-refusal on all infrastructure deals. That ended "
            "Friday, January 24.",
            "unverified": False,
        }
    ],
}
_ENTITY_SUMMARY: dict[str, Any] = {
    "id": "amazon",
    "name": "Amazon",
    "type": "organization",
    "roles": ["cloud-provider", "investor"],
    "aliases": [],
}
_ENTITY_CARD: dict[str, Any] = {
    "id": "aws",
    "name": "Amazon Web Services",
    "type": "organization",
    "roles": ["cloud-provider", "compute-provider", "data-center-operator"],
    "aliases": ["AWS", "AWS Cloud"],
    "description": "Amazon's cloud computing business.",
    "group": "amazon",
    "group_members": ["amazon", "annapurna-labs", "aws"],
    "relationships": [_SUBSIDIARY],
    "deals": [_FLOW | {"direction": "in", "counterparty": "openai"}],
    "observations": [],
}
_SOURCE: dict[str, Any] = {
    "document": "001_930f0b1a03446070.txt",
    "title": "Anthropic Tried to Absorb OpenAI in 24 Hours",
    "publisher": "5-minute Silicon Valley AI briefing (newsletter)",
    "published": "2025-11-01",
    "published_precision": "month",
    "published_inferred": True,
    "url": None,
    "note": None,
    "unverified": False,
    "claims": [{"id": "openai-aws-compute-2025", "quote": _EVIDENCE["quote"]}],
}
_REACHED: dict[str, Any] = {
    "entity": "aws",
    "group": "amazon",
    "hop": 1,
    "money": _TALLY0 | {"committed": 38000000000, "committed_bound": "exact"},
    "deal_ids": ["openai-aws-compute-2025"],
}
_TRACE: dict[str, Any] = {
    "entity": "openai",
    "start": ["codex", "frontier", "openai"],
    "direction": "down",
    "depth": 1,
    "as_of": "2025-11-30",
    "known_at": None,
    "hops": [{"hop": 1, "flows": [_FLOW]}],
    "reached": {"aws": _REACHED},
}
_LOOP_LEG: dict[str, Any] = {
    "from_group": "openai",
    "to_group": "amazon",
    "deal_ids": ["openai-aws-compute-2025"],
    "money": _TALLY0 | {"committed": 38000000000, "committed_bound": "exact"},
    "committed": 38000000000,
    "committed_bound": "exact",
    "quantities": [],
    "beneficiaries": [],
    "text": "$38B (openai-aws-compute-2025)",
}
_LOOP: dict[str, Any] = {
    "members": ["amazon", "openai"],
    "investor": "amazon",
    "investee": "openai",
    "flows": [_INVESTMENT, _FLOW],
    "money_out": 0,
    "money_out_bound": None,
    "money_out_announced": 50000000000,
    "money_out_contingent": 0,
    "money_out_upper_bound": 0,
    "money_back": 38000000000,
    "money_back_bound": "exact",
    "ratio": None,
    "ratio_basis": "no ratio: money out is announced, not committed ($50B; --include-announced counts it)",
    "include_announced": False,
    "legs": [
        {
            "from_group": "amazon",
            "to_group": "openai",
            "deal_ids": ["amazon-openai-investment-2026"],
            "money": _TALLY0 | {"announced": 50000000000},
            "committed": None,
            "committed_bound": None,
            "quantities": [],
            "beneficiaries": [],
            "text": "$50B, announced (amazon-openai-investment-2026)",
        },
        _LOOP_LEG,
    ],
    "beneficiaries": [],
    "deal_ids": ["amazon-openai-investment-2026", "openai-aws-compute-2025"],
    "out_deal_ids": ["amazon-openai-investment-2026"],
    "back_deal_ids": ["openai-aws-compute-2025"],
    "dates": ["2025-11-03", "2026-02-01"],
    "sources": [_EVIDENCE | {"deal": "openai-aws-compute-2025"}],
}
_TIE: dict[str, Any] = {
    "kind": "supplies",
    "subject": "aws",
    "object": "openai",
    "relationship": "aws--supplies--openai",
    "sources": [
        {
            "document": "001_930f0b1a03446070.txt",
            "quote": "The seven-year AWS agreement delivers hundreds of thousands of Nvidia GPUs immediately",
            "unverified": False,
        }
    ],
}
_SIDE: dict[str, Any] = {
    "lab": "openai",
    "competes_with": ["anthropic", "google"],
    "money_to_lab": _TALLY0 | {"announced": 50000000000, "unknown_amounts": 1},
    "money_from_lab": _TALLY0 | {"committed": 38000000000, "committed_bound": "exact"},
    "kinds": ["compute-commitment", "distributes", "distribution-rights", "equity-investment", "supplies"],
    "deal_ids": [
        "amazon-openai-frontier-distribution",
        "amazon-openai-investment-2026",
        "openai-aws-compute-2025",
    ],
    "flows": [_INVESTMENT, _FLOW],
    "ties": [_TIE],
    "sources": [
        _INVESTMENT_EVIDENCE | {"deal": "amazon-openai-investment-2026"},
        _EVIDENCE | {"deal": "openai-aws-compute-2025"},
        _TIE["sources"][0] | {"relationship": "aws--supplies--openai"},
    ],
}
_EXPOSURE_TOTALS: dict[str, Any] = {
    "money_to_labs": _TOTALS0
    | {"committed": 13000000000, "announced": 50000000000, "contingent": 20000000000},
    "money_from_labs": _TOTALS0 | {"committed": 138000000000},
}
_EXPOSURE: dict[str, Any] = {
    "organization": "amazon",
    "group": "amazon",
    "sides": {"openai": _SIDE},
    "rival_pairs": [["anthropic", "openai"]],
    "two_sided": True,
    "total": _EXPOSURE_TOTALS,
}
_MONEY_STEP: dict[str, Any] = {
    "from": "openai",
    "to": "aws",
    "deal": "openai-aws-compute-2025",
    "kind": "compute-commitment",
    "payer": "openai",
    "payee": "aws",
    "amount": 38000000000,
    "status": "committed",
    "sources": [_EVIDENCE],
}
_STRUCTURE_STEP: dict[str, Any] = {
    "from": "aws",
    "to": "amazon",
    "relationship": "aws--subsidiary-of--amazon",
    "kind": "subsidiary-of",
}
_SHARE: dict[str, Any] = {
    "payer": "openai",
    "payee": "aws",
    "payee_group": "amazon",
    "money": _TALLY0 | {"committed": 38000000000, "committed_bound": "exact"},
    "deal_ids": ["openai-aws-compute-2025"],
    "total": 1400000000000,
    "total_observation": "openai-total-commitments-2025-11-s001",
    "share": 0.0271,
    "share_basis": "committed $38B over openai's total commitments $1.4T",
    "without_figure": {},
    "include_announced": False,
    "sources": [_EVIDENCE, _OBSERVATION["sources"][0]],
}
_ORACLE_FIGURE: dict[str, Any] = {
    "value": 300000000000,
    "upper": None,
    "bound": "exact",
    "rate": None,
    "term": None,
    "document": "001_930f0b1a03446070.txt",
    "published": "2025-11-01",
    "quote": "Oracle put in cash; OpenAI pledged $300 billion back.",
    "tranches": [],
}
_OBS_FIGURE: dict[str, Any] = {
    "value": 300000000000,
    "upper": None,
    "bound": "about",
    "unit": "USD",
    "when": "2026-04-27",
    "observation": "openai-valuation-2026-04-s002",
    "document": "002_fce6943532eb5e8c.txt",
    "published": "2026-04-27",
    "quote": "OpenAI's last reported valuation was around $300 billion.",
}
_DEAL_CONFLICT: dict[str, Any] = {
    "type": "deal",
    "id": "openai-oracle-compute",
    "what": "compute-commitment openai -> oracle",
    "disagreement": "contradictory",
    "reason": "$300B (001_930f0b1a03446070.txt) and $30B (000_f58ffbe10c493a29.txt) cannot both hold",
    "figures": [
        _ORACLE_FIGURE,
        {
            "value": 30000000000,
            "upper": None,
            "bound": "exact",
            "rate": None,
            "term": "P5Y",
            "document": "000_f58ffbe10c493a29.txt",
            "published": "2026-04-14",
            "quote": "a $30 billion five-year cloud computing contract with Oracle",
            "tranches": [],
        },
    ],
}
_OBSERVATION_CONFLICT: dict[str, Any] = {
    "type": "observation",
    "id": "openai-valuation-2026-04-s002+openai-valuation-2026-05-s003",
    "what": "valuation of openai (2026-04-27 vs 2026-05-29)",
    "disagreement": "superseded",
    "reason": (
        "~$300B (002_fce6943532eb5e8c.txt) was current on 2026-04-27; 003_5e501dd1baa07869.txt "
        "reports $852B for 2026-05-29 (published 2026-05-29)"
    ),
    "figures": [
        _OBS_FIGURE,
        {
            "value": 852000000000,
            "upper": None,
            "bound": "exact",
            "unit": "USD",
            "when": "2026-05-29",
            "observation": "openai-valuation-2026-05-s003",
            "document": "003_5e501dd1baa07869.txt",
            "published": "2026-05-29",
            "quote": (
                "If successfully completed, it could even exceed OpenAI's estimated valuation of $852 billion"
            ),
        },
    ],
}
_REPORT: dict[str, Any] = {
    "as_of": "2025-11-30",
    "known_at": None,
    "include_announced": False,
    "names": {"openai": "OpenAI", "aws": "Amazon Web Services"},
    "biggest_flows": [_FLOW],
    "loops": [],
    "two_sided_bets": [],
    "conflicts": [],
}
_RELATED_RELATIONSHIP: dict[str, Any] = {
    "type": "relationship",
    "direction": "out",
    "counterparty": "amazon",
    "id": "aws--subsidiary-of--amazon",
    "kind": "subsidiary-of",
    "subject": "aws",
    "object": "amazon",
    **_STRUCTURE_TIME,
    "inferred": _SUBSIDIARY["inferred"],
    "sources": _SUBSIDIARY["sources"],
}
_BETWEEN_RELATIONSHIP: dict[str, Any] = {
    "type": "relationship",
    "id": "aws--subsidiary-of--amazon",
    "kind": "subsidiary-of",
    "subject": "aws",
    "object": "amazon",
}


# --- evidence and amounts ------------------------------------------------------------------


class Evidence(Result):
    """A piece of evidence: the source document and the verbatim quote a claim rests on."""

    document: Document
    quote: Quote
    unverified: bool = _f(
        "True when the data set does not keep the document's text (a paywalled article), so the "
        "quote could not be checked against it.",
        default=False,
    )
    model_config = _example(_EVIDENCE)


class DatedEvidence(Evidence):
    """Evidence with its document's publication date (knowledge time)."""

    published: Published = None
    model_config = _example(_EVIDENCE | {"published": "2025-11-01"})


class FlowEvidence(Evidence):
    """Evidence of a money flow, tagged with the deal it supports."""

    deal: str = _f("Id of the deal this evidence supports.")
    model_config = _example(_EVIDENCE | {"deal": "openai-aws-compute-2025"})


class RelationshipEvidence(Evidence):
    """Evidence of a structural relationship, tagged with the relationship's id."""

    relationship: str | None = _o("Id of the relationship this evidence supports.")
    model_config = _example(_RELATIONSHIP_EVIDENCE)


class Amount(Result):
    """A money amount as a source states it: value, currency, bound, rate and term."""

    value: Number = _f("The figure in base units of the currency (5000000000 for $5 billion).")
    upper: Upper = None
    currency: str = _f("ISO 4217 currency code, e.g. USD.")
    bound: Bound
    rate: Rate = None
    term: Term = None
    model_config = _example(_AMOUNT)


class _Quoted(Result):
    """The fields of a figure's source: the document, its publication date and the quote.

    A model that states a figure puts these after its own fields by listing ``_Quoted``
    first among its bases (pydantic orders inherited fields from the last base on).
    """

    document: Document
    published: Published = None
    quote: Quote


class _FigureBase(Result):
    """A non-money deal figure: what it measures, its value, unit, bound, rate and term."""

    measure: Literal["capacity", "chip-count", "shares", "stake", "exercise-price", "stake-value"] = _f(
        "What the figure measures."
    )
    value: Number = _f("The figure in its unit (base units for money).")
    upper: Upper = None
    unit: str = _f("GW, MW, chips, shares, percent, or a currency code (exercise price, stake value).")
    bound: Bound
    rate: Rate = None
    term: Term = None


class AmountClaim(_Quoted, Amount):
    """One source's claim of a deal's amount, with the evidence it rests on."""

    model_config = _example(_CLAIM)


class QuantityClaim(_Quoted, _FigureBase):
    """One source's claim of a deal figure that is not money moved: capacity (GW, MW), a chip
    count, shares, a stake in percent, or the value of a holding or a price per share."""

    model_config = _example(_QUANTITY_CLAIM)


class MoneyTotals(Result):
    """Money added up per bucket (never across buckets; see :mod:`dealgraph.graph.money`)."""

    committed: Number = _f(
        "Committed or completed money (exact, about, at least); with include_announced, announced too."
    )
    announced: Number = _f(
        "Announced, not committed money (kept apart from committed unless include_announced is asked)."
    )
    contingent: Number = _f("Money that depends on milestones or conditions.")
    upper_bound: Number = _f("'Up to' figures that are not contingent.")
    forecast: Number = _f("Projections.")
    aggregate: Number = _f("Totals over several deals, for reference; never added to them.")
    model_config = _example(_MONEY_TOTALS)


class MoneyTally(MoneyTotals):
    """Money per bucket, and how many deals had no figure at all."""

    unknown_amounts: int = _f(
        "Number of deals counted without a stated total (no figure, or only a recurring rate)."
    )
    committed_bound: str | None = _o(
        "Bound of the committed sum: at-least when a part is 'at least' (a floor), about when a "
        "part is 'about', else exact; null when nothing is committed."
    )
    model_config = _example(_MONEY_TALLY)


# --- flows and deals -----------------------------------------------------------------------


class _Figure(Result):
    """What every disputed figure states first: the value, its upper end and its bound."""

    value: Number = _f("The figure (base units for money).")
    upper: Upper = None
    bound: Bound


class DealFigure(_Figure):
    """One source's figure for a deal's total."""

    rate: Rate = None
    term: Term = None
    document: Document
    published: Published = None
    quote: Quote
    tranches: list[str] = _f(
        "When the figure adds up one document's claims on every tranche of the deal: the tranche ids "
        "(the quote then joins their quotes with ' … '); else empty.",
        default=[],
    )
    model_config = _example(_ORACLE_FIGURE)


class Flow(Result):
    """A money flow: one deal with a payer and a payee, its headline amount and evidence."""

    id: str = _f("The deal's id.")
    kind: str = _f("Deal kind, e.g. equity-investment, compute-commitment, chip-supply.")
    payer: str = _f("Entity id of the party the money leaves.")
    payee: str = _f("Entity id of the party the money reaches.")
    amount: Number | None = _o(
        "Headline figure in base units (see headline_amount); null when no source states one."
    )
    currency: str | None = _o("Currency of the headline figure.")
    bound: str | None = _o("Bound of the headline figure: exact, about, at-least or up-to.")
    rate: str | None = _o("Recurrence of the headline figure; null for a total.")
    status: str | None = _o("announced, committed, contingent, completed, aggregate or forecast.")
    date: str | None = _o("Event date of the deal (valid time), YYYY-MM-DD.")
    date_precision: Precision = None
    date_inferred: Inferred
    effective_date: str | None = _o(
        "When the deal starts to count: its date, else its earliest source's publication date."
    )
    term: Term = None
    part_of: str | None = _o("Id of the larger deal this one is a tranche of.")
    includes: list[str] = _f("Ids of deals this deal includes.")
    amounts: list[AmountClaim] = _f("Every amount claim, each with its source.")
    quantities: list[QuantityClaim] = _f(
        "Every figure that is not money moved (capacity, chip count, shares, stake, exercise price, "
        "stake value), each with its source; never added to the amount.",
        default=[],
    )
    chips: list[str] = _f("Entity ids of the chips the deal involves.", default=[])
    conditions: list[str] = _f(
        "What the money or a warrant's vesting depends on (milestones, deployments), as the sources say.",
        default=[],
    )
    beneficiary: str | None = _o(
        "The party a deal through a vehicle or a lease serves (the lab an SPV buys chips for)."
    )
    conflict: bool = _f("True when the sources give different totals (see /conflicts).")
    sources: list[Evidence] = _f("Evidence for the deal: (document, quote) pairs.")
    disagreement: Disagreement | None = _o(
        "How the sources of the deal's total disagree (contradictory, divergent or superseded; "
        "the rules are in /conflicts); null when they agree."
    )
    disputed_by: list[DealFigure] = _f(
        "The figures that contradict or diverge from the headline, each with its source.", default=[]
    )
    model_config = _example(_FLOW)


class CardDeal(Flow):
    """A deal on an entity card: the flow, seen from the entity."""

    direction: Literal["in", "out"] = _f("out when the entity pays, in when it receives.")
    counterparty: str = _f("The entity on the other end of the deal.")
    model_config = _example(_FLOW | {"direction": "in", "counterparty": "openai"})


class Deal(Flow):
    """A deal with its tranches and every piece of evidence (dated)."""

    tranches: list[str] = _f("Ids of the deals that are part_of this one.")
    all_sources: list[DatedEvidence] = _f("Every piece of evidence, with publication dates.")
    model_config = _example(_DEAL)


# --- entity cards and sources --------------------------------------------------------------


class CardRelationship(Result):
    """A structural relationship on an entity card (subsidiary-of, distributes, supplies...),
    with its time (start, end, status on the date asked) and its evidence or reasoning."""

    id: str | None = _o("The relationship's id (null for a bare subsidiary-of link).")
    kind: str = _f("Relationship kind, e.g. subsidiary-of, distributes, competes-with.")
    direction: Literal["in", "out"] = _f("out when the entity is the subject, else in.")
    subject: str = _f("Entity id of the subject.")
    object: str = _f("Entity id of the object.")
    counterparty: str = _f("The entity on the other end.")
    status: Literal["active", "ended", "planned"] = _f(
        "active, ended or planned, on the as_of date asked (a relationship that ended later was still "
        "active then); without as_of, as the sources state it (an end date means ended)."
    )
    start: str | None = _o("When the relationship began (YYYY-MM-DD, the first day of a month or year).")
    end: str | None = _o("When it ended (YYYY-MM-DD), for a right or tie that has ended.")
    inferred: str | None = _o(
        "Why the relationship holds when no quote states it (its sources, if any, are what the "
        "reasoning rests on); null when a quote states it."
    )
    sources: list[Evidence] = _f("Evidence for the relationship (may be empty when it is inferred).")
    model_config = _example(_RIGHT_ENDED)


class Observation(Result):
    """A metric of an entity at a time (revenue, valuation, capacity...), with its sources."""

    id: str = _f("The observation's id.")
    subject: str = _f("Entity id the metric is about.")
    metric: str = _f("Metric, e.g. annualized-revenue, valuation, total-commitments.")
    value: Number = _f("The figure, in its unit (base units for money).")
    upper: Upper = None
    unit: str = _f("Unit: USD, GW, percent, count, ...")
    bound: Bound
    rate: Rate = None
    as_of: str | None = _o("Date the figure holds at (YYYY-MM-DD).")
    as_of_precision: Precision = None
    as_of_inferred: Inferred
    period: str | None = _o("Period the figure covers (e.g. 2026-Q1), else null.")
    basis: str | None = _o("Accounting basis: gross or net.")
    forecast: bool = _f("True for a forecast or target.")
    segment: str | None = _o("Business segment the figure covers.")
    counterparty: str | None = _o("The other entity the figure is about (the company a stake is held in).")
    attributed_to: str | None = _o("Who the source attributes the figure to.")
    note: str | None = _o("Curator's note.")
    published: Published = None
    sources: list[Evidence] = _f("Evidence for the figure.")
    model_config = _example(_OBSERVATION)


class EntitySummary(Result):
    """An entity as listed by search: id, name, type, roles and aliases."""

    id: str = _f("The entity's id (a slug).")
    name: str = _f("Display name.")
    type: str = _f("organization, chip, facility, platform, product or place.")
    roles: list[str] = _f("Roles of an organization (investor, ai-lab, cloud-provider...).")
    aliases: list[str] = _f("Other names the entity goes by.")
    model_config = _example(_ENTITY_SUMMARY)


class EntityCard(EntitySummary):
    """Everything about one entity: types, names, group, relationships, deals, observations."""

    description: str | None = _o("Short description, if the data set has one.")
    group: str = _f("Id at the top of the entity's corporate group.")
    group_members: list[str] = _f("Every entity in that group.")
    relationships: list[CardRelationship] = _f("Structural relationships, with evidence.")
    deals: list[CardDeal] = _f("Deals the entity pays or receives, largest first.")
    observations: list[Observation] = _f("Metrics of the entity, with evidence.")
    model_config = _example(_ENTITY_CARD)


class SourceClaim(Result):
    """A claim resting on a source document."""

    id: str = _f("Id of the deal, amount claim, observation or relationship.")
    quote: str = _f("The verbatim quote it rests on.")
    model_config = _example({"id": "openai-aws-compute-2025", "quote": _EVIDENCE["quote"]})


class Source(Result):
    """A source document with the claims resting on it."""

    document: str = _f("File name of the document (its id).")
    title: str = _f("Title.")
    publisher: str | None = _o("Publisher.")
    published: str | None = _o("Publication date (YYYY-MM-DD).")
    published_precision: Precision = None
    published_inferred: Inferred
    url: str | None = _o("Where the document was retrieved.")
    note: str | None = _o("Curator's note.")
    unverified: bool = _f(
        "True when the data set does not keep the document's text (a paywalled article): its quotes "
        "could not be checked, and every output marks its evidence unverified."
    )
    claims: list[SourceClaim] = _f("Claims (ids and quotes) resting on the document.")
    model_config = _example(_SOURCE)


# --- trace, loops, exposure ----------------------------------------------------------------


class TraceHop(Result):
    """One hop of a trace: the flows crossed at that distance from the start."""

    hop: int = _f("Distance from the starting group (1 = direct).")
    flows: list[Flow] = _f("Flows crossed at this hop.")
    model_config = _example({"hop": 1, "flows": [_FLOW]})


class Reached(Result):
    """An entity reached by a trace and the money arriving there over traced flows."""

    entity: str = _f("The entity reached.")
    group: str = _f("Its corporate group.")
    hop: int = _f("Hop at which it was first reached (0: part of the starting group).")
    money: MoneyTally = _f("Money arriving over traced flows, per bucket.")
    deal_ids: list[str] = _f("Deals arriving there.")
    model_config = _example(_REACHED)


class Trace(Result):
    """Money followed from an entity's corporate group, hop by hop."""

    entity: str = _f("The entity the trace starts from.")
    start: list[str] = _f("Its whole corporate group (where the trace starts).")
    direction: Literal["down", "up"] = _f("down: to payees; up: to payers.")
    depth: int = _f("Most hops followed.")
    as_of: str | None = _o("As-of date asked (valid time, YYYY-MM-DD), else null.")
    known_at: str | None = _o("Known-at date asked (knowledge time, YYYY-MM-DD), else null.")
    hops: list[TraceHop] = _f("The flows crossed, hop by hop.")
    reached: dict[str, Reached] = _f("Entity id -> money arriving there.")
    model_config = _example(_TRACE)


class LoopLeg(Result):
    """One leg of a loop: the money from one group to the next, with every deal on it."""

    from_group: str = _f("The group the money leaves.")
    to_group: str = _f("The group the money reaches.")
    deal_ids: list[str] = _f("The deals on the leg (those without a figure too).")
    money: MoneyTally = _f("The leg's money per bucket (totals; a recurring rate is not one).")
    committed: Number | None = _o("The leg's committed money (totals only); null when it has none.")
    committed_bound: str | None = _o(
        "Bound of that committed money: at-least when a part is 'at least', about when a part is "
        "'about', else exact; null without committed money."
    )
    quantities: list[QuantityClaim] = _f("The leg's figures that are not money: capacity, chips, shares.")
    beneficiaries: list[str] = _f("Third parties the leg's deals serve (a vehicle's or a lease's lab).")
    text: str = _f("The leg's deals in words: money with its bound and status, then capacity, chips...")
    model_config = _example(_LOOP_LEG)


class Loop(Result):
    """A vendor-financed loop: an investment that comes back to the investor's group."""

    members: list[str] = _f("Corporate groups around the loop, investor first.")
    investor: str = _f("The investing group.")
    investee: str = _f("The group invested in.")
    flows: list[Flow] = _f("The investment flows, then the flows on the way back.")
    money_out: Number = _f(
        "Committed investment from investor to investee (announced too with include_announced)."
    )
    money_out_bound: str | None = _o("Bound of money_out (exact, about or at-least); null when it is 0.")
    money_out_announced: Number = _f("Announced, not committed investment (not in money_out).")
    money_out_contingent: Number = _f("Contingent investment (not in money_out).")
    money_out_upper_bound: Number = _f("'Up to' investment (not in money_out).")
    money_back: Number | None = _o("Committed money back (smallest leg); null when a leg has no figure.")
    money_back_bound: str | None = _o(
        "Bound of money_back: at-least for 'more than $100B' (the ratio is then a floor too)."
    )
    ratio: float | None = _o("money_back / money_out, 4 decimals; null when either is unknown.")
    ratio_basis: str = _f("On what the ratio was computed, or why there is none, in one sentence.")
    include_announced: bool = _f("True when announced money was counted as committed.")
    legs: list[LoopLeg] = _f("Every leg in order, investment first, legs without a figure too.")
    beneficiaries: list[str] = _f("Third parties the loop's deals serve (the lab a vehicle buys chips for).")
    deal_ids: list[str] = _f("Every deal in the loop.")
    out_deal_ids: list[str] = _f("The investment deals.")
    back_deal_ids: list[str] = _f("The deals on the way back.")
    dates: list[str] = _f("Effective dates of the deals, sorted.")
    sources: list[FlowEvidence] = _f("Distinct evidence of the deals, each with its deal id.")
    model_config = _example(_LOOP)


class Tie(Result):
    """A structural tie between an organization's group and a lab."""

    kind: str = _f("distributes, supplies or partner-of.")
    subject: str = _f("Entity id of the subject.")
    object: str = _f("Entity id of the object.")
    relationship: str | None = _o("The relationship's id.")
    sources: list[Evidence] = _f("Evidence for the relationship.")
    model_config = _example(_TIE)


class ExposureSide(Result):
    """One side of a bet: an organization's group's ties to one lab."""

    lab: str = _f("The lab (its group).")
    competes_with: list[str] = _f("Labs this lab competes with.")
    money_to_lab: MoneyTally = _f("Money from the group to the lab, per bucket.")
    money_from_lab: MoneyTally = _f("Money from the lab to the group, per bucket.")
    kinds: list[str] = _f("Kinds of deals and ties.")
    deal_ids: list[str] = _f("The deals, sorted.")
    flows: list[Flow] = _f("The flows to the lab, then from it.")
    ties: list[Tie] = _f("Structural ties (distribution, supply, partnership).")
    sources: list[FlowEvidence | RelationshipEvidence] = _f(
        "Evidence of the flows (with deal ids) and of the ties (with relationship ids)."
    )
    model_config = _example(_SIDE)


class ExposureTotals(Result):
    """Money over all sides, bucket by bucket."""

    money_to_labs: MoneyTotals = _f("Money from the group to every lab.")
    money_from_labs: MoneyTotals = _f("Money from every lab to the group.")
    model_config = _example(_EXPOSURE_TOTALS)


class Exposure(Result):
    """An organization's ties to every lab, side by side (two-sided bets)."""

    organization: str = _f("The organization asked about.")
    group: str = _f("Its corporate group.")
    sides: dict[str, ExposureSide] = _f("Lab id -> the ties to that lab.")
    rival_pairs: list[list[str]] = _f("Pairs of competing labs the group has ties to.")
    two_sided: bool = _f("True when the group has ties to two labs that compete.")
    total: ExposureTotals = _f("Money over all sides.")
    model_config = _example(_EXPOSURE)


# --- paths and shares ----------------------------------------------------------------------


class MoneyStep(Result):
    """A step of a path along a money flow."""

    from_: str = _f("Entity the step leaves.", alias="from")
    to: str = _f("Entity the step reaches.")
    deal: str = _f("The deal crossed.")
    kind: str = _f("Its kind.")
    payer: str = _f("Its payer.")
    payee: str = _f("Its payee.")
    amount: Number | None = _o("Its headline amount (base units).")
    status: str | None = _o("Its status.")
    sources: list[Evidence] = _f("Its evidence.")
    model_config = _example(_MONEY_STEP)


class StructureStep(Result):
    """A step of a path along a structural relationship (paths with mode=any)."""

    from_: str = _f("Entity the step leaves.", alias="from")
    to: str = _f("Entity the step reaches.")
    relationship: str | None = _o("The relationship's id (null for a bare subsidiary-of).")
    kind: str = _f("The relationship's kind.")
    model_config = _example(_STRUCTURE_STEP)


class Path(Result):
    """A simple path between two entities."""

    length: int = _f("Number of steps.")
    steps: list[MoneyStep | StructureStep] = _f("The steps, in order.")
    model_config = _example({"length": 1, "steps": [_MONEY_STEP]})


class Share(Result):
    """A payee's group's share of a payer's total commitments."""

    payer: str = _f("The payer.")
    payee: str = _f("The payee asked about.")
    payee_group: str = _f("The payee's corporate group (the share counts the whole group).")
    money: MoneyTally = _f("Money from the payer to the payee's group, per bucket.")
    deal_ids: list[str] = _f("Those deals.")
    total: Number | None = _o("The payer's latest total-commitments figure, if known.")
    total_observation: str | None = _o("Id of that observation.")
    share: float | None = _o(
        "committed / total, 4 decimals; null without a total or without committed money with a figure."
    )
    share_basis: str = _f("On what the share was computed, or why there is none, in one sentence.")
    without_figure: dict[str, str] = _f(
        "Deals with no money total (no figure, or only a rate), left out of the share: deal id -> "
        "what they state ('money unknown, capacity 10 GW', '$1.25B/month')."
    )
    include_announced: bool = _f("True when announced money was counted as committed.")
    sources: list[Evidence] = _f("Evidence of the deals and of the total.")
    model_config = _example(_SHARE)


# --- conflicts -----------------------------------------------------------------------------


class ObservationFigure(_Figure):
    """One source's figure for a metric."""

    unit: str = _f("Unit: USD, GW, percent, count, ...", default="USD")
    when: str = _f("The date or period the figure is about.")
    observation: str = _f("Id of the observation.")
    document: Document
    published: Published = None
    quote: Quote
    model_config = _example(_OBS_FIGURE)


class _Conflict(Result):
    """What every disagreement states first: its type, id, what disagrees, how and why."""

    type: str = _f("'deal' or 'observation' (subclasses fix it).")
    id: str = _f("The deal's id (once per disagreeing pair), or the two observation ids joined by '+'.")
    what: str = _f("What disagrees, in words.")
    disagreement: Disagreement = _f("contradictory, divergent or superseded (rules: graph/conflicts.py).")
    reason: str = _f("Why the pair is classed so, in one line.")


class DealConflict(_Conflict):
    """A deal whose amount claims give different totals."""

    type: Literal["deal"] = _f("Always 'deal'.")
    figures: list[DealFigure] = _f("The two figures, side by side, earlier reporting first.")
    model_config = _example(_DEAL_CONFLICT)


class ObservationConflict(_Conflict):
    """Observations of one metric, about the same time, that cannot both hold."""

    type: Literal["observation"] = _f("Always 'observation'.")
    figures: list[ObservationFigure] = _f(
        "The two figures, side by side: about the same time, earlier reporting first; dated apart, earlier "
        "date first."
    )
    model_config = _example(_OBSERVATION_CONFLICT)


Conflict = Annotated[DealConflict | ObservationConflict, Field(discriminator="type")]
"""A disagreement: a deal's totals or an observation pair (told apart by ``type``)."""


class Report(Result):
    """The one-page briefing's content: each section a list of items with their sources."""

    as_of: str | None = _o("As-of date asked (valid time), else null.")
    known_at: str | None = _o("Known-at date asked (knowledge time), else null.")
    include_announced: bool = _f("True when announced money was counted as committed.", default=False)
    names: dict[str, str] = _f("Entity id -> display name.")
    biggest_flows: list[Flow] = _f("The largest countable flows with a figure.")
    loops: list[Loop] = _f("Vendor-financed loops.")
    two_sided_bets: list[Exposure] = _f("Groups with ties to competing labs.")
    conflicts: list[Conflict] = _f("Figures the sources disagree on.")
    model_config = _example(_REPORT)


# --- API listings (search, relationships, between) -----------------------------------------


class RelatedDeal(CardDeal):
    """A deal in an entity's relationship listing."""

    type: Literal["deal"] = _f("Always 'deal'.")
    model_config = _example({"type": "deal", "direction": "in", "counterparty": "openai"} | _FLOW)


class RelatedRelationship(CardRelationship):
    """A structural relationship in an entity's relationship listing (as on the entity card)."""

    type: Literal["relationship"] = _f("Always 'relationship'.")
    model_config = _example(_RELATED_RELATIONSHIP)


RelatedItem = Annotated[RelatedDeal | RelatedRelationship, Field(discriminator="type")]


class BetweenDeal(Flow):
    """A deal between two entities."""

    type: Literal["deal"] = _f("Always 'deal'.")
    model_config = _example({"type": "deal"} | _FLOW)


class BetweenRelationship(Result):
    """A structural relationship between two entities."""

    type: Literal["relationship"] = _f("Always 'relationship'.")
    id: str | None = _o("The relationship's id.")
    kind: str = _f("Its kind.")
    subject: str = _f("Subject entity id.")
    object: str = _f("Object entity id.")
    model_config = _example(_BETWEEN_RELATIONSHIP)


class Between(Result):
    """Every relationship and deal between two entities (either direction)."""

    a: str = _f("First entity.")
    b: str = _f("Second entity.")
    items: list[Annotated[BetweenDeal | BetweenRelationship, Field(discriminator="type")]] = _f(
        "Deals and relationships, a -> b first."
    )
    model_config = _example({"a": "openai", "b": "aws", "items": [{"type": "deal"} | _FLOW]})


def _page_example(schema: dict[str, Any], cls: type) -> None:
    args = getattr(cls, "__pydantic_generic_metadata__", {}).get("args") or ()
    for base in cls.__mro__:  # a concrete subclass of Page[X] finds X on its base
        args = args or getattr(base, "__pydantic_generic_metadata__", {}).get("args") or ()
    item = args[0] if args else None
    examples = []
    extra = getattr(item, "model_config", {}).get("json_schema_extra") if item else None
    if isinstance(extra, dict):
        examples = extra.get("examples", [])[:1]
    _set_page_example(schema, examples)


def _set_page_example(schema: dict[str, Any], items: list[Any]) -> None:
    schema["examples"] = [{"items": items, "total": 1, "offset": 0, "limit": 50}]


class Page(Result, Generic[T]):
    """One page of a list: the items, the total count, the offset and the page size."""

    items: list[T] = _f("The items on this page.")
    total: int = _f("Items in the whole list.")
    offset: int = _f("Items skipped before this page.")
    limit: int = _f("Page size asked (or the server's default).")
    model_config = ConfigDict(json_schema_extra=_page_example)


class FlowPage(Page[Flow]):
    """A page of money flows, largest first."""


class EntityPage(Page[EntitySummary]):
    """A page of entities matching a search."""


class RelatedPage(Page[RelatedItem]):
    """A page of an entity's deals and relationships."""

    # the items are a union, which has no example of its own to borrow
    model_config = ConfigDict(json_schema_extra=lambda s, c: _set_page_example(s, [_RELATED_RELATIONSHIP]))


# --- the money map (the explorer's opening view, issue 14) ---------------------------------------

_MAP_NODE = {
    "id": "aws",
    "label": "Amazon Web Services",
    "type": "organization",
    "role": "cloud-provider",
    "color": "#ff9900",
    "parent": "amazon",
    "is_group": False,
    "money": 138000000000,
}
_MAP_EDGE = {
    "id": "openai-aws-compute-2025",
    "source": "openai",
    "target": "aws",
    "deal": "openai-aws-compute-2025",
    "kind": "compute-commitment",
    "amount": 38000000000,
    "amount_text": "$38B",
    "bucket": "committed",
    "dashed": False,
    "in_loop": True,
    "valid_from": "2025-11-03",
    "known_from": "2025-11-01",
}


class MapNode(Result):
    """An entity on the money map (a corporate group with members on it is a compound node)."""

    id: str = _f("The entity's id.")
    label: str = _f("Its name.")
    type: str = _f("Its type (organization, chip, facility, platform, product, place).")
    role: str = _f("The role it is coloured by (its first role, else its type), as in every picture.")
    color: str = _f("Its colour (by role), the same as in the exports and the legend.")
    parent: str | None = _o("The corporate group it is drawn inside (the group's id), or null.")
    is_group: bool = _f("True for a group drawn as a compound node holding its members.")
    money: Number = _f("Committed money (with a figure, no rates) it pays and receives on the map.")
    model_config = _example(_MAP_NODE)


class MapEdge(Result):
    """A deal on the money map: money from payer to payee."""

    id: str = _f("The edge's id (the deal's id).")
    source: str = _f("The payer.")
    target: str = _f("The payee.")
    deal: str = _f("The deal's id (see /deals/{id}).")
    kind: str = _f("The deal's kind.")
    amount: Number | None = _o("Its headline amount in base units, null without a figure.")
    amount_text: str = _f("The amount as the pictures write it ('$8B', 'up to $20B', 'capacity 10 GW').")
    bucket: str = _f("Its money's bucket: committed, announced, contingent, upper_bound or forecast.")
    dashed: bool = _f("True for money not committed (contingent, up to, announced): drawn dashed.")
    in_loop: bool = _f("True when the deal is in a vendor-financed loop: drawn red.")
    valid_from: str | None = _o("When it counts on valid time (its date, else its first source's).")
    known_from: str | None = _o("When it is first known (its earliest source's publication), or null.")
    model_config = _example(_MAP_EDGE)


class MoneyMap(Result):
    """The money map: entities (groups as compound nodes) and the deals between them, with the
    dates a time slider walks through."""

    nodes: list[MapNode] = _f("The entities drawn.")
    edges: list[MapEdge] = _f("The deals drawn (money from payer to payee).")
    valid_dates: list[str] = _f("The distinct valid-time dates of the edges, sorted (the as-of slider).")
    known_dates: list[str] = _f(
        "The distinct knowledge-time dates of the edges, sorted (the known-at slider)."
    )
    total_entities: int = _f("Entities in the store.")
    shown_entities: int = _f("Entities on the map (all of them on a small store; the top groups on a large).")
    total_deals: int = _f("Deals that count on the timelines asked.")
    shown_deals: int = _f("Deals on the map.")
    model_config = _example(
        {
            "nodes": [_MAP_NODE],
            "edges": [_MAP_EDGE],
            "valid_dates": ["2025-11-03"],
            "known_dates": ["2025-11-01"],
            "total_entities": 40,
            "shown_entities": 40,
            "total_deals": 23,
            "shown_deals": 23,
        }
    )
