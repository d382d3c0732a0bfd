"""RDF loader: Turtle, N-Triples and JSON-LD; syntax errors name file and line."""

from __future__ import annotations

import pytest

from dealgraph.graph import KnowledgeGraph
from dealgraph.loaders import load_directory, load_files
from dealgraph.ontology.errors import DataError


@pytest.mark.parametrize("fmt,suffix", [("turtle", ".ttl"), ("nt", ".nt"), ("json-ld", ".jsonld")])
def test_rdf_round_trip_through_each_format(mini_dir, tmp_path, fmt, suffix):
    original = load_directory(mini_dir).graph
    f = tmp_path / f"data{suffix}"
    f.write_text(original.serialize(format=fmt))
    kg = KnowledgeGraph()
    kg.load(load_files([f]))
    from rdflib.compare import isomorphic

    assert isomorphic(kg.rdf, original)
    assert kg.entity("lab-a")["name"] == "Lab A"


def test_turtle_syntax_error_names_line(tmp_path):
    f = tmp_path / "bad.ttl"
    f.write_text("@prefix dg: <https://w3id.org/dealgraph/ontology#> .\n\ndg:a dg:b .\n")
    with pytest.raises(DataError) as exc:
        load_files([f])
    [p] = exc.value.problems
    assert (p.file, p.line) == (str(f), 3) and "Turtle syntax" in p.message


def test_rdf_that_breaks_shapes_is_refused_by_the_graph(mini_dir, tmp_path):
    f = tmp_path / "bad.ttl"
    f.write_text(
        "@prefix dg: <https://w3id.org/dealgraph/ontology#> .\n"
        "<https://w3id.org/dealgraph/id/deal/x> a dg:Deal ; dg:kind dg:Acquisition .\n"
    )
    kg = KnowledgeGraph()
    kg.load(load_directory(mini_dir))
    before = set(kg.rdf)
    with pytest.raises(DataError) as exc:
        kg.load(load_files([f]))
    assert {p.field for p in exc.value.problems} >= {"payer", "payee", "evidence"}
    assert set(kg.rdf) == before


def test_remote_jsonld_context_is_not_fetched(tmp_path):
    f = tmp_path / "remote.jsonld"
    f.write_text('{"@context": "https://example.org/context.jsonld", "@id": "x"}')
    with pytest.raises(DataError) as exc:
        load_files([f])
    assert "remote @context" in str(exc.value)
