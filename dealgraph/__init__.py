"""dealgraph: a knowledge graph of the money behind AI.

The import package ``dealgraph`` gathers the project's top-level folders as subpackages:
``dealgraph.ontology``, ``dealgraph.loaders``, ``dealgraph.graph``, ``dealgraph.api`` and
``dealgraph.cli``; the bundled data set is ``dealgraph.data``.

>>> kg = open_graph()
>>> "anthropic" in kg.entity_ids()
True
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from .graph import KnowledgeGraph
from .loaders import load_directory

__version__ = "0.1.0"
__all__ = ["__version__", "bundled_data_dir", "open_graph"]


def bundled_data_dir() -> Path:
    """The directory of the bundled data set (``data/`` in a checkout)."""
    return Path(str(resources.files("dealgraph.data")))


def open_graph(data_dir: str | Path | None = None, store: str = "memory") -> KnowledgeGraph:
    """Open a KnowledgeGraph in ``store`` and load a data directory into it.

    The data directory (the bundled data set by default) is loaded when it is given or when
    the store is empty; a persistent store that already holds data is used as it is.
    """
    kg = KnowledgeGraph(store)
    if data_dir is not None or kg.is_empty():
        kg.load(load_directory(data_dir or bundled_data_dir()))
    return kg
