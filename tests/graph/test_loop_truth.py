"""Loops, shares and the report tell the whole truth (issue 12, items 3 and 7).

Announced money is kept apart from committed money unless asked; up-to and at-least money
keeps its bound; a warrant is an investment leg; a leg without a money figure is listed with
its capacity, chips or shares; every ratio says on what it was computed, or why there is
none; a loop through a vehicle names the lab it serves.

Expected values come from the seed documents (quoted next to each assertion) or from the
fixture written below (its quotes are the fixture's own; validate is not run on it).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from dealgraph import open_graph
from dealgraph.graph.concentration import ConcentrationParams, concentration
from dealgraph.graph.exposure import exposure
from dealgraph.graph.loops import vendor_financed_loops
from dealgraph.graph.money import bucket, deal_text, tally
from dealgraph.graph.paths import share
from dealgraph.graph.report import build_report, render_report
from dealgraph.graph.trace import trace

B = 1_000_000_000

ENTITIES = """\
entities:
  - {id: chipco, type: organization, name: ChipCo, roles: [chip-designer]}
  - {id: lab-x, type: organization, name: Lab X, roles: [ai-lab]}
  - {id: lab-y, type: organization, name: Lab Y, roles: [ai-lab]}
  - {id: spv-one, type: organization, name: SPV One, roles: [vehicle]}
  - {id: fundco, type: organization, name: FundCo, roles: [investor, cloud-provider]}
  - {id: cloudco, type: organization, name: CloudCo, roles: [cloud-provider]}
"""

DEALS = """\
source:
  document: fixture.txt
  title: A made-up briefing for the loop tests
  publisher: Test Press
  published: 2026-06-01
deals:
  # a vendor's warrant to a lab, the lab's capacity commitment back, and a monthly payment
  - id: chipco-lab-x-warrant
    kind: warrant
    payer: chipco
    payee: lab-x
    status: committed
    shares: {value: 160_000_000, quote: "ChipCo grants Lab X a warrant for 160 million shares"}
    evidence:
      - quote: "ChipCo grants Lab X a warrant for 160 million shares"
  - id: lab-x-chipco-deployment
    kind: compute-commitment
    payer: lab-x
    payee: chipco
    status: committed
    capacity: {value: 10, unit: GW, quote: "Lab X commits to deploy 10 GW of ChipCo systems"}
    evidence:
      - quote: "Lab X commits to deploy 10 GW of ChipCo systems"
  - id: lab-x-chipco-payments
    kind: chip-supply
    payer: lab-x
    payee: chipco
    status: committed
    amounts:
      - value: 1_250_000_000
        currency: USD
        rate: per-month
        quote: "Lab X pays ChipCo $1.25 billion a month"
    evidence:
      - quote: "Lab X pays ChipCo $1.25 billion a month"
  # an up-to investment, with at-least money back
  - id: fundco-lab-y-investment
    kind: equity-investment
    payer: fundco
    payee: lab-y
    status: committed
    amounts:
      - value: 2_000_000_000
        currency: USD
        bound: up-to
        quote: "FundCo will invest up to $2 billion in Lab Y"
    evidence:
      - quote: "FundCo will invest up to $2 billion in Lab Y"
  - id: lab-y-fundco-compute
    kind: compute-commitment
    payer: lab-y
    payee: fundco
    status: committed
    amounts:
      - value: 10_000_000_000
        currency: USD
        bound: at-least
        quote: "Lab Y will spend at least $10 billion with FundCo"
    evidence:
      - quote: "Lab Y will spend at least $10 billion with FundCo"
  # a committed investment whose way back has capacity and no money figure
  - id: cloudco-lab-y-investment
    kind: equity-investment
    payer: cloudco
    payee: lab-y
    status: committed
    amounts:
      - {value: 1_000_000_000, currency: USD, quote: "CloudCo invests $1 billion in Lab Y"}
    evidence:
      - quote: "CloudCo invests $1 billion in Lab Y"
  - id: lab-y-cloudco-capacity
    kind: compute-commitment
    payer: lab-y
    payee: cloudco
    status: committed
    capacity: {value: 2, unit: GW, quote: "Lab Y takes 2 GW of capacity from CloudCo"}
    evidence:
      - quote: "Lab Y takes 2 GW of capacity from CloudCo"
  # a vehicle: the vendor funds it, it buys the vendor's chips for a lab, the lab leases them
  - id: chipco-spv-one-equity
    kind: equity-investment
    payer: chipco
    payee: spv-one
    status: committed
    beneficiary: lab-x
    amounts:
      - {value: 3_000_000_000, currency: USD, quote: "ChipCo puts $3 billion of equity into SPV One"}
    evidence:
      - quote: "ChipCo puts $3 billion of equity into SPV One"
  - id: spv-one-chipco-chips
    kind: chip-supply
    payer: spv-one
    payee: chipco
    status: committed
    beneficiary: lab-x
    amounts:
      - {value: 7_500_000_000, currency: USD, quote: "SPV One buys $7.5 billion of ChipCo chips for Lab X"}
    evidence:
      - quote: "SPV One buys $7.5 billion of ChipCo chips for Lab X"
  - id: lab-x-spv-one-lease
    kind: lease
    payer: lab-x
    payee: spv-one
    status: committed
    chip_count: {value: 100_000, quote: "Lab X leases the 100,000 chips from SPV One"}
    evidence:
      - quote: "Lab X leases the 100,000 chips from SPV One"
  # announced compute money: not committed unless asked
  - id: lab-x-fundco-compute
    kind: compute-commitment
    payer: lab-x
    payee: fundco
    status: announced
    amounts:
      - {value: 5_000_000_000, currency: USD, quote: "Lab X announced it will spend $5 billion with FundCo"}
    evidence:
      - quote: "Lab X announced it will spend $5 billion with FundCo"
observations:
  - id: lab-x-total-commitments
    subject: lab-x
    metric: total-commitments
    value: 100_000_000_000
    unit: USD
    as_of: 2026-05
    evidence:
      - quote: "Lab X's commitments total $100 billion"
"""


def write_fixture(root: Path) -> Path:
    """The fixture data set above, in ``root`` (entities.yaml and one source file)."""
    (root / "sources").mkdir(parents=True)
    (root / "entities.yaml").write_text(ENTITIES, encoding="utf-8")
    (root / "sources" / "fixture.yaml").write_text(textwrap.dedent(DEALS), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def fixture_kg(tmp_path_factory):
    graph = open_graph(write_fixture(tmp_path_factory.mktemp("loop-truth")))
    yield graph
    graph.close()


@pytest.fixture(scope="module")
def seeds():
    graph = open_graph()
    yield graph
    graph.close()


def _loop(loops, *members):
    [lp] = [lp for lp in loops if lp.members == list(members)]
    return lp


# --- announced kept apart --------------------------------------------------------------------


def test_announced_money_is_its_own_bucket():
    f = {"kind": "equity-investment", "status": "announced", "bound": "exact", "amount": 50 * B}
    assert bucket(f) == "announced" and bucket(f, include_announced=True) == "committed"
    assert tally([f])["committed"] == 0 and tally([f])["announced"] == 50 * B
    assert tally([f], include_announced=True)["committed"] == 50 * B
    assert tally([f], include_announced=True)["announced"] == 0


def test_seed_amazon_openai_money_out_is_announced(seeds):
    # 000: "in February of this year, Amazon announced a $50 billion investment in OpenAI"
    # 001: "OpenAI cut a $38 billion compute deal with AWS on Monday"
    lp = _loop(vendor_financed_loops(seeds, max_length=2), "amazon", "openai")
    assert (lp.money_out, lp.money_out_announced, lp.money_back, lp.ratio) == (0, 50 * B, 38 * B, None)
    assert lp.ratio_basis == (
        "no ratio: money out is announced, not committed ($50B; --include-announced counts it)"
    )
    counted = _loop(vendor_financed_loops(seeds, max_length=2, include_announced=True), "amazon", "openai")
    assert (counted.money_out, counted.money_out_announced, counted.ratio) == (50 * B, 0, 0.76)
    assert "announced money counted as committed" in counted.ratio_basis


def test_seed_announced_kept_apart_in_trace_exposure_and_share(seeds):
    t = trace(seeds, "amazon", depth=1)
    assert (t.reached["openai"].money.committed, t.reached["openai"].money.announced) == (0, 50 * B)
    assert trace(seeds, "amazon", depth=1, include_announced=True).reached["openai"].money.committed == 50 * B
    e = exposure(seeds, "amazon")
    # 002: "$8 billion already committed" + "$5 billion in Anthropic today" (committed)
    assert (e.total.money_to_labs.committed, e.total.money_to_labs.announced) == (13 * B, 50 * B)
    assert exposure(seeds, "amazon", include_announced=True).total.money_to_labs.committed == 63 * B
    # 002: "more than $100 billion" on AWS: Amazon receives at least $100B from Anthropic
    back = e.sides["anthropic"].money_from_lab
    assert (back.committed, back.committed_bound) == (100 * B, "at-least")
    s = share(seeds, "amazon", "openai")
    assert s.share is None and s.money.announced == 50 * B


# --- bounds: at least, up to -----------------------------------------------------------------


def test_seed_amazon_anthropic_money_back_is_at_least(seeds):
    # 002: "Anthropic has committed to spending **more than $100 billion** on AWS technologies"
    lp = _loop(vendor_financed_loops(seeds, max_length=2), "amazon", "anthropic")
    assert (lp.money_back, lp.money_back_bound) == (100 * B, "at-least")
    # 002: "$8 billion already committed" and "an additional **$5 billion in Anthropic today**"
    assert (lp.money_out, lp.money_out_bound, lp.ratio) == (13 * B, "exact", 7.6923)
    assert lp.ratio_basis.startswith("committed money back at least $100B over committed money out $13B")
    # 002: "Amazon could invest **up to an additional $20 billion in the future**" (milestones)
    assert lp.money_out_contingent == 20 * B
    assert "up to $20B, contingent (amazon-anthropic-investment-2026-milestone)" in lp.legs[0].text
    # 002: "secures **up to 5 gigawatts (GW)** of capacity": the leg shows it
    assert "at least $100B, capacity up to 5 GW (anthropic-aws-compute-2026)" in lp.legs[1].text


def test_up_to_investment_keeps_its_bound(fixture_kg):
    lp = _loop(vendor_financed_loops(fixture_kg, max_length=2), "fundco", "lab-y")
    assert (lp.money_out, lp.money_out_upper_bound, lp.ratio) == (0, 2 * B, None)
    assert (lp.money_back, lp.money_back_bound) == (10 * B, "at-least")
    assert lp.ratio_basis == "no ratio: money out is up to $2B, not committed"
    assert lp.legs[0].text == "up to $2B (fundco-lab-y-investment)"
    assert lp.legs[1].text == "at least $10B (lab-y-fundco-compute)"


# --- legs, warrants, capacity ----------------------------------------------------------------


def test_warrant_is_an_investment_leg_and_every_leg_is_listed(fixture_kg):
    lp = _loop(vendor_financed_loops(fixture_kg, max_length=2), "chipco", "lab-x")
    assert lp.out_deal_ids == ["chipco-lab-x-warrant"]
    assert [(leg.from_group, leg.to_group) for leg in lp.legs] == [("chipco", "lab-x"), ("lab-x", "chipco")]
    out, back = lp.legs
    assert out.committed is None and [q.value for q in out.quantities] == [160_000_000]
    assert sorted(back.deal_ids) == ["lab-x-chipco-deployment", "lab-x-chipco-payments"]
    # the monthly payment is a rate, not a total: never added to money back
    assert back.committed is None and back.money.committed == 0 and back.money.unknown_amounts == 2
    assert lp.money_back is None and lp.ratio is None
    assert "money unknown, 160 million shares (chipco-lab-x-warrant)" == out.text
    assert "money unknown, capacity 10 GW (lab-x-chipco-deployment)" in back.text
    assert "$1.25B/month (lab-x-chipco-payments)" in back.text
    assert lp.ratio_basis == (
        "no ratio: the investment is a warrant for 160 million shares, no money figure; "
        "the way back is $1.25B/month, a rate with no stated total; "
        "the way back has capacity 10 GW but no money figure"
    )


def test_capacity_only_way_back_says_so(fixture_kg):
    lp = _loop(vendor_financed_loops(fixture_kg, max_length=2), "cloudco", "lab-y")
    assert (lp.money_out, lp.money_back, lp.ratio) == (1 * B, None, None)
    assert lp.ratio_basis == "no ratio: the way back has capacity 2 GW but no money figure"
    assert lp.legs[1].text == "money unknown, capacity 2 GW (lab-y-cloudco-capacity)"


def test_loop_through_a_vehicle_has_a_ratio_and_names_the_lab(fixture_kg):
    lp = _loop(vendor_financed_loops(fixture_kg, max_length=2), "chipco", "spv-one")
    # "SPV One buys $7.5 billion of ChipCo chips" over "$3 billion of equity into SPV One"
    assert (lp.money_out, lp.money_back, lp.ratio) == (3 * B, 7.5 * B, 2.5)
    assert lp.ratio_basis == "committed money back $7.5B over committed money out $3B"
    assert lp.beneficiaries == ["lab-x"] and lp.legs[1].beneficiaries == ["lab-x"]


def test_longer_loop_lists_the_lease_leg_without_money(fixture_kg):
    # warrant out, the lab's lease of the vehicle's chips, the vehicle's chip purchase back
    lp = _loop(vendor_financed_loops(fixture_kg, max_length=3), "chipco", "lab-x", "spv-one")
    assert [leg.deal_ids for leg in lp.legs] == [
        ["chipco-lab-x-warrant"],
        ["lab-x-spv-one-lease"],
        ["spv-one-chipco-chips"],
    ]
    assert lp.legs[1].text == "money unknown, 100,000 chips (lab-x-spv-one-lease)"
    assert "the way back (lab-x -> spv-one) has 100,000 chips but no money figure" in lp.ratio_basis


# --- share ------------------------------------------------------------------------------------


def test_share_never_reads_zero_for_unknown_money(fixture_kg):
    s = share(fixture_kg, "lab-x", "spv-one")
    assert s.total == 100 * B and s.share is None and s.money.committed == 0
    assert s.without_figure == {"lab-x-spv-one-lease": "money unknown, 100,000 chips"}
    assert s.share_basis == (
        "no share: no committed money with a figure; "
        "left out, no money total: lab-x-spv-one-lease: money unknown, 100,000 chips"
    )
    rated = share(fixture_kg, "lab-x", "chipco")
    assert rated.share is None  # capacity and a monthly rate: no total to take a share of
    assert rated.without_figure == {
        "lab-x-chipco-deployment": "money unknown, capacity 10 GW",
        "lab-x-chipco-payments": "$1.25B/month",
    }


def test_seed_share_leaves_out_deals_without_figure(seeds):
    # 001: "OpenAI's infrastructure commitments now total $1.4 trillion"; "Microsoft ($250 billion)"
    s = share(seeds, "openai", "microsoft", known_at="2025-11-30")
    assert (s.money.committed, s.share) == (250 * B, 0.1786)
    assert s.without_figure == {"openai-microsoft-azure-spend": "money unknown"}
    assert "left out, no money total: openai-microsoft-azure-spend: money unknown" in s.share_basis


# --- the report ------------------------------------------------------------------------------


def test_deal_text_of_a_capacity_deal():
    flow = {
        "amount": None,
        "quantities": [{"measure": "capacity", "value": 10, "unit": "GW", "bound": "exact"}],
    }
    assert deal_text(flow) == "money unknown, capacity 10 GW"


def test_report_lists_every_leg_and_never_hides_up_to_money(fixture_kg):
    text = " ".join(render_report(build_report(fixture_kg)).split())
    assert "undisclosed" not in text
    assert "FundCo -> Lab Y -> FundCo: no committed money (up to $2 billion) out" in text
    assert "at least $10 billion back" in text
    assert "no ratio: money out is up to $2B, not committed" in text
    # the warrant loop: every leg, the one without money too, with shares and capacity
    assert "chipco-lab-x-warrant: ChipCo -> Lab X money unknown, 160 million shares" in text
    assert "lab-x-chipco-deployment: Lab X -> ChipCo money unknown, capacity 10 GW" in text
    assert "lab-x-chipco-payments: Lab X -> ChipCo $1.25 billion a month" in text
    assert (
        "ChipCo -> SPV One -> ChipCo: $3 billion out, $7.5 billion back (round trip 2.50x); serves Lab X"
        in text
    )


def test_seed_report_amazon_openai(seeds):
    text = " ".join(render_report(build_report(seeds)).split())
    assert "Amazon -> OpenAI -> Amazon: no committed money ($50 billion, announced) out" in text
    assert "round trip at least 7.69x" in text  # Amazon <-> Anthropic: "more than $100 billion" back
    assert "announced money is kept apart from committed money (--include-announced counts it)" in text
    counted = " ".join(render_report(build_report(seeds, include_announced=True)).split())
    assert "announced money is counted as committed (--include-announced)" in counted
    assert "Amazon -> OpenAI -> Amazon: $50 billion out, $38 billion back (round trip 0.76x)" in counted


def test_concentration_counts_announced_money_only_when_asked(fixture_kg):
    # lab-x's compute deals: 10 GW without money, $1.25 billion a month (a rate, no total),
    # and "Lab X announced it will spend $5 billion with FundCo"
    c = concentration(fixture_kg, ConcentrationParams(lab="lab-x"))
    assert c.hhi is None and c.committed_total == 0
    assert c.unquantified == ["lab-x-chipco-deployment", "lab-x-chipco-payments", "lab-x-fundco-compute"]
    counted = concentration(fixture_kg, ConcentrationParams(lab="lab-x", include_announced=True))
    assert (counted.hhi, counted.committed_total) == (10_000, 5 * B)
    assert [s.supplier for s in counted.suppliers] == ["fundco"]


def test_share_with_announced_money(fixture_kg):
    s = share(fixture_kg, "lab-x", "fundco")
    assert (s.share, s.money.announced) == (None, 5 * B)
    assert "$5B is announced, not committed (--include-announced counts it)" in s.share_basis
    counted = share(fixture_kg, "lab-x", "fundco", include_announced=True)
    # $5 billion of "Lab X's commitments total $100 billion"
    assert counted.share == 0.05
    assert counted.share_basis == "committed $5B over lab-x's total commitments $100B"
