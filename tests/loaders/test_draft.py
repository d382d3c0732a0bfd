"""Drafting a new source file from a document (dealgraph.loaders.draft), issue 12 item 2.

Expected figures come from the documents: the five bundled ones (``data/sources/*.txt``)
and a brief written for this test (``draft_fixtures/sources/brief_helios_nimbus.txt``, made
up, with its entities in ``draft_fixtures/entities.yaml``).
"""

from __future__ import annotations

import hashlib
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from dealgraph import bundled_data_dir
from dealgraph.loaders import draft, load_directory
from dealgraph.loaders.text import read_text
from dealgraph.loaders.verify import normalise, verify_file
from dealgraph.ontology.errors import DataError

BUNDLED = bundled_data_dir()
SEED_DOCUMENTS = sorted((BUNDLED / "sources").glob("*.txt"))
FIXTURES = Path(__file__).parent / "draft_fixtures"
BRIEF = FIXTURES / "sources" / "brief_helios_nimbus.txt"


def _draft(document: Path, data_dir: Path, **metadata: str) -> dict:
    return yaml.safe_load(draft.draft_source(document, data_dir, **metadata))


def _stub(drafts: dict, words: str) -> dict:
    """The one stub whose quote contains ``words``."""
    found = [s for s in drafts["drafts"] if words in s["quote"]]
    assert len(found) == 1, (words, [s["quote"] for s in found])
    return found[0]


# -- the five bundled documents -----------------------------------------------------------


@pytest.mark.parametrize("document", SEED_DOCUMENTS, ids=lambda p: p.stem)
def test_drafts_cover_at_least_90_percent_of_the_figures_the_data_holds(document: Path) -> None:
    source = document.with_suffix(".yaml")
    coverage = draft.draft_coverage(document, source, BUNDLED)
    print(coverage, *coverage.missed, sep="\n  ")
    # every value and upper bound with a number in the file (counted here with a regex)
    assert coverage.figures == len(re.findall(r"(?m)^\s*(?:- )?(?:value|upper): -?\d", source.read_text()))
    assert coverage.share >= 0.90
    assert coverage.placed_share >= 0.90


def test_coverage_of_another_document_is_low() -> None:
    """The measure discriminates: the drafts of one document do not cover another's figures."""
    sources = BUNDLED / "sources"
    coverage = draft.draft_coverage(
        sources / "004_ad9c1766d59aa3c1.txt", sources / "002_fce6943532eb5e8c.yaml", BUNDLED
    )
    assert coverage.share < 0.2 and coverage.placed == 0


@pytest.mark.parametrize("document", SEED_DOCUMENTS, ids=lambda p: p.stem)
def test_every_stub_quote_is_verbatim_and_passes_the_quote_check(document: Path, tmp_path: Path) -> None:
    text = read_text(document)
    drafts = _draft(document, BUNDLED)
    assert drafts["drafts"]
    for stub in drafts["drafts"]:
        assert stub["quote"] in text
        assert text.count("\n", 0, text.index(stub["quote"])) + 1 <= stub["line"]
    # the product's own quote check (and the sha256 check) on the draft written next to its document
    shutil.copy(document, tmp_path / document.name)
    (tmp_path / f"{document.stem}.yaml").write_text(draft.draft_source(document, BUNDLED))
    report = verify_file(tmp_path / f"{document.stem}.yaml")
    assert report.problems == []
    assert report.quotes_checked == len(drafts["drafts"])


def test_a_seed_draft_reads_its_metadata_from_the_text() -> None:
    """000 states its title and date at the top; 003 its date and publisher ("Source | ...")."""
    sources = BUNDLED / "sources"
    first = _draft(sources / "000_f58ffbe10c493a29.txt", BUNDLED)["source"]
    assert first["title"] == "A four-page internal letter, what is OpenAI's game plan?"
    assert first["published"] == "2026-04-14"
    third = _draft(sources / "003_5e501dd1baa07869.txt", BUNDLED)["source"]
    assert (third["published"], third["publisher"], third["title"]) == (
        "2026-05-29",
        "Bohu Finance (bohuFN)",
        None,
    )


# -- a document written for the test ------------------------------------------------------


def test_the_brief_yields_stubs_with_its_figures_and_entities() -> None:
    drafts = _draft(BRIEF, FIXTURES)
    warrant = _stub(drafts, "warrant for 160 million shares")
    assert warrant["quote"].startswith("Helios Compute Inc. granted")  # "Inc." ends no sentence
    assert warrant["figures"] == [
        {"text": "160 million", "value": 160_000_000, "unit": "count", "counts": "shares", "bound": "exact"}
    ]
    assert warrant["entities"] == ["helios", "nimbus-labs"]
    stake = _stub(drafts, "stake")
    assert stake["figures"] == [{"text": "7%", "value": 7, "unit": "percent", "bound": "about"}]
    assert stake["entities"] == ["nimbus-labs", "helios"]  # "Nimbus": an alias
    deploy = _stub(drafts, "deploy 10 GW")
    assert deploy["quote"].endswith("in the U.S. in late 2026.")  # "U.S." ends no sentence; 2026 is a year
    assert deploy["figures"] == [{"text": "10 GW", "value": 10, "unit": "GW", "bound": "exact"}]
    rate = _stub(drafts, "monthly")
    assert rate["quote"].startswith("Nimbus will pay")  # the list mark is not part of the quote
    assert rate["figures"] == [
        {
            "text": "$1.25 billion",
            "value": 1_250_000_000,
            "unit": "USD",
            "bound": "exact",
            "rate": "per-month",
        }
    ]
    wrapped = _stub(drafts, "Redwood site")
    assert wrapped["quote"].endswith("accelerators in all.")  # a soft-wrapped list item is one sentence
    assert [(f["value"], f["unit"], f["bound"]) for f in wrapped["figures"]] == [
        (1.5, "GW", "exact"),
        (2_500_000, "count", "at-least"),
    ]
    assert wrapped["entities"] == ["redwood-cluster"]


def test_sentences_without_figure_or_entity_get_no_stub() -> None:
    """The heading, the date line (a date is no figure), the URL and the last paragraph name no
    known entity and state no figure."""
    lines = [s["line"] for s in _draft(BRIEF, FIXTURES)["drafts"]]
    assert lines == [1, 8, 8, 9, 11, 12]


def test_the_brief_metadata_comes_from_its_top_lines_and_arguments_win() -> None:
    source = _draft(BRIEF, FIXTURES)["source"]
    assert source == {
        "document": "brief_helios_nimbus.txt",
        "title": "Helios and Nimbus: a chips-for-equity pact",
        "publisher": "Example Analyst Brief",
        "url": "https://example.com/briefs/helios-nimbus",
        "published": "2026-03-03",
        "retrieved": source["retrieved"],
        "sha256": hashlib.sha256(BRIEF.read_bytes()).hexdigest(),
    }
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", source["retrieved"])
    given = _draft(BRIEF, FIXTURES, title="Chips for equity", retrieved="2026-03-04", url="https://e.org/x")
    assert (given["source"]["title"], given["source"]["retrieved"], given["source"]["url"]) == (
        "Chips for equity",
        "2026-03-04",
        "https://e.org/x",
    )


def test_sentence_splitting() -> None:
    text = (
        "Nvidia Corp. grew 1.25x in the U.S. last year. Did it? Yes!\n"
        "- a list item\n# Heading\nA line\ngoing on."
    )
    assert [t for _, _, t in draft.sentences(text)] == [
        "Nvidia Corp. grew 1.25x in the U.S. last year.",
        "Did it?",
        "Yes!",
        "a list item",
        "Heading",
        "A line\ngoing on.",
    ]
    assert all(text[s:e] == t for s, e, t in draft.sentences(text))


@pytest.mark.parametrize(
    "sentence, shown",
    [
        ("a deal for up to one million TPUs", ["up-to 1000000 count of tpus"]),
        ("500+ customers, and the next one", ["at-least 500 count of customers"]),
        (
            "surpassed 1,000 customers spending $1M+ a year",
            ["at-least 1000 count of customers", "at-least 1000000 USD per-year"],
        ),
        ("about 7-8 GW by 2027, roughly $2-3bn", ["about 7..8 GW", "about 2000000000..3000000000 USD"]),
        ("a margin of -122% on March 3, 2026 at 09:20", ["-122 percent"]),
        ("The $100 Billion Counterpunch", ["100000000000 USD"]),
    ],
)
def test_figure_bounds_ranges_and_what_is_no_figure(sentence: str, shown: list[str]) -> None:
    assert [str(f) for f in draft.figures(sentence)] == shown


# -- a draft is not accepted as data ------------------------------------------------------


def _data_dir_with_draft(tmp_path: Path, document: Path, entities: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(entities / "entities.yaml", data / "entities.yaml")
    written = draft.write_draft(document, data)
    assert written == data / "sources" / f"{document.stem}.yaml"
    assert (data / "sources" / document.name).read_bytes() == document.read_bytes()
    return data


@pytest.mark.parametrize(
    "document, entities", [(BRIEF, FIXTURES), (SEED_DOCUMENTS[-1], BUNDLED)], ids=["brief", "seed"]
)
def test_an_unreviewed_draft_does_not_load(tmp_path: Path, document: Path, entities: Path) -> None:
    """The loader refuses a source file that still holds its ``drafts:`` list (the format has
    no such field), naming the file and the field: nothing in a draft is accepted data."""
    data = _data_dir_with_draft(tmp_path, document, entities)
    with pytest.raises(DataError) as raised:
        load_directory(data)
    drafts = [p for p in raised.value.problems if p.field == "drafts"]
    assert len(drafts) == 1
    assert drafts[0].file.endswith(f"{document.stem}.yaml") and drafts[0].line is not None
    assert "unreviewed draft stub(s)" in drafts[0].message and "delete drafts" in drafts[0].message


def test_write_draft_keeps_an_existing_source_file(tmp_path: Path) -> None:
    data = _data_dir_with_draft(tmp_path, BRIEF, FIXTURES)
    written = data / "sources" / f"{BRIEF.stem}.yaml"
    written.write_text("reviewed")
    with pytest.raises(DataError, match="exists"):
        draft.write_draft(BRIEF, data)
    assert written.read_text() == "reviewed"
    draft.write_draft(BRIEF, data, force=True, title="Chips for equity")
    assert yaml.safe_load(written.read_text())["source"]["title"] == "Chips for equity"


def test_stub_figures_and_entities_come_from_the_sentence_alone() -> None:
    """Stubs for the same text do not depend on the rest of the document."""
    finder = draft.EntityFinder.from_data_dir(FIXTURES)
    one = draft.draft_stubs("Nimbus will pay Helios $1.25 billion monthly.", finder)
    assert [(s.quote, [str(f) for f in s.figures], s.entities) for s in one] == [
        (
            "Nimbus will pay Helios $1.25 billion monthly.",
            ["1250000000 USD per-month"],
            ["nimbus-labs", "helios"],
        )
    ]
    assert one[0].figures[0].value == Decimal("1250000000.00")
    assert normalise(one[0].quote) == one[0].quote
