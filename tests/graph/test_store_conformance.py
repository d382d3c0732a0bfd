"""Every registered store keeps the :class:`StoreBackend` contract.

Parametrized over the registry: each registered store that can run here (rdflib in memory,
Oxigraph on disk, a real ``oxigraph serve``, that server's query endpoint read only) gets the
same checks; a registered store with no way to run it here is reported as skipped, never
silently left out. A store that declares ``read_only`` skips the checks of its own loads
(it must refuse them instead); its data is written through a writable store over the same
server (:data:`RUNNABLE` names both).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rdflib import RDF, RDFS, Graph, URIRef

from dealgraph.graph import registry
from dealgraph.graph.parsing import parse_query
from dealgraph.graph.stores import StoreBackend, open_store
from dealgraph.ontology.errors import DataError
from dealgraph.ontology.namespace import DG, ID, bind_prefixes

INIT_NS = dict(bind_prefixes(Graph()).namespaces())  # as the KnowledgeGraph passes them
# how to open each built-in store here (a plugin added later adds a line): its spec, or for a
# read-only store (its spec, the spec of a writable store over the same data)
RUNNABLE: dict[str, Callable[[Any, Path], str | tuple[str, str]]] = {
    "memory": lambda servers, tmp: "memory",
    "oxigraph": lambda servers, tmp: pytest.importorskip("pyoxigraph") and f"oxigraph:{tmp / 'store'}",
    "http": lambda servers, tmp: servers.clear("conformance"),
    "sparql": lambda servers, tmp: (
        f"sparql:{servers.clear('conformance')}/query",
        servers.url("conformance"),
    ),
}


def _registered() -> list[str]:
    return [p.name for p in registry.stores() if p.factory.__module__.startswith("dealgraph.")]


@pytest.fixture(params=_registered())
def opened(request, oxigraph_servers, tmp_path):
    """(the store, the spec of a store that writes its data: its own, unless read only)"""
    make = RUNNABLE.get(request.param)
    if make is None:
        pytest.skip(f"no way to run the {request.param!r} store here: add it to RUNNABLE")
    made = make(oxigraph_servers, tmp_path)
    spec, writer = made if isinstance(made, tuple) else (made, made)
    s = open_store(spec)
    yield s, writer
    s.close()


@pytest.fixture
def store(opened):
    return opened[0]


@pytest.fixture
def writable(store):
    if store.read_only:
        pytest.skip(f"{store.spec} is read only: its loads are refused (test_read_only_refuses_writes)")
    return store


@pytest.fixture
def fill(opened):
    """Load a graph into the store (through its writer, for a read-only store)."""
    store, writer = opened

    def load(graph: Graph) -> None:
        if not store.read_only:
            assert store.load(graph).conforms
            return
        other = open_store(writer)
        try:
            assert other.load(graph).conforms
        finally:
            other.close()

    return load


@pytest.fixture(scope="module")
def valid():
    from dealgraph import bundled_data_dir
    from dealgraph.loaders import load_directory

    return load_directory(bundled_data_dir()).graph


def _invalid() -> Graph:
    g = Graph()
    g.add((URIRef(f"{ID}deal/conformance-no-payer"), RDF.type, DG.Deal))
    return g


def _labels(store: StoreBackend) -> set:
    return {str(r[0]) for r in store.query("SELECT ?l WHERE { ?s rdfs:label ?l }", INIT_NS)}


def test_registry_lists_the_built_in_stores():
    assert {"memory", "oxigraph", "http"} <= set(_registered())


def test_is_a_store_backend_named_by_its_spec(store):
    assert isinstance(store, StoreBackend)
    assert store.spec
    assert store.count() == 0
    assert len(store.graph) == 0


def test_a_valid_load_adds_the_data(writable, valid):
    store = writable
    report = store.load(valid)
    assert report.conforms
    assert store.count() == len(valid)
    assert "Anthropic" in _labels(store)


def test_a_valid_file_load_adds_the_data(writable, valid, tmp_path):
    store = writable
    f = tmp_path / "data.nt"
    valid.serialize(str(f), format="nt", encoding="utf-8")
    assert store.load(Graph(), [f]).conforms
    assert store.count() == len(valid)


def test_an_invalid_load_changes_nothing(writable, valid, tmp_path):
    store = writable
    assert store.load(valid).conforms
    before, labels = store.count(), _labels(store)
    report = store.load(_invalid())
    assert not report.conforms and report.violations
    assert store.count() == before and _labels(store) == labels
    bad = tmp_path / "bad.nt"
    bad.write_text(f"<{ID}deal/x> <{RDF.type}> <{DG.Deal}> .\n<{ID}deal/y> broken\n")
    try:
        report = store.load(Graph(), [bad])
        assert not report.conforms
    except DataError as exc:  # a file the store cannot read: named in the error
        assert any("bad.nt" in str(p) for p in exc.problems)
    except Exception as exc:  # noqa: BLE001
        # the in-memory store lets rdflib's parse error through (its load is not a DataError
        # yet); the store is unchanged all the same
        assert store.spec == "memory", exc
    assert store.count() == before and _labels(store) == labels


def test_read_only_refuses_writes(store, fill, valid, tmp_path):
    if not store.read_only:
        pytest.skip(f"{store.spec} is writable (its loads are checked above)")
    fill(valid)
    before, labels = store.count(), _labels(store)
    f = tmp_path / "data.nt"
    f.write_text(f'<{ID}entity/x> <{RDFS.label}> "X" .\n')
    for attempt in (lambda: store.load(valid), lambda: store.load(Graph(), [f])):
        with pytest.raises(PermissionError, match="read-only"):
            attempt()
    assert store.count() == before == len(valid) and _labels(store) == labels


def test_query_with_bindings_and_forms(store, fill, valid):
    fill(valid)
    aws = URIRef(f"{ID}entity/aws")
    # (a bound variable must be projected: Oxigraph substitutes only those)
    rows = list(store.query("SELECT ?s ?l WHERE { ?s rdfs:label ?l }", INIT_NS, {"s": aws}))
    assert [str(r[1]) for r in rows] == ["Amazon Web Services"]
    assert store.query("ASK { ?s a dg:Deal }", INIT_NS).askAnswer is True
    built = store.query("CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s rdfs:label ?l }", INIT_NS)
    # (Oxigraph writes the xsd:string datatype out; rdflib leaves it implicit)
    assert (aws, RDFS.label, "Amazon Web Services") in {(s, p, str(o)) for s, p, o in built}


def test_run_checked_runs_the_judged_query(store, fill, valid):
    fill(valid)
    text = "SELECT (COUNT(*) AS ?n) WHERE { ?s a dg:Deal }"
    result = store.run_checked(text, parse_query(f"PREFIX dg: <{DG}>\n{text}"), INIT_NS, "SELECT")
    (row,) = list(result)
    assert int(row[0]) > 0


def test_optional_capabilities(store, fill, valid):
    fill(valid)
    native = getattr(store, "native_select", None)
    if native is not None:
        names, solutions = native("SELECT ?s WHERE { ?s a dg:Deal } LIMIT 2", {"dg": str(DG)})
        assert names == ["s"] and len(list(solutions)) == 2
    opener = getattr(store, "query_connection", None)
    if opener is not None:
        conn = opener(30)
        text = "ASK { ?s a dg:Deal }"
        result = store.run_checked(
            text, parse_query(f"PREFIX dg: <{DG}>\n{text}"), INIT_NS, "ASK", connection=conn
        )
        conn.close()
        assert result.askAnswer is True
    if native is None and opener is None:
        pytest.skip(f"{store.spec}: no optional capability")


def test_close_releases_the_store(store, fill, valid):
    fill(valid)
    n = store.count()
    store.close()
    store.close()  # harmless
    again = open_store(store.spec)
    try:
        assert again.count() in (0, n)  # memory starts empty; persistent stores keep it
        if store.spec != "memory":
            assert again.count() == n
    finally:
        again.close()


def test_remote_loads_go_over_one_httpx_client_with_timeouts(oxigraph_servers, tmp_path, valid):
    pytest.importorskip("httpx")
    from dealgraph.graph.stores import HTTP_CONNECT_TIMEOUT, RemoteStore

    store = open_store(oxigraph_servers.clear("conformance"))
    assert isinstance(store, RemoteStore)
    sent = []
    client = store.http
    client.event_hooks["request"].append(lambda request: sent.append(request.url.path))
    assert client.timeout.connect == HTTP_CONNECT_TIMEOUT and client.timeout.read >= 60
    assert store.load(valid).conforms
    assert not store.load(_invalid()).conforms
    assert store.http is client  # reused: one client (and its kept-alive connections)
    assert {"/store", "/update"} <= set(sent)
    store.close()
    assert client.is_closed


def test_remote_refusal_and_unreachable_server_are_os_errors(oxigraph_servers, tmp_path):
    import urllib.error

    store = open_store(oxigraph_servers.clear("conformance"))
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle\n")
    with pytest.raises(DataError, match="the store refused it"):
        store.load(Graph(), [bad])
    with pytest.raises(urllib.error.HTTPError) as refused:
        store.update("NOT AN UPDATE")
    assert refused.value.code == 400
    store.close()
    gone = open_store("http://127.0.0.1:9")  # nothing listens on the discard port
    with pytest.raises(urllib.error.URLError):
        gone.update("CLEAR DEFAULT")
    gone.close()
