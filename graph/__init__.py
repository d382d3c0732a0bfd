"""The knowledge graph: RDF store, NetworkX projection, flows, entity cards, exports.

Imports only :mod:`dealgraph.ontology` (never loaders or the API).
"""

from .cards import UnknownEntityError, entity_card, observations, sources
from .flows import flows
from .knowledge_graph import KnowledgeGraph

__all__ = ["KnowledgeGraph", "UnknownEntityError", "entity_card", "flows", "observations", "sources"]
