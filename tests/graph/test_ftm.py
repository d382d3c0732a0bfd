"""The FollowTheMoney export, validated with the followthemoney library itself: every line a
valid FtM entity, every entity it refers to present, each link with its evidence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from followthemoney import model
from followthemoney.types import registry
from typer.testing import CliRunner

from dealgraph import open_graph
from dealgraph.graph.export_ftm import OWNERSHIP_KINDS, ftm_id
from dealgraph.graph.exports import entity_graph, export_graph, render
from dealgraph.graph.flows import flows

DATA = Path(__file__).resolve().parents[2] / "data"


def _records(text: str) -> list[dict]:
    assert text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def _sorted(props: dict[str, list[str]]) -> dict[str, list[str]]:
    return {k: sorted(v) for k, v in props.items()}


def validate(records: list[dict]) -> dict[str, dict]:
    """Check every record with the followthemoney library; return them by id."""
    by_id = {r["id"]: r for r in records}
    assert len(by_id) == len(records), "an id is used twice"
    for r in records:
        assert set(r) == {"id", "schema", "properties"}
        schema = model.get(r["schema"])
        assert schema is not None and not schema.abstract, r["schema"]
        for name, values in r["properties"].items():
            prop = schema.get(name)
            assert prop is not None, (r["id"], name)
            assert values and all(isinstance(v, str) and v for v in values), (r["id"], name)
            if prop.type == registry.entity:  # every entity referred to is in the export
                for v in values:
                    assert v in by_id, (r["id"], name, v)
                    assert model.get(by_id[v]["schema"]).is_a(prop.range), (r["id"], name, v)
        assert schema.validate(r) is None  # raises InvalidData with the errors
        proxy = model.get_proxy(r, cleaned=False)  # the library's own cleaning
        assert proxy.id == r["id"]
        assert _sorted(proxy.to_dict()["properties"]) == _sorted(r["properties"]), r["id"]
    return by_id


@pytest.fixture(scope="module")
def kg():
    return open_graph()


@pytest.fixture(scope="module")
def bundled(kg):
    return validate(_records(render(kg, "ftm")))


def test_every_line_is_valid_ftm(bundled):
    schemata = {r["schema"] for r in bundled.values()}
    assert {"Company", "Asset", "Payment", "Ownership", "UnknownLink", "Article"} <= schemata


def test_every_entity_of_the_data(bundled):
    entities = yaml.safe_load((DATA / "entities.yaml").read_text())["entities"]
    for e in entities:
        record = bundled[ftm_id("entity", e["id"])]
        assert record["properties"]["name"] == [e["name"]]
        assert sorted(record["properties"].get("alias", [])) == sorted(e.get("aliases", []))
        if e["type"] == "organization":
            assert record["schema"] == "Company"
    n_entities = sum(1 for r in bundled.values() if r["id"].startswith("dealgraph-entity-"))
    assert n_entities == len(entities)


def test_subsidiaries_are_owned_by_their_parent(bundled):
    entities = yaml.safe_load((DATA / "entities.yaml").read_text())["entities"]
    pairs = {(e["subsidiary_of"], e["id"]) for e in entities if e.get("subsidiary_of")}
    owned = {
        (r["properties"]["owner"][0], r["properties"]["asset"][0])
        for r in bundled.values()
        if r["schema"] == "Ownership" and r["properties"].get("ownershipType") == ["subsidiary"]
    }
    assert pairs and owned == {(ftm_id("entity", p), ftm_id("entity", c)) for p, c in pairs}


def test_every_deal_with_its_amount_and_kind(kg, bundled):
    drawn = export_graph(kg)
    by_id = {f["id"]: f for f in flows(kg)}
    money = [(u, v, k) for u, v, k, d in drawn.edges(keys=True, data=True) if d["edge"] == "money"]
    assert money
    for payer, payee, deal in money:
        r = bundled[ftm_id("deal", deal)]
        p, flow = r["properties"], by_id[deal]
        assert p["recordId"] == [deal]
        if flow["kind"] in OWNERSHIP_KINDS:
            assert r["schema"] == "Ownership" and p["ownershipType"] == [flow["kind"]]
            assert (p["owner"], p["asset"]) == ([ftm_id("entity", payer)], [ftm_id("entity", payee)])
            amount = p.get("sharesValue")
        else:
            assert r["schema"] == "Payment" and p["purpose"] == [flow["kind"]]
            assert (p["payer"], p["beneficiary"]) == ([ftm_id("entity", payer)], [ftm_id("entity", payee)])
            amount = p.get("amount")
        assert (float(amount[0]) if amount else None) == flow["amount"]


def test_quotes_are_in_their_documents(bundled):
    """Each link's summary is a verbatim quote of a document it cites as proof."""
    links = [r for r in bundled.values() if "proof" in r["properties"]]
    assert len(links) > 20
    for r in links:
        texts = []
        for proof in r["properties"]["proof"]:
            name = bundled[proof]["properties"]["fileName"][0]
            assert bundled[proof]["schema"] == "Article"
            if (DATA / "sources" / name).exists():
                texts.append((DATA / "sources" / name).read_text(encoding="utf-8"))
        for quote in r["properties"]["summary"]:
            assert not texts or any(_squash(quote) in _squash(t) for t in texts), (r["id"], quote)


def _squash(text: str) -> str:
    return " ".join(text.split())


def test_source_url_publisher_and_proof(mini_dir):
    """The mini fixture's doc-a, given an address: its deal carries sourceUrl, publisher,
    the quote as summary, and the document as proof (an Article)."""
    doc = mini_dir / "sources" / "doc-a.yaml"
    doc.write_text(
        doc.read_text().replace(
            "  publisher: Test Press\n", "  publisher: Test Press\n  url: https://press.example/doc-a\n", 1
        )
    )
    mini = open_graph(mini_dir)
    records = validate(_records(render(mini, "ftm")))
    deal = records[ftm_id("deal", "bigco-lab-a-investment")]["properties"]
    assert deal["sourceUrl"] == ["https://press.example/doc-a"]
    assert deal["publisher"] == ["Test Press"]
    assert "BigCo invests $10 billion in Lab A" in deal["summary"]
    assert deal["date"] == ["2026-01-05"] and deal["sharesValue"] == ["10000000000"]
    article = records[deal["proof"][0]]
    assert article["schema"] == "Article"
    assert article["properties"]["title"] == ["Doc A"] and article["properties"]["publishedAt"] == [
        "2026-01-10"
    ]
    assert article["properties"]["sourceUrl"] == ["https://press.example/doc-a"]


def test_filters_and_connected_only(kg):
    around = validate(_records(render(kg, "ftm", focus="spacex")))
    entities = {i for i in around if i.startswith("dealgraph-entity-")}
    assert entities == {ftm_id("entity", "spacex"), ftm_id("entity", "anthropic")}
    connected = validate(_records(render(kg, "ftm", connected_only=True)))
    kept = {i.removeprefix("dealgraph-entity-") for i in connected if i.startswith("dealgraph-entity-")}
    assert kept == set(entity_graph(kg, connected_only=True).nodes) and "trainium4" not in kept
    early = validate(_records(render(kg, "ftm", as_of="2016-01-01")))
    assert {r["id"] for r in early.values() if r["id"].startswith("dealgraph-deal-")} == {
        ftm_id("deal", "amazon-annapurna-acquisition")
    }


def test_cli_and_api(kg, tmp_path):
    from fastapi.testclient import TestClient

    from dealgraph.api.main import create_app
    from dealgraph.cli.main import app

    out = tmp_path / "dealgraph.ftm.json"
    result = CliRunner().invoke(app, ["export", "followthemoney", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == render(kg, "ftm")
    r = TestClient(create_app(kg)).get("/export/ftm", params={"focus": "spacex"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/x-ndjson")
    validate(_records(r.text))
