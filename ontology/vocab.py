"""The controlled vocabularies of the data model, as Python enumerations.

Each term is written in the data files as a kebab-case token (``equity-investment``) and
becomes an IRI in the ontology namespace (``dg:EquityInvestment`` for individuals,
``dg:subsidiaryOf`` for relationship properties). The Turtle ontology declares every term
listed here; a test holds the two in agreement.

Examples
--------
>>> term_iri("equity-investment")
rdflib.term.URIRef('https://w3id.org/dealgraph/ontology#EquityInvestment')
>>> property_iri("subsidiary-of")
rdflib.term.URIRef('https://w3id.org/dealgraph/ontology#subsidiaryOf')
>>> token_of(term_iri("up-to"))
'up-to'
"""

from __future__ import annotations

from rdflib import URIRef

from .namespace import DG

__all__ = [
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
    "MONEY_UNITS",
    "term_iri",
    "property_iri",
    "token_of",
]

ENTITY_TYPES = ("organization", "chip", "facility", "platform", "product", "place")
ROLES = (
    "investor",
    "ai-lab",
    "cloud-provider",
    "chip-designer",
    "foundry",
    "compute-provider",
    "data-center-operator",
)
DEAL_KINDS = (
    "equity-investment",
    "compute-commitment",
    "chip-supply",
    "distribution-rights",
    "acquisition",
    "revenue-share",
    "partnership",
    "aggregate",
)
DEAL_STATUSES = ("announced", "committed", "contingent", "completed", "aggregate", "forecast")
BOUNDS = ("exact", "about", "at-least", "up-to")
RATES = ("per-hour", "per-month", "per-year")
PRECISIONS = ("day", "month", "quarter", "half-year", "year")
METRICS = (
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
)
UNITS = ("USD", "GW", "percent", "percentage-points", "count", "petaflops", "nm", "acres", "multiple")
MONEY_UNITS = ("USD",)
BASES = ("gross", "net")
RELATIONSHIP_KINDS = (
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
)


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
        ):
            for t in group:
                _REVERSE[str(term_iri(t))] = t
        for t in RELATIONSHIP_KINDS:
            _REVERSE[str(property_iri(t))] = t
    return _REVERSE.get(str(iri), str(iri))
