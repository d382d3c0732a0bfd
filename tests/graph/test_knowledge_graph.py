"""KnowledgeGraph: atomic loads, projection, cards."""

from __future__ import annotations

import pytest

from dealgraph.graph import UnknownEntityError, entity_card, flows
from dealgraph.loaders import load_directory, load_files
from dealgraph.ontology.errors import DataError


def test_failed_load_leaves_graph_exactly_as_it_was(mini_dir, tmp_path, empty_kg):
    kg = empty_kg
    kg.load(load_directory(mini_dir))
    before = set(kg.rdf)
    projection_before = sorted(kg.nx().edges(keys=True))
    # a second batch: one good deal and one whose payee is missing -> whole batch refused
    f = tmp_path / "more.ttl"
    f.write_text("""@prefix dg: <https://w3id.org/dealgraph/ontology#> .
@prefix e: <https://w3id.org/dealgraph/id/entity/> .
<https://w3id.org/dealgraph/id/deal/ok> a dg:Deal ; dg:kind dg:Acquisition ;
    dg:payer e:bigco ; dg:payee e:lab-b ; dg:evidence <https://w3id.org/dealgraph/id/evidence/1> .
<https://w3id.org/dealgraph/id/evidence/1> a dg:Evidence ; dg:quote "BigCo buys Lab B" ;
    dg:source <https://w3id.org/dealgraph/id/source/doc-a.txt> .
<https://w3id.org/dealgraph/id/deal/bad> a dg:Deal ; dg:kind dg:Acquisition ;
    dg:payer e:bigco ; dg:payee e:nobody ; dg:evidence <https://w3id.org/dealgraph/id/evidence/1> .
""")
    with pytest.raises(DataError) as exc:
        kg.load(load_files([f]))
    assert any(p.field == "payee" for p in exc.value.problems)
    assert set(kg.rdf) == before
    assert sorted(kg.nx().edges(keys=True)) == projection_before


def test_successful_second_load_updates_projection(mini_dir, tmp_path, empty_kg):
    kg = empty_kg
    kg.load(load_directory(mini_dir))
    assert not kg.nx().has_edge("bigco", "lab-b", key="ok")
    f = tmp_path / "more.ttl"
    f.write_text("""@prefix dg: <https://w3id.org/dealgraph/ontology#> .
@prefix e: <https://w3id.org/dealgraph/id/entity/> .
<https://w3id.org/dealgraph/id/deal/ok> a dg:Deal ; dg:kind dg:Acquisition ;
    dg:payer e:bigco ; dg:payee e:lab-b ; dg:evidence <https://w3id.org/dealgraph/id/evidence/1> .
<https://w3id.org/dealgraph/id/evidence/1> a dg:Evidence ; dg:quote "BigCo buys Lab B" ;
    dg:source <https://w3id.org/dealgraph/id/source/doc-a.txt> .
""")
    assert kg.load(load_files([f], known_entities=kg.entity_ids())) > 0
    assert kg.nx().has_edge("bigco", "lab-b", key="ok")


def test_projection_nodes_edges_and_groups(mini_dir, empty_kg):
    kg = empty_kg
    kg.load(load_directory(mini_dir))
    g = kg.nx()
    assert g.nodes["bigco-cloud"]["group"] == "bigco"
    assert g.nodes["bigco"]["roles"] == ["cloud-provider", "investor"]
    edge = g.edges["lab-a", "bigco-cloud", "lab-a-bigco-cloud-compute"]
    assert (edge["edge"], edge["kind"], edge["status"]) == ("money", "compute-commitment", "committed")
    assert g.edges["bigco-cloud", "bigco", "subsidiary-of"]["edge"] == "structure"
    assert g.edges["lab-a", "lab-b", "competes-with"]["relationship"] == ("lab-a--competes-with--lab-b")


def test_as_of_hides_facts_not_yet_known(mini_dir, empty_kg):
    kg = empty_kg
    kg.load(load_directory(mini_dir))
    # doc-a (2026-01-10) reports $4B; doc-b (inferred 2026-03) reports $6B
    # knowledge time: what the documents published by each date said
    [before] = flows(kg, payer="lab-a", known_at="2026-02-01")
    [after] = flows(kg, payer="lab-a", known_at="2026-03-15")
    assert (before["amount"], before["conflict"]) == (4_000_000_000, False)
    assert (after["amount"], after["conflict"]) == (6_000_000_000, True)
    # valid time: the undated deal holds from doc-a (2026-01-10) with every amount claimed for it
    [valid] = flows(kg, payer="lab-a", as_of="2026-02-01")
    assert (valid["amount"], valid["conflict"]) == (6_000_000_000, True)
    assert flows(kg, payer="bigco", payee="lab-a", as_of="2026-01-04") == []
    with pytest.raises(ValueError):
        flows(kg, as_of="Jan 2026")


def test_entity_card_and_unknown_entity(mini_dir, empty_kg):
    kg = empty_kg
    kg.load(load_directory(mini_dir))
    card = entity_card(kg, "bigco-cloud")
    assert card["aliases"] == ["BCC"] and card["group_members"] == ["bigco", "bigco-cloud"]
    assert [d["id"] for d in card["deals"]] == ["lab-a-bigco-cloud-compute"]
    with pytest.raises(UnknownEntityError) as exc:
        entity_card(kg, "bigco-clod")
    assert exc.value.suggestions[0] == "bigco-cloud"


def test_rdf_exports_are_isomorphic(mini_dir, empty_kg):
    from rdflib import Dataset, Graph
    from rdflib.compare import isomorphic

    from dealgraph.graph.export_rdf import DATA_GRAPH

    kg = empty_kg
    kg.load(load_directory(mini_dir))
    graphs = {}
    for fmt, parse_as in (("turtle", "turtle"), ("ntriples", "nt"), ("jsonld", "json-ld")):
        graphs[fmt] = Graph().parse(data=kg.serialize(fmt), format=parse_as)
    ds = Dataset()
    ds.parse(data=kg.serialize("trig"), format="trig")
    graphs["trig"] = ds.graph(DATA_GRAPH)
    for fmt, g in graphs.items():
        if kg.store == "memory":
            assert isomorphic(g, kg.rdf), fmt
        else:  # Oxigraph writes decimals in canonical form (10000000000, not 10000000000.0)
            assert _by_value(g) == _by_value(kg.rdf), fmt


def _by_value(graph):
    from rdflib import BNode, Literal

    assert not any(isinstance(x, BNode) for t in graph for x in t)  # so sets compare graphs
    return {(s, p, (o.datatype, o.toPython()) if isinstance(o, Literal) else o) for s, p, o in graph}
