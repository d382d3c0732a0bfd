"""Graph exports: round trips through networkx readers, filters, the visual language."""

from __future__ import annotations

import html
import io
import json
import re
import shutil
from pathlib import Path

import networkx as nx
import pydot
import pytest
import yaml

from dealgraph.graph.exports import (
    GRAPH_FORMATS,
    ROLE_COLORS,
    entity_graph,
    export_graph,
    render,
    render_bytes,
)
from dealgraph.graph.registry import exports

DATA = Path(__file__).resolve().parents[2] / "data"
# the graph files: every format that takes connected_only (so holds every entity by default)
FILE_FORMATS = [f.name for f in exports() if "connected_only" in f.options]


def _data_entities() -> set[str]:
    """The entity ids of the bundled data set, read from data/entities.yaml itself."""
    return {e["id"] for e in yaml.safe_load((DATA / "entities.yaml").read_text())["entities"]}


def _nodes(kg, fmt: str, **options) -> set[str]:
    """The entity ids a format's output holds, read back by that format's own reader."""
    if fmt == "png":
        pytest.skip("a raster picture: its nodes cannot be read back (svg is checked)")
    if fmt == "svg" and shutil.which("dot") is None:
        pytest.skip("Graphviz is not installed")
    text = render_bytes(kg, fmt, **options).decode("utf-8")
    if fmt in ("graphml", "yed"):  # yEd's is GraphML with yFiles graphics
        return set(nx.read_graphml(io.BytesIO(text.encode()), force_multigraph=True).nodes)
    if fmt == "gexf":
        return set(nx.read_gexf(io.BytesIO(text.encode())).nodes)
    if fmt == "cytoscape":
        return {n["data"]["id"] for n in json.loads(text)["elements"]["nodes"]}
    if fmt == "d3":
        return {n["id"] for n in json.loads(text)["nodes"]}
    if fmt == "dot":
        (g,) = pydot.graph_from_dot_data(text)
        return {n.get_name().strip('"') for n in g.get_nodes() if n.get_name() not in ("node", "edge")}
    if fmt == "mermaid":  # one node line per entity, its label the entity's name
        names = re.findall(r'^    n\d+\["(.*)"\]$', text, flags=re.M)
        by_name = {d["name"]: n for n, d in kg.nx().nodes(data=True)}
        return {by_name[n] for n in names}
    if fmt == "ftm":  # one FtM entity a line; dealgraph's entities have ids dealgraph-entity-<id>
        ids = [json.loads(line)["id"] for line in text.splitlines()]
        return {i.removeprefix("dealgraph-entity-") for i in ids if i.startswith("dealgraph-entity-")}
    if fmt == "svg":  # Graphviz writes each node's id as the <title> of its group
        titles = re.findall(r'<g id="node\d+" class="node">\s*<title>([^<]*)</title>', text)
        return {html.unescape(t) for t in titles} - {"legend"}
    raise AssertionError(f"no reader for {fmt}: add one")


def _edges(g):
    return sorted((u, v, k) for u, v, k in g.edges(keys=True))


@pytest.fixture(scope="module")
def bundled():
    """The bundled data in memory (the formats' readers; every store: the tests below)."""
    from dealgraph import open_graph

    return open_graph()


@pytest.mark.parametrize("fmt", FILE_FORMATS)
def test_every_entity_in_every_graph_file(bundled, fmt):
    """A Gephi user gets every entity of the data set, the ones without any deal too;
    --connected-only drops exactly those."""
    entities = _data_entities()
    held = _nodes(bundled, fmt)
    assert len(held) == len(entities) and held == entities
    isolated = set(nx.isolates(entity_graph(bundled)))
    assert isolated and isolated < entities  # the data has entities no deal touches
    assert _nodes(bundled, fmt, connected_only=True) == entities - isolated


def test_every_store_holds_every_entity(kg):
    assert set(entity_graph(kg).nodes) == _data_entities()
    connected = entity_graph(kg, connected_only=True)
    assert set(connected.nodes) == _data_entities() - set(nx.isolates(entity_graph(kg)))
    assert not list(nx.isolates(connected))


def test_every_entity_styled_and_filters_pick_their_deals(kg):
    g = entity_graph(kg)
    assert g.nodes["trainium4"]["label"] == "Trainium4" and g.degree("trainium4") == 0
    assert g.nodes["trainium4"]["color"] == ROLE_COLORS["chip"]
    # the timelines keep every entity; filters that pick deals show those deals' entities
    assert set(entity_graph(kg, as_of="2000-01-01").nodes) == _data_entities()
    assert set(entity_graph(kg, focus="spacex")) == {"spacex", "anthropic"}
    assert set(entity_graph(kg, loops_only=True)) == set(export_graph(kg, loops_only=True))


def test_graphml_round_trip(kg):
    g = entity_graph(kg)
    back = nx.read_graphml(io.BytesIO(render(kg, "graphml").encode()), force_multigraph=True)
    assert sorted(back.nodes) == sorted(g.nodes)
    assert _edges(back) == _edges(g)
    assert back.nodes["aws"]["label"] == "Amazon Web Services"


def test_gexf_round_trip_with_viz(kg):
    g = entity_graph(kg)
    text = render(kg, "gexf")
    back = nx.read_gexf(io.BytesIO(text.encode()))
    assert sorted(back.nodes) == sorted(g.nodes)
    assert sorted((u, v, d["id"]) for u, v, d in back.edges(data=True)) == _edges(g)
    assert "viz:color" in text and "viz:size" in text and 'viz:shape value="dashed"' in text


def test_cytoscape_and_d3_json(kg):
    g = entity_graph(kg)
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


def test_connected_only_from_the_cli_and_the_api():
    """`dealgraph export d3 --connected-only` and GET /export/d3?connected_only=true."""
    from fastapi.testclient import TestClient
    from typer.testing import CliRunner

    from dealgraph import open_graph
    from dealgraph.api.main import create_app
    from dealgraph.cli.main import app

    kg = open_graph()
    isolated = set(nx.isolates(entity_graph(kg)))
    runner = CliRunner()
    every = json.loads(runner.invoke(app, ["export", "d3"]).stdout)
    connected = json.loads(runner.invoke(app, ["export", "d3", "--connected-only"]).stdout)
    assert {n["id"] for n in every["nodes"]} == _data_entities()
    assert {n["id"] for n in connected["nodes"]} == _data_entities() - isolated
    client = TestClient(create_app(kg))
    api_every = client.get("/export/d3").json()
    api_connected = client.get("/export/d3", params={"connected_only": True}).json()
    assert {n["id"] for n in api_every["nodes"]} == _data_entities()
    assert {n["id"] for n in api_connected["nodes"]} == _data_entities() - isolated
