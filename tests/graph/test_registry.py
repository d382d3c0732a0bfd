"""Stores and export formats are named plugins: one registration, and the CLI's help, the
API's format enum and media types, and the lookups all see it."""

from __future__ import annotations

import csv
import io
import json
import tomllib
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from dealgraph.graph import registry
from dealgraph.graph.exports import export_graph, render, render_bytes
from dealgraph.graph.stores import MemoryStore, StoreBackend, open_store

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def render_edges_csv(kg, **filters) -> str:
    """A toy format: one CSV line per edge of the filtered export graph."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["source", "target", "kind"])
    for u, v, d in sorted(
        export_graph(kg, **filters).edges(data=True), key=lambda e: (e[0], e[1], e[2]["kind"])
    ):
        w.writerow([u, v, d["kind"]])
    return out.getvalue()


class ToyStore(MemoryStore):
    """A toy backend: the in-memory store under the scheme ``toy:``."""

    def __init__(self, spec: str) -> None:
        super().__init__()
        self.spec = spec


@pytest.fixture
def toy_export():
    fmt = registry.register_export("edges-csv", render_edges_csv, "text/csv", ".csv", "edges as CSV (a toy)")
    yield fmt
    registry.unregister("edges-csv")


@pytest.fixture
def toy_store():
    plugin = registry.register_store("toy", ToyStore, usage="toy:NAME", help="an in-memory toy")
    yield plugin
    registry.unregister("toy")


def test_toy_export_renders_through_the_lookups(toy_export, mini_dir):
    from dealgraph import open_graph

    kg = open_graph(mini_dir)
    text = render(kg, "edges-csv")
    assert text.splitlines()[0] == "source,target,kind"
    assert len(text.splitlines()) > 1
    assert (
        render_bytes(kg, "edges-csv", focus="bigco", as_of=None)
        == render(kg, "edges-csv", focus="bigco").encode()
    )
    assert "edges-csv" in registry.export_names()


def test_toy_export_is_in_the_cli_help_and_runs(toy_export, mini_dir, tmp_path):
    from dealgraph.cli.main import app

    assert "edges-csv" in runner.invoke(app, ["export", "--help"]).output
    out = tmp_path / "edges.csv"
    done = runner.invoke(app, ["export", "edges-csv", "--data", str(mini_dir), "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert out.read_text().startswith("source,target,kind")
    bad = runner.invoke(app, ["export", "pdf", "--data", str(mini_dir)])
    assert bad.exit_code == 2 and "edges-csv" in bad.output


def test_toy_export_is_in_the_api_enum_and_served(toy_export, mini_dir):
    from dealgraph import open_graph
    from dealgraph.api.main import create_app

    client = TestClient(create_app(open_graph(mini_dir)))
    op = client.get("/openapi.json").json()["paths"]["/export/{fmt}"]["get"]
    (param,) = [p for p in op["parameters"] if p["name"] == "fmt"]
    assert "edges-csv" in param["schema"]["enum"]
    assert set(param["schema"]["enum"]) == set(registry.export_names())
    assert "text/csv" in op["responses"]["200"]["content"]
    r = client.get("/export/edges-csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.text.startswith("source,target,kind")
    assert client.get("/export/pdf").status_code in (404, 422)


def test_media_types_come_from_the_registry(mini_dir):
    from dealgraph import open_graph
    from dealgraph.api.main import create_app

    client = TestClient(create_app(open_graph(mini_dir)))
    for name, media in (
        ("turtle", "text/turtle"),
        ("jsonld", "application/ld+json"),
        ("gexf", "application/xml"),
        ("mermaid", "text/plain"),
    ):
        assert registry.export_format(name).media_type == media
        assert client.get(f"/export/{name}").headers["content-type"].startswith(media)


def test_toy_store_is_in_the_help_and_opens(toy_store, mini_dir):
    from dealgraph.cli.main import app

    help_text = " ".join(runner.invoke(app, ["stats", "--help"]).output.replace("│", " ").split())
    assert "or toy:NAME (an in-memory toy)." in help_text
    assert "toy:NAME (an in-memory toy)" in registry.store_help()
    store = open_store("toy:x")
    assert isinstance(store, ToyStore) and store.spec == "toy:x"
    done = runner.invoke(app, ["stats", "--store", "toy:x", "--data", str(mini_dir), "--json"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["entities"] == 5


def test_unknown_names_list_what_is_registered(toy_store, toy_export):
    with pytest.raises(ValueError, match=r"use memory, oxigraph:PATH, .* or toy:NAME"):
        open_store("ftp://x")
    with pytest.raises(ValueError, match=r"choose from turtle, .*edges-csv"):
        render(None, "pdf")
    with pytest.raises(ValueError, match="oxigraph store needs a path"):
        open_store("oxigraph:")


def test_the_store_help_is_one_text():
    from dealgraph.graph import stores

    assert stores.STORE_HELP == registry.store_help()
    assert "oxigraph:PATH (persistent, on disk)" in stores.STORE_HELP
    assert "LAYOUT is oxigraph, fuseki, graphdb, virtuoso or neptune" in stores.STORE_HELP


def test_builtins_are_found_in_code_not_declared():
    """Built-ins come from the modules' PLUGINS, so a new one is one module; pyproject
    declares none of them (a declared copy would be a second list to keep equal)."""
    doc = tomllib.loads((ROOT / "pyproject.toml").read_text())
    declared = doc["project"].get("entry-points", {})
    for group in (registry.STORE_GROUP, registry.EXPORT_GROUP, registry.ANALYTIC_GROUP):
        assert not [v for v in declared.get(group, {}).values() if v.startswith("dealgraph.")]
    modules = registry.builtin_modules()
    assert modules[:3] == ["dealgraph.graph.stores", "dealgraph.graph.export_rdf", "dealgraph.graph.exports"]
    assert {p.name for p in registry.stores()} >= {"memory", "oxigraph", "http"}
    assert {"turtle", "graphml", "sankey"} <= set(registry.export_names())


def test_a_module_with_plugins_is_discovered(tmp_path, monkeypatch):
    """A module that defines PLUGINS in the package is found without being listed anywhere."""
    pkg = tmp_path / "toyplugins"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "zeta.py").write_text(
        "from dealgraph.graph.registry import ExportFormat\n"
        "PLUGINS = (ExportFormat('zeta-fmt', lambda kg, **o: 'z', 'text/plain', '.z'),)\n"
    )
    (pkg / "alpha.py").write_text("VALUE = 1  # no PLUGINS: not a plugin module\n")
    (pkg / "stores.py").write_text("PLUGINS = ()\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(registry, "_PACKAGE", "toyplugins")
    assert registry.builtin_modules() == ["toyplugins.stores", "toyplugins.zeta"]
    monkeypatch.setitem(registry._state, "loaded", False)
    monkeypatch.setattr(registry, "_exports", {})
    monkeypatch.setattr(registry, "_stores", {})
    monkeypatch.setattr(registry, "_analytics", {})
    assert registry.export_names() == ["zeta-fmt"]


class _FakeEntryPoint:
    def __init__(self, name: str, obj: object) -> None:
        self.name, self.value, self._obj = name, f"thirdparty.plugin:{name.upper()}", obj

    def load(self) -> object:
        if isinstance(self._obj, Exception):
            raise self._obj
        return self._obj


def test_third_party_entry_points_are_discovered_once(monkeypatch):
    toy_fmt = registry.ExportFormat("toy-ep", render_edges_csv, "text/csv", ".csv", "toy")
    toy_store = registry.StorePlugin("toyep", ToyStore, "toyep:NAME", "from an entry point")
    calls = []

    def fake_entry_points(group: str):
        calls.append(group)
        if group == registry.EXPORT_GROUP:
            return [
                _FakeEntryPoint("toy-ep", toy_fmt),
                _FakeEntryPoint("broken", ImportError("no module named thirdparty")),
            ]
        return [_FakeEntryPoint("toyep", toy_store), _FakeEntryPoint("notaplugin", object())]

    monkeypatch.setattr(registry, "entry_points", fake_entry_points)
    monkeypatch.setitem(registry._state, "loaded", False)
    try:
        with pytest.warns(RuntimeWarning) as warned:
            assert registry.export_format("toy-ep") is toy_fmt
        assert any("broken" in str(w.message) for w in warned)
        assert any("notaplugin" in str(w.message) for w in warned)
        assert isinstance(open_store("toyep:a"), ToyStore)
        registry.exports()
        assert sorted(calls) == sorted(
            [registry.ANALYTIC_GROUP, registry.EXPORT_GROUP, registry.STORE_GROUP]
        )  # once
        # the built-ins stay first, in their order
        assert [f.name for f in registry.exports()][:4] == ["turtle", "jsonld", "ntriples", "trig"]
        assert registry.export_names()[-1] == "toy-ep"
    finally:
        registry.unregister("toy-ep")
        registry.unregister("toyep")


def test_every_registered_store_is_a_store_backend(tmp_path):
    assert isinstance(open_store("memory"), StoreBackend)
    with pytest.raises(TypeError):
        StoreBackend()  # the contract: load, query and run_checked must be written
