"""`dealgraph validate` checks the quotes and figures of a CSV data set as it checks YAML ones
(issue 12, item 1: the CSV format loses nothing the YAML format holds).

The CSV data set is the bundled one written by ``yaml_to_csv``. The quote and figure come
from document 001 (data/sources/001_930f0b1a03446070.yaml, deal ``openai-aws-compute-2025``):
"OpenAI cut a $38 billion compute deal with AWS on Monday".
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dealgraph import bundled_data_dir
from dealgraph.cli.main import app
from dealgraph.loaders import load_directory
from dealgraph.loaders.csv_loader import yaml_to_csv
from dealgraph.loaders.verify import verify_dataset

runner = CliRunner()
QUOTE = "OpenAI cut a $38 billion compute deal with AWS on Monday"
DOCUMENT = "001_930f0b1a03446070.txt"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """The bundled data set as CSV files, its documents in ``sources/``."""
    yaml_to_csv(bundled_data_dir(), tmp_path / "csv")
    return tmp_path / "csv"


def _edit(path: Path, old: str, new: str) -> int:
    """Replace ``old`` (once in the file) with ``new``; the line it is on."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return 1 + next(i for i, line in enumerate(text.splitlines()) if old in line)


def _validate(data: Path, *more: str):
    return runner.invoke(app, ["validate", "--data", str(data), *more])


def _row(path: Path, line: int) -> dict[str, str]:
    """The CSV row that starts on ``line`` (1-based; the header is line 1)."""
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        start = 2
        for row in reader:
            if start == line:
                return row
            start = reader.line_num + 1
    raise AssertionError(f"no row starts on line {line}")


def test_the_bundled_data_as_csv_verifies_with_the_yaml_counts(data: Path):
    assert not list(data.glob("*.yaml"))  # nothing but CSV files and the documents
    done = _validate(data, "--json")
    assert done.exit_code == 0, done.output
    as_csv = json.loads(done.stdout)["verified"]
    done = runner.invoke(app, ["validate", "--json"])
    as_yaml = json.loads(done.stdout)["verified"]
    assert as_csv["quotes_checked"] == as_yaml["quotes_checked"] > 200
    assert as_csv["figures_checked"] == as_yaml["figures_checked"] > 100
    assert as_csv["quotes_unverified"] == as_yaml["quotes_unverified"] == 0


def test_a_made_up_quote_in_csv_is_refused_naming_file_line_and_column(data: Path):
    deals = data / "deals.csv"
    made_up = QUOTE.replace("Monday", "Tuesday")
    line = _edit(deals, QUOTE, made_up)
    assert _row(deals, line)["amount_quote"] == made_up  # the amount's own quote
    done = _validate(data)
    assert done.exit_code == 1
    assert f"{deals}:{line}: amount_quote: quote not found verbatim in its document {DOCUMENT}" in done.output
    assert "closest passage" in done.output and "on Monday" in done.output
    # the figure is checked against the quote as written, which still says $38 billion
    assert f"{deals}:{line}: amount:" not in done.output


def test_a_made_up_evidence_quote_names_the_quote_column(data: Path):
    deals = data / "deals.csv"
    evidence = "The seven-year AWS agreement delivers hundreds of thousands of Nvidia GPUs immediately"
    line = _edit(deals, evidence, evidence.replace("seven-year", "ten-year"))
    report = verify_dataset(data)
    [problem] = report.problems
    assert (problem.file, problem.line, problem.field, problem.kind) == (str(deals), line, "quote", "quote")
    assert "The seven-year AWS agreement" in problem.passage


def test_a_figure_not_in_its_quote_is_refused_naming_the_amount_column(data: Path):
    deals = data / "deals.csv"
    text = deals.read_text(encoding="utf-8")
    line = 1 + next(i for i, row in enumerate(text.splitlines()) if QUOTE in row)
    assert _row(deals, line)["amount"] == "38000000000"
    row_text = text.splitlines()[line - 1]
    _edit(deals, row_text, row_text.replace(",38000000000,", ",39000000000,"))
    done = _validate(data)
    assert done.exit_code == 1
    assert (
        f"{deals}:{line}: amount: no 39000000000 USD in the quote (it states: 38000000000 USD)" in done.output
    )


def test_a_csv_observation_figure_names_the_value_column(data: Path):
    # 002: "Anthropic's valuation is now approximately **$380 billion**"
    observations = data / "observations.csv"
    text = observations.read_text(encoding="utf-8")
    [row_text] = [r for r in text.splitlines() if "valuation is now approximately **$380 billion**" in r]
    line = _edit(observations, row_text, row_text.replace(",380000000000,", ",390000000000,"))
    [problem] = verify_dataset(data).problems
    assert (problem.file, problem.line, problem.field, problem.kind) == (
        str(observations),
        line,
        "value",
        "figure",
    )


def test_the_loaded_records_verify_as_a_fresh_read(data: Path):
    """validate checks the records the loader read (one parse); a fresh read agrees."""
    loaded = load_directory(data)
    assert verify_dataset(data, loaded.dataset) == verify_dataset(data)
