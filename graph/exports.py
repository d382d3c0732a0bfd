"""Graph exports for people and tools: GraphML, GEXF, Cytoscape.js, D3, DOT and Mermaid.

Every export starts from :func:`export_graph`, one filtered view of the projection with the
same visual language everywhere: colour by role, node size by money involved, edge width
by amount, dashed edges for contingent or upper-bound money, loop edges highlighted.
Files are written with networkx's own writers where they exist (GraphML, GEXF, Cytoscape
and node-link JSON); DOT and Mermaid are written here, so that every value is quoted and
escaped for its format (pydot passes a string that starts with ``<`` and ends with ``>``
through as an HTML label, and one in double quotes through raw).

Names are data and may hold anything: every export carries them as text, never as markup.
Display text follows one rule everywhere (:func:`clean_text`): CR LF and CR become LF, and
characters XML 1.0 cannot carry become U+FFFD. A flow whose amount is not a finite number is
left out, with a note in ``graph["notes"]``.

Each format is a plugin of :mod:`dealgraph.graph.registry` (:data:`PLUGINS`, at the end of
this module, also declared as entry points of the group ``dealgraph.exports``): :func:`render`
and :func:`render_bytes` look the name up there, so a format registered elsewhere (RDF in
:mod:`dealgraph.graph.export_rdf`, or a third-party one) renders through them too.

>>> from dealgraph import open_graph
>>> g = export_graph(open_graph(), focus="anthropic", depth=1)
>>> g.nodes["aws"]["label"], g.nodes["aws"]["color"]
('Amazon Web Services', '#ff9900')
>>> print(render(open_graph(), "mermaid", loops_only=True).splitlines()[0])
flowchart LR
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import math
import re
from typing import TYPE_CHECKING, Any

import networkx as nx

from .flows import flows as all_flows
from .money import bucket, countable
from .registry import ExportFormat, export_format

if TYPE_CHECKING:  # pragma: no cover
    from .knowledge_graph import KnowledgeGraph

__all__ = [
    "GRAPH_FORMATS",
    "BINARY_FORMATS",
    "ROLE_COLORS",
    "export_graph",
    "render",
    "render_bytes",
    "clean_text",
    "dot_quote",
    "mermaid_text",
    "SVG_CSP",
]


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
_ROLE_ORDER = (
    "ai-lab",
    "cloud-provider",
    "chip-designer",
    "foundry",
    "compute-provider",
    "data-center-operator",
    "investor",
)
LOOP_COLOR = "#d62728"

#: Content-Security-Policy for the SVG pictures: no script, no outside resource
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

# C0 controls other than tab, LF and CR, surrogate code points, U+FFFE and U+FFFF: XML 1.0
# cannot carry them (not even as character references), nor can GraphML, GEXF or SVG
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# an ``&`` that Graphviz would decode as an HTML entity in a label
_DOT_ENTITY = re.compile(r"&(?=#[0-9]+;|#[xX][0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)")
_LINE_BREAKS = re.compile("[\n\x85\u2028\u2029]")
# characters written as Mermaid entity codes inside a quoted label
_MERMAID_CODES = {
    '"': "#quot;",
    "#": "#35;",
    "&": "#38;",
    "<": "#60;",
    ">": "#62;",
    "`": "#96;",
    "[": "#91;",
    "]": "#93;",
    "{": "#123;",
    "}": "#125;",
    "|": "#124;",
    "%": "#37;",
}


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
    return _XML_ILLEGAL.sub("\ufffd", s)


def dot_quote(value: object) -> str:
    """``value`` as one double-quoted DOT string that Graphviz shows exactly as written.

    Never an HTML-like ``<...>`` label, never bare DOT: backslashes and double quotes are
    escaped, a line break is written ``\\n``, and an ``&`` that would start an HTML entity
    (Graphviz decodes entities in labels) is written ``&amp;``.

    >>> print(dot_quote('<<B>x</B>> say "hi" \\\\ AT&T &amp;'))
    "<<B>x</B>> say \\"hi\\" \\\\ AT&T &amp;amp;"
    """
    s = clean_text(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return '"' + _DOT_ENTITY.sub("&amp;", s) + '"'


def mermaid_text(value: object) -> str:
    """Text for inside a double-quoted Mermaid label: markup and delimiters as entity codes.

    ``" # & < > ` [ ] { } | %`` are written as Mermaid entity codes (``#quot;``, ``#60;``,
    ...), which Mermaid shows as the characters themselves; a line break (LF, NEL, U+2028,
    U+2029: the line terminators of Mermaid's JavaScript parser) becomes a space.

    >>> mermaid_text('<b>"x"</b> %% [y]')
    '#60;b#62;#quot;x#quot;#60;/b#62; #37;#37; #91;y#93;'
    """
    s = _LINE_BREAKS.sub(" ", clean_text(value))
    return "".join(_MERMAID_CODES.get(c, c) for c in s)


def _share(x: float, top: float) -> float:
    """``x / top`` between 0 and 1 (1 when the ratio is not a number)."""
    r = x / top if top else 0.0
    return r if 0.0 <= r <= 1.0 else 1.0


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
    from .loops import vendor_financed_loops

    base = kg.nx()
    loop_deals = {d for lp in vendor_financed_loops(kg, as_of=as_of) for d in lp["deal_ids"]}
    g = nx.MultiDiGraph()
    notes = []
    for f in countable(all_flows(kg, as_of=as_of)):
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
            dashed=b in ("contingent", "upper_bound"),
            in_loop=f["id"] in loop_deals,
            label=f"{f['id']}: {_money_text(f['amount'])}",
            sources=len(f["sources"]),
        )
    if not loops_only:
        for u, v, k, d in base.edges(keys=True, data=True):
            if d["edge"] == "structure" and (kind is None or d["kind"] == kind):
                g.add_edge(
                    u,
                    v,
                    key=k,
                    edge="structure",
                    kind=d["kind"],
                    amount=None,
                    status="",
                    bucket="",
                    dashed=False,
                    in_loop=False,
                    label=d["kind"],
                    sources=0,
                )
    if focus is not None:
        if focus not in base:
            from .cards import UnknownEntityError

            raise UnknownEntityError(focus, sorted(base.nodes))
        g.add_node(focus)
        keep = nx.single_source_shortest_path_length(g.to_undirected(as_view=True), focus, cutoff=depth)
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
    if notes:
        g.graph["notes"] = notes
    return g


def _scalar(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy whose attributes are all strings, numbers or booleans (GraphML/GEXF need it)."""
    h = nx.MultiDiGraph()
    for n, d in g.nodes(data=True):
        h.add_node(
            n, **{k: clean_text(v) if isinstance(v, str) else v for k, v in d.items() if v is not None}
        )
    for u, v, k, d in g.edges(keys=True, data=True):
        h.add_edge(
            u,
            v,
            key=k,
            **{a: clean_text(b) if isinstance(b, str) else b for a, b in d.items() if b is not None},
        )
    return h


def _hex_rgb(color: str) -> dict[str, int]:
    return {"r": int(color[1:3], 16), "g": int(color[3:5], 16), "b": int(color[5:7], 16), "a": 1.0}


def _mermaid(g: nx.MultiDiGraph) -> str:
    ids = {n: f"n{i}" for i, n in enumerate(sorted(g.nodes))}
    lines = ["flowchart LR"]
    for n in sorted(g.nodes):
        lines.append(f'    {ids[n]}["{mermaid_text(g.nodes[n]["label"])}"]')
    link_styles = []
    for i, (u, v, _k, d) in enumerate(
        sorted(g.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2]))
    ):
        text = mermaid_text(f"{d['kind']} {_money_text(d['amount'])}" if d["edge"] == "money" else d["kind"])
        arrow = "-.->" if d["dashed"] or d["edge"] == "structure" else "-->"
        lines.append(f'    {ids[u]} {arrow}|"{text}"| {ids[v]}')
        style = f"stroke:{d['color']},stroke-width:{max(1, round(d['width']))}px"
        link_styles.append(f"    linkStyle {i} {style}")
    roles = sorted({g.nodes[n]["role"] for n in g.nodes})
    for role in roles:
        members = ",".join(ids[n] for n in sorted(g.nodes) if g.nodes[n]["role"] == role)
        cls = re.sub(r"[^A-Za-z0-9_]", "_", role)
        lines.append(f"    classDef {cls} fill:{ROLE_COLORS.get(role, '#999999')},color:#fff")
        lines.append(f"    class {members} {cls}")
    return "\n".join(lines + link_styles) + "\n"


def _dot(g: nx.MultiDiGraph, legend: bool = False) -> str:
    """DOT text for ``g``: the one writer behind the dot, svg and png exports.

    Every id, label and value that comes from the data goes through :func:`dot_quote`
    (only our own constant keywords such as ``filled`` or ``dashed`` are written bare);
    the legend, an HTML-like label, is built here from escaped text. ``legend`` also sets
    the picture's fonts and title and labels edges ``kind amount`` instead of ``id: amount``.
    """
    lines = ["digraph {"]
    if legend:
        lines += [
            "rankdir=LR;",
            "fontname=Helvetica;",
            'label="dealgraph";',
            "labelloc=t;",
            "node [fontname=Helvetica, fontsize=11];",
            "edge [fontname=Helvetica, fontsize=9];",
        ]
    for n, d in g.nodes(data=True):
        lines.append(
            f"{dot_quote(n)} [label={dot_quote(d['label'])}, style=filled, "
            f"fillcolor={dot_quote(d['color'])}, fontcolor=white, shape=box];"
        )
    for u, v, k, d in g.edges(keys=True, data=True):
        if legend:
            text = f"{d['kind']} {_money_text(d['amount'])}" if d["edge"] == "money" else d["kind"]
            style = "dashed" if d["dashed"] else ("dotted" if d["edge"] == "structure" else "solid")
        else:
            text, style = d["label"], "dashed" if d["dashed"] else "solid"
        lines.append(
            f"{dot_quote(u)} -> {dot_quote(v)} [key={dot_quote(k)}, "
            f"label={dot_quote(text)}, color={dot_quote(d['color'])}, "
            f"penwidth={dot_quote(d['width'])}, style={style}];"
        )
    if legend:
        roles = sorted({g.nodes[n]["role"] for n in g.nodes})
        rows = "".join(
            f'<TR><TD BGCOLOR="{html.escape(ROLE_COLORS.get(r, "#999999"))}"> </TD>'
            f'<TD ALIGN="LEFT">{html.escape(r)}</TD></TR>'
            for r in roles
        )
        rows += (
            '<TR><TD>- - -</TD><TD ALIGN="LEFT">contingent / up to</TD></TR>'
            f'<TR><TD BGCOLOR="{LOOP_COLOR}"> </TD><TD ALIGN="LEFT">vendor-financed loop'
            '</TD></TR><TR><TD>width</TD><TD ALIGN="LEFT">amount</TD></TR>'
        )
        lines.append(
            f'legend [shape=plaintext, label=<<TABLE BORDER="0" CELLBORDER="1" '
            f'CELLSPACING="0"><TR><TD COLSPAN="2"><B>Legend</B></TD></TR>{rows}'
            "</TABLE>>];"
        )
    return "\n".join(lines) + "\n}\n"


def _graphviz(dot: str, fmt: str) -> bytes:
    import shutil
    import subprocess

    exe = shutil.which("dot")
    if exe is None:
        raise RuntimeError(
            "Graphviz's `dot` is not installed: run scripts/setup-system.sh "
            "(or apt-get install graphviz) to render svg and png"
        )
    done = subprocess.run(
        [exe, f"-T{fmt}"], input=dot.encode("utf-8"), capture_output=True, timeout=120, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"Graphviz failed: {done.stderr.decode(errors='replace')[:500]}")
    return done.stdout


def render_bytes(kg: KnowledgeGraph, fmt: str, **options: Any) -> bytes:
    """Export as bytes: any registered format (PNG needs this; text is UTF-8 encoded).

    ``options`` are the graph filters (``focus``, ``depth``, ``kind``, ``as_of``,
    ``loops_only``) or ``with_ontology``; each format gets the ones it takes.
    """
    plugin = export_format(fmt)
    body = plugin.render(kg, **{k: v for k, v in options.items() if k in plugin.options})
    return body.encode("utf-8") if isinstance(body, str) else body


def render(kg: KnowledgeGraph, fmt: str, **options: Any) -> str:
    """Export the (filtered) graph as ``fmt``, a registered text format."""
    plugin = export_format(fmt)
    if plugin.binary:
        raise ValueError(f"{fmt} is binary: use render_bytes()")
    body = plugin.render(kg, **{k: v for k, v in options.items() if k in plugin.options})
    return body.decode("utf-8") if isinstance(body, bytes) else body


# -- the formats (one function and one registration each) --------------------------------


def render_graphml(kg: KnowledgeGraph, **filters: Any) -> str:
    buf = io.BytesIO()
    nx.write_graphml(_scalar(export_graph(kg, **filters)), buf)
    return buf.getvalue().decode("utf-8")


def render_gexf(kg: KnowledgeGraph, **filters: Any) -> str:
    h = _scalar(export_graph(kg, **filters))
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


def render_cytoscape(kg: KnowledgeGraph, **filters: Any) -> str:
    # strict JSON: allow_nan=False refuses NaN and Infinity
    return json.dumps(nx.cytoscape_data(export_graph(kg, **filters)), indent=2, allow_nan=False)


def render_d3(kg: KnowledgeGraph, **filters: Any) -> str:
    return json.dumps(
        nx.node_link_data(export_graph(kg, **filters), edges="links"), indent=2, allow_nan=False
    )


def render_dot(kg: KnowledgeGraph, **filters: Any) -> str:
    return _dot(export_graph(kg, **filters))


def render_mermaid(kg: KnowledgeGraph, **filters: Any) -> str:
    return _mermaid(export_graph(kg, **filters))


def render_svg(kg: KnowledgeGraph, **filters: Any) -> str:
    return _graphviz(_dot(export_graph(kg, **filters), legend=True), "svg").decode("utf-8")


def render_png(kg: KnowledgeGraph, **filters: Any) -> bytes:
    return _graphviz(_dot(export_graph(kg, **filters), legend=True), "png")


def render_page(kg: KnowledgeGraph, **filters: Any) -> str:
    from .html import render_html

    return render_html(kg, **filters)


def render_sankey_page(kg: KnowledgeGraph, as_of: str | dt.date | None = None) -> str:
    from .html import render_sankey

    return render_sankey(kg, as_of=as_of)


# the built-in graph formats: the registry takes PLUGINS (they are also the entry
# points of the group dealgraph.exports in pyproject.toml)
GRAPHML = ExportFormat(
    "graphml",
    render_graphml,
    "application/graphml+xml",
    ".graphml",
    "GraphML for yEd, Gephi and Cytoscape desktop",
)
GEXF = ExportFormat(
    "gexf", render_gexf, "application/xml", ".gexf", "GEXF for Gephi, colours and sizes included"
)
CYTOSCAPE = ExportFormat("cytoscape", render_cytoscape, "application/json", ".cyjs", "Cytoscape.js JSON")
D3 = ExportFormat("d3", render_d3, "application/json", ".json", "D3 node-link JSON")
DOT = ExportFormat("dot", render_dot, "text/vnd.graphviz", ".dot", "Graphviz DOT")
MERMAID = ExportFormat(
    "mermaid", render_mermaid, "text/plain", ".mmd", "a Mermaid flowchart (GitHub Markdown)"
)
SVG = ExportFormat("svg", render_svg, "image/svg+xml", ".svg", "an SVG picture with a legend (Graphviz)")
PNG = ExportFormat(
    "png", render_png, "image/png", ".png", "a PNG picture with a legend (Graphviz)", binary=True
)
HTML = ExportFormat(
    "html", render_page, "text/html", ".html", "a self-contained interactive page (Cytoscape.js, no CDN)"
)
SANKEY = ExportFormat(
    "sankey",
    render_sankey_page,
    "text/html",
    ".html",
    "a self-contained SVG Sankey of money flows",
    options=("as_of",),
)

PLUGINS = (GRAPHML, GEXF, CYTOSCAPE, D3, DOT, MERMAID, SVG, PNG, HTML, SANKEY)

GRAPH_FORMATS = tuple(f.name for f in PLUGINS)
#: formats whose output is bytes (the others are text)
BINARY_FORMATS = tuple(f.name for f in PLUGINS if f.binary)
