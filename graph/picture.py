"""The picture every graph export draws: one filtered view of the projection, one visual language.

:func:`export_graph` is the view (filters, display attributes on nodes and edges); the
formats in :mod:`dealgraph.graph.exports`, the pages in :mod:`dealgraph.graph.html` and
any export plugin draw it. The visual language is the same everywhere: colour by role
(:data:`ROLE_COLORS`), node size by money involved, edge width by amount, dashed edges for
contingent or upper-bound money, loop edges in :data:`LOOP_COLOR`.

Names are data and may hold anything: display text follows one rule everywhere
(:func:`clean_text`): CR LF and CR become LF, and characters XML 1.0 cannot carry become
U+FFFD. A flow whose amount is not a finite number is left out, with a note in
``graph["notes"]``.

>>> from dealgraph import open_graph
>>> g = export_graph(open_graph(), focus="anthropic", depth=1)
>>> g.nodes["aws"]["label"], g.nodes["aws"]["color"]
('Amazon Web Services', '#ff9900')
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import networkx as nx

from ..ontology.text import XML_ILLEGAL
from ..ontology.vocab import ROLES
from .cards import relationship_sources
from .disagreement import disputed_note
from .flows import flows as all_flows
from .loops import vendor_financed_loops
from .money import LABEL, bucket, countable, format_money
from .timeline import Date, Timeline

if TYPE_CHECKING:  # pragma: no cover
    from .knowledge_graph import KnowledgeGraph
    from .results import Flow

__all__ = ["ROLE_COLORS", "LOOP_COLOR", "export_graph", "clean_text"]


#: colour of a node by its first role (or its type), the same in every picture
ROLE_COLORS = {
    "ai-lab": "#6a3d9a",
    "cloud-provider": "#ff9900",
    "investor": "#1f78b4",
    "chip-designer": "#33a02c",
    "foundry": "#b15928",
    "compute-provider": "#e31a1c",
    "data-center-operator": "#fb9a99",
    "vehicle": "#ffff99",
    "chip": "#b2df8a",
    "facility": "#fdbf6f",
    "platform": "#a6cee3",
    "product": "#cab2d6",
    "place": "#dddddd",
    "organization": "#999999",
}
# the role a node is coloured by: its first in this order. Investor comes last, so an
# investor that is also a lab or a vendor is drawn as what it does.
_ROLE_ORDER = (*(r for r in ROLES if r != "investor"), "investor")
LOOP_COLOR = "#d62728"


def clean_text(text: object) -> str:
    """Display text every export format can carry (the one rule for all of them).

    CR LF and a lone CR become LF; characters XML 1.0 forbids (C0 controls other than tab
    and LF, surrogate code points, U+FFFE, U+FFFF) become U+FFFD, the replacement character.

    >>> clean_text("a\\r\\nb\\x00c") == "a\\nb\\ufffdc"
    True
    """
    s = str(text)
    if "\r" in s:
        s = s.replace("\r\n", "\n").replace("\r", "\n")
    return XML_ILLEGAL.sub("\ufffd", s)


def _share(x: float, top: float) -> float:
    """``x / top`` between 0 and 1 (1 when the ratio is not a number)."""
    r = x / top if top else 0.0
    return r if 0.0 <= r <= 1.0 else 1.0


def role_of(d: dict[str, Any]) -> str:
    """The role an entity is drawn by (its colour): the first of its roles in the pictures'
    order, else its type.

    >>> role_of({"type": "organization", "roles": ["investor", "cloud-provider"]})
    'cloud-provider'
    """
    for r in _ROLE_ORDER:
        if r in d.get("roles", ()):
            return r
    return d.get("type", "organization")


def export_graph(
    kg: KnowledgeGraph,
    focus: str | None = None,
    depth: int = 1,
    kind: str | None = None,
    as_of: Date = None,
    loops_only: bool = False,
    known_at: Date = None,
) -> nx.MultiDiGraph:
    """The filtered graph every export draws, with display attributes on nodes and edges.

    ``focus``/``depth``: only entities within ``depth`` hops of ``focus`` (either direction);
    ``kind``: only deals (or relationships) of that kind; ``as_of``/``known_at``: the deals on
    the two timelines (:mod:`~dealgraph.graph.timeline`); ``loops_only``: only the deals of
    vendor-financed loops.
    """
    base = kg.nx()
    g = nx.MultiDiGraph()
    notes = _add_money_edges(g, kg, kind, Timeline.of(as_of, known_at), loops_only)
    if not loops_only:
        _add_structure_edges(g, kg, kind, Timeline.of(as_of, known_at))
    if focus is not None:
        g = _around(g, kg, focus, depth)
    _style(g, base)
    if notes:
        g.graph["notes"] = notes
    return g


def amount_label(f: Flow) -> str:
    """A money edge's amount as the pictures write it, with the sources' disagreement if any
    ("$30B (sources disagree: $300B in 001_...)"): no headline is drawn without it."""
    return format_money(f["amount"], f["bound"], f["rate"], style=LABEL) + disputed_note(f, style=LABEL)


def _add_money_edges(
    g: nx.MultiDiGraph, kg: KnowledgeGraph, kind: str | None, cut: Timeline, loops_only: bool
) -> list[str]:
    """Add one edge per countable deal (payer to payee) that passes the filters; the notes
    say which deals are left out because their amount is not a finite number."""
    loop_deals = {
        d for lp in vendor_financed_loops(kg, as_of=cut.as_of, known_at=cut.known_at) for d in lp["deal_ids"]
    }
    notes = []
    for f in countable(all_flows(kg, as_of=cut.as_of, known_at=cut.known_at)):
        if (kind and f["kind"] != kind) or (loops_only and f["id"] not in loop_deals):
            continue
        if f["amount"] is not None and not math.isfinite(f["amount"]):
            notes.append(f"{clean_text(f['id'])}: the amount is not a finite number; the deal is not drawn")
            continue
        b = bucket(f)
        g.add_edge(
            f["payer"],
            f["payee"],
            key=f["id"],
            edge="money",
            kind=f["kind"],
            amount=f["amount"],
            status=f["status"] or "",
            bucket=b,
            dashed=b in ("contingent", "upper_bound", "announced"),  # not committed money
            in_loop=f["id"] in loop_deals,
            label=f"{f['id']}: {amount_label(f)}",
            amount_label=amount_label(f),
            sources=len(f["sources"]),
        )
    return notes


def _add_structure_edges(g: nx.MultiDiGraph, kg: KnowledgeGraph, kind: str | None, cut: Timeline) -> None:
    """Add the structural relationships (subsidiary of, supplies, ...) of that kind, if any,
    that count on the timelines ``cut``; one that has ended by then is labelled so."""
    sources = relationship_sources(kg)
    for u, v, k, d in kg.nx().edges(keys=True, data=True):
        if d["edge"] != "structure" or (kind is not None and d["kind"] != kind):
            continue
        if (
            d["relationship"] is not None
            and cut.relationship(sources.get(d["relationship"], []), d["start"]) is None
        ):
            continue
        ended = cut.relationship_status(d["status"], d["end"]) == "ended"
        g.add_edge(
            u,
            v,
            key=k,
            edge="structure",
            kind=d["kind"],
            amount=None,
            status="ended" if ended else "",
            bucket="",
            dashed=False,
            in_loop=False,
            label=d["kind"] + (" (ended)" if ended else ""),
            sources=0,
        )


def _around(g: nx.MultiDiGraph, kg: KnowledgeGraph, focus: str, depth: int) -> nx.MultiDiGraph:
    """The part of ``g`` within ``depth`` hops of ``focus``, either direction."""
    kg.require_entity(focus)
    g.add_node(focus)
    keep = nx.single_source_shortest_path_length(g.to_undirected(as_view=True), focus, cutoff=depth)
    return g.subgraph(keep).copy()


def _style(g: nx.MultiDiGraph, base: nx.MultiDiGraph) -> None:
    """Display attributes: labels and colours, node size by the committed money a node
    takes part in, edge width by amount (both relative to the largest), loop edges red."""
    money = {n: 0.0 for n in g.nodes}
    for u, v, d in g.edges(data=True):
        if d["edge"] == "money" and d["amount"] and d["bucket"] == "committed":
            money[u] += d["amount"]
            money[v] += d["amount"]
    top = max(money.values(), default=0) or 1
    for n in g.nodes:
        d = base.nodes[n]
        role = role_of(d)
        g.nodes[n].update(
            label=clean_text(d["name"]),
            type=d["type"],
            roles=",".join(d["roles"]),
            group=d["group"],
            role=role,
            color=ROLE_COLORS.get(role, "#999999"),
            money=money[n],
            size=round(10 + 40 * math.sqrt(_share(money[n], top)), 2),
        )
    for _u, _v, d in g.edges(data=True):
        amount = d["amount"] or 0
        d["width"] = round(1 + 7 * math.sqrt(_share(amount, top)), 2) if amount else 1.0
        d["color"] = LOOP_COLOR if d["in_loop"] else ("#555555" if d["edge"] == "money" else "#bbbbbb")
