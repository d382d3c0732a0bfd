"""REST endpoints on the mini data set (TestClient)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from dealgraph.api.main import create_app
from dealgraph.api.settings import Settings
from dealgraph.loaders import load_directory


@pytest.fixture
def client(mini_dir, empty_kg):
    kg = empty_kg
    kg.load(load_directory(mini_dir))
    return TestClient(create_app(kg, Settings(page_size=2)))


def test_search_is_case_insensitive_prefix_first_and_paginated(client):
    body = client.get("/entities", params={"q": "BCC"}).json()
    assert [i["id"] for i in body["items"]] == ["bigco-cloud"]
    prefix_first = client.get("/entities", params={"q": "lab"}).json()["items"]
    assert [i["id"] for i in prefix_first] == ["lab-a", "lab-b"]
    page1 = client.get("/entities").json()
    assert page1["total"] == 5 and len(page1["items"]) == 2
    page3 = client.get("/entities", params={"offset": 4}).json()
    assert len(page3["items"]) == 1


def test_entity_card_and_404_with_suggestions(client):
    assert client.get("/entities/lab-a").json()["name"] == "Lab A"
    r = client.get("/entities/lab-aa")
    assert r.status_code == 404 and r.json()["error"]["suggestions"] == ["lab-a", "lab-b"]


def test_relationship_filters(client):
    r = client.get("/entities/lab-a/relationships", params={"direction": "out"}).json()
    assert {(i["type"], i["counterparty"]) for i in r["items"]} == {
        ("deal", "bigco-cloud"),
        ("relationship", "lab-b"),
    }
    r = client.get("/entities/lab-a/relationships", params={"min_amount": 7e9}).json()
    assert [i["id"] for i in r["items"]] == ["bigco-lab-a-investment"]
    # knowledge time: on 2026-01-15 only doc-a (2026-01-10, $4B) was published
    r = client.get(
        "/entities/lab-a/relationships", params={"known_at": "2026-01-15", "kind": "compute-commitment"}
    ).json()
    assert r["items"][0]["amount"] == 4_000_000_000
    assert client.get("/entities/lab-a/relationships", params={"as_of": "tomorrow"}).status_code == 422


def test_between_deals_and_analytics(client):
    items = client.get("/between/bigco/lab-a").json()["items"]
    assert [i["id"] for i in items] == ["bigco-lab-a-investment"]
    deal = client.get("/deals/lab-a-bigco-cloud-compute").json()
    assert len(deal["amounts"]) == 2 and deal["conflict"] is True
    assert client.get("/deals/nope").status_code == 404
    assert client.get("/flows", params={"payer": "bigco"}).json()["total"] == 2
    assert client.get("/loops").json()[0]["ratio"] == 0.6
    assert client.get("/exposure/bigco").json()["two_sided"] is True
    assert [e["group"] for e in client.get("/exposure").json()] == ["bigco"]
    assert client.get("/trace/bigco", params={"depth": 1}).json()["hops"][0]["hop"] == 1
    assert client.get("/paths/bigco/bigco-cloud").json()[0]["length"] == 2
    assert client.get("/conflicts").json()[0]["id"] == "lab-a-bigco-cloud-compute"
    assert [s["document"] for s in client.get("/sources").json()] == ["doc-a.txt", "doc-b.txt"]
    assert client.get("/health").json()["status"] == "ok"


def test_errors_are_json_never_500(client):
    for url in (
        "/entities/UPPER",
        "/flows?kind=gift",
        "/trace/bigco?depth=99",
        "/nope",
        "/paths/a/b?mode=sideways",
    ):
        r = client.get(url)
        assert 400 <= r.status_code < 500, url
        assert "message" in r.json()["error"], url


def test_openapi_has_stable_operation_ids(client):
    spec = client.get("/openapi.json").json()
    ids = {op["operationId"] for path in spec["paths"].values() for op in path.values()}
    assert {
        "search_entities",
        "get_entity",
        "get_entity_relationships",
        "get_between",
        "get_deal",
        "list_flows",
        "trace_money",
        "get_exposure",
        "list_two_sided_bets",
        "list_loops",
        "list_paths",
        "list_conflicts",
        "list_sources",
        "health",
        "sparql_get",
        "sparql_post",
    } <= ids


def test_export_endpoint(client):
    r = client.get("/export/mermaid", params={"loops_only": True})
    assert r.status_code == 200 and r.text.startswith("flowchart LR")
    r = client.get("/export/graphml", params={"focus": "lab-a"})
    assert r.headers["content-type"].startswith("application/graphml+xml") and "Lab A" in r.text
    assert client.get("/export/turtle").headers["content-type"].startswith("text/turtle")
    assert client.get("/export/pdf").status_code == 422
    assert client.get("/export/d3", params={"focus": "nobody"}).status_code == 404
