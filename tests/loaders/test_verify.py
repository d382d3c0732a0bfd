"""The quote and figure checks (dealgraph.loaders.verify) on the bundled data and on copies.

Expected values come from the data files themselves (counted here with a plain regex over the
file text, not with the module under test) and from the documents in ``data/sources``.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from dealgraph import bundled_data_dir
from dealgraph.loaders.verify import (
    VerifyReport,
    closest_passage,
    figure_problem,
    normalise,
    verify_dataset,
    verify_file,
)
from dealgraph.ontology.errors import DataError

from ..conftest import SEEDS

BUNDLED = bundled_data_dir()
SOURCE_FILES = sorted((BUNDLED / "sources").glob("*.yaml"))
AWS = "001_930f0b1a03446070"  # OpenAI's $38 billion AWS deal
COUNTERPUNCH = "002_fce6943532eb5e8c"  # Anthropic's $100 billion AWS commitment
DEEPSEEK = "004_ad9c1766d59aa3c1"

# Figure problems the check finds in the bundled data, as (file, field, message). Each is a
# real error in the data (issue 12's audit); when the data is fixed, take it off this list.
# (The weekly gigawatt of 001, once stored as 1 GW for 2030, now says rate: per-week.)
KNOWN_FIGURE_PROBLEMS: list[tuple[str, str, str]] = []


def _line_of(path: Path, needle: str) -> int:
    return 1 + next(i for i, t in enumerate(path.read_text(encoding="utf-8").splitlines()) if needle in t)


def _count(pattern: str, files: list[Path]) -> int:
    return sum(len(re.findall(pattern, f.read_text(encoding="utf-8"), re.MULTILINE)) for f in files)


QUOTE_LINES = r"^\s*(?:- )?quote:"  # every quote is on its own line in the data files
FIGURE_LINES = r"^\s*(?:- )?(?:value|upper): -?\d"  # figures (dates are written {value: ...})


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled data set, with its documents."""
    dst = tmp_path / "data"
    shutil.copytree(BUNDLED, dst, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    for source in SOURCE_FILES:
        document = dst / "sources" / f"{source.stem}.txt"
        if not document.exists():  # until the bundled data set ships its documents
            if not (SEEDS / document.name).is_file():
                pytest.skip(f"no text for {source.name} in data/sources or ../shared/seeds")
            shutil.copy(SEEDS / document.name, document)
    return dst


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not once in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


# -- the bundled data set -----------------------------------------------------------------


def test_the_bundled_data_set_ships_its_documents():
    missing = [f"{p.stem}.txt" for p in SOURCE_FILES if not (p.parent / f"{p.stem}.txt").is_file()]
    assert missing == [], "data/sources lacks the text of (copy them from ../shared/seeds): " + ", ".join(
        missing
    )


def test_every_bundled_quote_is_in_its_document_and_the_known_figure_problems_are_listed():
    report = verify_dataset(BUNDLED)
    if report.unverified:
        pytest.fail(f"documents missing, quotes unverified in: {report.unverified}")
    assert report.quotes_checked == _count(QUOTE_LINES, SOURCE_FILES) >= 222
    assert report.quotes_unverified == 0
    assert report.figures_checked == _count(FIGURE_LINES, SOURCE_FILES) >= 136
    assert [p for p in report.problems if p.kind != "figure"] == []
    found = [(Path(p.file).name, p.field, p.message) for p in report.problems]
    assert found == KNOWN_FIGURE_PROBLEMS
    for p in report.problems:  # each names the line of the figure it judges
        name = p.field.rpartition(".")[2]
        line = Path(p.file).read_text(encoding="utf-8").splitlines()[(p.line or 0) - 1]
        assert line.strip().startswith((f"{name}:", f"- {name}:")), (p, line)


def test_a_rate_the_quote_gives_must_be_claimed(data_copy: Path):
    """001: "it'll need one gigawatt of new capacity weekly" -- without its rate the claim
    would read 1 GW for 2030 (issue 12's audit found it stored so)."""
    f = data_copy / "sources" / f"{AWS}.yaml"
    _edit(f, "    unit: GW\n    rate: per-week\n", "    unit: GW\n")
    (p,) = verify_file(f).problems
    assert (p.kind, p.field) == ("figure", "observations[20].value")
    assert p.message == "the quote gives 1 GW per week; the claim has no rate (its period is a year)"
    line = f.read_text(encoding="utf-8").splitlines()[(p.line or 0) - 1]
    assert line.strip() == "value: 1"


def test_the_copy_verifies_as_the_bundled_data_would(data_copy: Path):
    report = verify_dataset(data_copy)
    assert report.unverified == []
    assert report.quotes_checked == _count(QUOTE_LINES, SOURCE_FILES)
    assert [(Path(p.file).name, p.field, p.message) for p in report.problems] == KNOWN_FIGURE_PROBLEMS
    assert verify_dataset(data_copy) == report  # deterministic


# -- quotes -------------------------------------------------------------------------------


def test_a_changed_word_is_refused_with_file_line_field_and_the_closest_passage(data_copy: Path):
    f = data_copy / "sources" / f"{COUNTERPUNCH}.yaml"
    _edit(f, "That is how much Anthropic has committed", "That is how much Anthropic has promised")
    report = verify_file(f)
    (p,) = [p for p in report.problems if p.kind == "quote"]
    assert (p.file, p.line, p.field) == (
        str(f),
        _line_of(f, "has promised to spend"),
        "deals[0].evidence[0].quote",
    )
    assert p.message == f"quote not found verbatim in its document {COUNTERPUNCH}.txt"
    assert "That is how much Anthropic has committed to spend on Amazon Web Services" in p.passage
    assert "closest passage" in str(p) and str(f) in str(p)


def test_a_made_up_quote_is_refused(data_copy: Path):
    f = data_copy / "sources" / f"{AWS}.yaml"
    made_up = "OpenAI agreed to buy AWS outright for an undisclosed sum"
    _edit(f, '"OpenAI cut a $38 billion compute deal with AWS on Monday"', f'"{made_up}"')
    report = verify_dataset(data_copy)
    quote = [p for p in report.problems if p.kind == "quote"]
    assert [(p.file, p.line, p.field) for p in quote] == [
        (str(f), _line_of(f, made_up), "deals[0].amounts[0].quote")
    ]
    assert quote[0].passage and quote[0].passage in normalise(
        (data_copy / "sources" / f"{AWS}.txt").read_text()
    )
    # the amount's figure is no longer in its quote either
    assert any(p.kind == "figure" and p.field == "deals[0].amounts[0].value" for p in report.problems)
    with pytest.raises(DataError, match=re.escape(made_up)):
        report.raise_for_problems()


def test_whitespace_typographic_quotes_and_emphasis_may_differ(data_copy: Path):
    f = data_copy / "sources" / f"{COUNTERPUNCH}.yaml"
    _edit(
        f,
        '"Anthropic\'s valuation is now approximately **$380 billion**"',
        '"Anthropic\u2019s   valuation is\\tnow approximately _$380 billion_"',
    )
    assert verify_file(f).problems == []
    _edit(f, "is\\tnow approximately", "is\\tnow roughly")
    assert [p.field for p in verify_file(f).problems] == ["observations[5].evidence[0].quote"]


def test_a_source_without_its_text_is_unverified_not_failed(data_copy: Path):
    (data_copy / "sources" / f"{DEEPSEEK}.txt").unlink()
    report = verify_dataset(data_copy)
    deepseek = data_copy / "sources" / f"{DEEPSEEK}.yaml"
    assert report.unverified == [str(deepseek)]
    assert report.quotes_unverified == _count(QUOTE_LINES, [deepseek]) > 0
    assert report.quotes_checked == _count(QUOTE_LINES, SOURCE_FILES) - report.quotes_unverified
    assert [p for p in report.problems if p.kind == "quote"] == []


def test_a_stated_digest_must_match_the_document(data_copy: Path):
    f = data_copy / "sources" / f"{DEEPSEEK}.yaml"
    digest = hashlib.sha256((data_copy / "sources" / f"{DEEPSEEK}.txt").read_bytes()).hexdigest()
    assert f"sha256: {digest}\n" in f.read_text(encoding="utf-8")  # the bundled sources state theirs
    assert verify_file(f).problems == []
    _edit(f, digest, "0" * 64)
    (p,) = verify_file(f).problems
    assert (p.kind, p.field, p.line) == ("document", "source.sha256", _line_of(f, "sha256:"))


def test_an_entity_fact_is_checked_against_the_document_it_names(data_copy: Path):
    entities = data_copy / "entities.yaml"
    entities.write_text(
        "entities:\n"
        "  - id: aws\n"
        "    evidence:\n"
        f"      - {{quote: 'Amazon Web Services (AWS)', source: {COUNTERPUNCH}.txt}}\n"
        f"      - {{quote: 'Amazon Web Services (AMZ)', source: {COUNTERPUNCH}.txt}}\n"
        "      - {quote: 'no document named'}\n",
        encoding="utf-8",
    )
    report = verify_file(entities, data_copy / "sources")
    assert [(p.line, p.field) for p in report.problems] == [(5, "entities[0].evidence[1].quote")]
    assert (report.quotes_checked, report.quotes_unverified, report.unverified) == (2, 1, [str(entities)])


def test_closest_passage_and_normalise():
    text = "Intro.\n\nOpenAI cut a **$38 billion** compute deal with AWS on Monday. More."
    assert closest_passage("OpenAI cut a $39 billion compute deal", text).startswith(
        "OpenAI cut a $38 billion"
    )
    assert normalise("\u201cit\u2019s\u201d  *big*\n`x`") == '"it\'s" big x'
    assert normalise("snake_case and 2 * 3") == "snake_case and 2 * 3"


# -- figures ------------------------------------------------------------------------------

D = Decimal


@pytest.mark.parametrize(
    ("value", "unit", "quote", "rate"),
    [
        (D(1_250_000_000), "USD", "Nvidia will invest $1.25 billion", None),
        (D("1.4e12"), "USD", "Total infrastructure commitments reach $1.4T", None),
        (D("1.4e12"), "USD", "commitments now total 1.4 trillion dollars", None),
        (D(160_000_000), "count", "a warrant for 160 million shares", None),
        (D(160_000_000), "count", "one hundred and sixty million shares", None),
        (D(7), "percent", "a stake of ~7% in the lab", None),
        (D(1), "GW", "it'll need one gigawatt of new capacity weekly", "per-week"),
        (D(100_000_000_000), "USD", "committed to spending **more than $100 billion** on AWS", None),
        (D(15_000_000_000), "USD", "expenses of $15+ billion", None),
        (D(8), "GW", "the target by the end of 2027 is 7-8 GW", None),
        (D("0.5"), "GW", "a 500 MW campus", None),
        (D(5_000_000_000), "USD", "a $5bn round", None),
        (D(800_000), "USD", "salaries averaging $800,000+", None),
        (D(13_000_000_000), "USD", "$13B annual revenue", "per-year"),
        (D(0), "percent", "Microsoft held flat", None),
        (D("-4.6"), "percentage-points", "narrowed to 4.6 percentage points", None),
        (D(134_000_000), "count", "approximately 134 million monthly active users", None),
        (D(10) ** 12, "USD", "nearly a trillion dollars", None),
        (D("9.80"), "USD", "an H100 at ~$9.80/hr", "per-hour"),
    ],
)
def test_a_figure_in_its_quote_matches(value: Decimal, unit: str, quote: str, rate: str | None):
    assert figure_problem(value, unit, [quote], rate) is None


@pytest.mark.parametrize(
    ("value", "unit", "quote", "rate", "why"),
    [
        (D(39_000_000_000), "USD", "a $38 billion deal", None, "no 39000000000 USD"),
        (D(1_300_000_000), "USD", "Nvidia will invest $1.25 billion", None, "no 1300000000 USD"),
        (D("1.5e12"), "USD", "commitments reach $1.4T", None, "it states: 1400000000000 USD"),
        (D(160_000_000), "USD", "160 million shares", None, "no 160000000 USD"),
        (D(7), "count", "a stake of ~7%", None, "it states: 7 percent"),
        (D(5), "count", "up to 5 gigawatts", None, "it states: 5 GW"),
        (D(5), "GW", "$5 billion", None, "no 5 GW"),
        (D(1), "GW", "one gigawatt of new capacity weekly", None, "the claim has no rate"),
        (D(1), "GW", "one gigawatt of new capacity weekly", "per-year", "the claim is per year"),
        (D(3), "percent", "no figures here", None, "it states: no number"),
        (
            D(20),
            "USD",
            "the $20/month tier",
            "per-year",
            "the quote gives 20 USD per month; the claim is per year",
        ),
    ],
)
def test_a_figure_not_in_its_quote_is_refused(
    value: Decimal, unit: str, quote: str, rate: str | None, why: str
):
    problem = figure_problem(value, unit, [quote], rate)
    assert problem is not None and why in problem


def test_a_figure_changed_in_a_copy_is_refused_with_file_line_and_field(data_copy: Path):
    f = data_copy / "sources" / f"{AWS}.yaml"
    _edit(f, "value: 38_000_000_000", "value: 39_000_000_000")
    report = verify_dataset(data_copy)
    changed = [
        p for p in report.problems if (Path(p.file).name, p.field, p.message) not in KNOWN_FIGURE_PROBLEMS
    ]
    assert [(p.file, p.line, p.field, p.kind) for p in changed] == [
        (str(f), _line_of(f, "value: 39_000_000_000"), "deals[0].amounts[0].value", "figure")
    ]
    assert changed[0].message == "no 39000000000 USD in the quote (it states: 38000000000 USD)"
    assert changed[0].passage == "OpenAI cut a $38 billion compute deal with AWS on Monday"


def test_a_quarterly_figure_fits_a_quarter_period():
    quote = ["Revenue of $3.25 billion quarterly doesn't cover expenses"]
    assert figure_problem(D(3_250_000_000), "USD", quote, period="quarter") is None
    assert "period is a year" in (figure_problem(D(3_250_000_000), "USD", quote, period="year") or "")


def test_an_empty_report_is_ok():
    assert VerifyReport().ok
