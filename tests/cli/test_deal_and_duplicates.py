"""`dealgraph deal ID` (one deal, every claim) and the likely-duplicate review (issue 12,
items 6 and 7). The figures come from documents 000 and 001: Oracle "$30 billion five-year
cloud computing contract" (000) and "OpenAI pledged $300 billion back" (001); "Microsoft
($250 billion)" (001).
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
DUPLICATE = """  - id: openai-microsoft-250b
    kind: compute-commitment
    payer: openai
    payee: microsoft
    status: committed
    amounts:
      - value: 250_000_000_000
        currency: USD
        quote: "Microsoft ($250 billion)"
    evidence:
      - quote: "Microsoft ($250 billion)"
"""


def test_deal_shows_every_claim_side_by_side_and_the_disagreement():
    done = runner.invoke(app, ["deal", "openai-oracle-compute", "--json"])
    assert done.exit_code == 0, done.output
    deal = json.loads(done.output)
    assert sorted(a["value"] for a in deal["amounts"]) == [30_000_000_000, 300_000_000_000]
    assert deal["disagreement"] == "contradictory"
    text = runner.invoke(app, ["deal", "openai-oracle-compute"]).output
    assert "sources disagree: $300B" in text and "OpenAI pledged $300" in text


def test_deal_unknown_suggests():
    done = runner.invoke(app, ["deal", "openai-oracle-compte"])
    assert done.exit_code == 2 and "openai-oracle-compute" in done.output


@pytest.fixture
def data(tmp_path: Path) -> Path:
    shutil.copytree(bundled_data_dir(), tmp_path / "data", ignore=shutil.ignore_patterns("__*"))
    return tmp_path / "data"


def test_a_recorded_again_deal_is_a_warning_naming_the_existing_id(data):
    f = data / "sources" / "001_930f0b1a03446070.yaml"
    text = f.read_text(encoding="utf-8")
    at_end_of_deals = text.replace("\nobservations:\n", "\n" + DUPLICATE + "\nobservations:\n", 1)
    f.write_text(at_end_of_deals, encoding="utf-8")
    done = runner.invoke(app, ["validate", "--data", str(data)])
    assert done.exit_code == 0, done.output  # a warning: a reviewer decides
    assert "warning:" in done.output and "looks like deal openai-microsoft-compute" in done.output
    listed = json.loads(runner.invoke(app, ["duplicates", "--data", str(data), "--json"]).output)
    assert [(c["existing"], c["newer"]) for c in listed][:1] == [
        ("openai-microsoft-compute", "openai-microsoft-250b")
    ]
    # a judgement that they differ silences it; deleting it brings it back
    judgements = data / "judgements.yaml"
    kept = judgements.read_text(encoding="utf-8")
    judgements.write_text(
        kept + "  - {first: openai-microsoft-compute, second: openai-microsoft-250b, judgement: different}\n",
        encoding="utf-8",
    )
    warned = "looks like deal openai-microsoft-compute"
    assert warned not in runner.invoke(app, ["validate", "--data", str(data)]).output
    judgements.write_text(kept, encoding="utf-8")
    assert warned in runner.invoke(app, ["validate", "--data", str(data)]).output


def test_the_bundled_data_has_no_unjudged_likely_duplicate():
    assert json.loads(runner.invoke(app, ["duplicates", "--json"]).output) == []


def test_deal_on_the_two_timelines():
    """000 (published 2026-04-14) says "$30 billion five-year"; before it only 001's $300B was out.
    000 also reports that "in February of this year, Amazon announced a $50 billion investment
    in OpenAI": on 2026-03-01 it had happened (as of) but no document had said so (known at)."""
    done = runner.invoke(app, ["deal", "openai-oracle-compute", "--known-at", "2026-04-13", "--json"])
    assert done.exit_code == 0, done.output
    assert [a["value"] for a in json.loads(done.output)["amounts"]] == [300_000_000_000]
    later = json.loads(runner.invoke(app, ["deal", "openai-oracle-compute", "--json"]).output)
    assert len(later["all_sources"]) > len(json.loads(done.output)["all_sources"])
    valid = runner.invoke(app, ["deal", "amazon-openai-investment-2026", "--as-of", "2026-03-01", "--json"])
    assert valid.exit_code == 0 and json.loads(valid.output)["amount"] == 50_000_000_000
    unknown = runner.invoke(app, ["deal", "amazon-openai-investment-2026", "--known-at", "2026-03-01"])
    assert unknown.exit_code == 2 and "does not count on the dates asked" in unknown.output


def test_deal_route_takes_the_timelines():
    from fastapi.testclient import TestClient

    from dealgraph.api.main import create_app

    with TestClient(create_app()) as client:
        r = client.get("/deals/openai-oracle-compute", params={"known_at": "2026-04-13"})
        assert r.status_code == 200 and [a["value"] for a in r.json()["amounts"]] == [300_000_000_000]
        r = client.get("/deals/amazon-openai-investment-2026", params={"known_at": "2026-03-01"})
        assert r.status_code == 404 and "does not count" in r.json()["error"]["message"]
