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
    bad.write_text("@prefix dg: <https://w3id.org/dealgraph/ontology#> .\n"
                   "<https://w3id.org/dealgraph/id/deal/x> a dg:Deal .\n")
    with pytest.raises(DataError):
        kg.load(load_files([bad]))
    assert len(kg) == before
    kg.close()


def test_cli_load_and_query_the_store(tmp_path, mini_dir):
    spec = f"oxigraph:{tmp_path / 'store'}"
    out = subprocess.run([DEALGRAPH, "load", str(mini_dir), "--store", spec, "--json"],
                         capture_output=True, text=True, check=True)
    assert json.loads(out.stdout)["triples"] > 100
    stats = subprocess.run([DEALGRAPH, "stats", "--store", spec, "--json"],
                           capture_output=True, text=True, check=True)
    assert json.loads(stats.stdout)["deals"] == 3  # the mini data, not the bundled set


def _big_batch(path: Path, n: int) -> None:
    """A valid N-Triples batch of ``n`` source documents (no references to check)."""
    lines = []
    for i in range(n):
        s = f"<https://w3id.org/dealgraph/id/source/bulk-{i}.txt>"
        lines.append(f"{s} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
                     "<https://w3id.org/dealgraph/ontology#Source> .")
        lines.append(f'{s} <https://w3id.org/dealgraph/ontology#document> "bulk-{i}.txt" .')
        lines.append(f'{s} <https://w3id.org/dealgraph/ontology#title> "Bulk {i}" .')
    path.write_text("\n".join(lines) + "\n")


@pytest.mark.parametrize("delay", [0.5, 1.5, 3.0])
def test_load_killed_midway_leaves_all_or_nothing(tmp_path, mini_dir, delay):
    spec = f"oxigraph:{tmp_path / 'store'}"
    subprocess.run([DEALGRAPH, "load", str(mini_dir), "--store", spec], check=True,
                   capture_output=True)
    kg = KnowledgeGraph(spec)
    before = len(kg)
    kg.close()
    batch = tmp_path / "batch.nt"
    _big_batch(batch, 20_000)
    proc = subprocess.Popen([DEALGRAPH, "load", str(batch), "--store", spec],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    kg = KnowledgeGraph(spec)
    after = len(kg)
    kg.close()
    assert after in (before, before + 60_000)
