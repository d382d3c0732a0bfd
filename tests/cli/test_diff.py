"""dealgraph diff: two data directories, or one against a git revision; text and JSON.

The AFTER data sets are the edited copies of tests/graph/test_diff.py (figures from the seed
quotes: 001 "Microsoft ($250 billion)", "Microsoft invested $13 billion").
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dealgraph import bundled_data_dir
from dealgraph.cli.main import app
from tests.graph.test_diff import DOC_000, DOC_001, deal, drop_oracle_30b, duplicate_microsoft, edited_copy

runner = CliRunner()
BUNDLED = str(bundled_data_dir())


def test_two_directories_show_the_duplicate_deal_and_the_doubled_loop(tmp_path):
    after = edited_copy(tmp_path, DOC_001, duplicate_microsoft)
    result = runner.invoke(app, ["diff", BUNDLED, str(after)])
    assert result.exit_code == 0, result.output
    lines = [line.strip() for line in result.output.splitlines()]
    assert lines == [
        "Deals",
        "+ openai-microsoft-compute-again  compute-commitment openai -> microsoft  $250B committed",
        "Loops",
        "~ microsoft -> openai -> microsoft: money back $250B -> $500B; ratio 19.23x -> 38.46x; "
        "deals back +openai-microsoft-compute-again",
        "Two-sided bets",
        "~ microsoft: money from labs $250B committed -> $500B committed",
    ]


def test_json(tmp_path):
    after = edited_copy(tmp_path, DOC_001, duplicate_microsoft)
    result = runner.invoke(app, ["diff", BUNDLED, str(after), "--json"])
    assert result.exit_code == 0, result.output
    d = json.loads(result.output)
    [loop] = d["loops"]
    assert loop["members"] == ["microsoft", "openai"] and loop["change"] == "changed"
    assert (loop["before"]["money_back"], loop["after"]["money_back"]) == (250_000_000_000, 500_000_000_000)
    assert [x["id"] for x in d["deals"]] == ["openai-microsoft-compute-again"]


def test_a_changed_amount_and_a_conflict_gone(tmp_path):
    after = edited_copy(tmp_path, DOC_000, drop_oracle_30b)
    result = runner.invoke(app, ["diff", BUNDLED, str(after)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "~ openai-oracle-compute  compute-commitment openai -> oracle: amount $30B -> $300B" in out
    assert "disagreement contradictory -> none" in out
    assert f"claims -$30B ({DOC_000}.txt)" in out
    assert "~ oracle -> openai -> oracle: money back $30B -> $300B" in out
    assert "- compute-commitment openai -> oracle (openai-oracle-compute): contradictory:" in out


def test_after_defaults_to_the_data_every_command_reads(tmp_path):
    after = edited_copy(tmp_path, DOC_001, duplicate_microsoft)
    result = runner.invoke(app, ["diff", BUNDLED, "--data", str(after)])
    assert result.exit_code == 0 and "+ openai-microsoft-compute-again" in result.output
    result = runner.invoke(app, ["diff", BUNDLED], env={"DEALGRAPH_DATA": str(after)})
    assert result.exit_code == 0 and "+ openai-microsoft-compute-again" in result.output


def test_an_unchanged_pair(tmp_path):
    result = runner.invoke(app, ["diff", BUNDLED, BUNDLED, "--as-of", "2026-03-01"])
    assert result.exit_code == 0 and result.output.strip() == "no change to the answers"
    result = runner.invoke(app, ["diff", BUNDLED, BUNDLED, "--json"])
    assert json.loads(result.output)["deals"] == []


def test_a_bad_directory_names_the_file(tmp_path):
    after = edited_copy(tmp_path, DOC_001, duplicate_microsoft)
    bad = after / "sources" / f"{DOC_001}.yaml"
    bad.write_text(bad.read_text(encoding="utf-8").replace("payee: microsoft", "payee: microsfot", 1))
    result = runner.invoke(app, ["diff", BUNDLED, str(after)])
    assert result.exit_code == 1
    out = " ".join(result.output.split())  # the headline may wrap
    assert f"Invalid data in AFTER ({after})" in out
    assert f"{bad}:" in out and "unknown entity 'microsfot'" in out


def test_an_empty_or_missing_directory_and_no_arguments(tmp_path):
    result = runner.invoke(app, ["diff", str(tmp_path), BUNDLED])
    assert result.exit_code == 2 and f"BEFORE ({tmp_path}) holds no data" in result.output
    result = runner.invoke(app, ["diff", str(tmp_path / "nowhere"), BUNDLED])
    assert result.exit_code == 2 and "does not exist" in result.output
    result = runner.invoke(app, ["diff"])
    assert result.exit_code == 2 and "--against REV" in result.output
    result = runner.invoke(app, ["diff", BUNDLED, "--against", "HEAD"])
    assert result.exit_code == 2 and "not both" in result.output


needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=repo, check=True)


@needs_git
def test_against_a_git_revision(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copytree(bundled_data_dir(), repo / "data", ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    _git(repo, "init", "-q")
    _git(repo, "add", "data")
    _git(repo, "commit", "-qm", "data")
    data = repo / "data"
    result = runner.invoke(app, ["diff", "--against", "HEAD", "--data", str(data)])
    assert result.exit_code == 0 and result.output.strip() == "no change to the answers", result.output
    edited = edited_copy(tmp_path, DOC_001, duplicate_microsoft) / "sources" / f"{DOC_001}.yaml"
    shutil.copy(edited, data / "sources" / edited.name)  # the working tree's edit
    result = runner.invoke(app, ["diff", "--against", "HEAD", "--data", str(data)])
    assert result.exit_code == 0, result.output
    assert "money back $250B -> $500B" in result.output
    result = runner.invoke(app, ["diff", "--against", "no-such-rev", "--data", str(data)])
    assert result.exit_code == 2 and "no-such-rev" in result.output
    (data / "entities.yaml").write_text("entities: [")  # HEAD still has the good file
    result = runner.invoke(app, ["diff", "--against", "HEAD", "--data", str(data)])
    assert result.exit_code == 1 and "Invalid data" in result.output
    assert f"{data / 'entities.yaml'}:1: YAML syntax" in result.output


@needs_git
def test_against_outside_a_git_repository(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(bundled_data_dir(), data, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    result = runner.invoke(app, ["diff", "--against", "HEAD", "--data", str(data)])
    assert result.exit_code == 2
    assert "not a git repository" in result.output and "give BEFORE and AFTER" in result.output


def test_other_figures_and_chips(tmp_path):
    def edit(doc):
        broadcom = deal(doc, "anthropic-broadcom-chips")
        broadcom["capacity"]["value"] = 4  # (the quote says 3.5 GW: validate would refuse it)

    after = edited_copy(tmp_path, DOC_000, edit)
    result = runner.invoke(app, ["diff", BUNDLED, str(after)])
    assert result.exit_code == 0, result.output
    assert (
        "~ anthropic-broadcom-chips  chip-supply anthropic -> broadcom: other figures "
        f"+4 GW capacity ({DOC_000}.txt), -3.5 GW capacity ({DOC_000}.txt)"
    ) in result.output


def test_relationships(tmp_path):
    def end(doc):
        [rel] = [r for r in doc["relationships"] if r["id"] == "aws--distributes--anthropic"]
        rel.update(status="ended", end="2026-01-01")

    result = runner.invoke(app, ["diff", BUNDLED, str(edited_copy(tmp_path, DOC_001, end))])
    assert result.exit_code == 0, result.output
    assert [line.strip() for line in result.output.splitlines()] == [
        "Relationships",
        "~ aws distributes anthropic: status active -> ended; end none -> 2026-01-01",
    ]


def test_announced_money_and_include_announced(tmp_path):
    """000's "Amazon announced a $50 billion investment in OpenAI" recorded as committed instead:
    the loop's money out comes out of the announced bucket (back: 001's $38 billion AWS deal)."""
    after = edited_copy(
        tmp_path, DOC_000, lambda doc: deal(doc, "amazon-openai-investment-2026").update(status="committed")
    )
    result = runner.invoke(app, ["diff", BUNDLED, str(after)])
    assert result.exit_code == 0, result.output
    assert "status announced -> committed" in result.output
    assert (
        "~ amazon -> openai -> amazon: money out $0 -> $50B; announced out $50B -> $0; "
        "ratio no ratio -> 0.76x"
    ) in result.output
    counted = runner.invoke(app, ["diff", BUNDLED, str(after), "--include-announced", "--json"])
    d = json.loads(counted.output)
    assert d["include_announced"] is True
    [loop] = d["loops"]
    assert loop["before"]["money_out"] == loop["after"]["money_out"] == 50_000_000_000
    assert "money_out" not in loop["changed"] and "ratio" not in loop["changed"]
