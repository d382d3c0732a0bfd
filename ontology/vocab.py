"""The controlled vocabularies of the data model, defined once.

Each vocabulary is a ``Literal`` type (what the pydantic models of the data files accept,
and what a type checker sees) and a tuple of its tokens in the same order, taken from the
type. Each term is written in the data files as a kebab-case token (``equity-investment``)
and becomes an IRI in the ontology namespace (``dg:EquityInvestment`` for individuals,
``dg:subsidiaryOf`` for relationship properties). The Turtle ontology (``dealgraph.ttl``)
and shapes (``shapes.ttl``) are the source of truth: ``tests/ontology/test_vocab.py``
holds every tuple here equal to what they declare.

Examples
--------
>>> term_iri("equity-investment")
rdflib.term.URIRef('https://w3id.org/dealgraph/ontology#EquityInvestment')
>>> property_iri("subsidiary-of")
rdflib.term.URIRef('https://w3id.org/dealgraph/ontology#subsidiaryOf')
>>> token_of(term_iri("up-to"))
'up-to'
>>> DEAL_STATUSES[:2]
('announced', 'committed')
"""

from __future__ import annotations

from typing import Literal, get_args

from rdflib import URIRef

from .namespace import DG

__all__ = [
    "EntityType",
    "Role",
    "DealKind",
    "DealStatus",
    "Bound",
    "Rate",
    "Precision",
    "Metric",
    "Unit",
    "Basis",
    "RelationshipKind",
    "RelationshipStatus",
    "QuantityUnit",
    "ENTITY_TYPES",
    "ROLES",
    "DEAL_KINDS",
    "DEAL_STATUSES",
    "BOUNDS",
    "RATES",
    "PRECISIONS",
    "METRICS",
    "UNITS",
    "BASES",
    "RELATIONSHIP_KINDS",
    "RELATIONSHIP_STATUSES",
    "QUANTITY_UNITS",
    "MONEY_UNITS",
    "SLUG_PATTERN",
    "SLUG_MAX_LENGTH",
    "term_iri",
    "property_iri",
    "token_of",
]

#: An id of an entity, deal or observation: lower-case letters and digits in words joined
#: by single hyphens (``openai-oracle-compute``).
SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
#: The longest id the API takes in a path or query (the data files set no limit).
SLUG_MAX_LENGTH = 100

EntityType = Literal["organization", "chip", "facility", "platform", "product", "place"]
Role = Literal[
    "investor",
    "ai-lab",
    "cloud-provider",
    "chip-designer",
    "foundry",
    "compute-provider",
    "data-center-operator",
    "vehicle",
]
DealKind = Literal[
    "equity-investment",
    "compute-commitment",
    "chip-supply",
    "distribution-rights",
    "acquisition",
    "revenue-share",
    "partnership",
    "warrant",
    "lease",
    "aggregate",
]
DealStatus = Literal["announced", "committed", "contingent", "completed", "aggregate", "forecast"]
Bound = Literal["exact", "about", "at-least", "up-to"]
Rate = Literal["per-hour", "per-day", "per-week", "per-month", "per-quarter", "per-year"]
Precision = Literal["day", "month", "quarter", "half-year", "year"]
Metric = Literal[
    "annualized-revenue",
    "revenue",
    "revenue-growth",
    "operating-profit",
    "operating-margin",
    "net-loss",
    "expenses",
    "valuation",
    "compute-capacity",
    "compute-margin",
    "compute-spend",
    "capex",
    "users",
    "customers",
    "employees",
    "compensation",
    "market-share",
    "revenue-per-user",
    "chip-count",
    "chip-performance",
    "process-node",
    "price",
    "price-performance",
    "facility-cost",
    "site-area",
    "share-price-change",
    "benchmark-score",
    "total-commitments",
    "total-investment",
    "ownership-stake",
    "stake-value",
]
Unit = Literal["USD", "GW", "percent", "percentage-points", "count", "petaflops", "nm", "acres", "multiple"]
Basis = Literal["gross", "net"]
RelationshipKind = Literal[
    "subsidiary-of",
    "competes-with",
    "distributes",
    "offers",
    "operates",
    "tenant-of",
    "designs",
    "manufactures",
    "uses-chip",
    "supplies",
    "located-in",
    "partner-of",
    "customer-of",
    "right-of-first-refusal",
]
RelationshipStatus = Literal["active", "ended", "planned"]
#: Units of the non-money quantities a deal states (capacity, chips, shares, a stake).
QuantityUnit = Literal["GW", "MW", "chips", "shares", "percent"]

ENTITY_TYPES: tuple[EntityType, ...] = get_args(EntityType)
ROLES: tuple[Role, ...] = get_args(Role)
DEAL_KINDS: tuple[DealKind, ...] = get_args(DealKind)
DEAL_STATUSES: tuple[DealStatus, ...] = get_args(DealStatus)
BOUNDS: tuple[Bound, ...] = get_args(Bound)
RATES: tuple[Rate, ...] = get_args(Rate)
PRECISIONS: tuple[Precision, ...] = get_args(Precision)
METRICS: tuple[Metric, ...] = get_args(Metric)
UNITS: tuple[Unit, ...] = get_args(Unit)
BASES: tuple[Basis, ...] = get_args(Basis)
RELATIONSHIP_KINDS: tuple[RelationshipKind, ...] = get_args(RelationshipKind)
RELATIONSHIP_STATUSES: tuple[RelationshipStatus, ...] = get_args(RelationshipStatus)
QUANTITY_UNITS: tuple[QuantityUnit, ...] = get_args(QuantityUnit)
#: The units that are money (an observation in one of them is a sum of money).
MONEY_UNITS: tuple[Unit, ...] = ("USD",)


def _camel(token: str, *, upper_first: bool) -> str:
    parts = token.split("-")
    head = parts[0].capitalize() if upper_first else parts[0]
    return head + "".join(p.capitalize() for p in parts[1:])


def term_iri(token: str) -> URIRef:
    """IRI of a vocabulary individual or class: ``"ai-lab"`` -> ``dg:AiLab``."""
    return DG[_camel(token, upper_first=True)]


def property_iri(token: str) -> URIRef:
    """IRI of a relationship property: ``"subsidiary-of"`` -> ``dg:subsidiaryOf``."""
    return DG[_camel(token, upper_first=False)]


_REVERSE: dict[str, str] = {}


def token_of(iri: URIRef | str) -> str:
    """The kebab-case token of a vocabulary IRI (inverse of :func:`term_iri`/:func:`property_iri`)."""
    if not _REVERSE:
        for group in (
            ENTITY_TYPES,
            ROLES,
            DEAL_KINDS,
            DEAL_STATUSES,
            BOUNDS,
            RATES,
            PRECISIONS,
            METRICS,
            BASES,
            RELATIONSHIP_STATUSES,
        ):
            for token in group:
                _REVERSE[str(term_iri(token))] = token
        for kind in RELATIONSHIP_KINDS:
            _REVERSE[str(property_iri(kind))] = kind
    return _REVERSE.get(str(iri), str(iri))
