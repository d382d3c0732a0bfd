"""`dealgraph load` and `validate` on hostile input: one clear error, exit 1, store unchanged.

Issue 10 (security). Each test here failed before its fix.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from dealgraph.cli.main import app
from tests.conftest import STORES, _store_spec
from tests.loaders.listener import Listener, disguises

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def listener():
    lst = Listener()
    yield lst
    lst.close()


# -- 1. JSON-LD contexts are never fetched --------------------------------------------------


@pytest.mark.parametrize("command", ["load", "validate"])
def test_jsonld_contexts_from_elsewhere_are_refused(mini_dir, tmp_path, listener, command):
    ctx = tmp_path / "ctx.jsonld"
    ctx.write_text(json.dumps({"@context": {"name": "http://schema.org/name"}}))
    for case, text in disguises(listener.url, listener.port, str(ctx)).items():
        f = mini_dir / "hostile.jsonld"
        f.write_text(text)
        args = ["load", f] if command == "load" else ["validate", "--data", mini_dir]
        result = run(*args)
        assert result.exit_code == 1, (case, result.output)
        assert f"{f}:1: @" in result.output, (case, result.output)
        assert "never fetched" in result.output
        assert listener.connections == 0, case


# -- 2. named graphs do not skip the shape checks -------------------------------------------

BROKEN_DEAL = (
    "<https://w3id.org/dealgraph/id/deal/x> "
    "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
    "<https://w3id.org/dealgraph/ontology#Deal>"
)
NOBODY = (
    "<https://w3id.org/dealgraph/id/deal/x> <https://w3id.org/dealgraph/ontology#payee> "
    "<https://w3id.org/dealgraph/id/entity/nobody>"
)
QUADS = {
    ".nq": f"{BROKEN_DEAL} <urn:g> .\n{NOBODY} <urn:g> .\n",
    ".trig": (
        "@prefix dg: <https://w3id.org/dealgraph/ontology#> .\n@prefix ex: <urn:> .\n\n"
        f"ex:g {{\n  {BROKEN_DEAL} .\n  {NOBODY} .\n}}\n"
    ),
}


@pytest.fixture(params=STORES)
def store(request, oxigraph_servers, tmp_path, mini_dir):
    """A store spec holding the mini data set (the memory store is empty in each process)."""
    spec = _store_spec(request.param, oxigraph_servers, tmp_path, "cli-load-errors")
    if spec != "memory":
        assert run("load", mini_dir, "--store", spec).exit_code == 0
    return spec


def _count(spec: str) -> tuple[int, set]:
    from dealgraph.graph import KnowledgeGraph

    kg = KnowledgeGraph(spec)
    try:
        return len(kg), {tuple(map(str, t)) for t in kg.rdf}
    finally:
        kg.close()


@pytest.mark.parametrize("suffix", sorted(QUADS))
def test_a_named_graph_is_refused_with_file_line_and_graph(store, tmp_path, suffix):
    f = tmp_path / f"hidden{suffix}"
    f.write_text(QUADS[suffix])
    before = _count(store)
    result = run("load", f, "--store", store)
    assert result.exit_code == 1, result.output
    line = 1 if suffix == ".nq" else 4
    assert f"{f}:{line}: graph: named graph <urn:g>" in result.output
    assert _count(store) == before


def test_a_named_graph_is_refused_through_the_python_api(empty_kg, tmp_path):
    from dealgraph.ontology.errors import DataError

    f = tmp_path / "hidden.nq"
    f.write_text(QUADS[".nq"])
    with pytest.raises(DataError) as exc:
        empty_kg.load(files=[f])
    [p] = exc.value.problems
    assert (p.file, p.line, p.field) == (str(f), 1, "graph")
    assert len(empty_kg) == 0


def test_our_own_trig_export_loads_and_with_the_ontology_is_refused(store, mini_dir, tmp_path):
    out = tmp_path / "export.trig"
    assert run("export", "trig", "--data", mini_dir, "-o", out).exit_code == 0
    fresh = store if store == "memory" else store + ("-2" if store.startswith("oxigraph") else "")
    if store.startswith("http"):  # the remote server holds the mini data set already
        result = run("load", out, "--store", store)
        assert result.exit_code == 0, result.output
        assert "loaded 0 new triples" in result.output
    else:
        result = run("load", out, "--store", fresh, "--json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["added"] == _mini_triples(mini_dir)
    with_ontology = tmp_path / "export-ontology.trig"
    assert run("export", "trig", "--with-ontology", "--data", mini_dir, "-o", with_ontology).exit_code == 0
    result = run("load", with_ontology, "--store", store)
    assert result.exit_code == 1
    assert "graph/ontology> holds the ontology" in result.output


def _mini_triples(mini_dir) -> int:
    from dealgraph.loaders import load_directory

    return len(load_directory(mini_dir).graph)


# -- 3. absurd amounts: refused in RDF files too; the CLI's JSON is strict -------------------


def _mini_with_amount(mini_dir, lexical: str) -> str:
    from dealgraph.loaders import load_directory

    text = load_directory(mini_dir).graph.serialize(format="nt")
    old = '"10000000000.0"^^<http://www.w3.org/2001/XMLSchema#decimal>'
    assert old in text
    return text.replace(old, f'"{lexical}"^^<http://www.w3.org/2001/XMLSchema#decimal>')


@pytest.mark.parametrize("lexical", ["1e400", "1" + "0" * 400, "INF", "-5.0"])
def test_an_absurd_amount_in_an_rdf_file_is_refused(store, mini_dir, tmp_path, lexical):
    f = tmp_path / "absurd.nt"
    f.write_text(_mini_with_amount(mini_dir, lexical))
    before = _count(store)
    result = run("load", f, "--store", store)
    assert result.exit_code == 1, result.output
    lines = f.read_text().splitlines()
    node = next(x.split()[0] for x in lines if f'"{lexical}"' in x)
    line = next(i for i, x in enumerate(lines, 1) if node in x)  # the first to name the node
    assert f"{f}:{line}: value: " in result.output, result.output
    assert "10^15" in result.output
    assert _count(store) == before


def test_the_cli_never_prints_infinity_or_nan(capsys):
    import typer

    from dealgraph.cli.output import print_json

    with pytest.raises(typer.Exit) as exc:
        print_json({"amount": float("inf"), "ratio": float("nan")})
    assert exc.value.exit_code == 1
    captured = capsys.readouterr()
    assert "Infinity" not in captured.out and "NaN" not in captured.out
    assert "not a finite number" in captured.err


def test_a_yaml_amount_of_1e400_is_refused_not_printed_as_infinity(mini_dir):
    f = mini_dir / "sources" / "doc-a.yaml"
    f.write_text(f.read_text().replace("{value: 10_000_000_000,", "{value: 1e400,"))
    result = run("flows", "--data", mini_dir, "--json")
    assert result.exit_code == 1
    assert "Infinity" not in result.output
    assert f"{f}:14: deals[0].amounts[0].value: 1.000E+400 is above the ceiling" in result.output


# -- 4. an impossible YAML date: file, line and field from validate and load ----------------


@pytest.mark.parametrize("command", ["validate", "load"])
def test_an_impossible_yaml_date_is_one_clear_error(mini_dir, command):
    f = mini_dir / "sources" / "doc-a.yaml"
    f.write_text(f.read_text().replace("published: 2026-01-10", "published: 2026-02-30"))
    args = ["validate", "--data", mini_dir] if command == "validate" else ["load", mini_dir]
    result = run(*args)
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert f"{f}:5: source.published: " in result.output
    assert "2026-02-30" in result.output


# -- 5. a store held by another process, a full disk: one line, exit 1, store unchanged ------


@pytest.fixture
def oxigraph_store(tmp_path, mini_dir):
    pytest.importorskip("pyoxigraph")
    spec = f"oxigraph:{tmp_path / 'store'}"
    assert run("load", mini_dir, "--store", spec).exit_code == 0
    return spec


@pytest.fixture
def holder(oxigraph_store):
    """A second process holding the store open (as `oxigraph serve` would)."""
    import subprocess
    import sys

    path = oxigraph_store.removeprefix("oxigraph:")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time, pyoxigraph\n"
            f"s = pyoxigraph.Store({path!r})\n"
            "print('ready', flush=True)\n"
            "time.sleep(120)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().strip() == "ready"
    yield proc
    proc.kill()
    proc.wait(10)


def _one_line_error(result) -> str:
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = [x for x in result.output.splitlines() if x.strip()]
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    return lines[0]


def _store_files(spec: str) -> dict:
    from pathlib import Path

    root = Path(spec.removeprefix("oxigraph:"))
    return {p.name: p.stat().st_size for p in root.parent.iterdir()}


@pytest.mark.parametrize("command", ["load", "validate"])
def test_a_store_held_by_another_process(oxigraph_store, holder, mini_dir, tmp_path, command):
    before = _store_files(oxigraph_store)
    args = ["load", mini_dir] if command == "load" else ["validate"]
    line = _one_line_error(run(*args, "--store", oxigraph_store))
    assert "in use by another process" in line and oxigraph_store.removeprefix("oxigraph:") in line
    assert _store_files(oxigraph_store) == before
    holder.kill()
    holder.wait(10)
    assert _count(oxigraph_store)[0] == _mini_triples(mini_dir)


def test_a_load_in_progress_elsewhere_is_not_undone(oxigraph_store, holder, mini_dir):
    """A marker left by a load that another process is running must not trigger recovery."""
    import shutil
    from pathlib import Path

    path = Path(oxigraph_store.removeprefix("oxigraph:"))
    marker = path.with_name(path.name + ".loading")
    checkpoint = path.with_name(path.name + ".checkpoint")
    shutil.copytree(path, checkpoint, ignore=shutil.ignore_patterns("LOCK"))
    marker.write_text("a load is in progress\n")
    line = _one_line_error(run("load", mini_dir, "--store", oxigraph_store))
    assert "in use by another process" in line
    assert marker.exists() and checkpoint.exists() and (path / "CURRENT").exists()


def _enospc(*args, **kwargs):
    import errno

    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_during_the_load(oxigraph_store, mini_dir, tmp_path, monkeypatch):
    from dealgraph.graph.stores import OxigraphStore

    fill = OxigraphStore._fill_and_check

    def fill_then_fail(self, *args):
        fill(self, *args)  # the data went in: the checkpoint must bring the store back
        _enospc()

    monkeypatch.setattr(OxigraphStore, "_fill_and_check", fill_then_fail)
    before = _count(oxigraph_store)
    extra = tmp_path / "extra.nt"
    extra.write_text("<urn:a> <urn:b> <urn:c> .\n")
    line = _one_line_error(run("load", extra, "--store", oxigraph_store))
    assert "No space left on device" in line and "nothing was loaded" in line
    assert _count(oxigraph_store) == before


def test_a_full_disk_while_taking_the_checkpoint(oxigraph_store, tmp_path, monkeypatch):
    from pathlib import Path

    from dealgraph.graph.stores import OxigraphStore

    real = OxigraphStore.inner

    class Inner:
        def __init__(self, store):
            self._store = store

        def __getattr__(self, name):
            return getattr(self._store, name)

        def __len__(self):
            return len(self._store)

        def backup(self, path):
            Path(path).mkdir()
            (Path(path) / "partial.sst").write_text("half a checkpoint")
            _enospc()

    monkeypatch.setattr(OxigraphStore, "inner", property(lambda self: Inner(real.fget(self))))
    before = _count(oxigraph_store)
    extra = tmp_path / "extra.nt"
    extra.write_text("<urn:a> <urn:b> <urn:c> .\n")
    line = _one_line_error(run("load", extra, "--store", oxigraph_store))
    assert "No space left on device" in line
    path = Path(oxigraph_store.removeprefix("oxigraph:"))
    assert not path.with_name(path.name + ".checkpoint").exists()
    monkeypatch.undo()
    assert _count(oxigraph_store) == before


def test_a_full_disk_writing_the_batch(mini_dir, tmp_path, monkeypatch, oxigraph_store):
    import dealgraph.cli.main

    monkeypatch.setattr(dealgraph.cli.main, "write_ntriples", _enospc)
    before = _count(oxigraph_store)
    f = mini_dir / "sources" / "doc-b.yaml"
    line = _one_line_error(run("load", f, "--store", oxigraph_store))
    assert "No space left on device" in line
    assert _count(oxigraph_store) == before


def test_an_unreachable_remote_store(mini_dir):
    from tests.conftest import _free_port

    line = _one_line_error(run("load", mini_dir, "--store", f"http://127.0.0.1:{_free_port()}"))
    assert "Connection refused" in line


# -- found by the property tests ------------------------------------------------------------


def test_a_multiline_note_loads_through_the_bulk_path(oxigraph_store, mini_dir):
    """rdflib writes such a literal as a Turtle long string, which N-Triples does not allow."""
    f = mini_dir / "sources" / "doc-b.yaml"
    f.write_text(
        f.read_text().replace(
            '  - quote: "up to $2 billion in Lab B"\n',
            '  - quote: "up to $2 billion in Lab B"\n    note: "first line\\nsecond line\\r\\nthird"\n',
        )
    )
    result = run("load", mini_dir, "--store", oxigraph_store, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["added"] == 1


@pytest.mark.parametrize("suffix", [".nt", ".nq"])
def test_a_syntax_error_names_its_line_on_every_store(store, tmp_path, suffix):
    f = tmp_path / f"bad{suffix}"
    f.write_text("<urn:a> <urn:b> <urn:c> .\n<urn:a> <urn:b> <urn:d> .\n<urn:a> <urn:b .\n")
    result = run("load", f, "--store", store)
    assert result.exit_code == 1, result.output
    assert f"{f}:3: " in result.output, result.output
