"""`dealgraph validate` checks quotes and figures against the documents (issue 12, item 1).

The quote and the figure come from document 001 (data/sources/001_930f0b1a03446070.yaml):
"OpenAI cut a $38 billion compute deal with AWS on Monday".
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dealgraph import bundled_data_dir
from dealgraph.cli.main import app

runner = CliRunner()
SOURCE = "001_930f0b1a03446070"
QUOTE = "OpenAI cut a $38 billion compute deal with AWS on Monday"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    shutil.copytree(bundled_data_dir(), tmp_path / "data", ignore=shutil.ignore_patterns("__*"))
    return tmp_path / "data"


def _edit(data: Path, old: str, new: str) -> Path:
    f = data / "sources" / f"{SOURCE}.yaml"
    text = f.read_text(encoding="utf-8")
    assert text.count(old) == 1
    f.write_text(text.replace(old, new), encoding="utf-8")
    return f


def test_the_bundled_data_verifies():
    done = runner.invoke(app, ["validate", "--json"])
    assert done.exit_code == 0, done.output
    verified = json.loads(done.output)["verified"]
    assert verified["quotes_checked"] > 200 and verified["figures_checked"] > 100
    assert verified["unverified_files"] == []


def test_a_made_up_quote_is_refused(data):
    f = _edit(data, QUOTE, QUOTE.replace("Monday", "Tuesday"))
    done = runner.invoke(app, ["validate", "--data", str(data)])
    assert done.exit_code == 1
    assert f"{f}:" in done.output and "deals[0].amounts[0].quote" in done.output
    assert "closest passage" in done.output and "on Monday" in done.output


def test_a_figure_not_in_its_quote_is_refused(data):
    _edit(data, "      - value: 38_000_000_000", "      - value: 39_000_000_000")
    done = runner.invoke(app, ["validate", "--data", str(data)])
    assert done.exit_code == 1
    assert "deals[0].amounts[0].value" in done.output


def test_a_source_without_its_document_is_unverified_not_refused(data):
    (data / "sources" / f"{SOURCE}.txt").unlink()
    done = runner.invoke(app, ["validate", "--data", str(data), "--json"])
    assert done.exit_code == 0, done.output
    verified = json.loads(done.output)["verified"]
    assert [Path(f).name for f in verified["unverified_files"]] == [f"{SOURCE}.yaml"]
    assert verified["quotes_unverified"] > 0
