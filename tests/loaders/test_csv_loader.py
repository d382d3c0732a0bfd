"""CSV loader: same rules as YAML, errors name file, row line and column."""

from __future__ import annotations

import pytest

from dealgraph.graph import KnowledgeGraph, flows
from dealgraph.loaders import load_files
from dealgraph.ontology.errors import DataError

HEADER = "id,kind,payer,payee,status,date,amount,currency,bound,document,title,published,quote\n"


def test_csv_deals_and_entities_load(mini_dir, tmp_path):
    (tmp_path / "entities.csv").write_text(
        "id,type,name,aliases,roles,subsidiary_of\nlab-c,organization,Lab C,LC;Lab Cee,ai-lab,\n"
    )
    (tmp_path / "deals.csv").write_text(
        HEADER + "bigco-lab-c,equity-investment,bigco,lab-c,committed,2026-02,"
        "3000000000,USD,exact,doc-c.txt,Doc C,2026-02-03,BigCo puts $3 billion into Lab C\n"
    )
    kg = KnowledgeGraph()
    kg.load(load_files([mini_dir, tmp_path / "entities.csv", tmp_path / "deals.csv"]))
    [f] = flows(kg, payee="lab-c")
    assert (f["amount"], f["date"], f["date_precision"]) == (3_000_000_000, "2026-02-01", "month")
    assert [s.model_dump() for s in f.sources] == [
        {"document": "doc-c.txt", "quote": "BigCo puts $3 billion into Lab C"}
    ]
    assert kg.entity("lab-c")["aliases"] == ["LC", "Lab Cee"]


def test_csv_error_names_row_line_and_column(mini_dir, tmp_path):
    f = tmp_path / "deals.csv"
    f.write_text(
        HEADER
        + "ok-deal,equity-investment,bigco,lab-a,,,1,USD,exact,d.txt,D,2026-01-01,q one\n"
        + "bad-deal,equity-investment,bigco,lab-a,,,1,usd,exact,d.txt,D,2026-01-01,q two\n"
    )
    with pytest.raises(DataError) as exc:
        load_files([mini_dir, f])
    [p] = exc.value.problems
    assert (p.file, p.line, p.field) == (str(f), 3, "currency")


def test_csv_unknown_entity_and_column(mini_dir, tmp_path):
    f = tmp_path / "deals.csv"
    f.write_text(HEADER + "x,equity-investment,bigko,lab-a,,,1,USD,exact,d.txt,D,,q\n")
    with pytest.raises(DataError) as exc:
        load_files([mini_dir, f])
    [p] = exc.value.problems
    assert (p.line, p.field) == (2, "payer") and "did you mean 'bigco'" in p.message
    f.write_text("id,kind,payer,payee,colour\n")
    with pytest.raises(DataError) as exc:
        load_files([mini_dir, f])
    assert exc.value.problems[0].field == "colour" and exc.value.problems[0].line == 1


def test_csv_bulk_path_into_oxigraph_store(mini_dir, tmp_path):
    """CSV into a persistent store goes through N-Triples and the bulk loader, all or nothing."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    pytest.importorskip("pyoxigraph")
    exe = str(Path(sys.executable).parent / "dealgraph")
    spec = f"oxigraph:{tmp_path / 'store'}"
    subprocess.run([exe, "load", str(mini_dir), "--store", spec], check=True, capture_output=True)
    good = tmp_path / "deals.csv"
    good.write_text(
        HEADER + "bigco-lab-b,equity-investment,bigco,lab-b,committed,2026-02,"
        "2000000000,USD,exact,doc-c.txt,Doc C,2026-02-03,BigCo puts $2 billion in\n"
    )
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "x-deal,equity-investment,bigco,lab-zz,,,1,USD,exact,d.txt,D,2026-01-01,q\n")
    out = subprocess.run([exe, "load", str(bad), "--store", spec], capture_output=True, text=True)
    assert out.returncode == 1
    assert f"{bad}:2: payee" in out.stderr  # the CSV's own line, not the N-Triples file's
    out = subprocess.run(
        [exe, "load", str(good), "--store", spec, "--json"], capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout)["added"] > 0
    kg = KnowledgeGraph(spec)
    [f] = [f for f in flows(kg, payee="lab-b") if f["id"] == "bigco-lab-b"]
    assert (f["amount"], f["sources"][0]["document"]) == (2_000_000_000, "doc-c.txt")
    kg.close()
