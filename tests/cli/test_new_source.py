"""`dealgraph new-source DOC`: a document goes into the data set with a draft source file to
review; nothing in the draft is accepted until a person moves it (issue 12, item 2).

The document is a brief written for these tests (tests/loaders/draft_fixtures), not a seed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from dealgraph.cli.main import app

runner = CliRunner()
FIXTURES = Path(__file__).resolve().parents[1] / "loaders" / "draft_fixtures"
BRIEF = FIXTURES / "sources" / "brief_helios_nimbus.txt"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    (tmp_path / "data" / "sources").mkdir(parents=True)
    shutil.copy(FIXTURES / "entities.yaml", tmp_path / "data" / "entities.yaml")
    return tmp_path / "data"


def test_new_source_writes_the_document_and_its_draft(data):
    done = runner.invoke(app, ["new-source", str(BRIEF), "--data", str(data), "--json", "--title", "A brief"])
    assert done.exit_code == 0, done.output
    result = json.loads(done.output)
    written = Path(result["written"])
    assert written == data / "sources" / f"{BRIEF.stem}.yaml"
    assert (data / "sources" / BRIEF.name).read_bytes() == BRIEF.read_bytes()
    draft = yaml.safe_load(written.read_text(encoding="utf-8"))
    assert draft["source"]["title"] == "A brief" and len(draft["drafts"]) == result["stubs"] > 0
    # the brief's warrant sentence is one of the stubs, quoted verbatim
    assert any("160 million shares" in stub["quote"] for stub in draft["drafts"])
    # validate refuses the unreviewed draft, naming the field
    refused = runner.invoke(app, ["validate", "--data", str(data)])
    assert refused.exit_code == 1 and "unreviewed draft stub(s)" in refused.output


def test_new_source_reads_DEALGRAPH_DATA_and_keeps_what_exists(data):
    done = runner.invoke(app, ["new-source", str(BRIEF)], env={"DEALGRAPH_DATA": str(data)})
    assert done.exit_code == 0, done.output
    again = runner.invoke(app, ["new-source", str(BRIEF)], env={"DEALGRAPH_DATA": str(data)})
    assert again.exit_code == 1 and "exists" in again.output
    assert runner.invoke(app, ["new-source", str(BRIEF), "--data", str(data), "--force"]).exit_code == 0


def test_new_source_needs_a_data_set():
    done = runner.invoke(app, ["new-source", str(BRIEF)], env={"DEALGRAPH_DATA": ""})
    assert done.exit_code == 2 and "--data DIR" in done.output
