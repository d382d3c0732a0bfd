"""The API's entity routes give a relationship's time and reasoning, on the bundled data set.

001: "From 2019 to January 2025, OpenAI needed Microsoft's approval to buy compute from anyone
else. Microsoft had right-of-first-refusal on all infrastructure deals. That ended Friday,
January 24." No document states who owns Google Cloud (entities.yaml's subsidiary_of_inferred).
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from dealgraph import open_graph
from dealgraph.api.main import create_app

ROFR = "microsoft--right-of-first-refusal--openai"


@pytest.fixture(scope="module")
def client():
    return TestClient(create_app(open_graph()))


def _listed(client, entity, **params):
    r = client.get(f"/entities/{entity}/relationships", params=params)
    assert r.status_code == 200, r.text
    return [i for i in r.json()["items"] if i["type"] == "relationship"]


def test_the_relationship_listing_gives_the_status_on_the_date_asked(client):
    [mid_2024] = _listed(client, "microsoft", kind="right-of-first-refusal", as_of="2024-06-01")
    assert (mid_2024["id"], mid_2024["status"], mid_2024["start"], mid_2024["end"]) == (
        ROFR,
        "active",
        "2019-01-01",
        "2025-01-24",
    )
    [later] = _listed(client, "openai", kind="right-of-first-refusal", as_of="2026-01-01")
    assert (later["status"], later["direction"], later["counterparty"]) == ("ended", "in", "microsoft")
    assert _listed(client, "microsoft", kind="right-of-first-refusal", as_of="2018-06-01") == []


def test_the_card_and_the_listing_show_the_reasoning_of_an_inferred_link(client):
    [bare] = _listed(client, "google-cloud", kind="subsidiary-of")
    assert (bare["id"], bare["sources"]) == (None, [])
    assert bare["inferred"].startswith("No document states who owns Google Cloud")
    card = client.get("/entities/aws").json()
    [owner] = [r for r in card["relationships"] if r["kind"] == "subsidiary-of"]
    assert owner["inferred"].startswith("No document states that Amazon owns AWS")
    assert owner["status"] == "active" and owner["sources"]  # the quotes the reasoning rests on
