"""GraphML for yEd: the export graph with yEd's own styling (the yFiles GraphML extensions).

The plain ``graphml`` export carries the display attributes as data, which yEd shows only
through its properties mapper. This one draws them the way yEd does, with the yFiles
extensions (namespace :data:`Y`): every entity is a ``y:ShapeNode`` filled with the
colour of its role (or type, as in every picture: :data:`~dealgraph.graph.picture.ROLE_COLORS`),
shaped by its entity type, sized by the money it takes part in, labelled with its name;
every deal or relationship is a ``y:PolyLineEdge`` as wide as its amount, dashed for
contingent or "up to" money, dotted for a relationship, red for a vendor-financed loop,
labelled with its kind and amount. The nodes start on a circle: yEd's Layout menu
arranges them. The entity's and the deal's fields are also GraphML data (yEd's Data tab).

Names are data: they are written as XML text (escaped by the XML writer), after the one
display rule of :func:`~dealgraph.graph.picture.clean_text`. yEd renders a label whose text
starts with ``<html>`` as HTML (and loads what it links to), so such a label is written with
a zero-width space (U+200B) before it and shows as the plain text it is.

>>> from dealgraph import open_graph
>>> text = render_yed(open_graph(), focus="anthropic", depth=1)
>>> 'xmlns:y="http://www.yworks.com/xml/graphml"' in text, "<y:ShapeNode>" in text
(True, True)
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING, Any

from .exports import VIEW_OPTIONS, entity_graph
from .picture import clean_text
from .registry import ExportFormat

if TYPE_CHECKING:  # pragma: no cover
    from .knowledge_graph import KnowledgeGraph

__all__ = ["render_yed", "yed_label", "PLUGINS", "Y"]

GRAPHML = "http://graphml.graphdrawing.org/xmlns"
#: the namespace of the yFiles extensions to GraphML
Y = "http://www.yworks.com/xml/graphml"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_SCHEMA = f"{GRAPHML} http://www.yworks.com/xml/schema/graphml/1.1/ygraphml.xsd"

#: yEd's shape for each entity type
SHAPES = {
    "organization": "roundrectangle",
    "chip": "hexagon",
    "facility": "rectangle",
    "platform": "parallelogram",
    "product": "ellipse",
    "place": "octagon",
}
# GraphML data keys: (id, for, name, type); the graphics keys are yEd's own
_KEYS = (
    ("d0", "node", "entity", "string"),
    ("d1", "node", "type", "string"),
    ("d2", "node", "roles", "string"),
    ("d3", "node", "group", "string"),
    ("d4", "node", "money", "double"),
    ("d5", "edge", "deal", "string"),
    ("d6", "edge", "kind", "string"),
    ("d7", "edge", "amount", "double"),
    ("d8", "edge", "status", "string"),
    ("d9", "edge", "sources", "int"),
)
_NODE_GRAPHICS, _EDGE_GRAPHICS = "d10", "d11"


def yed_label(text: object) -> str:
    """``text`` as a yEd label shows it as written: the display rule, and a zero-width space
    before a text that yEd would otherwise render as HTML.

    >>> yed_label("<HTML><b>x</b>") == "\\u200b<HTML><b>x</b>"
    True
    >>> yed_label("AT&T <b>")
    'AT&T <b>'
    """
    s = clean_text(text)
    return "\u200b" + s if s.lstrip()[:6].lower() == "<html>" else s


def render_yed(kg: KnowledgeGraph, **filters: Any) -> str:
    """The (filtered) export graph as yEd GraphML, every entity in it unless ``connected_only``
    (:func:`~dealgraph.graph.exports.entity_graph`: the filters of
    :func:`~dealgraph.graph.picture.export_graph`)."""
    g = entity_graph(kg, **filters)
    root = ET.Element(
        "graphml", {"xmlns": GRAPHML, "xmlns:xsi": _XSI, "xmlns:y": Y, "xsi:schemaLocation": _SCHEMA}
    )
    for key, domain, name, kind in _KEYS:
        ET.SubElement(root, "key", {"id": key, "for": domain, "attr.name": name, "attr.type": kind})
    ET.SubElement(root, "key", {"id": _NODE_GRAPHICS, "for": "node", "yfiles.type": "nodegraphics"})
    ET.SubElement(root, "key", {"id": _EDGE_GRAPHICS, "for": "edge", "yfiles.type": "edgegraphics"})
    graph = ET.SubElement(root, "graph", {"id": "G", "edgedefault": "directed"})
    nodes = sorted(g.nodes)
    radius = max(200.0, 30.0 * len(nodes) / math.pi)
    for i, n in enumerate(nodes):
        angle = 2 * math.pi * i / max(len(nodes), 1)
        _node(graph, n, g.nodes[n], radius * math.cos(angle), radius * math.sin(angle))
    edges = sorted(g.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2]))
    for i, (u, v, k, d) in enumerate(edges):
        _edge(graph, f"e{i}", u, v, k, d)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _data(parent: ET.Element, key: str, value: object) -> ET.Element:
    el = ET.SubElement(parent, "data", {"key": key})
    el.text = clean_text(value)
    return el


def _node(graph: ET.Element, n: str, d: dict[str, Any], cx: float, cy: float) -> None:
    """One entity: its data, and a shape node centred on (cx, cy)."""
    node = ET.SubElement(graph, "node", {"id": clean_text(n)})
    for key, value in (("d0", n), ("d1", d["type"]), ("d2", d["roles"]), ("d3", d["group"])):
        _data(node, key, value)
    _data(node, "d4", d["money"])
    label = yed_label(d["label"])
    height = 20.0 + d["size"]
    width = max(height, 16.0 + 7 * max(len(line) for line in label.split("\n")))
    shape = ET.SubElement(_data(node, _NODE_GRAPHICS, ""), "y:ShapeNode")
    ET.SubElement(
        shape,
        "y:Geometry",
        {
            "x": f"{cx - width / 2:.1f}",
            "y": f"{cy - height / 2:.1f}",
            "width": f"{width:.1f}",
            "height": f"{height:.1f}",
        },
    )
    ET.SubElement(shape, "y:Fill", {"color": d["color"], "transparent": "false"})
    ET.SubElement(shape, "y:BorderStyle", {"color": "#333333", "type": "line", "width": "1.0"})
    text = ET.SubElement(
        shape,
        "y:NodeLabel",
        {
            "alignment": "center",
            "autoSizePolicy": "content",
            "fontFamily": "Dialog",
            "fontSize": "12",
            "modelName": "internal",
            "modelPosition": "c",
            "textColor": _text_color(d["color"]),
            "visible": "true",
        },
    )
    text.text = label
    ET.SubElement(shape, "y:Shape", {"type": SHAPES.get(d["type"], "roundrectangle")})


def _edge(graph: ET.Element, eid: str, u: str, v: str, k: str, d: dict[str, Any]) -> None:
    """One deal (its id is ``k``) or relationship: its data, and a polyline edge in the
    picture's style."""
    edge = ET.SubElement(graph, "edge", {"id": eid, "source": clean_text(u), "target": clean_text(v)})
    money = d["edge"] == "money"
    if money:  # a relationship's key is its kind (already in d6)
        _data(edge, "d5", k)
    for key, value in (("d6", d["kind"]), ("d7", d["amount"]), ("d8", d["status"])):
        if value is not None:
            _data(edge, key, value)
    _data(edge, "d9", d["sources"])
    style = "dashed" if d["dashed"] else ("line" if money else "dotted")
    line = ET.SubElement(_data(edge, _EDGE_GRAPHICS, ""), "y:PolyLineEdge")
    ET.SubElement(line, "y:LineStyle", {"color": d["color"], "type": style, "width": f"{d['width']}"})
    ET.SubElement(line, "y:Arrows", {"source": "none", "target": "standard"})
    text = ET.SubElement(
        line,
        "y:EdgeLabel",
        {"alignment": "center", "fontFamily": "Dialog", "fontSize": "10", "textColor": "#000000"},
    )
    text.text = yed_label(f"{d['kind']} {d['amount_label']}" if money else d["kind"])
    ET.SubElement(line, "y:BendStyle", {"smoothed": "false"})


def _text_color(fill: str) -> str:
    """Black on a light fill, white on a dark one (by the fill's relative luminance)."""
    r, g, b = (int(fill[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return "#000000" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.55 else "#ffffff"


PLUGINS = (
    ExportFormat(
        "yed",
        render_yed,
        "application/graphml+xml",
        ".graphml",
        "GraphML styled for yEd: colours, shapes, dashed and loop edges, labels with amounts",
        options=VIEW_OPTIONS,
    ),
)
