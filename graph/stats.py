"""Counts by class.

>>> from dealgraph import open_graph
>>> stats(open_graph())["entities"] > 30
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rdflib.query import ResultRow

from ..ontology.vocab import ENTITY_TYPES, ROLES, term_iri

if TYPE_CHECKING:  # pragma: no cover
    from .knowledge_graph import KnowledgeGraph

__all__ = ["stats"]

_COUNT = """
SELECT ?cls (COUNT(DISTINCT ?x) AS ?n) WHERE {
  ?x a ?cls .
  FILTER(?cls IN (dg:Organization, dg:Chip, dg:Facility, dg:Platform, dg:Product, dg:Place,
                  dg:Deal, dg:Observation, dg:Relationship, dg:Source, dg:Evidence,
                  dg:MonetaryAmount, dg:Quantity, dg:Investor, dg:AiLab, dg:CloudProvider,
                  dg:ChipDesigner, dg:Foundry, dg:ComputeProvider, dg:DataCenterOperator))
} GROUP BY ?cls"""

_KINDS = "SELECT ?k (COUNT(?d) AS ?n) WHERE { ?d a dg:Deal ; dg:kind ?k } GROUP BY ?k"
_METRICS = "SELECT ?m (COUNT(?o) AS ?n) WHERE { ?o a dg:Observation ; dg:metric ?m } GROUP BY ?m"


def stats(kg: KnowledgeGraph) -> dict[str, Any]:
    """Counts of entities (by type and role), deals (by kind), observations (by metric)."""
    raw = {str(r.cls): int(r.n) for r in kg.query(_COUNT) if isinstance(r, ResultRow)}
    types, roles = ENTITY_TYPES, ROLES
    classes = (*types, "deal", "observation", "relationship", "source", "evidence", "monetary-amount", *roles)
    by_class = {t: raw.get(str(term_iri(t)), 0) for t in classes}
    return {
        "triples": len(kg),
        "entities": len(kg.entity_ids()),
        "entities_by_type": {t: by_class.get(t, 0) for t in types},
        "organizations_by_role": {r: by_class.get(r, 0) for r in roles},
        "deals": by_class.get("deal", 0),
        "deals_by_kind": {r["k"]: int(r["n"]) for r in sorted(kg.rows(_KINDS), key=lambda r: r["k"])},
        "amount_claims": by_class.get("monetary-amount", 0),
        "observations": by_class.get("observation", 0),
        "observations_by_metric": {
            r["m"]: int(r["n"]) for r in sorted(kg.rows(_METRICS), key=lambda r: r["m"])
        },
        "relationships": by_class.get("relationship", 0),
        "sources": by_class.get("source", 0),
        "evidence": by_class.get("evidence", 0),
    }
