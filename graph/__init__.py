"""The knowledge graph: RDF store, NetworkX projection, flows, entity cards, exports.

Imports only :mod:`dealgraph.ontology` (never loaders or the API).
"""

from dealgraph.graph.cards import UnknownEntityError, entity_card, observations, sources
from dealgraph.graph.flows import flows
from dealgraph.graph.knowledge_graph import KnowledgeGraph

__all__ = ["KnowledgeGraph", "UnknownEntityError", "entity_card", "flows", "observations", "sources"]
