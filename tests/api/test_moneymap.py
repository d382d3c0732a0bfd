"""GET /map: the money map the explorer opens on, in the OpenAPI document like every route."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from dealgraph import open_graph
from dealgraph.api.main import create_app
from dealgraph.api.settings import Settings


@pytest.fixture(scope="module")
def client():
    return TestClient(create_app(open_graph(), Settings()))


def test_map_holds_every_entity_and_groups(client):
    body = client.get("/map").json()
    assert body["total_entities"] == body["shown_entities"] == len(body["nodes"])
    nodes = {n["id"]: n for n in body["nodes"]}
    assert nodes["aws"]["parent"] == "amazon" and nodes["amazon"]["is_group"] is True
    edges = {e["deal"]: e for e in body["edges"]}
    # data/sources/001: "Amazon invested $8 billion in Anthropic"
    assert edges["amazon-anthropic-investment-prior"]["amount_text"] == "$8B"
    assert body["valid_dates"] == sorted(body["valid_dates"])


def test_map_on_the_timelines(client):
    everything = client.get("/map").json()["edges"]
    early = client.get("/map", params={"as_of": "2025-12-31"}).json()["edges"]
    assert 0 < len(early) < len(everything)
    assert all(e["valid_from"] <= "2025-12-31" for e in early)
    known = client.get("/map", params={"known_at": "2025-12-01"}).json()["edges"]
    assert "amazon-openai-investment-2026" not in {e["deal"] for e in known}  # 000: 2026-04-14


def test_map_refuses_bad_parameters(client):
    assert client.get("/map", params={"as_of": "2025-13-01"}).status_code == 422
    assert client.get("/map", params={"top": 0}).status_code == 422


def test_map_is_in_the_openapi_document(client):
    op = client.get("/openapi.json").json()["paths"]["/map"]["get"]
    assert op["operationId"] == "get_money_map" and op["summary"]
    schema = op["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["$ref"].endswith("/MoneyMap")
    assert {p["name"] for p in op["parameters"]} == {"as_of", "known_at", "top"}


def test_a_large_store_computes_the_map_in_the_background(monkeypatch):
    """On a large store the server answers at once and computes the default map beside it; the
    first GET /map is then answered from that computation, not a second one."""
    from dealgraph.api.routers import moneymap as route
    from dealgraph.graph import knowledge_graph

    kg = open_graph()
    monkeypatch.setattr(knowledge_graph, "SMALL", 10)  # the bundled data counts as large
    started = []
    real_warm = route.warm_map
    monkeypatch.setattr(route, "warm_map", lambda g: started.append(real_warm(g)) or started[-1])
    client = TestClient(create_app(kg, Settings()))
    assert kg.is_small() is False and len(started) == 1
    started[0].join(60)
    calls = []
    monkeypatch.setattr(route, "money_map", lambda *a: calls.append(a))  # a second computation
    body = client.get("/map").json()
    assert calls == [] and body["shown_entities"] == len(body["nodes"]) < body["total_entities"]


def test_the_background_map_is_a_setting(monkeypatch):
    from dealgraph.api.routers import moneymap as route
    from dealgraph.graph import knowledge_graph

    monkeypatch.setattr(knowledge_graph, "SMALL", 10)
    started = []
    monkeypatch.setattr(route, "warm_map", started.append)
    create_app(open_graph(), Settings(warm_map=False))
    assert started == []
