"""Graph exports for people and tools: GraphML, GEXF, Cytoscape.js, D3, DOT, Mermaid and
FollowTheMoney (:mod:`dealgraph.graph.export_ftm`).

Every export draws :func:`~dealgraph.graph.picture.export_graph`, one filtered view of the
projection with the same visual language everywhere (see :mod:`dealgraph.graph.picture`);
the graph files hold every entity, those without edges too (:func:`entity_graph`), unless
``connected_only``.
Files are written with networkx's own writers where they exist (GraphML, GEXF, Cytoscape
and node-link JSON); DOT and Mermaid are written here, so that every value is quoted and
escaped for its format (pydot passes a string that starts with ``<`` and ends with ``>``
through as an HTML label, and one in double quotes through raw).

Names are data and may hold anything: every export carries them as text, never as markup,
after the one display rule (:func:`~dealgraph.graph.picture.clean_text`).

Each format is a plugin of :mod:`dealgraph.graph.registry` (:data:`PLUGINS`, at the end of
this module): :func:`render` and :func:`render_bytes` look the name up there, so a format
registered elsewhere (RDF in :mod:`dealgraph.graph.export_rdf`, yEd in
:mod:`dealgraph.graph.export_yed`, or a third-party one) renders through them too.

>>> from dealgraph import open_graph
>>> print(render(open_graph(), "mermaid", loops_only=True).splitlines()[0])
flowchart LR
"""

from __future__ import annotations

import html
import io
import json
import re
import shutil
import subprocess
from typing import TYPE_CHECKING, Any

import networkx as nx

from . import export_ftm
from .html import render_html
from .picture import LOOP_COLOR, ROLE_COLORS, _style, clean_text, export_graph
from .registry import GRAPH_FILTERS, ExportFormat, export_format
from .sankey import render_sankey
from .timeline import Date

if TYPE_CHECKING:  # pragma: no cover
    from .knowledge_graph import KnowledgeGraph

__all__ = [
    "GRAPH_FORMATS",
    "BINARY_FORMATS",
    "ROLE_COLORS",
    "export_graph",
    "entity_graph",
    "VIEW_OPTIONS",
    "render",
    "render_bytes",
    "clean_text",
    "dot_quote",
    "mermaid_text",
    "SVG_CSP",
]


#: the options of the graph file formats: the filters and ``connected_only``
VIEW_OPTIONS = (*GRAPH_FILTERS, "connected_only")
#: Content-Security-Policy for the SVG pictures: no script, no outside resource
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

# an ``&`` that Graphviz would decode as an HTML entity in a label
_DOT_ENTITY = re.compile(r"&(?=#[0-9]+;|#[xX][0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)")
_LINE_BREAKS = re.compile("[\n\x85\u2028\u2029]")
# characters written as Mermaid entity codes inside a quoted label
_MERMAID_CODES = {'"': "#quot;"} | {c: f"#{ord(c)};" for c in "#&<>`[]{}|%"}


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


def entity_graph(kg: KnowledgeGraph, connected_only: bool = False, **filters: Any) -> nx.MultiDiGraph:
    """The graph the file formats write: :func:`export_graph` with every entity in it.

    A Gephi or Cytoscape user expects every entity of the data set, those without a deal or
    relationship too (products, chips, a platform nobody pays yet): they are added, styled
    like the others, unless ``connected_only`` (which drops every isolated node). The
    filters that pick deals (``focus``, ``kind``, ``loops_only``) show the entities of the
    deals they pick; the timelines (``as_of``, ``known_at``) keep every entity, since an
    entity is there before its first deal.

    >>> from dealgraph import open_graph
    >>> kg = open_graph()
    >>> "trainium4" in entity_graph(kg), "trainium4" in entity_graph(kg, connected_only=True)
    (True, False)
    >>> entity_graph(kg).nodes["trainium4"]["label"]
    'Trainium4'
    """
    g = export_graph(kg, **filters)
    if connected_only:
        g.remove_nodes_from(list(nx.isolates(g)))
    elif not (filters.get("focus") or filters.get("kind") or filters.get("loops_only")):
        base = kg.nx()
        missing = [n for n in base.nodes if n not in g]
        if missing:
            g.add_nodes_from(missing)
            _style(g, base)  # the same labels, colours and sizes as the connected nodes
    return g


def _hex_rgb(color: str) -> dict[str, float]:
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
        text = mermaid_text(f"{d['kind']} {d['amount_label']}" if d["edge"] == "money" else d["kind"])
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
            text = f"{d['kind']} {d['amount_label']}" if d["edge"] == "money" else d["kind"]
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
            '<TR><TD>- - -</TD><TD ALIGN="LEFT">contingent / up to / announced</TD></TR>'
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
    ``known_at``, ``loops_only``), ``connected_only`` (the graph files: drop the entities
    without a deal or relationship) or ``with_ontology``; each format gets the ones it takes.
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
    nx.write_graphml(_scalar(entity_graph(kg, **filters)), buf)
    return buf.getvalue().decode("utf-8")


def render_gexf(kg: KnowledgeGraph, **filters: Any) -> str:
    h = _scalar(entity_graph(kg, **filters))
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
    return json.dumps(nx.cytoscape_data(entity_graph(kg, **filters)), indent=2, allow_nan=False)


def render_d3(kg: KnowledgeGraph, **filters: Any) -> str:
    return json.dumps(
        nx.node_link_data(entity_graph(kg, **filters), edges="links"), indent=2, allow_nan=False
    )


def render_dot(kg: KnowledgeGraph, **filters: Any) -> str:
    return _dot(entity_graph(kg, **filters))


def render_mermaid(kg: KnowledgeGraph, **filters: Any) -> str:
    return _mermaid(entity_graph(kg, **filters))


def render_svg(kg: KnowledgeGraph, **filters: Any) -> str:
    return _graphviz(_dot(entity_graph(kg, **filters), legend=True), "svg").decode("utf-8")


def render_png(kg: KnowledgeGraph, **filters: Any) -> bytes:
    return _graphviz(_dot(entity_graph(kg, **filters), legend=True), "png")


def render_ftm(kg: KnowledgeGraph, connected_only: bool = False, **filters: Any) -> str:
    g = entity_graph(kg, connected_only=connected_only, **filters)
    return export_ftm.ftm_lines(kg, g, filters.get("as_of"), filters.get("known_at"))


def render_page(kg: KnowledgeGraph, **filters: Any) -> str:
    return render_html(kg, **filters)


def render_sankey_page(kg: KnowledgeGraph, as_of: Date = None, known_at: Date = None) -> str:
    return render_sankey(kg, as_of=as_of, known_at=known_at)


# the built-in graph formats: the registry takes PLUGINS (they are also the entry
# points of the group dealgraph.exports in pyproject.toml)
GRAPHML = ExportFormat(
    "graphml",
    render_graphml,
    "application/graphml+xml",
    ".graphml",
    "GraphML for yEd, Gephi and Cytoscape desktop",
    options=VIEW_OPTIONS,
)
GEXF = ExportFormat(
    "gexf",
    render_gexf,
    "application/xml",
    ".gexf",
    "GEXF for Gephi, colours and sizes included",
    options=VIEW_OPTIONS,
)
CYTOSCAPE = ExportFormat(
    "cytoscape", render_cytoscape, "application/json", ".cyjs", "Cytoscape.js JSON", options=VIEW_OPTIONS
)
D3 = ExportFormat("d3", render_d3, "application/json", ".json", "D3 node-link JSON", options=VIEW_OPTIONS)
DOT = ExportFormat("dot", render_dot, "text/vnd.graphviz", ".dot", "Graphviz DOT", options=VIEW_OPTIONS)
MERMAID = ExportFormat(
    "mermaid",
    render_mermaid,
    "text/plain",
    ".mmd",
    "a Mermaid flowchart (GitHub Markdown)",
    options=VIEW_OPTIONS,
)
SVG = ExportFormat(
    "svg",
    render_svg,
    "image/svg+xml",
    ".svg",
    "an SVG picture with a legend (Graphviz)",
    options=VIEW_OPTIONS,
)
PNG = ExportFormat(
    "png",
    render_png,
    "image/png",
    ".png",
    "a PNG picture with a legend (Graphviz)",
    binary=True,
    options=VIEW_OPTIONS,
)
FTM = ExportFormat(
    "ftm",
    render_ftm,
    export_ftm.MEDIA_TYPE,
    ".ftm.json",
    "FollowTheMoney entities and links as JSON lines (Aleph, OpenSanctions tools)",
    options=VIEW_OPTIONS,
    aliases=("followthemoney",),
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
    options=("as_of", "known_at"),
)

PLUGINS = (GRAPHML, GEXF, CYTOSCAPE, D3, DOT, MERMAID, SVG, PNG, FTM, HTML, SANKEY)

GRAPH_FORMATS = tuple(f.name for f in PLUGINS)
#: formats whose output is bytes (the others are text)
BINARY_FORMATS = tuple(f.name for f in PLUGINS if f.binary)
