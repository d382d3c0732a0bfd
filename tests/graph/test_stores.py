"""The Oxigraph store: persistence, atomic loads, and a load killed mid-way."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dealgraph import open_graph
from dealgraph.graph import KnowledgeGraph
from dealgraph.graph.loops import vendor_financed_loops
from dealgraph.loaders import load_directory, load_files
from dealgraph.ontology.errors import DataError

pytest.importorskip("oxrdflib")

DEALGRAPH = str(Path(sys.executable).parent / "dealgraph")


def test_oxigraph_store_gives_the_same_answers_and_persists(tmp_path):
    spec = f"oxigraph:{tmp_path / 'store'}"
    kg = open_graph(store=spec)
    memory = open_graph()
    assert len(kg) == len(memory)
    assert vendor_financed_loops(kg) == vendor_financed_loops(memory)
    kg.close()
    again = KnowledgeGraph(spec)  # reopened from disk, nothing loaded
    assert len(again) == len(memory)
    assert again.entity("aws")["group"] == "amazon"
    again.close()


def test_failed_load_leaves_oxigraph_store_unchanged(tmp_path, mini_dir):
    spec = f"oxigraph:{tmp_path / 'store'}"
    kg = KnowledgeGraph(spec)
    kg.load(load_directory(mini_dir))
    before = len(kg)
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix dg: <https://w3id.org/dealgraph/ontology#> .\n"
        "<https://w3id.org/dealgraph/id/deal/x> a dg:Deal .\n"
    )
    with pytest.raises(DataError):
        kg.load(load_files([bad]))
    assert len(kg) == before
    kg.close()


def test_cli_load_and_query_the_store(tmp_path, mini_dir):
    spec = f"oxigraph:{tmp_path / 'store'}"
    out = subprocess.run(
        [DEALGRAPH, "load", str(mini_dir), "--store", spec, "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout)["triples"] > 100
    stats = subprocess.run(
        [DEALGRAPH, "stats", "--store", spec, "--json"], capture_output=True, text=True, check=True
    )
    assert json.loads(stats.stdout)["deals"] == 3  # the mini data, not the bundled set


def _big_batch(path: Path, n: int) -> None:
    """A valid N-Triples batch of ``n`` source documents (no references to check)."""
    lines = []
    for i in range(n):
        s = f"<https://w3id.org/dealgraph/id/source/bulk-{i}.txt>"
        lines.append(
            f"{s} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
            "<https://w3id.org/dealgraph/ontology#Source> ."
        )
        lines.append(f'{s} <https://w3id.org/dealgraph/ontology#document> "bulk-{i}.txt" .')
        lines.append(f'{s} <https://w3id.org/dealgraph/ontology#title> "Bulk {i}" .')
    path.write_text("\n".join(lines) + "\n")


@pytest.mark.parametrize("delay", [0.5, 1.5, 3.0])
def test_load_killed_midway_leaves_all_or_nothing(tmp_path, mini_dir, delay):
    spec = f"oxigraph:{tmp_path / 'store'}"
    subprocess.run([DEALGRAPH, "load", str(mini_dir), "--store", spec], check=True, capture_output=True)
    kg = KnowledgeGraph(spec)
    before = len(kg)
    kg.close()
    batch = tmp_path / "batch.nt"
    _big_batch(batch, 20_000)
    proc = subprocess.Popen(
        [DEALGRAPH, "load", str(batch), "--store", spec], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    time.sleep(delay)
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    kg = KnowledgeGraph(spec)
    after = len(kg)
    kg.close()
    assert after in (before, before + 60_000)


def test_unfinished_load_is_undone_when_the_store_is_next_opened(tmp_path, mini_dir):
    """The state a crash leaves (checkpoint taken, marker written, data half in) is undone."""
    from dealgraph.graph.stores import OxigraphStore

    spec = f"oxigraph:{tmp_path / 'store'}"
    kg = KnowledgeGraph(spec)
    kg.load(load_directory(mini_dir))
    before = len(kg)
    kg.close()
    store = OxigraphStore(str(tmp_path / "store"))
    store.inner.backup(str(store.checkpoint))
    store.marker.write_text("loading")
    batch = tmp_path / "half.nt"
    _big_batch(batch, 100)
    store.inner.bulk_load(path=str(batch))
    assert len(store.graph) == before + 300
    store.graph.close()
    del store
    again = KnowledgeGraph(spec)  # the crash is noticed and undone here
    assert len(again) == before
    assert not (tmp_path / "store.loading").exists()
    assert not (tmp_path / "store.checkpoint").exists()
    again.close()


def test_bulk_load_errors_name_file_and_line(tmp_path, mini_dir):
    kg = KnowledgeGraph(f"oxigraph:{tmp_path / 'store'}")
    kg.load(load_directory(mini_dir))
    before = len(kg)
    bad = tmp_path / "bad.nt"
    _big_batch(bad, 3)
    with bad.open("a") as fh:  # line 10: a deal with no payer, payee, kind or evidence
        fh.write(
            "<https://w3id.org/dealgraph/id/deal/x> "
            "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
            "<https://w3id.org/dealgraph/ontology#Deal> .\n"
        )
    with pytest.raises(DataError) as exc:
        kg.load(files=[bad])
    assert {(p.file, p.line) for p in exc.value.problems} == {(str(bad), 10)}
    assert {p.field for p in exc.value.problems} == {"payer", "payee", "kind", "evidence"}
    syntax = tmp_path / "syntax.nt"
    syntax.write_text('<https://x/a> <https://x/b> "ok" .\n<https://x/a> <https://x/b> "open .\n')
    with pytest.raises(DataError) as exc:
        kg.load(files=[syntax])
    [problem] = exc.value.problems
    assert (problem.file, problem.line) == (str(syntax), 2)
    assert len(kg) == before
    kg.close()


@pytest.mark.parametrize("store", ["memory", "oxigraph"])
def test_holds_at_least_agrees_with_the_count(tmp_path, store):
    """A store tells whether it holds n triples without counting them all; the answer is the
    count's, around the bundled data's own size, and an empty store is empty."""
    spec = "memory" if store == "memory" else f"oxigraph:{tmp_path / 's'}"
    empty = KnowledgeGraph(spec)
    assert empty.is_empty() and not empty._store.holds_at_least(1)
    empty.close()
    kg = open_graph(store=spec)
    n = len(kg)
    if store == "oxigraph":
        kg._store._count = None  # not the kept count: the store asked
    assert not kg.is_empty()
    assert [kg._store.holds_at_least(k) for k in (1, n - 1, n, n + 1)] == [True, True, True, False]
    kg.close()
