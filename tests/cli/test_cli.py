"""The dealgraph CLI on the mini data set (commands, JSON shapes, errors, exit codes)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from dealgraph.cli.main import app

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture
def data(mini_dir):
    return ["--data", str(mini_dir)]


def test_validate_ok_and_bad(data, mini_dir):
    ok = run("validate", *data)
    assert ok.exit_code == 0 and "valid" in ok.output
    f = mini_dir / "sources" / "doc-a.yaml"
    f.write_text(f.read_text().replace("payer: bigco\n", "payer: bigcoo\n", 1))
    bad = run("validate", *data)
    assert bad.exit_code == 1
    assert "doc-a.yaml" in bad.output and "deals[0].payer" in bad.output
    assert "did you mean 'bigco'" in bad.output


def test_stats_json(data):
    out = json.loads(run("stats", *data, "--json").stdout)
    assert (out["entities"], out["deals"], out["observations"], out["relationships"], out["sources"]) == (
        5,
        3,
        1,
        1,
        2,
    )
    assert out["deals_by_kind"] == {"compute-commitment": 1, "equity-investment": 2}


def test_entity_json_and_unknown(data):
    card = json.loads(run("entity", "lab-a", *data, "--json").stdout)
    assert (card["type"], card["roles"]) == ("organization", ["ai-lab"])
    assert {d["id"] for d in card["deals"]} == {"bigco-lab-a-investment", "lab-a-bigco-cloud-compute"}
    # the mini data set does not keep its documents' texts: the evidence says so
    assert card["observations"][0]["sources"] == [
        {"document": "doc-a.txt", "quote": "Lab A is valued at about $100 billion", "unverified": True}
    ]
    bad = run("entity", "lab-aa", *data)
    assert bad.exit_code == 2 and "did you mean 'lab-a'" in bad.output


def test_sources_json(data):
    docs = json.loads(run("sources", *data, "--json").stdout)
    assert [d["document"] for d in docs] == ["doc-a.txt", "doc-b.txt"]
    assert set(docs[0]) >= {"document", "title", "publisher", "published", "claims"}
    assert [d["unverified"] for d in docs] == [True, True]
    assert {"id": "lab-a--competes-with--lab-b", "quote": "Lab A competes with Lab B"} in (docs[0]["claims"])


def test_flows_json_filters(data):
    every = json.loads(run("flows", *data, "--json").stdout)
    assert [f["id"] for f in every] == [
        "bigco-lab-a-investment",
        "lab-a-bigco-cloud-compute",
        "bigco-lab-b-investment",
    ]
    f = every[0]
    assert set(f) >= {"id", "kind", "payer", "payee", "amount", "status", "date", "sources"}
    assert f["amount"] == 10_000_000_000
    only = json.loads(run("flows", *data, "--payer", "bigco", "--kind", "equity-investment", "--json").stdout)
    assert [f["payee"] for f in only] == ["lab-a", "lab-b"]
    early = json.loads(run("flows", *data, "--as-of", "2026-01-06", "--json").stdout)
    assert [f["id"] for f in early] == ["bigco-lab-a-investment"]
    assert run("flows", *data, "--kind", "gift").exit_code == 2
    assert run("flows", *data, "--payer", "nobody").exit_code == 2


def test_query_formats(data):
    q = "SELECT ?name WHERE { ent:lab-a rdfs:label ?name }"
    assert run("query", q, *data, "--format", "csv").stdout.split() == ["name", "Lab", "A"]
    as_json = json.loads(run("query", q, *data, "--format", "json").stdout)
    assert as_json["results"]["bindings"][0]["name"]["value"] == "Lab A"
    assert run("query", q, *data, "--format", "tsv").stdout.splitlines() == ["?name", '"Lab A"']
    construct = run(
        "query", "CONSTRUCT { ?s rdfs:label ?o } WHERE { ?s rdfs:label ?o }", *data, "--format", "turtle"
    )
    assert "Lab A" in construct.stdout
    assert run("query", "SELECT nonsense {", *data).exit_code == 2


def test_query_from_file(data, tmp_path):
    f = tmp_path / "q.rq"
    f.write_text("SELECT (COUNT(?d) AS ?n) WHERE { ?d a dg:Deal }")
    assert run("query", str(f), *data, "-f", "csv").stdout.split() == ["n", "3"]


@pytest.mark.parametrize(
    "fmt,parse_as", [("turtle", "turtle"), ("jsonld", "json-ld"), ("ntriples", "nt"), ("trig", "trig")]
)
def test_export_formats(data, tmp_path, fmt, parse_as):
    from rdflib import Dataset

    out = tmp_path / f"export.{fmt}"
    result = run("export", fmt, "-o", str(out), *data)
    assert result.exit_code == 0
    ds = Dataset()
    ds.parse(out, format=parse_as)
    assert len(ds) > 100 or sum(len(g) for g in ds.graphs()) > 100
    text = out.read_text()
    assert "Lab A is valued at about $100 billion" in text  # provenance included
    assert run("export", "pdf", *data).exit_code == 2


# --- analytics commands on the bundled data set -------------------------------------------


def test_loops_json_shape():
    loops = json.loads(run("loops", "--max-length", "2", "--json").stdout)
    first = loops[0]
    assert set(first) >= {"members", "flows", "money_out", "money_back", "ratio", "ratio_basis", "legs"}
    # Amazon's $50B in OpenAI is announced: first with --include-announced only
    assert first["members"] == ["amazon", "anthropic"] and first["ratio"] == 7.6923
    counted = json.loads(run("loops", "--max-length", "2", "--include-announced", "--json").stdout)[0]
    assert counted["members"] == ["amazon", "openai"] and counted["ratio"] == 0.76
    assert {f["id"] for f in counted["flows"]} == {"amazon-openai-investment-2026", "openai-aws-compute-2025"}
    assert all(
        set(f) >= {"id", "kind", "payer", "payee", "amount", "status", "date", "sources"}
        for f in first["flows"]
    )
    assert run("loops", "--max-length", "1").exit_code == 2


def test_trace_exposure_paths_share_conflicts_json():
    t = json.loads(run("trace", "amazon", "--depth", "1", "--json").stdout)
    assert t["reached"]["openai"]["money"]["announced"] == 50_000_000_000
    up = json.loads(run("trace", "aws", "--direction", "up", "--depth", "1", "--json").stdout)
    assert {"openai", "anthropic"} <= set(up["reached"])
    e = json.loads(run("exposure", "amazon", "--as-of", "2026-04-14", "--json").stdout)
    assert e["total"]["money_to_labs"]["committed"] == 8_000_000_000  # the $50B in OpenAI is announced
    assert e["total"]["money_to_labs"]["announced"] == 50_000_000_000
    every = json.loads(run("exposure", "--json").stdout)
    assert "amazon" in [x["group"] for x in every]
    p = json.loads(run("paths", "amazon", "aws", "--max-length", "2", "--json").stdout)
    assert any(
        [s["deal"] for s in x["steps"]] == ["amazon-openai-investment-2026", "openai-aws-compute-2025"]
        for x in p
    )
    s = json.loads(run("share", "openai", "aws", "--as-of", "2025-11-30", "--json").stdout)
    assert round(s["share"] * 100) == 3
    c = json.loads(run("conflicts", "--json").stdout)
    assert [(x["id"], x["disagreement"]) for x in c if x["type"] == "deal"] == [
        ("amazon-anthropic-investment-2026", "divergent"),
        ("openai-oracle-compute", "contradictory"),
    ]
    assert run("trace", "amazn").exit_code == 2
    assert run("exposure", "amazon", "--as-of", "soon").exit_code == 2


def test_report_human_and_json():
    text = " ".join(run("report").stdout.split())
    assert "Vendor-financed loops" in text and "round trip at least 7.69x" in text
    assert "round trip 0.76x" in run("report", "--include-announced").stdout
    rep = json.loads(run("report", "--json").stdout)
    assert set(rep) >= {"biggest_flows", "loops", "two_sided_bets", "conflicts"}
    early = json.loads(run("report", "--as-of", "2025-12-01", "--json").stdout)
    assert "amazon-openai-investment-2026" not in {f["id"] for f in early["biggest_flows"]}


def test_named_query_by_name():
    out = run("query", "loops-two-hops", "--format", "csv").stdout
    assert out.splitlines()[0].startswith("investorGroup,investeeGroup,investment")
    assert "openai-aws-compute-2025" in out


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "cytoscape", "d3", "dot", "mermaid"])
def test_export_graph_formats_with_filters(fmt, tmp_path):
    out = tmp_path / f"g.{fmt}"
    result = run(
        "export", fmt, "--focus", "anthropic", "--depth", "1", "--as-of", "2026-05-01", "-o", str(out)
    )
    assert result.exit_code == 0, result.output
    assert "Anthropic" in out.read_text()
    assert run("export", fmt, "--focus", "antropic").exit_code == 2
