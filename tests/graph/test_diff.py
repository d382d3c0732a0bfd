"""diff_graphs: what a change to the data did to the answers.

Each AFTER data set is a copy of the bundled data with one source file edited; the figures
expected trace to the seed quotes in data/sources/*.yaml:

- 001: "Microsoft ($250 billion)" (openai-microsoft-compute) and "Microsoft invested $13
  billion" (microsoft-openai-investment): the Microsoft loop, $250B back on $13B out;
- 001: "OpenAI pledged $300 billion back" and 000: "a $30 billion five-year cloud computing
  contract with Oracle" (openai-oracle-compute, the contradictory pair).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from dealgraph import bundled_data_dir, open_graph
from dealgraph.graph.diff import DataDiff, diff_graphs

DOC_000 = "000_f58ffbe10c493a29"
DOC_001 = "001_930f0b1a03446070"


def edited_copy(tmp_path: Path, document: str, edit: Callable[[dict[str, Any]], None]) -> Path:
    """A copy of the bundled data in ``tmp_path`` with ``edit`` applied to one source file."""
    out = tmp_path / "after"
    shutil.copytree(bundled_data_dir(), out, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    path = out / "sources" / f"{document}.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(doc)
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return out


def deal(doc: dict[str, Any], deal_id: str) -> dict[str, Any]:
    """The deal ``deal_id`` of a source file (the test fails if the data no longer has it)."""
    [found] = [d for d in doc["deals"] if d["id"] == deal_id]
    return found


def duplicate_microsoft(doc: dict[str, Any]) -> None:
    """Record OpenAI's $250B Microsoft commitment a second time, under a new id (issue 12)."""
    doc["deals"].append(deal(doc, "openai-microsoft-compute") | {"id": "openai-microsoft-compute-again"})


def drop_microsoft_investment(doc: dict[str, Any]) -> None:
    doc["deals"].remove(deal(doc, "microsoft-openai-investment"))


def drop_oracle_30b(doc: dict[str, Any]) -> None:
    """000 no longer states the $30 billion five-year Oracle contract (001's $300B stays)."""
    del deal(doc, "openai-oracle-compute")["amounts"]


@pytest.fixture(scope="module")
def before():
    kg = open_graph()
    yield kg
    kg.close()


def _diff(before, after_dir: Path, **kw: Any) -> DataDiff:
    after = open_graph(after_dir)
    try:
        return diff_graphs(before, after, **kw)
    finally:
        after.close()


def test_an_unchanged_copy_gives_an_empty_diff(before, tmp_path):
    d = _diff(before, edited_copy(tmp_path, DOC_001, lambda doc: None), as_of="2026-03-01")
    assert d.empty and d.as_of == "2026-03-01" and d.known_at is None
    assert d.model_dump(exclude={"as_of", "known_at", "include_announced"}) == {
        k: [] for k in ("deals", "observations", "relationships", "loops", "two_sided_bets", "conflicts")
    }


def test_a_duplicate_deal_shows_as_added_and_doubles_the_microsoft_loop(before, tmp_path):
    d = _diff(before, edited_copy(tmp_path, DOC_001, duplicate_microsoft))
    [added] = d.deals
    assert (added.id, added.change, added.before) == ("openai-microsoft-compute-again", "added", None)
    assert added.after is not None and added.after.amount == 250_000_000_000
    assert [(c.value, c.quote) for c in added.claims_added] == [(250_000_000_000, "Microsoft ($250 billion)")]
    [loop] = [lp for lp in d.loops if lp.members == ["microsoft", "openai"]]
    assert loop.change == "changed" and loop.before is not None and loop.after is not None
    assert (loop.before.money_out, loop.after.money_out) == (13_000_000_000, 13_000_000_000)
    assert (loop.before.money_back, loop.after.money_back) == (250_000_000_000, 500_000_000_000)
    assert (loop.before.ratio, loop.after.ratio) == (19.2308, 38.4615)  # 250/13, 500/13
    assert loop.changed == ["money_back", "ratio", "ratio_basis", "back_deal_ids"]
    assert loop.after.ratio_basis == "committed money back $500B over committed money out $13B"
    assert "openai-microsoft-compute-again" in loop.after.back_deal_ids
    [bet] = d.two_sided_bets
    assert (bet.organization, bet.change, bet.changed) == ("microsoft", "changed", ["money_from_labs"])
    assert bet.before is not None and bet.after is not None
    gained = bet.after.money_from_labs.committed - bet.before.money_from_labs.committed
    assert gained == 250_000_000_000
    assert d.observations == [] and d.relationships == [] and d.conflicts == []


def test_a_removed_deal_removes_its_loops(before, tmp_path):
    d = _diff(before, edited_copy(tmp_path, DOC_001, drop_microsoft_investment))
    [removed] = d.deals
    assert (removed.id, removed.change, removed.after) == ("microsoft-openai-investment", "removed", None)
    assert removed.before is not None and removed.before.amount == 13_000_000_000
    assert [(c.value, c.document) for c in removed.claims_removed] == [(13_000_000_000, f"{DOC_001}.txt")]
    gone = [lp.members for lp in d.loops if lp.change == "removed"]
    assert gone == [["microsoft", "openai"], ["microsoft", "openai", "amazon", "anthropic"]]
    # the loop that passes the investment on its way back loses that leg's deal
    [(members, changed)] = [(lp.members, lp.changed) for lp in d.loops if lp.change == "changed"]
    assert members == ["amazon", "anthropic", "microsoft", "openai"]
    assert changed == ["ratio_basis", "back_deal_ids"]
    [bet] = d.two_sided_bets
    assert bet.organization == "microsoft" and "money_to_labs" in bet.changed
    assert bet.before is not None and bet.after is not None
    lost = bet.before.money_to_labs.committed - bet.after.money_to_labs.committed
    assert lost == 13_000_000_000


def test_a_changed_amount_changes_the_deal_the_loop_and_the_conflicts(before, tmp_path):
    d = _diff(before, edited_copy(tmp_path, DOC_000, drop_oracle_30b))
    [oracle] = d.deals
    assert (oracle.id, oracle.change) == ("openai-oracle-compute", "changed")
    assert oracle.before is not None and oracle.after is not None
    assert (oracle.before.amount, oracle.after.amount) == (30_000_000_000, 300_000_000_000)
    assert (oracle.before.disagreement, oracle.after.disagreement) == ("contradictory", None)
    assert {"amount", "disagreement", "amounts"} <= set(oracle.changed)
    assert [(c.value, c.quote) for c in oracle.claims_removed] == [
        (30_000_000_000, "a $30 billion five-year cloud computing contract with Oracle")
    ]
    assert oracle.claims_added == []
    [loop] = d.loops
    assert loop.members == ["oracle", "openai"] and loop.before and loop.after
    assert (loop.before.money_back, loop.after.money_back) == (30_000_000_000, 300_000_000_000)
    assert loop.after.ratio is None  # Oracle's cash has no figure: no ratio either side
    [gone] = d.conflicts
    assert (gone.change, gone.conflict.id, gone.conflict.disagreement) == (
        "removed",
        "openai-oracle-compute",
        "contradictory",
    )
    assert sorted(f.value for f in gone.conflict.figures) == [30_000_000_000, 300_000_000_000]


def test_observations_and_relationships(before, tmp_path):
    def edit(doc: dict[str, Any]) -> None:
        [obs] = [o for o in doc["observations"] if o["id"] == "openai-total-commitments-2025-11-s001"]
        obs["value"] = 1_500_000_000_000
        doc["relationships"] = [
            r for r in doc["relationships"] if r["id"] != "anthropic--competes-with--openai"
        ]

    d = _diff(before, edited_copy(tmp_path, DOC_001, edit))
    [obs] = d.observations
    assert (obs.id, obs.change, obs.changed) == (
        "openai-total-commitments-2025-11-s001",
        "changed",
        ["value"],
    )
    assert obs.before is not None and obs.after is not None
    assert (obs.before.value, obs.after.value) == (1_400_000_000_000, 1_500_000_000_000)  # "$1.4 trillion"
    # the rivalry rests on four other documents too: it stays, with one quote fewer
    [rivals] = d.relationships
    assert (rivals.id, rivals.change, rivals.changed) == (
        "anthropic--competes-with--openai",
        "changed",
        ["sources"],
    )
    assert rivals.before is not None and rivals.after is not None
    quote = "Can AWS really support both OpenAI and its rival Anthropic?"
    assert [s.quote for s in rivals.before.sources if s.document == f"{DOC_001}.txt"] == [quote]
    assert [s.quote for s in rivals.after.sources if s.document == f"{DOC_001}.txt"] == []
    assert d.two_sided_bets == []


def relationship(doc: dict[str, Any], rel_id: str) -> dict[str, Any]:
    [found] = [r for r in doc["relationships"] if r["id"] == rel_id]
    return found


def test_a_relationship_removed_or_ended(before, tmp_path):
    def drop(doc: dict[str, Any]) -> None:  # 004: "DeepSeek ... OpenAI" is the rivalry's one source
        doc["relationships"].remove(relationship(doc, "deepseek--competes-with--openai"))

    d = _diff(before, edited_copy(tmp_path / "drop", "004_ad9c1766d59aa3c1", drop))
    [gone] = d.relationships
    assert (gone.id, gone.kind, gone.subject, gone.object, gone.change) == (
        "deepseek--competes-with--openai",
        "competes-with",
        "deepseek",
        "openai",
        "removed",
    )
    assert gone.after is None and gone.before is not None and gone.before.sources

    def end(doc: dict[str, Any]) -> None:
        relationship(doc, "aws--distributes--anthropic").update(status="ended", end="2026-01-01")

    d = _diff(before, edited_copy(tmp_path / "end", DOC_001, end))
    [ended] = d.relationships
    assert (ended.id, ended.change, ended.changed) == (
        "aws--distributes--anthropic",
        "changed",
        ["status", "end"],
    )
    assert ended.before and ended.after
    assert (ended.before.status, ended.after.status, ended.after.end) == ("active", "ended", "2026-01-01")


def test_the_timelines_cut_both_sides(before, tmp_path):
    """Known at 2026-04-13, 000 (published 2026-04-14) is not out: dropping its $30B changes nothing."""
    after = edited_copy(tmp_path, DOC_000, drop_oracle_30b)
    assert _diff(before, after, known_at="2026-04-13").empty
    assert not _diff(before, after, known_at="2026-04-14").empty


def test_a_figure_that_is_not_money(before, tmp_path):
    """000's "a capacity of 3.5 GW" on the Broadcom chip deal, dropped: an other figure removed."""

    def edit(doc: dict[str, Any]) -> None:
        del deal(doc, "anthropic-broadcom-chips")["capacity"]

    d = _diff(before, edited_copy(tmp_path, DOC_000, edit))
    [broadcom] = d.deals
    assert (broadcom.id, broadcom.change, broadcom.changed) == (
        "anthropic-broadcom-chips",
        "changed",
        ["quantities"],
    )
    assert [(q.measure, q.value, q.unit) for q in broadcom.quantities_removed] == [("capacity", 3.5, "GW")]
    assert broadcom.quantities_added == broadcom.claims_added == broadcom.claims_removed == []
    assert d.loops == [] and d.conflicts == []


def test_every_field_is_described():
    """The result models describe every field, as those of graph/results.py do (the API shows them)."""
    schema = DataDiff.model_json_schema()
    models = [schema, *schema.get("$defs", {}).values()]
    ours = [m for m in models if m.get("title", "").endswith(("Change", "Figures", "Facts", "Diff"))]
    assert len(ours) == 10
    for m in ours:
        assert m.get("description"), m["title"]
        for name, prop in m["properties"].items():
            assert prop.get("description"), f"{m['title']}.{name}"
