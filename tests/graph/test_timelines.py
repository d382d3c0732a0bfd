"""The two timelines on the bundled seeds: ``as_of`` (valid time) and ``known_at`` (knowledge time).

Every CLI command that takes ``--as-of`` takes ``--known-at`` too, and every API operation that
takes ``as_of`` takes ``known_at``: both are parametrized over what the app declares, so a new
command or route without the pair fails here.
"""

from __future__ import annotations

import json

import pytest
import typer.core
import typer.main
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from dealgraph import bundled_data_dir, open_graph
from dealgraph.api.main import create_app
from dealgraph.cli.main import app
from dealgraph.graph import entity_card, flows
from dealgraph.graph.conflicts import conflicts
from dealgraph.graph.timeline import Timeline

# 000 (published 2026-04-14): "in February of this year, Amazon announced a $50 billion
# investment in OpenAI" -- a deal dated 2026-02 whose only document came out in April.
AMAZON_OPENAI = "amazon-openai-investment-2026"
BETWEEN = "2026-03-01"  # after the announcement, before the document


@pytest.fixture(scope="module")
def bundled():
    kg = open_graph()
    yield kg
    kg.close()


def _deal(kg, deal_id: str, **cut):
    return next((f for f in flows(kg, **cut) if f.id == deal_id), None)


def test_valid_time_counts_the_amount_from_the_deal_date(bundled):
    on = _deal(bundled, AMAZON_OPENAI, as_of=BETWEEN)
    assert on is not None and on.date == "2026-02-01" and on.amount == 50_000_000_000
    assert [a.published for a in on.amounts] == ["2026-04-14"]
    assert _deal(bundled, AMAZON_OPENAI, as_of="2026-01-31") is None  # not yet announced


def test_knowledge_time_leaves_out_what_was_not_yet_published(bundled):
    assert _deal(bundled, AMAZON_OPENAI, known_at=BETWEEN) is None
    known = _deal(bundled, AMAZON_OPENAI, known_at="2026-04-14")
    assert known is not None and known.amount == 50_000_000_000


def test_both_timelines_together(bundled):
    # what had been reported by 2026-04-14 about the state on 2026-03-01: the $50B (000)
    both = _deal(bundled, AMAZON_OPENAI, as_of=BETWEEN, known_at="2026-04-14")
    assert both is not None and both.amount == 50_000_000_000
    assert _deal(bundled, AMAZON_OPENAI, as_of=BETWEEN, known_at="2026-04-13") is None


def test_oracle_contract_on_knowledge_time(bundled):
    # 001 (published 2025-11): "Oracle put in cash; OpenAI pledged $300 billion back."
    # 000 (published 2026-04-14): "a $30 billion five-year cloud computing contract with Oracle"
    before = _deal(bundled, "openai-oracle-compute", known_at="2026-04-13")
    assert before is not None and [a.value for a in before.amounts] == [300_000_000_000]
    assert not before.conflict
    after = _deal(bundled, "openai-oracle-compute", known_at="2026-04-14")
    assert after is not None
    assert sorted(a.value for a in after.amounts) == [30_000_000_000, 300_000_000_000]
    ids = {c.id for c in conflicts(bundled, known_at="2026-04-13") if c.type == "deal"}
    assert "openai-oracle-compute" not in ids
    assert "openai-oracle-compute" in {c.id for c in conflicts(bundled, known_at="2026-04-14")}


def test_entity_card_on_both_timelines(bundled):
    deals = {d.id for d in entity_card(bundled, "openai", as_of=BETWEEN).deals}
    assert AMAZON_OPENAI in deals
    assert AMAZON_OPENAI not in {d.id for d in entity_card(bundled, "openai", known_at=BETWEEN).deals}
    # 003 (published 2026-05-29) is not known on 2026-05-01: none of its observations show
    card = entity_card(bundled, "anthropic", known_at="2026-05-01")
    assert card.observations and all(o.published <= "2026-05-01" for o in card.observations)


def test_observations_count_by_their_own_date(bundled):
    card = entity_card(bundled, "openai", as_of="2025-12-31")
    assert card.observations
    assert all(Timeline(as_of="2025-12-31").observation(o) for o in card.observations)
    every = entity_card(bundled, "openai").observations
    assert len(card.observations) < len(every)


def test_dates_are_checked():
    with pytest.raises(ValueError, match="known-at date"):
        Timeline.of(known_at="March")


# --- every command and every route takes both ----------------------------------------------

# arguments for each command, from the bundled data set
CLI_ARGS = {
    "entity": ["openai"],
    "diff": [str(bundled_data_dir())],
    "flows": [],
    "export": ["dot"],
    "trace": ["amazon"],
    "exposure": ["amazon"],
    "loops": [],
    "paths": ["amazon", "openai"],
    "share": ["openai", "aws"],
    "conflicts": [],
    "report": [],
    "concentration": ["openai"],
    "deal": ["openai-oracle-compute"],
}


def _commands_with(option: str) -> set[str]:
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    return {
        name
        for name, cmd in group.commands.items()
        if any(option in getattr(p, "opts", []) for p in cmd.params)
    }


def test_every_command_with_as_of_takes_known_at():
    assert _commands_with("--as-of") == _commands_with("--known-at") == set(CLI_ARGS)


@pytest.mark.parametrize("command", sorted(CLI_ARGS))
def test_command_accepts_both(command):
    args = [command, *CLI_ARGS[command], "--as-of", BETWEEN, "--known-at", "2026-04-14"]
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 0, r.output
    bad = CliRunner().invoke(app, [command, *CLI_ARGS[command], "--known-at", "March"])
    assert bad.exit_code == 2 and "known-at" in bad.output


def test_flows_command_on_knowledge_time():
    def ids(*opts: str) -> set[str]:
        r = CliRunner().invoke(app, ["flows", "--json", *opts])
        assert r.exit_code == 0, r.output
        return {f["id"] for f in json.loads(r.output)}

    assert AMAZON_OPENAI in ids("--as-of", BETWEEN)
    assert AMAZON_OPENAI not in ids("--known-at", BETWEEN)


# path parameters of the operations, from the bundled data set
PATH_VALUES = {"entity_id": "openai", "a": "amazon", "b": "openai", "payer": "openai", "payee": "aws"}
PATH_VALUES |= {"fmt": "dot", "lab": "openai", "deal_id": "openai-oracle-compute"}


@pytest.fixture(scope="module")
def client(bundled):
    with TestClient(create_app(bundled)) as c:
        yield c


def _operations(client) -> list[tuple[str, dict]]:
    spec = client.get("/openapi.json").json()
    return [
        (path, op)
        for path, ops in spec["paths"].items()
        for op in ops.values()
        if {"as_of", "known_at"} & {p["name"] for p in op.get("parameters", [])}
    ]


def test_every_route_with_as_of_takes_known_at(client):
    ops = _operations(client)
    assert len(ops) >= 13  # entity, relationships, between, flows, trace, exposure x2, loops, ...
    for path, op in ops:
        names = {p["name"] for p in op["parameters"]}
        assert {"as_of", "known_at"} <= names, path


def test_routes_accept_both(client):
    for path, _op in _operations(client):
        url = path.format(**PATH_VALUES)
        r = client.get(url, params={"as_of": BETWEEN, "known_at": "2026-04-14"})
        assert r.status_code == 200, (url, r.text[:300])
        assert client.get(url, params={"known_at": "March"}).status_code == 422, url


def test_flows_route_on_both_timelines(client):
    def ids(**params: str) -> set[str]:
        r = client.get("/flows", params={"limit": 1000, **params})
        assert r.status_code == 200
        return {f["id"] for f in r.json()["items"]}

    assert AMAZON_OPENAI in ids(as_of=BETWEEN)
    assert AMAZON_OPENAI not in ids(known_at=BETWEEN)
