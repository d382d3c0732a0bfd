"""CSV loader: same rules as YAML, errors name file, row line and column."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from rdflib.compare import to_isomorphic

from dealgraph import bundled_data_dir
from dealgraph.graph import KnowledgeGraph, flows
from dealgraph.loaders import load_directory, load_files
from dealgraph.loaders.csv_loader import DEAL_COLUMNS, read_csv_file, yaml_to_csv
from dealgraph.loaders.dataset import Dataset
from dealgraph.loaders.yaml_loader import read_yaml_dataset
from dealgraph.ontology.errors import DataError

FULL = Path(__file__).resolve().parent / "csv_fixtures" / "full"

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
    # the data set does not keep doc-c.txt's text: its evidence is marked unverified
    assert [s.model_dump() for s in f.sources] == [
        {"document": "doc-c.txt", "quote": "BigCo puts $3 billion into Lab C", "unverified": True}
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


@pytest.mark.parametrize("source", [bundled_data_dir(), FULL], ids=["bundled", "every-field"])
def test_yaml_and_its_csv_rendering_make_the_same_graph(source, tmp_path):
    """CSV loses nothing: the data set written as CSV loads into the same RDF graph."""
    written = yaml_to_csv(source, tmp_path)
    assert [p.name for p in written] == ["entities.csv", "deals.csv", "observations.csv", "relationships.csv"]
    assert not list(tmp_path.rglob("*.yaml"))  # the graph below comes from the CSV files alone
    texts = sorted(p.name for p in (Path(source) / "sources").glob("*.txt"))
    assert sorted(p.name for p in (tmp_path / "sources").iterdir()) == texts
    from_yaml, from_csv = load_directory(source).graph, load_directory(tmp_path).graph
    assert len(from_yaml) > 100
    assert to_isomorphic(from_yaml) == to_isomorphic(from_csv)
    # the records themselves too (fields the graph does not carry would show here)
    ds = Dataset()
    for path in written:
        read_csv_file(path, ds)
    assert ds.problems == [] and _records(ds) == _records(read_yaml_dataset(source))


def _records(ds: Dataset) -> dict:
    return {
        "entities": {k: v.record for k, v in ds.entities.items()},
        "sources": {k: v.record for k, v in ds.sources.items()},
        "deals": {k: [(m.document, m.record) for m in v] for k, v in ds.deals.items()},
        "observations": {k: (v.document, v.record) for k, v in ds.observations.items()},
        "relationships": {k: [(m.document, m.record) for m in v] for k, v in ds.relationships.items()},
    }


def test_every_column_carries_a_field_of_the_every_field_fixture(tmp_path):
    """The fixture fills every column (a field added to the models adds a column, unfilled until
    the fixture gives it a value), so the round trip above covers every field."""
    yaml_to_csv(FULL, tmp_path)
    for path in tmp_path.glob("*.csv"):
        with open(path, newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        assert [c for c in rows[0] if not any(r[c] for r in rows)] == [], path.name
    assert {"capacity", "capacity_upper", "condition", "amount_term", "date_basis", "sha256"} <= set(
        DEAL_COLUMNS
    )


def _problems(mini_dir, *files) -> list:
    with pytest.raises(DataError) as exc:
        load_files([mini_dir, *files])
    return exc.value.problems


def test_rows_of_one_deal_merge_into_one_record(mini_dir, tmp_path):
    f = tmp_path / "deals.csv"
    f.write_text(
        "id,kind,payer,payee,status,amount,currency,bound,capacity,capacity_quote,condition,quote,"
        "evidence_note,document,title\n"
        "bl,equity-investment,bigco,lab-a,contingent,1000000000,USD,,,,,BigCo gives $1 billion,,d.txt,D\n"
        "bl,,,,,2000000000,USD,up-to,,,on milestones,up to $2 billion more,later,d.txt,\n"
        "bl,equity-investment,,,,,,,3,3 gigawatts,,,,d.txt,\n"
    )
    kg = KnowledgeGraph()
    kg.load(load_files([mini_dir, f]))
    [deal] = [m.record for m in _read_deals_csv(f).deals["bl"]]
    assert [(a.value, a.bound, a.quote) for a in deal.amounts] == [
        (1_000_000_000, "exact", "BigCo gives $1 billion"),
        (2_000_000_000, "up-to", "up to $2 billion more"),
    ]
    assert [(e.quote, e.note) for e in deal.evidence] == [
        ("BigCo gives $1 billion", None),
        ("up to $2 billion more", "later"),
    ]
    assert deal.capacity is not None and (deal.capacity.value, deal.capacity.quote) == (3, "3 gigawatts")
    assert (deal.status, deal.conditions) == ("contingent", ["on milestones"])


def _read_deals_csv(f):
    ds = Dataset(known_entities={"bigco", "lab-a"})
    read_csv_file(f, ds)
    return ds


def test_rows_of_one_deal_that_disagree_name_both_lines(mini_dir, tmp_path):
    f = tmp_path / "deals.csv"
    f.write_text(
        "id,kind,payer,payee,date,document,title,quote\n"
        "bl,equity-investment,bigco,lab-a,2026-01,d.txt,D,one\n"
        "other,equity-investment,bigco,lab-b,,d.txt,,two\n"
        "bl,,lab-b,,2026-01,d.txt,,three\n"
    )
    [p] = _problems(mini_dir, f)
    assert (p.file, p.line, p.field) == (str(f), 4, "payer")
    assert p.message == "deal 'bl': payer 'lab-b' differs from 'bigco' on line 2"


@pytest.mark.parametrize(
    "cells, column, message",
    [
        ("capacity,capacity_bound,quote\n3,upto,q", "capacity_bound", "Input should be"),
        ("date,date_inferred,quote\n2026-01,maybe,q", "date_inferred", "'maybe' is not true or false"),
        ("date,date_basis,quote\n2026-13,b,q", "date", "is not a date"),
        ("date_basis,quote\nb,q", "date_basis", "date_basis without date"),
        (
            "published,published_inferred,quote\n2026,maybe,q",
            "published_inferred",
            "'maybe'",
        ),
        ("amount,currency,amount_quote,quote\n-5,USD,five,q", "amount", "greater than 0"),
        ("quote,evidence_note\nq,\nbl,,,,d.txt,,,lonely", "evidence_note", "evidence_note without quote"),
        ("currency,quote\nUSD,q", "currency", "currency without amount"),
        ("capacity,capacity_quote,quote\n1,a,q\nbl,,,,d.txt,,2,b,", "capacity", "a second capacity for 'bl'"),
    ],
)
def test_bad_value_names_line_and_column(mini_dir, tmp_path, cells, column, message):
    header, *values = cells.split("\n")
    lines = [f"bl,equity-investment,bigco,lab-a,d.txt,D,{values[0]}", *values[1:]]
    f = tmp_path / "deals.csv"
    f.write_text(f"id,kind,payer,payee,document,title,{header}\n" + "\n".join(lines) + "\n")
    problems = _problems(mini_dir, f)
    assert [(p.file, p.field) for p in problems] == [(str(f), column)]
    assert problems[0].line == len(lines) + 1 and message in problems[0].message


def test_observations_and_relationships_files(mini_dir, tmp_path):
    obs, rel = tmp_path / "observations.csv", tmp_path / "relationships.csv"
    obs.write_text(
        "id,subject,metric,value,unit,as_of,forecast,quote,document,title\n"
        "lab-a-users,lab-a,users,5,count,2026-01,yes,Lab A has 5 users,d.txt,D\n"
        "lab-a-users,,,,,,,five of them,d.txt,\n"
    )
    rel.write_text(
        "id,kind,subject,object,quote,document\n"
        "lab-a--partner-of--bigco,partner-of,lab-a,bigco,partners,d.txt\n"
        "lab-a--partner-of--bigco,partner-of,lab-a,lab-b,partners,d.txt\n"
    )
    problems = _problems(mini_dir, obs, rel)
    assert [(p.file, p.line, p.field) for p in problems] == [(str(rel), 3, "object")]
    rel.write_text(
        "id,kind,subject,object,quote,document,title\nlab-a--partner-of--bigco,partner-of,lab-a,bigco,p,d.txt,E\n"
    )
    [p] = _problems(mini_dir, obs, rel)
    assert (p.file, p.line, p.field) == (str(rel), 2, "title") and str(obs) in p.message
    rel.write_text(
        "id,kind,subject,object,quote,document\nlab-a--partner-of--bigco,partner-of,lab-a,bigco,p,d.txt\n"
    )
    data = load_files([mini_dir, obs, rel])
    assert len(data.graph) > 0


def test_readme_csv_examples_load(mini_dir, tmp_path):
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### CSV files\n", 1)[1].split("\n### ", 1)[0]
    blocks = [b.split("\n```", 1)[0] for b in section.split("```csv\n")[1:]]
    names = ["entities.csv", "deals.csv", "observations.csv", "relationships.csv"]
    assert len(blocks) == len(names)
    for name, block in zip(names, blocks, strict=True):
        (tmp_path / name).write_text(block + "\n", encoding="utf-8")
    data = load_files([mini_dir, *(tmp_path / n for n in names)])
    kg = KnowledgeGraph()
    kg.load(data)
    assert {f["id"] for f in flows(kg, payee="lab-c")} >= {"bigco-lab-c", "bigco-lab-c-more"}
