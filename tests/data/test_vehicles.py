"""Vehicles, leases and warrants on a fixture written for the test (tests/data/vehicle).

The fixture's document (sources/brief.txt) says: a chip vendor puts $2 billion into a
special-purpose vehicle set up for a lab; the vehicle buys up to 100,000 of the vendor's chips
(1.5 GW) and leases them to the lab for five years at $3 billion a year; the vendor grants the
lab warrants for 160 million shares at $0.01, about 7% of the company, a stake worth $13.5
billion. Every expected value below is in that text.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from dealgraph import open_graph
from dealgraph.cli.main import app
from dealgraph.graph.cards import deal_card
from dealgraph.loaders.verify import verify_dataset

FIXTURE = Path(__file__).parent / "vehicle"
B = 1_000_000_000
runner = CliRunner()


@pytest.fixture(scope="module")
def vkg():
    return open_graph(FIXTURE)


def test_the_fixture_verifies():
    report = verify_dataset(FIXTURE)
    assert report.ok, report.summary()


def _figures(deal):
    return {(q.measure, q.value, q.unit, q.bound) for q in deal.quantities}


def test_the_vehicle_deals_name_the_lab_they_serve(vkg):
    # "Chipco will put $2 billion into Vehicle One, a special-purpose vehicle set up for Lab A."
    funding = deal_card(vkg, "chipco-vehicle-one-investment")
    assert (funding.amount, funding.beneficiary) == (2 * B, "lab-a")
    # "Vehicle One will buy up to 100,000 Chipco X1 accelerators from Chipco, with 1.5 GW of capacity"
    chips = deal_card(vkg, "vehicle-one-chipco-chips")
    assert (chips.amount, chips.beneficiary, chips.chips) == (None, "lab-a", ["chipco-x1"])
    assert _figures(chips) == {("chip-count", 100_000, "chips", "up-to"), ("capacity", 1.5, "GW", "exact")}
    # "Lab A will pay Vehicle One $3 billion a year under the lease." ("for five years")
    lease = deal_card(vkg, "lab-a-vehicle-one-lease")
    assert (lease.kind, lease.amount, lease.rate, lease.term) == ("lease", 3 * B, "per-year", "P5Y")


def test_a_warrant_carries_shares_price_stake_and_value_never_money_moved(vkg):
    # "warrants for 160 million Chipco shares at an exercise price of $0.01 per share, about 7%
    # of the company"; "that stake is worth $13.5 billion"
    w = deal_card(vkg, "chipco-lab-a-warrant")
    assert (w.kind, w.payer, w.payee, w.amount) == ("warrant", "chipco", "lab-a", None)
    assert _figures(w) == {
        ("shares", 160_000_000, "shares", "exact"),
        ("exercise-price", 0.01, "USD", "exact"),
        ("stake", 7, "percent", "about"),
        ("stake-value", 13.5 * B, "USD", "exact"),
    }
    assert all(q.quote and q.document == "brief.txt" for q in w.quantities)


def _deal_text(deal_id: str) -> str:
    done = runner.invoke(app, ["deal", deal_id], env={"DEALGRAPH_DATA": str(FIXTURE), "COLUMNS": "200"})
    assert done.exit_code == 0, done.output
    return done.output


def test_dealgraph_deal_prints_the_beneficiary_chips_and_every_figure_with_its_quote():
    chips = _deal_text("vehicle-one-chipco-chips")
    assert "money unknown, capacity 1.5 GW, up to 100,000 chips" in chips  # the headline
    for needle in ("serves: lab-a", "chips: chipco-x1", "with 1.5 GW of capacity"):
        assert needle in chips, needle
    warrant = _deal_text("chipco-lab-a-warrant")
    for needle in (
        "160 million shares",
        "exercise price $0.01 a share",
        "stake ~7%",
        "stake worth $13.5B",
        "warrants for 160 million Chipco shares",
        "At today's share price that stake is worth $13.5 billion.",
    ):
        assert needle in warrant, needle
