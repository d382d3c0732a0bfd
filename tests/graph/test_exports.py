"""Graph exports: round trips through networkx readers, filters, the visual language."""

from __future__ import annotations

import io
import json

import networkx as nx
import pytest

from dealgraph.graph.exports import GRAPH_FORMATS, ROLE_COLORS, export_graph, render


def _edges(g):
    return sorted((u, v, k) for u, v, k in g.edges(keys=True))


def test_graphml_round_trip(kg):
    g = export_graph(kg)
    back = nx.read_graphml(io.BytesIO(render(kg, "graphml").encode()), force_multigraph=True)
    assert sorted(back.nodes) == sorted(g.nodes)
    assert _edges(back) == _edges(g)
    assert back.nodes["aws"]["label"] == "Amazon Web Services"


def test_gexf_round_trip_with_viz(kg):
    g = export_graph(kg)
    text = render(kg, "gexf")
    back = nx.read_gexf(io.BytesIO(text.encode()))
    assert sorted(back.nodes) == sorted(g.nodes)
    assert sorted((u, v, d["id"]) for u, v, d in back.edges(data=True)) == _edges(g)
    assert "viz:color" in text and "viz:size" in text and 'viz:shape value="dashed"' in text


def test_cytoscape_and_d3_json(kg):
    g = export_graph(kg)
    cy = nx.cytoscape_graph(json.loads(render(kg, "cytoscape")))
    assert sorted(cy.nodes) == sorted(g.nodes)
    d3 = json.loads(render(kg, "d3"))
    assert len(d3["links"]) == g.number_of_edges()
    assert {n["id"] for n in d3["nodes"]} == set(g.nodes)


def test_dot_and_mermaid(kg):
    dot = render(kg, "dot", loops_only=True)
    assert dot.startswith(("strict digraph", "digraph")) and "style=dashed" in dot
    mer = render(kg, "mermaid", loops_only=True)
    assert mer.startswith("flowchart LR") and "-.->" in mer and "classDef ai_lab" in mer


def test_filters(kg):
    focus = export_graph(kg, focus="spacex", depth=1)
    assert set(focus.nodes) == {"spacex", "anthropic"}
    inv = export_graph(kg, kind="equity-investment")
    assert {d["kind"] for *_, d in inv.edges(data=True)} == {"equity-investment"}
    loops = export_graph(kg, loops_only=True)
    assert all(d["in_loop"] for *_, d in loops.edges(data=True))
    early = export_graph(kg, as_of="2025-12-01")
    assert not early.has_edge("amazon", "openai")


def test_visual_language(kg):
    g = export_graph(kg)
    assert g.nodes["anthropic"]["color"] == ROLE_COLORS["ai-lab"]
    contingent = g.edges["amazon", "anthropic", "amazon-anthropic-investment-2026-milestone"]
    assert contingent["dashed"] is True
    big = g.edges["openai", "microsoft", "openai-microsoft-compute"]["width"]
    small = g.edges["amazon", "anthropic", "amazon-anthropic-investment-2026-initial"]["width"]
    assert big > small
    assert g.nodes["openai"]["size"] > g.nodes["tsmc"]["size"]


def test_unknown_format():
    with pytest.raises(ValueError):
        render(None, "pdf")
    assert "mermaid" in GRAPH_FORMATS


def test_every_role_and_entity_type_has_a_colour():
    """The colours name exactly the vocabulary's roles and entity types (ontology.vocab)."""
    from dealgraph.ontology.vocab import ENTITY_TYPES, ROLES

    assert set(ROLE_COLORS) == set(ROLES) | set(ENTITY_TYPES)
