"""The yEd export: GraphML with the yFiles extensions, parsed back with an XML parser.

The styling is checked against the data, not against the code: the deal
``amazon-anthropic-investment-2026-milestone`` of ``data/sources/002_fce6943532eb5e8c.yaml``
has ``status: contingent`` ("Amazon could invest up to an additional $20 billion"), so its
edge is dashed; ``amazon-anthropic-investment-prior`` in the same file is ``completed``
($8 billion), so its edge is a plain line. Hostile names go through the way
``tests/graph/test_export_security.py`` sends them through every other export.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import networkx as nx
import pytest
from hypothesis import given

from dealgraph.graph.exports import entity_graph, export_graph, render, render_bytes
from dealgraph.graph.loops import vendor_financed_loops
from tests.graph.test_export_security import (
    LINK,
    PWN,
    drawn_names,
    examples,
    expected,
    load_kg,
    renamed,
)

G = "{http://graphml.graphdrawing.org/xmlns}"
Y = "{http://www.yworks.com/xml/graphml}"
ZWSP = "\u200b"


def parse(text: str) -> ET.Element:
    return ET.fromstring(text.encode("utf-8"))


def node_labels(root: ET.Element) -> dict[str, str]:
    """Node id -> the text of its y:NodeLabel (every node must have one y:ShapeNode)."""
    out = {}
    for node in root.iter(G + "node"):
        (shape,) = node.iter(Y + "ShapeNode")
        (label,) = shape.iter(Y + "NodeLabel")
        out[node.get("id")] = label.text or ""
    return out


def deal_edges(root: ET.Element) -> dict[str, ET.Element]:
    """Deal id -> its edge element (a relationship's edge carries no deal id)."""
    keys = {k.get("attr.name"): k.get("id") for k in root.iter(G + "key") if k.get("for") == "edge"}
    out = {}
    for edge in root.iter(G + "edge"):
        refs = [d.text for d in edge.iter(G + "data") if d.get("key") == keys["deal"]]
        if refs:
            (ref,) = refs
            out[ref] = edge
    return out


def line_style(edge: ET.Element) -> ET.Element:
    (line,) = edge.iter(Y + "PolyLineEdge")
    (style,) = line.iter(Y + "LineStyle")
    return style


def test_yfiles_namespace(kg):
    text = render(kg, "yed")
    prefixes = dict(ev[1] for ev in ET.iterparse(io.BytesIO(text.encode()), events=("start-ns",)))
    assert prefixes["y"] == Y.strip("{}") and prefixes[""] == G.strip("{}")
    assert render_bytes(kg, "yed") == text.encode("utf-8")
    root = parse(text)
    assert root.tag == G + "graphml"
    graphics = {k.get("for"): k.get("yfiles.type") for k in root.iter(G + "key") if k.get("yfiles.type")}
    assert graphics == {"node": "nodegraphics", "edge": "edgegraphics"}


def test_every_entity_is_a_labelled_shape_node(kg):
    g = entity_graph(kg)  # every entity, those without a deal too
    root = parse(render(kg, "yed"))
    labels = node_labels(root)
    assert set(labels) == set(g.nodes)
    names = {n: d["name"] for n, d in kg.nx().nodes(data=True)}
    assert labels == {n: names[n] for n in g.nodes}
    assert labels["aws"] == "Amazon Web Services"
    fills = {node.get("id"): next(node.iter(Y + "Fill")).get("color") for node in root.iter(G + "node")}
    assert fills["aws"] == "#ff9900"  # a cloud provider, as in every picture


def test_networkx_reads_the_yfiles_graphics(kg):
    """networkx's GraphML reader understands yEd's node and edge graphics: a second parser."""
    text = render(kg, "yed")
    back = nx.read_graphml(io.BytesIO(text.encode()), force_multigraph=True)
    g = entity_graph(kg)
    assert {n: d["label"] for n, d in back.nodes(data=True)} == {n: d["label"] for n, d in g.nodes(data=True)}
    assert back.number_of_edges() == g.number_of_edges()
    (milestone,) = [
        d for *_, d in back.edges(data=True) if d.get("deal") == "amazon-anthropic-investment-2026-milestone"
    ]
    assert milestone["status"] == "contingent" and milestone["amount"] == 20_000_000_000


def test_contingent_deal_is_dashed_and_loops_are_red(kg):
    root = parse(render(kg, "yed"))
    edges = deal_edges(root)
    g = export_graph(kg)
    assert len(list(root.iter(G + "edge"))) == g.number_of_edges()
    assert set(edges) == {k for *_, k, d in g.edges(keys=True, data=True) if d["edge"] == "money"}
    milestone = edges["amazon-anthropic-investment-2026-milestone"]
    assert (milestone.get("source"), milestone.get("target")) == ("amazon", "anthropic")
    assert line_style(milestone).get("type") == "dashed"
    (label,) = milestone.iter(Y + "EdgeLabel")
    assert label.text == "equity-investment up to $20B"  # 002: "up to an additional $20 billion"
    assert line_style(edges["amazon-anthropic-investment-prior"]).get("type") == "line"
    loop_deals = {d for lp in vendor_financed_loops(kg) for d in lp["deal_ids"]}
    assert loop_deals & set(edges)
    for ref, edge in edges.items():
        assert (line_style(edge).get("color") == "#d62728") == (ref in loop_deals), ref


def test_filters_are_the_export_graphs(kg):
    focus = node_labels(parse(render(kg, "yed", focus="spacex", depth=1)))
    assert set(focus) == {"spacex", "anthropic"}
    loops = deal_edges(parse(render(kg, "yed", loops_only=True)))
    assert set(loops) == {k for *_, k in export_graph(kg, loops_only=True).edges(keys=True)} != set()
    assert all(line_style(e).get("color") == "#d62728" for e in loops.values())


# -- hostile names ------------------------------------------------------------------------


#: the mini data set's entity without a deal: in the file too, under its own name
ISOLATED = {"chip-x": "Chip X"}


@pytest.fixture(scope="module")
def mini_kg(tmp_path_factory):
    kg = load_kg(tmp_path_factory.mktemp("mini"), {})
    yield kg
    kg.close()


def shown(name: str) -> str:
    """What the label must read: the display rule, and a zero-width space before a text
    that yEd would render as HTML."""
    text = expected(name)
    return ZWSP + text if text.lstrip()[:6].lower() == "<html>" else text


def check_names(kg, drawn: dict[str, str]) -> None:
    root = parse(render(kg, "yed"))  # well-formed XML whatever the names
    labels = node_labels(root)
    assert {n: labels[n] for n in drawn} == {n: shown(name) for n, name in drawn.items()}
    assert {n: v for n, v in labels.items() if n not in drawn} == ISOLATED
    allowed = {"ShapeNode", "Geometry", "Fill", "BorderStyle", "NodeLabel", "Shape"}
    allowed |= {"PolyLineEdge", "LineStyle", "Arrows", "EdgeLabel", "BendStyle"}
    assert {el.tag.removeprefix(Y) for el in root.iter() if el.tag.startswith(Y)} <= allowed
    assert len(list(root.iter(G + "node"))) == len(drawn) + len(ISOLATED)


def test_hostile_names_are_text(mini_kg):
    bad = {
        "lab-a": PWN,
        "lab-b": "<html><img src='http://example.invalid/x.png'>",
        "bigco": ' <HTML>"quoted" & &amp; ]]> <!-- \r\nline\x00\ud800\uffff',
        "bigco-cloud": LINK,
    }
    with renamed(mini_kg, bad):
        check_names(mini_kg, bad)
        assert node_labels(parse(render(mini_kg, "yed")))["lab-b"].startswith(ZWSP + "<html>")


@examples(40)
@given(drawn_names())
def test_any_name_is_text(mini_kg, drawn):
    with renamed(mini_kg, drawn):
        check_names(mini_kg, drawn)
