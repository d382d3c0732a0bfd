"""Issue 10: paths in ``mode="any"`` between every pair of entities, through the function,
the API and the CLI.

A structural edge may have no relationship id (``google-cloud`` is a subsidiary of
``google`` through its ``parent``, not a relationship record); sorting the paths once
compared that None with a deal id and answered 500 / printed a traceback.
"""

from __future__ import annotations

import itertools
import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from dealgraph import open_graph
from dealgraph.api.main import create_app
from dealgraph.cli.main import app as cli_app
from dealgraph.graph.paths import paths

MAX_LENGTHS = (1, 2, 3, 4, 5)  # the API accepts 1..5


@pytest.fixture(scope="module")
def memory_kg():
    graph = open_graph()
    yield graph
    graph.close()


@pytest.fixture(scope="module")
def client(memory_kg):
    with TestClient(create_app(memory_kg), raise_server_exceptions=False) as c:
        yield c


def _label(step: dict) -> str | None:
    return step.get("deal") or step.get("relationship")


def _check(result: list[dict], a: str, b: str, max_length: int) -> None:
    lengths = [p["length"] for p in result]
    assert lengths == sorted(lengths)
    for p in result:
        steps = p["steps"]
        assert 1 <= p["length"] == len(steps) <= max_length
        assert steps[0]["from"] == a and steps[-1]["to"] == b
        assert all(s["to"] == t["from"] for s, t in itertools.pairwise(steps))
        nodes = [a] + [s["to"] for s in steps]
        assert len(set(nodes)) == len(nodes)  # simple paths
        assert all(isinstance(s["kind"], str) for s in steps)


@pytest.mark.parametrize("mode", ["any", "money"])
def test_every_pair_every_length(memory_kg, mode):
    entities = sorted(memory_kg.nx().nodes)
    assert len(entities) > 30
    for max_length in MAX_LENGTHS:
        for a, b in itertools.permutations(entities, 2):
            try:
                result = paths(memory_kg, a, b, max_length=max_length, mode=mode)
            except TypeError as exc:  # the bug: None compared with a string
                pytest.fail(f"paths({a!r}, {b!r}, max_length={max_length}, mode={mode!r}): {exc}")
            _check(result, a, b, max_length)


def test_missing_relationship_id_sorts_deterministically(memory_kg):
    result = paths(memory_kg, "google", "amazon", max_length=3, mode="any")
    unnamed = [s for p in result for s in p["steps"] if _label(s) is None]
    assert unnamed and {s["kind"] for s in unnamed} == {"subsidiary-of"}
    assert paths(memory_kg, "google", "amazon", max_length=3, mode="any") == result
    # Within one length, a step without an id sorts after the named ones at that position.
    for length in {p["length"] for p in result}:
        same = [p for p in result if p["length"] == length]
        firsts = [(_label(p["steps"][0]) is None, _label(p["steps"][0]) or "") for p in same]
        assert firsts == sorted(firsts)
    # The limit keeps the first paths of the full order.
    assert paths(memory_kg, "google", "amazon", max_length=3, mode="any", limit=3) == result[:3]


@pytest.mark.parametrize(
    ("a", "b", "max_length"),
    [("google", "amazon", 3), ("google", "amazon", 5), ("google-cloud", "aws", 4), ("amazon", "google", 2)],
)
def test_api_any_mode(client, memory_kg, a, b, max_length):
    r = client.get(f"/paths/{a}/{b}", params={"mode": "any", "max_length": max_length})
    assert r.status_code == 200, r.text
    body = r.json()
    _check(body, a, b, max_length)
    assert body == _json(paths(memory_kg, a, b, max_length=max_length, mode="any"))


@pytest.mark.parametrize("flag", [["--mode", "any"], ["--any"]])
def test_cli_any_mode(memory_kg, flag):
    runner = CliRunner()
    r = runner.invoke(cli_app, ["paths", "google", "amazon", *flag, "--json"])
    assert r.exit_code == 0, r.output
    assert r.exception is None
    assert json.loads(r.stdout) == _json(paths(memory_kg, "google", "amazon", mode="any"))
    # The table names a step without a relationship id by its kind, not "None".
    table = runner.invoke(cli_app, ["paths", "google-cloud", "anthropic", *flag, "--max-length", "2"])
    assert table.exit_code == 0, table.output
    assert "[subsidiary-of] google" in table.output and "None" not in table.output


def test_cli_unknown_mode():
    r = CliRunner().invoke(cli_app, ["paths", "google", "amazon", "--mode", "sideways"])
    # refused as a usage error that names the bad value and the modes there are
    assert r.exit_code == 2 and "sideways" in r.output and "money" in r.output


def _json(result):
    """The JSON the API and the CLI print for typed results (models, or lists of them)."""
    return [p.model_dump(mode="json", by_alias=True) for p in result]
