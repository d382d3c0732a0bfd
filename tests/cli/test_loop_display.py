"""What `dealgraph loops`, `share`, `flows`, `trace`, `exposure` and `report` print: bounds
kept, announced money apart (``--include-announced`` counts it), capacity and chips shown,
every leg listed (issue 12, items 3 and 7).

The fixture data set is the one of tests/graph/test_loop_truth.py (its quotes are its own);
seed expectations quote the documents in data/sources.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from dealgraph.cli.main import app
from tests.graph.test_loop_truth import write_fixture

runner = CliRunner()


def run(*args: str) -> str:
    result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return " ".join(result.stdout.split())


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return ["--data", str(write_fixture(tmp_path_factory.mktemp("loop-display")))]


def test_loops_print_bounds_legs_and_basis(data):
    text = run("loops", *data, "--max-length", "2")
    assert "no figure" not in text and "undisclosed" not in text
    # "FundCo will invest up to $2 billion in Lab Y"; "at least $10 billion with FundCo"
    assert "money out: none committed; not committed: up to $2B" in text
    assert "money back: at least $10B" in text
    assert "no ratio: money out is up to $2B, not committed" in text
    # the warrant, the capacity and the monthly payment, each on its leg
    assert "chipco → lab-x: money unknown, 160 million shares (chipco-lab-x-warrant)" in text
    assert "money unknown, capacity 10 GW (lab-x-chipco-deployment)" in text
    assert "$1.25B/month (lab-x-chipco-payments)" in text
    # the vehicle: a ratio through the chip deal, and the lab it serves
    assert "ratio: 2.50 (committed money back $7.5B over committed money out $3B)" in text
    assert "serves: lab-x" in text


def test_loops_seed_announced_apart_unless_included():
    # 000: "in February of this year, Amazon announced a $50 billion investment in OpenAI"
    text = run("loops", "--max-length", "2")
    assert "money out: none committed; not committed: $50B, announced" in text
    assert "no ratio: money out is announced, not committed ($50B; --include-announced counts it)" in text
    # 002: "committed to spending **more than $100 billion** on AWS technologies"
    assert "money back: at least $100B" in text
    counted = run("loops", "--max-length", "2", "--include-announced")
    assert "ratio: 0.76 (committed money back $38B over committed money out $50B" in counted
    loops = json.loads(run("loops", "--max-length", "2", "--include-announced", "--json"))
    assert [lp["ratio"] for lp in loops if lp["members"] == ["amazon", "openai"]] == [0.76]


def test_share_prints_no_zero_percent_for_unknown_money(data):
    text = run("share", *data, "lab-x", "spv-one")
    assert "$0" not in text and "0.0%" not in text
    assert "no share: no committed money with a figure" in text
    assert "lab-x-spv-one-lease: money unknown, 100,000 chips" in text


def test_share_seed_announced_option():
    # 000's $50B is announced: no committed money, so no share (Amazon has no total anyway)
    text = run("share", "amazon", "openai")
    assert "$50B is announced, not committed (--include-announced counts it)" in text
    counted = json.loads(run("share", "amazon", "openai", "--include-announced", "--json"))
    assert counted["money"]["committed"] == 50_000_000_000 and counted["include_announced"] is True


def test_flows_show_capacity_chips_and_beneficiary(data):
    text = run("flows", *data)
    assert "money unknown, capacity 10 GW" in text
    assert "money unknown, 160 million shares" in text
    assert "money unknown, 100,000 chips" in text
    assert "for lab-x" in text  # the vehicle's chip purchase serves Lab X
    # 001: "GB200 and GB300 accelerators in EC2 UltraServer configurations" (the AWS deal's chips)
    assert "chips: nvidia-gb200, nvidia-gb300" in run("flows", "--payer", "openai", "--payee", "aws")


def test_trace_and_exposure_announced_bucket():
    assert "$50B announced" in run("trace", "amazon", "--depth", "1")
    assert "$50B committed" in run("trace", "amazon", "--depth", "1", "--include-announced")
    assert "$50B announced" in run("exposure", "amazon")
    e = json.loads(run("exposure", "amazon", "--include-announced", "--json"))
    assert e["total"]["money_to_labs"]["committed"] == 63_000_000_000


def test_report_option_and_every_leg(data):
    text = run("report", *data)
    assert "lab-x-spv-one-lease: Lab X -> SPV One money unknown, 100,000 chips" in text
    assert "no ratio: money out is up to $2B, not committed" in text
    seed = run("report", "--include-announced")
    assert "round trip 0.76x" in seed


# --- the API: include_announced on every route that totals money ------------------------------


@pytest.fixture(scope="module")
def api():
    from fastapi.testclient import TestClient

    from dealgraph import open_graph
    from dealgraph.api.main import create_app
    from dealgraph.api.settings import Settings

    return TestClient(create_app(open_graph(), Settings()))


def test_api_include_announced(api):
    # 000: "Amazon announced a $50 billion investment in OpenAI"
    def amazon_openai(**params):
        loops = api.get("/loops", params={"max_length": 2, **params}).json()
        return next(lp for lp in loops if lp["members"] == ["amazon", "openai"])

    assert (amazon_openai()["ratio"], amazon_openai()["money_out_announced"]) == (None, 50_000_000_000)
    assert amazon_openai(include_announced="true")["ratio"] == 0.76
    money = api.get("/trace/amazon", params={"depth": 1}).json()["reached"]["openai"]["money"]
    assert (money["committed"], money["announced"]) == (0, 50_000_000_000)
    counted = api.get("/trace/amazon", params={"depth": 1, "include_announced": "true"}).json()
    assert counted["reached"]["openai"]["money"]["committed"] == 50_000_000_000
    e = api.get("/exposure/amazon", params={"include_announced": "true"}).json()
    assert e["total"]["money_to_labs"]["committed"] == 63_000_000_000
    bets = api.get("/exposure", params={"include_announced": "true"}).json()
    assert [b["total"]["money_to_labs"]["committed"] for b in bets if b["group"] == "amazon"] == [
        63_000_000_000
    ]
    s = api.get("/share/amazon/openai", params={"include_announced": "true"}).json()
    assert (s["money"]["committed"], s["include_announced"]) == (50_000_000_000, True)
    assert api.get("/concentration/anthropic", params={"include_announced": "true"}).status_code == 200
