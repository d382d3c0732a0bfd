"""Corporate groups: an organization together with its subsidiaries.

Money reaching any member of a group reaches the group. Platforms and products belong to
the group of the organization that ``offers`` them.

>>> from dealgraph import open_graph
>>> kg = open_graph()
>>> group_map(kg)["annapurna-labs"], group_map(kg)["amazon-bedrock"]
('amazon', 'amazon')
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .knowledge_graph import KnowledgeGraph

__all__ = ["group_map"]


def group_map(kg: KnowledgeGraph) -> dict[str, str]:
    """Entity id -> the id at the top of its corporate group."""
    return kg.memo("groups", lambda: _compute(kg))


def _compute(kg: KnowledgeGraph) -> dict[str, str]:
    g = kg.nx()
    groups = {n: d["group"] for n, d in g.nodes(data=True)}
    for u, v, _k, d in g.edges(keys=True, data=True):
        if d.get("kind") == "offers" and g.nodes[v].get("type") in ("platform", "product"):
            groups[v] = groups.get(u, u)
    return groups
