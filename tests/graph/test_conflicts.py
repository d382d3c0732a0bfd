"""Every disagreement surfaced (issue 12): the named cases on the bundled data, and each rule.

The named cases are found by what the facts say (entity, metric, deal and quote), not by
the line they sit on, so the data set may be re-recorded around them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dealgraph import open_graph
from dealgraph.graph.conflicts import conflicts
from dealgraph.graph.disagreement import Fig, compare, deal_figures, deal_pairs, disputed_note, same_time
from dealgraph.graph.flows import flows
from dealgraph.graph.report import build_report, render_report

DATA = Path(__file__).resolve().parents[2] / "data"
B = 1_000_000_000


@pytest.fixture(scope="module")
def bundled():
    return open_graph()


@pytest.fixture(scope="module")
def found(bundled):
    return conflicts(bundled)


def _pair(found, *quotes):
    """The one conflict whose two figures' quotes contain ``quotes`` (in either order)."""
    hits = [
        c
        for c in found
        if all(any(q in f.quote for f in c.figures) for q in quotes)
        and all(any(q in f.quote for q in quotes) for f in c.figures)
    ]
    assert len(hits) == 1, [c.id for c in hits]
    return hits[0]


def _docs(c):
    return [f.document[:3] for f in c.figures]


def test_oracle_contract_300_vs_30_is_contradictory(found):
    c = _pair(found, "OpenAI pledged $300 billion back", "a $30 billion five-year cloud computing contract")
    assert (c.type, c.id, c.disagreement) == ("deal", "openai-oracle-compute", "contradictory")
    assert _docs(c) == ["001", "000"]
    assert [f.published for f in c.figures] == ["2025-11-01", "2026-04-14"]
    assert "cannot both hold" in c.reason


def test_amazon_25b_commitment_vs_5b_plus_up_to_20b_is_divergent(bundled, found):
    [claim] = [
        (f.id, a)
        for f in flows(bundled, payer="amazon", payee="anthropic")
        for a in f.amounts
        if "$25 billion investment commitment" in a.quote
    ]
    deal, amount = claim
    assert (amount.value, amount.bound, amount.document[:3]) == (25 * B, "exact", "003")
    c = _pair(
        found,
        "$25 billion investment commitment",
        "$5 billion in Anthropic today",
        "up to an additional $20 billion",
    )
    assert (c.id, c.disagreement) == (deal, "divergent")
    first, second = c.figures
    # 002 states both tranches and not the deal: its total is their sum, $5B firm plus up to $20B
    assert (first.document[:3], first.value, first.upper, len(first.tranches)) == ("002", 5 * B, 25 * B, 2)
    assert (second.document[:3], second.value) == ("003", 25 * B)
    assert "5.0x apart" in c.reason


def test_claude_code_10b_by_january_vs_over_2_5b_by_february_is_divergent(found):
    c = _pair(
        found,
        "Claude Code reached $10 billion in annualized revenue by January 2026",
        "it exceeded $2.5 billion",
    )
    assert (c.type, c.disagreement) == ("observation", "divergent")
    assert _docs(c) == ["002", "003"]
    assert [f.when for f in c.figures] == ["2026-01", "2026-02"]
    assert "4.0x below" in c.reason


def test_openai_valuation_300b_then_852b_is_superseded(found):
    c = _pair(found, "last reported valuation was around $300 billion", "valuation of $852 billion")
    assert (c.type, c.disagreement) == ("observation", "superseded")
    assert _docs(c) == ["002", "003"]
    assert "was current on 2026-04-27" in c.reason


@pytest.mark.parametrize(
    ("lab", "later_quote"),
    [
        ("openai", "**OpenAI's 2025 compute capacity:** 1.9 GW"),
        ("anthropic", "**Anthropic's estimated 2025 capacity:** 1.4 GW"),
    ],
)
def test_capacity_current_in_000_vs_2025_in_002_is_superseded(found, lab, later_quote):
    c = _pair(found, "OpenAI has about 1.9 gigawatts (GW), Anthropic about 1.4 GW", later_quote)
    assert (c.type, c.disagreement) == ("observation", "superseded")
    assert c.what.startswith(f"compute-capacity of {lab}")
    # earlier date first: 002's "2025", then 000's current (April 2026) figure
    assert _docs(c) == ["002", "000"]
    assert [f.when for f in c.figures] == ["2025", "2026-04"]


def _customer_observations(source: dict) -> list[dict]:
    wanted = ("Over 500 companies now spend more than $1 million annually", "surpassed 1,000 in a short time")
    return [
        o
        for o in source.get("observations", [])
        if o["subject"] == "anthropic" and any(w in e["quote"] for e in o["evidence"] for w in wanted)
    ]


def test_over_500_vs_surpassed_1000_customers_is_superseded(found):
    """003 gives "Over 500 companies now spend more than $1 million annually on Claude" and "the
    number of enterprise clients spending over $1 million annually surpassed 1,000": one count
    (the data set files both under one segment), of which the higher is the later news."""
    c = _pair(found, "Over 500 companies", "surpassed 1,000")
    assert c.disagreement == "superseded"
    assert "later news" in c.reason


def test_every_conflict_has_class_reason_and_sourced_figures(found):
    assert {c.disagreement for c in found} == {"contradictory", "divergent", "superseded"}
    for c in found:
        assert c.reason and "\n" not in c.reason
        assert len(c.figures) == 2
        assert all(f.document and f.published and f.quote for f in c.figures)


def test_as_of_leaves_out_what_was_not_yet_published(bundled):
    # knowledge time (known_at): only the documents published by 2026-04-20 (000, 001, 004) speak
    early = conflicts(bundled, known_at="2026-04-20")
    assert [c.id for c in early if c.type == "deal"] == ["openai-oracle-compute"]
    assert {f.document[:3] for c in early for f in c.figures} <= {"000", "001", "004"}


# --- headlines ------------------------------------------------------------------------------


def test_flows_carry_the_class_and_the_disputing_figures(bundled):
    by_id = {f.id: f for f in flows(bundled)}
    oracle = by_id["openai-oracle-compute"]
    assert (oracle.disagreement, [d.value for d in oracle.disputed_by]) == ("contradictory", [300 * B])
    assert disputed_note(oracle) == " (sources disagree: $300B in 001_930f0b1a03446070.txt)"
    amazon = by_id["amazon-anthropic-investment-2026"]
    assert amazon.disagreement == "divergent"
    assert disputed_note(amazon, label=lambda d: d[:3]) == " (sources disagree: $5B + up to $20B in 002)"
    quiet = [f for f in by_id.values() if f.disagreement is None]
    assert quiet and all(disputed_note(f) == "" and f.disputed_by == [] for f in quiet)
    # a filter does not hide the tranches a flag needs
    [filtered] = flows(bundled, payer="amazon", payee="anthropic", kind="equity-investment")[:1]
    assert filtered.id == "amazon-anthropic-investment-2026" and filtered.disagreement == "divergent"


def test_report_never_prints_the_oracle_headline_without_the_disagreement(bundled):
    text = render_report(build_report(bundled))
    mark = "(sources disagree: $300 billion in 001_930f0b1a03446070.txt"
    flat = " ".join(text.split())
    assert f"Oracle: $30 billion {mark}; see section 4)" in flat
    assert f"$30 billion back {mark})" in flat
    assert f"openai-oracle-compute: OpenAI -> Oracle $30 billion {mark})" in flat
    assert "divergent" in flat and "superseded" in flat


def test_report_without_disagreement_has_no_mark(mini_dir):
    kg = open_graph(mini_dir)
    # knowledge time: doc-b (inferred 2026-03) and its $6B were not yet published on 2026-02-01
    before = render_report(build_report(kg, known_at="2026-02-01"))
    assert "sources disagree:" not in before and "None found." in before.split("4. Figures")[1]
    after = render_report(build_report(kg))
    flat = " ".join(after.split())
    assert "BigCo Cloud: $6 billion (sources disagree: $4 billion in doc-a.txt; see section 4)" in flat
    assert "$6 billion back (sources disagree: $4 billion in doc-a.txt) (round trip 0.60x)" in flat


# --- the rules, one by one ------------------------------------------------------------------


def _fig(value, bound="exact", doc="a.txt", published="2026-01-10", upper=None, **kw):
    return Fig(value, upper, bound, doc, published, kw.pop("quote", f"{doc} says {value}"), **kw)


def _dated(value, start, end, bound="exact", doc="a.txt", published="2026-01-10", **kw):
    return _fig(
        value,
        bound,
        doc,
        published,
        start=dt.date.fromisoformat(start),
        end=dt.date.fromisoformat(end),
        when=start,
        **kw,
    )


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (_fig(30 * B), _fig(300 * B, doc="b.txt"), "contradictory"),
        (_fig(100 * B, "about"), _fig(150 * B, doc="b.txt"), "contradictory"),
        (_fig(24 * B), _fig(25 * B, doc="b.txt"), None),  # rounding: within 25%
        (_fig(30 * B, "at-least"), _fig(32 * B, doc="b.txt"), None),
        (_fig(100 * B, "up-to"), _fig(10 * B, doc="b.txt"), "divergent"),
        (_fig(20 * B, "up-to"), _fig(18 * B, "up-to", doc="b.txt"), None),
        (_fig(10 * B), _fig(2.5 * B, "at-least", doc="b.txt"), "divergent"),
    ],
)
def test_same_time_rules(a, b, expected):
    found = same_time(a, b)
    assert (found[0] if found else None) == expected


def test_same_time_rules_for_metrics_only():
    low, high = _fig(500, "at-least", unit="count"), _fig(1000, "at-least", doc="b.txt", unit="count")
    assert same_time(low, high) is None  # a deal's total has no milestones
    assert same_time(low, high, metric=True)[0] == "superseded"
    old = _fig(30, doc="a.txt", published="2025-11-01", unit="GW", forecast=True)
    new = _fig(20, doc="b.txt", published="2026-04-14", unit="GW", forecast=True)
    assert same_time(old, new, metric=True)[0] == "superseded"  # a revised forecast
    assert same_time(old, new)[0] == "contradictory"


def test_dated_apart_rules():
    now = _dated(300 * B, "2026-04-27", "2026-04-27", "about", "a.txt", "2026-04-27")
    later = _dated(852 * B, "2026-05-29", "2026-05-29", "exact", "b.txt", "2026-05-29")
    assert compare(now, later)[0] == "superseded"
    # a figure dated in the past when published is history: a later, larger one is growth
    history = _dated(9 * B, "2025-12-31", "2025-12-31", "about", "a.txt", "2026-04-14")
    grown = _dated(45 * B, "2026-05-01", "2026-05-31", "exact", "b.txt", "2026-05-29")
    assert compare(history, grown) is None
    # a fall of more than 2x is not explained by time
    fell = _dated(2.5 * B, "2026-02-01", "2026-02-28", "at-least", "b.txt", "2026-05-29")
    january = _dated(10 * B, "2026-01-01", "2026-01-31", "exact", "a.txt", "2026-04-27")
    assert compare(january, fell)[0] == "divergent"
    # the same figure dated earlier by the later report
    current = _dated(1.9, "2026-04-01", "2026-04-30", "about", "a.txt", "2026-04-14", unit="GW")
    year = _dated(1.9, "2025-01-01", "2025-12-31", "exact", "b.txt", "2026-04-27", unit="GW")
    pair = compare(current, year)
    assert pair[0] == "superseded" and pair[1] is year
    # one document's own time series is not compared; one quote stating two figures neither
    assert compare(january, _dated(2 * B, "2026-03-01", "2026-03-31", doc="a.txt")) is None
    assert compare(_fig(20, quote="q"), _fig(200, quote="q")) is None


def test_a_tranche_sum_needs_every_tranche_from_one_document():
    def claim(value, bound, doc):
        return {"value": value, "upper": None, "bound": bound, "rate": None, "term": None, "document": doc}

    parent = [claim(25 * B, "exact", "c.txt") | {"published": "2026-05-29", "quote": "$25B commitment"}]
    first = {
        "id": "t1",
        "amounts": [claim(5 * B, "exact", "b.txt") | {"published": "2026-04-27", "quote": "$5B"}],
    }
    second = {
        "id": "t2",
        "amounts": [claim(20 * B, "up-to", "b.txt") | {"published": "2026-04-27", "quote": "up to"}],
    }
    figs = deal_figures(parent, [first, second])
    assert [(f.document, f.value, f.upper, f.bound) for f in figs][1] == ("b.txt", 5 * B, 25 * B, "exact")
    assert [p[0] for p in deal_pairs(figs)] == ["divergent"]
    lone = {"id": "t2", "amounts": [claim(20 * B, "up-to", "d.txt") | {"published": None, "quote": "x"}]}
    assert len(deal_figures(parent, [first, lone])) == 1  # no document states both tranches
