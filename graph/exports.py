"""Graph exports for people and tools: GraphML, GEXF, Cytoscape.js, D3, DOT and Mermaid.

Every export starts from :func:`export_graph`, one filtered view of the projection with the
same visual language everywhere: colour by role, node size by money involved, edge width
by amount, dashed edges for contingent or upper-bound money, loop edges highlighted.
Files are written with networkx's own writers where they exist (GraphML, GEXF, Cytoscape
and node-link JSON, DOT through pydot); Mermaid has no networkx writer and is written here.

>>> from dealgraph import open_graph
>>> g = export_graph(open_graph(), focus="anthropic", depth=1)
>>> g.nodes["aws"]["label"], g.nodes["aws"]["color"]
('Amazon Web Services', '#ff9900')
>>> print(render(open_graph(), "mermaid", loops_only=True).splitlines()[0])
flowchart LR
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
from typing import TYPE_CHECKING, Any

import networkx as nx

from dealgraph.graph.flows import flows as all_flows
from dealgraph.graph.money import bucket, countable

if TYPE_CHECKING:  # pragma: no cover
    from dealgraph.graph.knowledge_graph import KnowledgeGraph

__all__ = ["GRAPH_FORMATS", "BINARY_FORMATS", "ROLE_COLORS", "export_graph", "render",
           "render_bytes"]

GRAPH_FORMATS = ("graphml", "gexf", "cytoscape", "d3", "dot", "mermaid", "svg", "png", "html",
                 "sankey")
#: formats whose output is bytes (the others are text)
BINARY_FORMATS = ("png",)

#: colour of a node by its first role (or its type), the same in every picture
ROLE_COLORS = {
    "ai-lab": "#6a3d9a",
    "cloud-provider": "#ff9900",
    "investor": "#1f78b4",
    "chip-designer": "#33a02c",
    "foundry": "#b15928",
    "compute-provider": "#e31a1c",
    "data-center-operator": "#fb9a99",
    "chip": "#b2df8a",
    "facility": "#fdbf6f",
    "platform": "#a6cee3",
    "product": "#cab2d6",
    "place": "#dddddd",
    "organization": "#999999",
}
_ROLE_ORDER = ("ai-lab", "cloud-provider", "chip-designer", "foundry", "compute-provider",
               "data-center-operator", "investor")
LOOP_COLOR = "#d62728"


def _role(d: dict[str, Any]) -> str:
    for r in _ROLE_ORDER:
        if r in d.get("roles", ()):
            return r
    return d.get("type", "organization")


def _money_text(v: float | None) -> str:
    if v is None:
        return "undisclosed"
    for div, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M")):
        if v >= div:
            return "$" + f"{v / div:.2f}".rstrip("0").rstrip(".") + suffix
    return f"${v:,.0f}"


def export_graph(
    kg: KnowledgeGraph,
    focus: str | None = None,
    depth: int = 1,
    kind: str | None = None,
    as_of: str | dt.date | None = None,
    loops_only: bool = False,
) -> nx.MultiDiGraph:
    """The filtered graph every export draws, with display attributes on nodes and edges.

    ``focus``/``depth``: only entities within ``depth`` hops of ``focus`` (either direction);
    ``kind``: only deals (or relationships) of that kind; ``as_of``: only what was known on
    that date; ``loops_only``: only the deals of vendor-financed loops.
    """
    from dealgraph.graph.loops import vendor_financed_loops

    base = kg.nx()
    loop_deals = {d for lp in vendor_financed_loops(kg, as_of=as_of) for d in lp["deal_ids"]}
    g = nx.MultiDiGraph()
    for f in countable(all_flows(kg, as_of=as_of)):
        if (kind and f["kind"] != kind) or (loops_only and f["id"] not in loop_deals):
            continue
        b = bucket(f)
        g.add_edge(f["payer"], f["payee"], key=f["id"], edge="money", kind=f["kind"],
                   amount=f["amount"], status=f["status"] or "", bucket=b,
                   dashed=b in ("contingent", "upper_bound"), in_loop=f["id"] in loop_deals,
                   label=f"{f['id']}: {_money_text(f['amount'])}",
                   sources=len(f["sources"]))
    if not loops_only:
        for u, v, k, d in base.edges(keys=True, data=True):
            if d["edge"] == "structure" and (kind is None or d["kind"] == kind):
                g.add_edge(u, v, key=k, edge="structure", kind=d["kind"], amount=None,
                           status="", bucket="", dashed=False, in_loop=False,
                           label=d["kind"], sources=0)
    if focus is not None:
        if focus not in base:
            from dealgraph.graph.cards import UnknownEntityError

            raise UnknownEntityError(focus, sorted(base.nodes))
        g.add_node(focus)
        keep = nx.single_source_shortest_path_length(g.to_undirected(as_view=True), focus,
                                                     cutoff=depth)
        g = g.subgraph(keep).copy()
    money = {n: 0.0 for n in g.nodes}
    for u, v, d in g.edges(data=True):
        if d["edge"] == "money" and d["amount"] and d["bucket"] == "committed":
            money[u] += d["amount"]
            money[v] += d["amount"]
    top = max(money.values(), default=0) or 1
    for n in g.nodes:
        d = base.nodes[n]
        role = _role(d)
        g.nodes[n].update(label=d["name"], type=d["type"], roles=",".join(d["roles"]),
                          group=d["group"], role=role, color=ROLE_COLORS.get(role, "#999999"),
                          money=money[n],
                          size=round(10 + 40 * math.sqrt(money[n] / top), 2))
    for _u, _v, d in g.edges(data=True):
        amount = d["amount"] or 0
        d["width"] = round(1 + 7 * math.sqrt(amount / top), 2) if amount else 1.0
        d["color"] = LOOP_COLOR if d["in_loop"] else ("#555555" if d["edge"] == "money"
                                                      else "#bbbbbb")
    return g


def _scalar(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy whose attributes are all strings, numbers or booleans (GraphML/GEXF need it)."""
    h = nx.MultiDiGraph()
    for n, d in g.nodes(data=True):
        h.add_node(n, **{k: v for k, v in d.items() if v is not None})
    for u, v, k, d in g.edges(keys=True, data=True):
        h.add_edge(u, v, key=k, **{a: b for a, b in d.items() if b is not None})
    return h


def _hex_rgb(color: str) -> dict[str, int]:
    return {"r": int(color[1:3], 16), "g": int(color[3:5], 16), "b": int(color[5:7], 16),
            "a": 1.0}


def _mermaid(g: nx.MultiDiGraph) -> str:
    ids = {n: f"n{i}" for i, n in enumerate(sorted(g.nodes))}
    lines = ["flowchart LR"]
    for n in sorted(g.nodes):
        label = g.nodes[n]["label"].replace('"', "'")
        lines.append(f'    {ids[n]}["{label}"]')
    link_styles = []
    for i, (u, v, _k, d) in enumerate(sorted(g.edges(keys=True, data=True),
                                            key=lambda e: (e[0], e[1], e[2]))):
        text = (f"{d['kind']} {_money_text(d['amount'])}" if d["edge"] == "money"
                else d["kind"]).replace('"', "'")
        arrow = "-.->" if d["dashed"] or d["edge"] == "structure" else "-->"
        lines.append(f'    {ids[u]} {arrow}|"{text}"| {ids[v]}')
        style = f"stroke:{d['color']},stroke-width:{max(1, round(d['width']))}px"
        link_styles.append(f"    linkStyle {i} {style}")
    roles = sorted({g.nodes[n]["role"] for n in g.nodes})
    for role in roles:
        members = ",".join(ids[n] for n in sorted(g.nodes) if g.nodes[n]["role"] == role)
        cls = role.replace("-", "_")
        lines.append(f"    classDef {cls} fill:{ROLE_COLORS.get(role, '#999999')},color:#fff")
        lines.append(f"    class {members} {cls}")
    return "\n".join(lines + link_styles) + "\n"


def _dot_with_legend(g: nx.MultiDiGraph) -> str:
    h = nx.MultiDiGraph()
    h.graph["graph"] = {"rankdir": "LR", "fontname": "Helvetica", "label": "dealgraph",
                        "labelloc": "t"}
    h.graph["node"] = {"fontname": "Helvetica", "fontsize": "11"}
    h.graph["edge"] = {"fontname": "Helvetica", "fontsize": "9"}
    for n, d in g.nodes(data=True):
        h.add_node(n, label=d["label"], style="filled", fillcolor=d["color"],
                   fontcolor="white", shape="box")
    for u, v, k, d in g.edges(keys=True, data=True):
        text = (f"{d['kind']} {_money_text(d['amount'])}" if d["edge"] == "money"
                else d["kind"])
        h.add_edge(u, v, key=k, label=text, color=d["color"], penwidth=d["width"],
                   style="dashed" if d["dashed"] else ("dotted" if d["edge"] == "structure"
                                                       else "solid"))
    dot = nx.nx_pydot.to_pydot(h).to_string().rstrip().rstrip("}")
    roles = sorted({g.nodes[n]["role"] for n in g.nodes})
    rows = "".join(f'<TR><TD BGCOLOR="{ROLE_COLORS.get(r, "#999999")}"> </TD>'
                   f"<TD ALIGN=\"LEFT\">{r}</TD></TR>" for r in roles)
    rows += ('<TR><TD>- - -</TD><TD ALIGN="LEFT">contingent / up to</TD></TR>'
             f'<TR><TD BGCOLOR="{LOOP_COLOR}"> </TD><TD ALIGN="LEFT">vendor-financed loop</TD></TR>'
             '<TR><TD>width</TD><TD ALIGN="LEFT">amount</TD></TR>')
    legend = (f'legend [shape=plaintext, label=<<TABLE BORDER="0" CELLBORDER="1" '
              f'CELLSPACING="0"><TR><TD COLSPAN="2"><B>Legend</B></TD></TR>{rows}</TABLE>>];')
    return dot + "\n" + legend + "\n}\n"


def _graphviz(dot: str, fmt: str) -> bytes:
    import shutil
    import subprocess

    exe = shutil.which("dot")
    if exe is None:
        raise RuntimeError("Graphviz's `dot` is not installed: run scripts/setup-system.sh "
                           "(or apt-get install graphviz) to render svg and png")
    done = subprocess.run([exe, f"-T{fmt}"], input=dot.encode("utf-8"), capture_output=True,
                          timeout=120, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"Graphviz failed: {done.stderr.decode(errors='replace')[:500]}")
    return done.stdout


def render_bytes(kg: KnowledgeGraph, fmt: str, **filters: Any) -> bytes:
    """Export as bytes (any format; PNG needs this, text formats are UTF-8 encoded)."""
    if fmt in ("svg", "png"):
        return _graphviz(_dot_with_legend(export_graph(kg, **filters)), fmt)
    return render(kg, fmt, **filters).encode("utf-8")


def render(kg: KnowledgeGraph, fmt: str, **filters: Any) -> str:
    """Export the (filtered) graph as ``fmt``: a text format of :data:`GRAPH_FORMATS`."""
    if fmt not in GRAPH_FORMATS:
        raise ValueError(f"unknown graph format {fmt!r}; choose from {', '.join(GRAPH_FORMATS)}")
    if fmt in BINARY_FORMATS:
        raise ValueError(f"{fmt} is binary: use render_bytes()")
    if fmt == "svg":
        return render_bytes(kg, fmt, **filters).decode("utf-8")
    if fmt == "html":
        from dealgraph.graph.html import render_html

        return render_html(kg, **filters)
    if fmt == "sankey":
        from dealgraph.graph.html import render_sankey

        return render_sankey(kg, as_of=filters.get("as_of"))
    g = export_graph(kg, **filters)
    if fmt == "graphml":
        buf = io.BytesIO()
        nx.write_graphml(_scalar(g), buf)
        return buf.getvalue().decode("utf-8")
    if fmt == "gexf":
        h = _scalar(g)
        for _n, d in h.nodes(data=True):
            d["viz"] = {"color": _hex_rgb(d["color"]), "size": d["size"]}
        for _u, _v, k, d in h.edges(keys=True, data=True):
            d["id"] = k  # the deal or relationship id, kept as the GEXF edge id
            d["viz"] = {"color": _hex_rgb(d["color"]), "thickness": d["width"]}
            if d["dashed"]:
                d["viz"]["shape"] = "dashed"
        buf = io.BytesIO()
        nx.write_gexf(h, buf)
        return buf.getvalue().decode("utf-8")
    if fmt == "cytoscape":
        return json.dumps(nx.cytoscape_data(g), indent=2)
    if fmt == "d3":
        return json.dumps(nx.node_link_data(g, edges="links"), indent=2)
    if fmt == "dot":
        h = nx.MultiDiGraph()
        for n, d in g.nodes(data=True):
            h.add_node(n, label=d["label"], style="filled", fillcolor=d["color"],
                       fontcolor="white", shape="box")
        for u, v, k, d in g.edges(keys=True, data=True):
            h.add_edge(u, v, key=k, label=d["label"], color=d["color"],
                       penwidth=d["width"], style="dashed" if d["dashed"] else "solid")
        return nx.nx_pydot.to_pydot(h).to_string()
    return _mermaid(g)
