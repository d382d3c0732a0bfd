"""Hostile inputs: every loader refuses them with a clear error, and fetches nothing.

Issue 10 (security). Each test here failed before its fix.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from dealgraph.loaders import load_files  # installs the loaders' audit hook first
from dealgraph.ontology.errors import DataError
from tests.loaders.listener import Listener, disguises

# -- JSON-LD contexts are never fetched -----------------------------------------------------

_OPENED: list[str] | None = None  # paths opened while a test records them


def _record_opens(event: str, args: tuple) -> None:
    if _OPENED is not None and event == "open" and isinstance(args[0], (str, Path)):
        _OPENED.append(str(args[0]))


sys.addaudithook(_record_opens)


@pytest.fixture
def listener():
    lst = Listener()
    yield lst
    lst.close()


@pytest.fixture
def opened():
    global _OPENED
    _OPENED = []
    yield _OPENED
    _OPENED = None


def _context_file(tmp_path: Path) -> Path:
    ctx = tmp_path / "elsewhere" / "ctx.jsonld"
    ctx.parent.mkdir()
    ctx.write_text(json.dumps({"@context": {"name": "http://schema.org/name"}}))
    return ctx


@pytest.mark.parametrize("case", sorted(disguises("http://h", 1, "/c")))
def test_a_context_from_elsewhere_is_refused_and_not_fetched(tmp_path, listener, opened, case):
    ctx = _context_file(tmp_path)
    (tmp_path / "ctx.jsonld").write_text(ctx.read_text())  # what "relative" would find
    f = tmp_path / "data.jsonld"
    f.write_text(disguises(listener.url, listener.port, str(ctx))[case])
    opened.clear()
    with pytest.raises(DataError) as exc:
        load_files([f])
    [p] = exc.value.problems
    assert p.file == str(f) and p.line == 1
    assert "context" in p.field or "import" in p.field
    assert "never fetched" in p.message
    assert listener.connections == 0
    assert not [o for o in opened if o.endswith("ctx.jsonld")]


def test_an_inline_context_loads(tmp_path):
    f = tmp_path / "data.jsonld"
    f.write_text(
        json.dumps(
            {
                "@context": {"rdfs": "http://www.w3.org/2000/01/rdf-schema#", "name": "rdfs:label"},
                "@id": "https://w3id.org/dealgraph/id/entity/x",
                "name": "X",
            },
            indent=1,
        )
    )
    g = load_files([f]).graph
    assert len(g) == 1


def test_the_error_names_the_line_of_the_context(tmp_path, listener):
    f = tmp_path / "data.jsonld"
    f.write_text(
        '{\n  "@graph": [\n    {"@id": "urn:a"},\n    {\n      "@context":\n'
        f'        ["{listener.url}/ctx"], "@id": "urn:b"}}\n  ]\n}}\n'
    )
    with pytest.raises(DataError) as exc:
        load_files([f])
    [p] = exc.value.problems
    assert (p.line, p.field) == (6, "@graph[1].@context[0]")
    assert listener.connections == 0


def test_the_audit_hook_refuses_what_slips_past(listener, opened, tmp_path):
    """Defence in depth: while a file is read, rdflib itself cannot open a URL or a file."""
    from rdflib import Graph

    from dealgraph.loaders.rdf_loader import FetchRefused, no_fetching

    ctx = _context_file(tmp_path)
    opened.clear()
    for source in (f"{listener.url}/ctx", f"file://{ctx}"):
        with no_fetching("data.jsonld"), pytest.raises(FetchRefused):
            Graph().parse(
                data=json.dumps({"@context": source, "@id": "urn:x", "name": "n"}), format="json-ld"
            )
    assert listener.connections == 0
    assert str(ctx) not in opened
    # outside a load, urllib works as before (the remote store uses it)
    import urllib.request

    urllib.request.urlopen(f"{listener.url}/ctx", timeout=5).read()
    assert listener.connections == 1


# -- absurd amounts are refused at load -----------------------------------------------------

HUGE = "1" + "0" * 400
ABSURD_YAML = {  # as written in a YAML file (PyYAML reads 1e400 as a string, 1.0e+400 as inf)
    "1e400": "above",
    "1.0e+400": "finite",
    HUGE: "above",
    ".inf": "finite",
    ".nan": "finite",
    "-5": "greater than 0",
    "0": "greater than 0",
    "1_000_000_000_000_001": "above",
}


def _yaml_amount_problem(mini_dir, written: str):
    f = mini_dir / "sources" / "doc-a.yaml"
    f.write_text(f.read_text().replace("{value: 10_000_000_000,", "{value: " + written + ","))
    with pytest.raises(DataError) as exc:
        load_files([mini_dir])
    [p] = exc.value.problems
    return f, p


@pytest.mark.parametrize("written", sorted(ABSURD_YAML))
def test_an_absurd_yaml_amount_is_refused(mini_dir, written):
    f, p = _yaml_amount_problem(mini_dir, written)
    assert (p.file, p.field) == (str(f), "deals[0].amounts[0].value")
    assert (
        p.line
        == f.read_text()
        .splitlines()
        .index(next(x for x in f.read_text().splitlines() if "{value: " + written in x))
        + 1
    )
    assert ABSURD_YAML[written] in p.message


def test_the_ceiling_itself_is_accepted(mini_dir):
    f = mini_dir / "sources" / "doc-a.yaml"
    f.write_text(f.read_text().replace("{value: 10_000_000_000,", "{value: 1_000_000_000_000_000,"))
    assert len(load_files([mini_dir]).graph) > 0


@pytest.mark.parametrize("written", ["1e400", HUGE, "inf", "NaN", "-1", "0", "1e16"])
def test_an_absurd_csv_amount_is_refused(mini_dir, tmp_path, written):
    f = tmp_path / "deals.csv"
    f.write_text(
        "id,kind,payer,payee,amount,currency,document,title,quote\n"
        f"bigco-lab-b-2,equity-investment,bigco,lab-b,{written},USD,d.txt,D,q\n"
    )
    with pytest.raises(DataError) as exc:
        load_files([mini_dir, f])
    [p] = exc.value.problems
    assert (p.file, p.line, p.field) == (str(f), 2, "amount")


@pytest.mark.parametrize("written", ["1e400", HUGE, "-1e16", "1e16", ".inf"])
def test_an_absurd_observation_value_is_refused(mini_dir, written):
    f = mini_dir / "sources" / "doc-a.yaml"
    f.write_text(f.read_text().replace("value: 100_000_000_000", f"value: {written}"))
    with pytest.raises(DataError) as exc:
        load_files([mini_dir])
    [p] = exc.value.problems
    assert (p.file, p.field) == (str(f), "observations[0].value")


def test_a_negative_observation_is_allowed(mini_dir):
    f = mini_dir / "sources" / "doc-a.yaml"
    f.write_text(f.read_text().replace("value: 100_000_000_000", "value: -5"))
    assert len(load_files([mini_dir]).graph) > 0


# -- impossible YAML dates: file, line and field, no traceback ------------------------------


@pytest.mark.parametrize(
    "written,field,line",
    [
        ("published: 2026-02-30", "source.published", 5),
        ("published: 2026-13-01", "source.published", 5),
        ("published: 2026-02-30 10:00:00", "source.published", 5),
        ("published: {value: 2026-02-30, inferred: true}", "source.published", 5),
    ],
)
def test_an_impossible_yaml_date_names_file_line_and_field(mini_dir, written, field, line):
    f = mini_dir / "sources" / "doc-a.yaml"
    f.write_text(f.read_text().replace("published: 2026-01-10", written))
    with pytest.raises(DataError) as exc:
        load_files([mini_dir])
    [p] = exc.value.problems
    assert (p.file, p.line, p.field) == (str(f), line, field)
    assert "2026-" in p.message
    assert "is not a date" in p.message or "is not YYYY-MM-DD" in p.message


def test_an_impossible_deal_date_names_its_field(mini_dir):
    f = mini_dir / "sources" / "doc-a.yaml"
    f.write_text(f.read_text().replace("date: 2026-01-05", "date: 2026-04-31"))
    with pytest.raises(DataError) as exc:
        load_files([mini_dir])
    [p] = exc.value.problems
    assert (p.line, p.field) == (12, "deals[0].date")


# -- found by the property tests (test_hostile_properties.py): each a clear error -----------

_NT = '<https://w3id.org/dealgraph/id/entity/x> <http://www.w3.org/2000/01/rdf-schema#label> "X" .\n'
FOUND = {  # name: (file name, contents, line of the error)
    "yaml nested 3000 deep": ("entities.yaml", "entities: " + "[" * 3000 + "]" * 3000, 1),
    "yaml control character": ("entities.yaml", "entities:\n  - {id: a\x01b}\n", 2),
    "yaml list as a key": ("entities.yaml", "entities:\n  ? [a, b]\n  : c\n", 2),
    "yaml 5000 digits": (
        "sources/doc-c.yaml",
        "source: {document: doc-c.txt, title: C}\nobservations:\n"
        "  - {id: o, subject: lab-a, metric: users, unit: count, as_of: 2026,\n"
        "     value: " + "9" * 5000 + ", evidence: [{quote: q}]}\n",
        4,
    ),
    "yaml not utf-8": ("entities.yaml", b"entities:\n  - {id: caf\xe9}\n", 2),
    "csv not utf-8": ("deals.csv", b"id,kind,payer,payee\nx,\xff,a,b\n", 2),
    "csv field too large": ("deals.csv", 'id,kind,payer,payee\nx,"' + "a" * 200_000 + '",a,b\n', 2),
    "json-ld nested 3000 deep": (
        "x.jsonld",
        '{"@id": "urn:x",\n "urn:p": ' + "[" * 3000 + "]" * 3000 + "}",
        2,
    ),
    "json-ld NaN": ("x.jsonld", '{"@id": "urn:x",\n "urn:p": NaN}', 2),
    "json-ld 1e400": ("x.jsonld", '{"@id": "urn:x",\n "urn:p": 1e400}', 2),
    "json-ld duplicate key": ("x.jsonld", '{"@id": "urn:x",\n "@id": "urn:y"}', 2),
    "json-ld IRI with a backslash": (
        "x.jsonld",
        '{"@id": "urn:x",\n "urn:p": {"@id": "http://a/b\\\\c"}}',
        2,
    ),
    "n-quads syntax": ("x.nq", _NT + "<urn:a <urn:b> <urn:c> .\n", 2),
    "turtle relative IRI": ("x.ttl", _NT + "<relative> <urn:b> <urn:c> .\n", 2),
    "turtle lone surrogate": ("x.ttl", _NT + '<urn:a> <urn:b> "x\\uD800" .\n', 2),
    "turtle 5000 digits": ("x.ttl", _NT + "<urn:a> <urn:b> " + "9" * 5000 + " .\n", 2),
    "document name with a space": ("sources/doc c.yaml", "source: {document: doc c.txt, title: C}\n", 1),
}


@pytest.mark.parametrize("case", sorted(FOUND))
def test_what_the_property_tests_found(mini_dir, case):
    name, body, line = FOUND[case]
    f = mini_dir / name
    (f.write_bytes if isinstance(body, bytes) else f.write_text)(body)
    with pytest.raises(DataError) as exc:
        load_files([mini_dir])
    [p] = exc.value.problems
    assert (p.file, p.line) == (str(f), line), p


def test_a_quote_spaced_differently_is_one_piece_of_evidence(mini_dir):
    f = mini_dir / "sources" / "doc-a.yaml"
    f.write_text(
        f.read_text().replace(
            '      - quote: "BigCo invests $10 billion in Lab A"',
            '      - quote: "BigCo invests  $10 billion in Lab A"',
        )
    )
    from dealgraph.graph import KnowledgeGraph

    KnowledgeGraph().load(load_files([mini_dir]))  # one evidence node, one quote
