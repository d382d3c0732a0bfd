"""YAML data set loader: errors name file, line and field; mentions merge; refs checked."""

from __future__ import annotations

import pytest

from dealgraph.loaders import load_directory
from dealgraph.ontology.errors import DataError


def _line_of(path, needle: str) -> int:
    return 1 + next(i for i, t in enumerate(path.read_text().splitlines()) if needle in t)


def _one_problem(directory):
    with pytest.raises(DataError) as exc:
        load_directory(directory)
    assert len(exc.value.problems) == 1, exc.value
    return exc.value.problems[0]


def test_missing_currency_names_file_line_field(mini_dir):
    f = mini_dir / "sources" / "doc-b.yaml"
    f.write_text(f.read_text().replace("value: 6_000_000_000, currency: USD,", "value: 6_000_000_000,"))
    p = _one_problem(mini_dir)
    assert p.file == str(f)
    assert p.line == _line_of(f, "value: 6_000_000_000")
    assert p.field == "deals[0].amounts[0].currency"
    assert p.message == "Field required"


def test_unknown_field_is_refused(mini_dir):
    f = mini_dir / "sources" / "doc-a.yaml"
    f.write_text(
        f.read_text().replace(
            "    status: committed\n    date: 2026-01-05",
            "    status: committed\n    stauts: done\n    date: 2026-01-05",
        )
    )
    p = _one_problem(mini_dir)
    assert (p.line, p.field) == (_line_of(f, "stauts"), "deals[0].stauts")
    assert "unknown field" in p.message


def test_unknown_entity_suggests_close_matches(mini_dir):
    f = mini_dir / "sources" / "doc-a.yaml"
    f.write_text(f.read_text().replace("payer: bigco\n", "payer: bigcoo\n", 1))
    p = _one_problem(mini_dir)
    assert p.field == "deals[0].payer"
    assert p.line == _line_of(f, "payer: bigcoo")
    assert p.message.startswith("unknown entity 'bigcoo' (did you mean 'bigco'")


def test_bad_date_and_bad_enum(mini_dir):
    f = mini_dir / "sources" / "doc-a.yaml"
    f.write_text(
        f.read_text()
        .replace("date: 2026-01-05", "date: January 2026")
        .replace("kind: equity-investment", "kind: gift", 1)
    )
    with pytest.raises(DataError) as exc:
        load_directory(mini_dir)
    fields = {p.field: p for p in exc.value.problems}
    assert "YYYY-MM-DD" in fields["deals[0].date"].message
    assert "equity-investment" in fields["deals[0].kind"].message
    assert fields["deals[0].kind"].line == _line_of(f, "kind: gift")


def test_yaml_syntax_error_names_line(mini_dir):
    f = mini_dir / "entities.yaml"
    f.write_text(f.read_text() + "  - {id: broken, type: chip\n")
    p = _one_problem(mini_dir)
    assert p.file == str(f) and p.line is not None and "YAML syntax" in p.message


def test_duplicate_entity_id(mini_dir):
    f = mini_dir / "entities.yaml"
    f.write_text(f.read_text() + "  - {id: lab-b, type: organization, name: Lab B again}\n")
    p = _one_problem(mini_dir)
    assert "duplicate entity id 'lab-b'" in p.message and p.line == _line_of(f, "Lab B again")


def test_conflicting_deal_mentions_are_refused(mini_dir):
    f = mini_dir / "sources" / "doc-b.yaml"
    f.write_text(f.read_text().replace("payee: bigco-cloud", "payee: bigco"))
    p = _one_problem(mini_dir)
    assert p.file == str(f) and p.field == "deals[0].payee"
    assert "payee is 'bigco' here but 'bigco-cloud'" in p.message


def test_mentions_of_one_deal_merge_into_one_node(mini_dir):
    from dealgraph.graph import KnowledgeGraph, flows

    kg = KnowledgeGraph()
    kg.load(load_directory(mini_dir))
    [flow] = flows(kg, payer="lab-a")
    assert sorted(a["value"] for a in flow["amounts"]) == [4_000_000_000, 6_000_000_000]
    assert {a["document"] for a in flow["amounts"]} == {"doc-a.txt", "doc-b.txt"}
    assert flow["conflict"] is True


def test_relationship_id_convention(mini_dir):
    f = mini_dir / "sources" / "doc-a.yaml"
    f.write_text(f.read_text().replace("id: lab-a--competes-with--lab-b", "id: lab-a--rivals--lab-b"))
    p = _one_problem(mini_dir)
    assert "lab-a--competes-with--lab-b" in p.message and p.field == "relationships[0]"


def test_inferred_dates_are_kept(mini_dir):
    from dealgraph.graph import KnowledgeGraph, sources

    kg = KnowledgeGraph()
    kg.load(load_directory(mini_dir))
    doc_b = next(s for s in sources(kg) if s["document"] == "doc-b.txt")
    assert (doc_b["published"], doc_b["published_precision"], doc_b["published_inferred"]) == (
        "2026-03-01",
        "month",
        True,
    )
