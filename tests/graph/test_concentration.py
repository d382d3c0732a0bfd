"""The concentration analytic: the Herfindahl-Hirschman index of a lab's compute suppliers.

Expected values are computed here from the figures the seed documents state (quoted below),
with the HHI's definition: the sum of squared percentage shares (U.S. Horizontal Merger
Guidelines, 2023, section 2.1; 10,000 for a single supplier).
"""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from dealgraph import open_graph
from dealgraph.api.main import create_app
from dealgraph.cli.main import app as cli_app
from dealgraph.graph.concentration import ConcentrationParams, concentration
from dealgraph.graph.registry import analytic

# OpenAI's committed compute deals with a figure, as the documents state them:
OPENAI_COMPUTE = {
    # 001: "OpenAI's infrastructure commitments now total $1.4 trillion across AWS ($38 billion),
    #       Oracle ($300 billion), Microsoft ($250 billion), CoreWeave ($22.4 billion), ..."
    "microsoft": 250e9,
    # 001: "OpenAI cut a $38 billion compute deal with AWS on Monday" (AWS is Amazon's)
    "amazon": 38e9,
    # 000: "a $30 billion five-year cloud computing contract with Oracle" -- the headline; 001
    #       says "$300 billion", so the deal is reported as disputed
    "oracle": 30e9,
    "coreweave": 22.4e9,
}


def hhi(amounts) -> float:
    total = sum(amounts)
    return sum((100 * a / total) ** 2 for a in amounts)


@pytest.fixture(scope="module")
def kg():
    return open_graph()


def test_openai_hhi_from_the_stated_figures(kg):
    c = concentration(kg, ConcentrationParams(lab="openai"))
    assert {s.supplier: s.committed for s in c.suppliers} == OPENAI_COMPUTE
    assert c.hhi == pytest.approx(hhi(OPENAI_COMPUTE.values()))
    assert c.effective_suppliers == pytest.approx(10_000 / hhi(OPENAI_COMPUTE.values()))
    assert c.highly_concentrated is True  # above 1,800
    assert [s.supplier for s in c.suppliers] == ["microsoft", "amazon", "oracle", "coreweave"]
    assert sum(s.share for s in c.suppliers) == pytest.approx(1)
    # the documents disagree on Oracle's figure ($30B in 000, $300B in 001)
    assert c.disputed == ["openai-oracle-compute"]
    # 001: "plus undisclosed Google and chip deals": no figure, listed, not counted
    assert "openai-google-compute" in c.unquantified


def test_the_disputed_figure_would_change_the_answer(kg):
    """Why the dispute is reported: with 001's $300B for Oracle the index is another one."""
    other = {**OPENAI_COMPUTE, "oracle": 300e9}
    c = concentration(kg, ConcentrationParams(lab="openai"))
    assert abs(hhi(other.values()) - c.hhi) > 1000


def test_at_least_counts_at_its_floor_and_dates_cut(kg):
    c = concentration(kg, ConcentrationParams(lab="anthropic"))
    # 003: "Anthropic has committed to spending **more than $100 billion** on AWS technologies";
    # "$45 billion over three years" to SpaceX
    assert {s.supplier: s.committed for s in c.suppliers} == {"amazon": 100e9, "spacex": 45e9}
    assert c.hhi == pytest.approx(hhi([100e9, 45e9]))
    # announced deals without a figure (Google, Microsoft, Nvidia) are listed, not counted
    assert {"anthropic-google-compute", "anthropic-nvidia-compute"} <= set(c.unquantified)
    # before the SpaceX deal (May 2026) AWS is the only supplier: 10,000 by definition
    one = concentration(kg, ConcentrationParams(lab="anthropic", as_of="2026-04-30"))
    assert [s.supplier for s in one.suppliers] == ["amazon"]
    assert one.hhi == pytest.approx(10_000)


def test_as_of_before_any_deal_has_no_index(kg):
    c = concentration(kg, ConcentrationParams(lab="openai", as_of="2019-01-01"))
    assert c.hhi is None and c.suppliers == [] and c.committed_total == 0


def test_unknown_lab_suggests(kg):
    with pytest.raises(LookupError, match="openai"):
        concentration(kg, ConcentrationParams(lab="opena"))


def test_registered_and_served_by_the_api(kg):
    assert analytic("concentration").run is concentration
    with TestClient(create_app(kg)) as client:
        r = client.get("/concentration/openai")
        assert r.status_code == 200, r.text
        assert r.json()["hhi"] == pytest.approx(hhi(OPENAI_COMPUTE.values()))
        assert client.get("/concentration/opena").json()["error"]["suggestions"] == ["openai"]
        assert client.get("/concentration/Not_A_Slug").status_code == 422
        spec = client.get("/openapi.json").json()
        op = spec["paths"]["/concentration/{lab}"]["get"]
        assert op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
            "/Concentration"
        )


def test_cli_command(kg):
    runner = CliRunner()
    done = runner.invoke(cli_app, ["concentration", "openai", "--json"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["hhi"] == pytest.approx(hhi(OPENAI_COMPUTE.values()))
    text = runner.invoke(cli_app, ["concentration", "openai"]).output
    assert "HHI 5,639" in text and "Microsoft" in text and "openai-oracle-compute" in text
    bad = runner.invoke(cli_app, ["concentration", "opena"])
    assert bad.exit_code != 0 and "openai" in bad.output
