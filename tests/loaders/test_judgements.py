"""A ``same`` judgement makes the loader load one deal (issue 12, item 6: a merge that can be
undone).

The duplicate is the $250 billion OpenAI -> Microsoft compute commitment of document 001
(data/sources/001_930f0b1a03446070.yaml, deal ``openai-microsoft-compute``: "OpenAI's
infrastructure commitments now total $1.4 trillion across AWS ($38 billion), Oracle ($300
billion), Microsoft ($250 billion), ..."), recorded again under a new id. Microsoft invested
$13 billion in OpenAI (001: "Microsoft invested $13 billion"), so the loop's money back is
$250B (ratio 19.2308); the duplicate doubled it to $500B (issue 12: "ratio 38.46x").
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dealgraph import bundled_data_dir, open_graph
from dealgraph.cli.main import app
from dealgraph.graph import flows
from dealgraph.graph.loops import vendor_financed_loops
from dealgraph.loaders import load_directory
from dealgraph.loaders.csv_loader import yaml_to_csv
from dealgraph.loaders.dedupe import JUDGEMENTS_FILE, candidates, warnings
from dealgraph.ontology.errors import DataError

from .test_dedupe import AGAIN as AGAIN_TEMPLATE
from .test_dedupe import MICROSOFT_250B, _add_deal

runner = CliRunner()
SOURCE = "001_930f0b1a03446070"
EXISTING, AGAIN = "openai-microsoft-compute", "openai-microsoft-commitment"
# the deal of test_dedupe (001's "Microsoft ($250 billion)") under a new id
DUPLICATE = AGAIN_TEMPLATE.format(id=AGAIN, **MICROSOFT_250B)
SAME = f"""\
judgements:
  - first: {EXISTING}
    second: {AGAIN}
    judgement: same
"""


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """The bundled data with the $250B commitment recorded again under a new id."""
    dst = tmp_path / "data"
    shutil.copytree(bundled_data_dir(), dst, ignore=shutil.ignore_patterns("__*", "*.py"))
    _add_deal(dst / "sources" / f"{SOURCE}.yaml", DUPLICATE)
    return dst


def _judge(data: Path, text: str | None) -> None:
    path = data / JUDGEMENTS_FILE
    if text is None:
        path.unlink()
    else:
        path.write_text(text, encoding="utf-8")


def _microsoft_loop(data: Path):
    [loop] = [
        loop
        for loop in vendor_financed_loops(open_graph(data))
        if loop.investor == "microsoft" and set(loop.members) == {"microsoft", "openai"}
    ]
    return loop


def _openai_to_microsoft(data: Path) -> list[str]:
    return [f.id for f in flows(open_graph(data), payer="openai", payee="microsoft") if f.amount]


def test_a_same_judgement_loads_the_deal_once(data: Path):
    _judge(data, None)  # no judgement: counted twice
    assert sorted(_openai_to_microsoft(data)) == [AGAIN, EXISTING]
    assert _microsoft_loop(data).money_back == 500_000_000_000
    _judge(data, SAME)
    assert _openai_to_microsoft(data) == [EXISTING]
    loop = _microsoft_loop(data)
    assert (loop.money_back, loop.money_out, loop.ratio) == (250_000_000_000, 13_000_000_000, 19.2308)
    assert AGAIN not in loop.deal_ids


def test_the_merged_deal_keeps_the_seconds_claims_and_evidence(data: Path):
    _judge(data, SAME)
    loaded = load_directory(data)
    assert loaded.dataset is not None
    mentions = loaded.dataset.deals[EXISTING]
    assert len(mentions) == 2 and AGAIN not in loaded.dataset.deals
    merged = mentions[1]
    assert merged.record.id == EXISTING and merged.record.amounts[0].value == 250_000_000_000
    source = data / "sources" / f"{SOURCE}.yaml"
    line = 1 + source.read_text(encoding="utf-8").splitlines().index(f"  - id: {AGAIN}")
    assert (merged.file, merged.line) == (str(source), line)  # its file and line, as written


def test_deleting_the_judgement_undoes_the_merge(data: Path):
    _judge(data, SAME)
    assert _openai_to_microsoft(data) == [EXISTING]
    _judge(data, "judgements:\n")
    assert sorted(_openai_to_microsoft(data)) == [AGAIN, EXISTING]
    assert [(c.existing, c.newer) for c in candidates(data) if c.score >= 0.7] == [(EXISTING, AGAIN)]


def test_flows_cli_lists_one_deal_with_the_judgement_and_validate_warns_without(data: Path):
    _judge(data, None)
    done = runner.invoke(
        app, ["flows", "--payer", "openai", "--payee", "microsoft", "--json", "--data", str(data)]
    )
    assert done.exit_code == 0, done.output
    assert sorted(f["id"] for f in json.loads(done.stdout) if f["amount"]) == [AGAIN, EXISTING]
    done = runner.invoke(app, ["validate", "--data", str(data)])
    assert done.exit_code == 0, done.output
    assert f"looks like deal {EXISTING}" in done.stderr
    _judge(data, SAME)
    done = runner.invoke(
        app, ["flows", "--payer", "openai", "--payee", "microsoft", "--json", "--data", str(data)]
    )
    assert [f["id"] for f in json.loads(done.stdout) if f["amount"]] == [EXISTING]
    done = runner.invoke(app, ["validate", "--data", str(data)])
    assert done.exit_code == 0, done.output
    assert "looks like deal" not in done.stderr


def test_warnings_on_the_loaded_records_match_a_fresh_read(data: Path):
    _judge(data, None)
    loaded = load_directory(data)
    assert warnings(data, loaded.dataset) == warnings(data) != []
    _judge(data, SAME)
    loaded = load_directory(data)
    assert warnings(data, loaded.dataset) == warnings(data) == []
    assert candidates(data, dataset=loaded.dataset) == candidates(data)


def test_a_same_judgement_between_deals_that_disagree_is_refused_naming_the_second(data: Path):
    source = data / "sources" / f"{SOURCE}.yaml"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace(DUPLICATE, DUPLICATE.replace("committed", "announced")), encoding="utf-8")
    _judge(data, SAME)
    with pytest.raises(DataError, match=f"deal '{EXISTING}': status is 'announced' here but 'committed'"):
        load_directory(data)


def test_a_reference_to_the_second_id_follows_the_merge(data: Path):
    source = data / "sources" / f"{SOURCE}.yaml"
    tranche = DUPLICATE.replace(AGAIN, f"{AGAIN}-part").replace(
        "status: committed", f"status: committed\n    part_of: {AGAIN}"
    )
    _add_deal(source, tranche)
    _judge(data, SAME)
    loaded = load_directory(data)
    assert loaded.dataset is not None
    [part] = loaded.dataset.deals[f"{AGAIN}-part"]
    assert part.record.part_of == EXISTING


def test_a_judgement_beside_csv_files_merges_their_deals(data: Path, tmp_path: Path):
    _judge(data, SAME)
    yaml_to_csv(data, tmp_path / "csv")
    assert sorted(_openai_to_microsoft(tmp_path / "csv")) == [AGAIN, EXISTING]
    shutil.copy(data / JUDGEMENTS_FILE, tmp_path / "csv")  # the decisions, beside the CSV files
    assert _openai_to_microsoft(tmp_path / "csv") == [EXISTING]


def test_a_tranche_judged_the_same_as_its_parent_is_refused(data: Path):
    source = data / "sources" / f"{SOURCE}.yaml"
    tranche = DUPLICATE.replace(AGAIN, f"{AGAIN}-part").replace(
        "status: committed", f"status: committed\n    part_of: {EXISTING}"
    )
    _add_deal(source, tranche)
    _judge(data, SAME.replace(f"second: {AGAIN}", f"second: {AGAIN}-part"))
    with pytest.raises(DataError, match=f"deal judged the same as '{EXISTING}', the deal it is part of"):
        load_directory(data)
