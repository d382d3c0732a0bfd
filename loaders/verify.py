"""Check a data set against its documents: every quote verbatim, every figure in its quote.

A source file ``sources/NNN.yaml`` names its document (``source.document``); the document's
text is kept next to it (``sources/<document>``). Two checks run:

* the **quote check**: every ``quote`` in the file occurs in the document's text, compared
  after :func:`normalise` (whitespace, typographic quotes and markup emphasis only). A failure
  shows the closest passage of the document;
* the **figure check**: every claimed figure (a deal's amount or capacity, an observation's
  value, and their ``upper`` bounds) occurs in its own quote (an amount's or capacity's
  ``quote``, else one of the record's ``evidence`` quotes), in the same kind of unit (money,
  power, percent, or a plain number such as a count), within the rounding of the precision
  the quote states. A quote that gives the figure per hour, day, week, month, quarter or year while
  the claim has no such rate (or another one) also fails.

A source whose document text is absent (a paywalled article) is allowed: its quotes are not
checked and the file is listed as unverified. Figures are checked either way (they need only
the quote). An entities file's quote is checked against the document its record names with
``source`` (or ``document``); one that names none leaves the file unverified.

>>> from dealgraph import bundled_data_dir
>>> report = verify_dataset(bundled_data_dir())
>>> report.quotes_checked + report.quotes_unverified > 200
True
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from rapidfuzz import fuzz
from text_to_num import text2num  # type: ignore[import-untyped]  # the package ships no type information

from ..ontology.errors import DataError, Problem
from .csv_loader import read_directory
from .dataset import Dataset, Located
from .dates import DateValue, parse_date
from .models import Source
from .text import read_text
from .yaml_source import field_path, line_of, read_yaml

__all__ = [
    "normalise",
    "closest_passage",
    "Quantity",
    "quantities",
    "figure_problem",
    "figure_matches",
    "Claim",
    "claims",
    "VerifyProblem",
    "VerifyReport",
    "verify_file",
    "verify_dataset",
    "document_text",
]

# -- normalising text ---------------------------------------------------------------------

_TYPOGRAPHIC = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
    }
)
# ``**``, ``__`` and backticks anywhere; a single ``*`` or ``_`` only where it opens or closes
# emphasis (against a word on one side, not inside a word: snake_case keeps its underscore).
_EMPHASIS = re.compile(r"\*\*|__|`|(?<![\w*])[*_](?=[^\s*_])|(?<=[^\s*_])[*_](?![\w*])")
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """The text as the quote check compares it; nothing else is changed.

    Runs of whitespace become one space (ends trimmed), typographic quotes and apostrophes
    become ASCII, and markup emphasis (``**``, ``__``, a single ``*`` or ``_`` around words,
    backticks) is removed.

    >>> normalise("Amazon  is\\n investing **$5 billion** in ‘Anthropic’")
    "Amazon is investing $5 billion in 'Anthropic'"
    >>> normalise("“_the_ `trn2` *cluster*” in snake_case * 2")
    '"the trn2 cluster" in snake_case * 2'
    """
    text = text.translate(_TYPOGRAPHIC)
    text = _EMPHASIS.sub("", text)
    return _SPACE.sub(" ", text).strip()


def closest_passage(quote: str, text: str) -> str:
    """The passage of ``text`` (normalised) closest to ``quote``, widened to whole words.

    >>> closest_passage("Amazon invests $9 billion", "Earlier news. Amazon invests $8 billion now.")
    'Amazon invests $8 billion'
    """
    quote, text = normalise(quote), normalise(text)
    if not quote or not text:
        return ""
    found = fuzz.partial_ratio_alignment(quote, text)
    if found is None:  # only with a score cutoff, which is not given
        return ""
    start, end = found.dest_start, found.dest_end
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return text[start:end].strip()


# -- numbers in a quote -------------------------------------------------------------------

_SCALES = {
    "thousand": Decimal(10) ** 3,
    "k": Decimal(10) ** 3,
    "million": Decimal(10) ** 6,
    "m": Decimal(10) ** 6,
    "billion": Decimal(10) ** 9,
    "bn": Decimal(10) ** 9,
    "b": Decimal(10) ** 9,
    "trillion": Decimal(10) ** 12,
    "t": Decimal(10) ** 12,
}
# A number in digits: a currency sign before it, a scale word or letter after it ("$1.4T",
# "160 million", "$2bn"). The scale letters K/M/B/T only count written against the number.
_DIGITS = re.compile(
    r"(?P<cur>US\$|\$|USD\s?|€|£)?(?<![\w.,])"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\+?"
    r"(?:\s?(?P<word>thousand|million|billion|trillion|bn)\b|(?P<letter>[kKMBT])(?![A-Za-z]))?"
)
_CURRENCIES = {"$": "USD", "US$": "USD", "USD": "USD", "€": "EUR", "£": "GBP"}
_NUMBER_WORD = (
    r"(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
    r"|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy"
    r"|eighty|ninety|hundred|thousand|million|billion|trillion)"
)
# Numbers in words ("one gigawatt", "one hundred and sixty million", "a trillion dollars":
# "trillion" alone is a trillion); text2num turns the words into a number.
_WORDS = re.compile(rf"\b(?P<words>{_NUMBER_WORD}(?:(?:\s|-|\sand\s){_NUMBER_WORD})*)\b", re.IGNORECASE)
_UNIT_AFTER = [
    ("percent", re.compile(r"\s?(?:%|percent\b|per cent\b|percentage points?\b)", re.IGNORECASE)),
    ("GW", re.compile(r"[\s-]?\(?(?:GW|gigawatts?)\b", re.IGNORECASE)),
    ("MW", re.compile(r"[\s-]?\(?(?:MW|megawatts?)\b", re.IGNORECASE)),
    ("USD", re.compile(r"\s(?:US )?(?:dollars|USD)\b", re.IGNORECASE)),
]
_RANGE = re.compile(r"\s?(?:-|–|—|to)\s?")
_NO_CHANGE = re.compile(r"\b(?:flat|unchanged)\b", re.IGNORECASE)
# Rate words after a number ("one gigawatt ... weekly", "$13B annual revenue"); "monthly
# active users" names a metric, not a rate.
_RATES = {
    "per-hour": r"\b(?:hourly|per hour|an hour)\b|/ ?(?:hr|hour)\b",
    "per-day": r"\b(?:daily(?! active)|per day|a day|each day|every day)\b|/ ?day\b",
    "per-week": r"\b(?:weekly(?! active)|per week|a week|each week|every week)\b|/ ?(?:wk|week)\b",
    "per-month": r"\b(?:monthly(?! active)|per month|a month|each month|every month)\b|/ ?mo(?:nth)?\b",
    "per-quarter": r"\b(?:quarterly|per quarter|each quarter|every quarter)\b",
    "per-year": r"\b(?:annually|annual|yearly|per year|a year(?! ago)|each year|every year|per annum)\b"
    r"|/ ?(?:yr|year)\b",
}
# a claim for a period of one quarter (year, month ...) is a figure per quarter (year ...)
_PERIOD_RATE = {"day": "per-day", "month": "per-month", "quarter": "per-quarter", "year": "per-year"}
_RATE = re.compile("|".join(f"(?P<{k.replace('-', '_')}>{v})" for k, v in _RATES.items()))
# how far after a number a rate word still belongs to it: to the end of its clause (or the
# next number)
_CLAUSE_END = re.compile(r"[.;:|](?:\s|$)|\d")


_MONEY_UNITS = frozenset(_CURRENCIES.values())
# a claim's unit -> the unit a quote writes it in, and the factor from the quote's to the claim's
_SAME_KIND: dict[str, dict[str | None, Decimal]] = {
    "GW": {"GW": Decimal(1), "MW": Decimal("0.001")},
    "MW": {"MW": Decimal(1), "GW": Decimal(1000)},
    "percent": {"percent": Decimal(1)},
    "percentage-points": {"percent": Decimal(1)},
    **{c: {c: Decimal(1)} for c in _MONEY_UNITS},
}


@dataclass
class Quantity:
    """A number a quote states: its value (scale applied), rounding, unit and rate.

    ``unit`` is a currency code (``"USD"``), ``"GW"``, ``"MW"``, ``"percent"``, or ``None``
    for a plain number (a count, a multiple, acres ...). ``tolerance`` is half a unit of the
    last digit written ("$1.25 billion": 5 million). ``rate`` is a rate its clause gives it
    ("weekly": ``"per-week"``).
    """

    value: Decimal
    unit: str | None
    start: int
    end: int
    scale: Decimal | None = None
    decimals: int = 0
    tolerance: Decimal = Decimal(0)
    rate: str | None = None
    any_unit: bool = False  # a change of zero ("held flat") is zero in every unit

    def __str__(self) -> str:
        return (
            _show(self.value)
            + (f" {self.unit}" if self.unit else "")
            + (f" {self.rate}" if self.rate else "")
        )


def _show(value: Decimal) -> str:
    """A figure as plain digits: ``Decimal("1.4E+12")`` -> ``1400000000000``."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _digit_quantities(text: str) -> list[Quantity]:
    out = []
    for m in _DIGITS.finditer(text):
        num = m.group("num")
        scale = (m.group("word") or m.group("letter") or "").lower()
        cur = (m.group("cur") or "").strip()
        out.append(
            Quantity(
                Decimal(num.replace(",", "")),
                _CURRENCIES.get(cur),
                m.start(),
                m.end(),
                scale=_SCALES[scale] if scale else None,
                decimals=len(num.partition(".")[2]),
            )
        )
    return out


def _words_value(words: str) -> Decimal | None:
    """A number written in words; text2num reads all but "trillion", which is split off here.

    >>> _words_value("one hundred and sixty million"), _words_value("two trillion"), _words_value("and")
    (Decimal('160000000'), Decimal('2000000000000'), None)
    """
    high, trillion, low = words.rpartition("trillion")
    try:
        value = Decimal(text2num(low.strip(" -"), "en")) if low.strip(" -") else Decimal(0)
        if trillion:
            value += _SCALES["trillion"] * (
                Decimal(text2num(high.strip(" -"), "en")) if high.strip(" -") else 1
            )
    except ValueError:
        return None
    return value


def _word_quantities(text: str, taken: list[Quantity]) -> list[Quantity]:
    out = []
    for m in _WORDS.finditer(text):
        if any(q.start < m.end() and m.start() < q.end for q in taken):
            continue  # "billion" in "$100 billion" belongs to the digits
        value = _words_value(m.group("words").lower())
        if value is None:
            continue
        out.append(Quantity(value, None, m.start(), m.end(), scale=Decimal(1)))
    for m in _NO_CHANGE.finditer(text):  # "held flat": a change of zero, in any unit
        out.append(Quantity(Decimal(0), None, m.start(), m.end(), scale=Decimal(1), any_unit=True))
    return out


def _share_scale(found: list[Quantity], text: str) -> None:
    """In "$7-8 billion" or "7 to 8 million" the first end takes the scale written once."""
    for a, b in zip(found, found[1:], strict=False):
        if _RANGE.fullmatch(text[a.end : b.start]) and a.scale is None:
            a.scale = b.scale


def _share_unit(found: list[Quantity], text: str) -> None:
    """In "7–8 GW" or "$7-8 billion" both ends take the unit written once."""
    for a, b in zip(found, found[1:], strict=False):
        if _RANGE.fullmatch(text[a.end : b.start]):
            a.unit = a.unit or b.unit
            b.unit = b.unit or a.unit


def _finish(q: Quantity, text: str) -> None:
    """Apply the scale; find the tolerance, the unit written after the number, a rate."""
    scale = q.scale or Decimal(1)
    q.value *= scale
    q.tolerance = scale * Decimal(5) / Decimal(10) ** (q.decimals + 1)
    for unit, pattern in _UNIT_AFTER:
        m = pattern.match(text, q.end)
        if m and (q.unit is None or unit in _MONEY_UNITS):
            q.unit, q.end = unit if q.unit is None else q.unit, m.end()
            break
    rest = text[q.end : q.end + 80]
    stop = _CLAUSE_END.search(rest)
    rate = _RATE.search(rest[: stop.start()] if stop else rest)
    if rate and rate.lastgroup:
        q.rate = rate.lastgroup.replace("_", "-")


def quantities(quote: str) -> list[Quantity]:
    """The numbers a quote states, in order, with scale, rounding, unit and rate.

    >>> [str(q) for q in quantities("from $1.25 billion to $1.4T, 160 million shares, ~7%")]
    ['1250000000 USD', '1400000000000 USD', '160000000', '7 percent']
    >>> [str(q) for q in quantities("it'll need one gigawatt of new capacity weekly")]
    ['1 GW per-week']
    >>> [str(q) for q in quantities("projected 2027 capacity: 7–8 GW; $2-3bn a year")]
    ['2027', '7 GW', '8 GW', '2000000000 USD per-year', '3000000000 USD per-year']
    """
    text = normalise(quote)
    found = _digit_quantities(text)
    found = sorted(found + _word_quantities(text, found), key=lambda q: q.start)
    _share_scale(found, text)
    for q in found:
        _finish(q, text)
    _share_unit(found, text)
    for a, b in zip(found, found[1:], strict=False):
        if _RANGE.fullmatch(text[a.end : b.start]):
            a.rate = a.rate or b.rate
    return found


# -- the figure check ---------------------------------------------------------------------


def figure_matches(claim: Decimal, unit: str, q: Quantity) -> bool:
    """Whether the quote's quantity ``q`` states the claimed figure in the claim's unit."""
    if q.any_unit:
        return claim == q.value
    factors = _SAME_KIND.get(unit, {None: Decimal(1)})
    if q.unit not in factors:
        return False
    factor = factors[q.unit]
    return abs(abs(claim) - q.value * factor) <= q.tolerance * factor


def figure_problem(
    value: Decimal, unit: str, quotes: list[str], rate: str | None = None, period: str | None = None
) -> str | None:
    """Why ``value`` (in ``unit``, at ``rate``) is not stated by any of ``quotes``, or None.

    A number in a quote matches when it is in the same kind of unit (money in the claim's
    currency; GW or MW; percent for ``percent`` and ``percentage-points``; a plain number for
    anything else) and equals the claim (its magnitude) within the rounding of the digits
    written. A rate the quote gives the number must be the claim's ``rate``, or the length of
    its ``period`` (the precision of a period date: ``"quarter"`` for a figure per quarter).

    >>> figure_problem(Decimal(100e9), "USD", ["spending **more than $100 billion** on AWS"])
    >>> figure_problem(Decimal(39e9), "USD", ["a $38 billion deal"])
    'no 39000000000 USD in the quote (it states: 38000000000 USD)'
    >>> figure_problem(Decimal(1), "GW", ["by 2030, one gigawatt of new capacity weekly"], period="year")
    'the quote gives 1 GW per week; the claim has no rate (its period is a year)'
    >>> figure_problem(Decimal(1), "GW", ["one gigawatt of new capacity weekly"], "per-week")
    """
    allowed = {rate, _PERIOD_RATE.get(period or "")}
    found = [q for text in quotes for q in quantities(text)]
    same = [q for q in found if figure_matches(value, unit, q)]
    if any(q.rate is None or q.rate in allowed for q in same):
        return None
    if same:
        has = f"the claim is {rate.replace('-', ' ')}" if rate else "the claim has no rate"
        if period:
            has += f" (its period is a {period})"
        return f"the quote gives {str(same[0]).replace('-', ' ')}; {has}"
    claim = f"{_show(abs(value))} {unit}" + (f" {rate}" if rate else "")
    states = ", ".join(dict.fromkeys(str(q) for q in found)) or "no number"
    return f"no {claim} in the quote (it states: {states})"


# -- the report ---------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifyProblem:
    """A quote not in its document, or a figure not in its quote."""

    file: str
    line: int | None
    field: str
    kind: str  # "quote", "figure" or "document"
    message: str
    passage: str = ""  # the closest passage of the document (quote), or the quote (figure)

    def to_problem(self) -> Problem:
        """As a :class:`~dealgraph.ontology.errors.Problem` (the passage in the message)."""
        shown = "closest passage" if self.kind == "quote" else "quote"
        message = f"{self.message}; {shown}: {self.passage!r}" if self.passage else self.message
        return Problem(self.file, self.line, self.field, message)

    def __str__(self) -> str:
        return str(self.to_problem())


@dataclass
class VerifyReport:
    """What :func:`verify_dataset` found, in a fixed order (file, line, field)."""

    problems: list[VerifyProblem] = field(default_factory=list)
    unverified: list[str] = field(default_factory=list)  # files with quotes but no document text
    quotes_checked: int = 0
    quotes_unverified: int = 0
    figures_checked: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        """One line: what was checked, how many problems, how many quotes are unverified.

        >>> print(VerifyReport(quotes_checked=3, figures_checked=2, quotes_unverified=1).summary())
        3 quotes checked against their documents, 2 figures against their quotes: no problem;
        1 quote unverified (no document text)
        """
        n = len(self.problems)
        head = (
            f"{self.quotes_checked} quotes checked against their documents, "
            f"{self.figures_checked} figures against their quotes: "
            + (f"{n} problem{'s' if n != 1 else ''}" if n else "no problem")
        )
        if self.quotes_unverified:
            many = "s" if self.quotes_unverified != 1 else ""
            head += f"; {self.quotes_unverified} quote{many} unverified (no document text)"
        return head

    def add(self, other: VerifyReport) -> None:
        self.problems += other.problems
        self.unverified += other.unverified
        self.quotes_checked += other.quotes_checked
        self.quotes_unverified += other.quotes_unverified
        self.figures_checked += other.figures_checked

    def raise_for_problems(self) -> None:
        """Raise DataError listing every problem (nothing happens when there is none)."""
        if self.problems:
            raise DataError([p.to_problem() for p in self.problems])


# -- walking a data file ------------------------------------------------------------------


def _walk(node: Any, loc: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """Every node of a parsed file with its location (keys and list indexes)."""
    yield loc, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, (*loc, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, (*loc, i))


def _quotes(doc: Any) -> list[tuple[tuple, str]]:
    return [
        (loc, str(node))
        for loc, node in _walk(doc)
        if loc and loc[-1] == "quote" and not isinstance(node, (dict, list))
    ]


def _number(v: Any) -> Decimal | None:
    if isinstance(v, bool) or not isinstance(v, (int, float, Decimal)):
        return None
    try:
        return Decimal(str(v))
    except InvalidOperation:
        return None


@dataclass
class Claim:
    """A claimed figure of a data file, where it is, and the quotes it must appear in."""

    loc: tuple  # where the figure is (ends with "value" or "upper")
    value: Decimal
    unit: str
    rate: str | None
    period: str | None  # the precision of the claim's period ("quarter"), if it has one
    quotes: list[str]


#: The unit of a deal figure written without one (the data format's defaults).
_DEFAULT_UNIT = {"capacity": "GW", "chip_count": "chips", "shares": "shares", "stake": "percent"}


def claims(doc: Any) -> Iterator[Claim]:
    """Figures with a unit and their own quotes: amounts, capacities, observations ..."""
    for loc, node in _walk(doc):
        if not isinstance(node, dict) or _number(node.get("value")) is None:
            continue
        unit = node.get("currency") or node.get("unit") or (_DEFAULT_UNIT.get(loc[-1]) if loc else None)
        if not isinstance(unit, str):
            continue
        if isinstance(node.get("quote"), str):
            quotes = [node["quote"]]
        else:
            evidence = node.get("evidence")
            quotes = [str(e["quote"]) for e in evidence or [] if isinstance(e, dict) and "quote" in e]
        rate = node.get("rate") if isinstance(node.get("rate"), str) else None
        for name in ("value", "upper"):
            number = _number(node.get(name))
            if number is not None and quotes:
                yield Claim((*loc, name), number, unit, rate, _precision(node.get("period")), quotes)


def _precision(period: Any) -> str | None:
    """The precision of a period as written ("2025-Q3": ``"quarter"``), None if unreadable."""
    if period is None:
        return None
    try:
        return parse_date(period).precision
    except ValueError:
        return None


# -- checking files -----------------------------------------------------------------------


def _document_of(doc: Any, loc: tuple) -> str | None:
    """The document a quote at ``loc`` rests on: the nearest record naming one.

    A source file names it once (``source.document``); a record of an entities file names
    it with ``source`` or ``document``.
    """
    nodes = [doc]
    for part in loc[:-1]:
        nodes.append(nodes[-1][part])
    for node in reversed(nodes):
        if not isinstance(node, dict):
            continue
        source = node.get("source")
        for name in (
            node.get("document"),
            source,
            source.get("document") if isinstance(source, dict) else None,
        ):
            if isinstance(name, str):
                return name
    return None


def document_text(folder: Path, name: str) -> Path | None:
    """The file that keeps the text of document ``name`` in ``folder`` (the file itself, or
    its ``.txt`` beside a source file), or None: then its quotes cannot be checked and every
    output marks the source unverified.

    >>> document_text(Path("/nowhere"), "../etc/passwd") is None
    True
    """
    if not name or Path(name).name != name:  # a file name, never a path elsewhere
        return None
    for candidate in (name, Path(name).stem + ".txt"):
        if (folder / candidate).is_file():
            return folder / candidate
    return None


class _Documents:
    """Document texts under a ``sources`` folder, read once; None for a missing one."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.texts: dict[str, tuple[str, str] | None] = {}

    def path(self, name: str) -> Path | None:
        return document_text(self.folder, name)

    def text(self, name: str) -> tuple[str, str] | None:
        """The document's text and its normalised form."""
        if name not in self.texts:
            path = self.path(name)
            text = read_text(path) if path else None
            self.texts[name] = (text, normalise(text)) if text is not None else None
        return self.texts[name]


@dataclass(frozen=True)
class _Part:
    """A parsed part of a data file to check: a whole YAML file, or one record (a model) of
    a file read by the loader, with a locator naming the line and field (or CSV column) of
    a location in it, and the document its quotes rest on when it names none itself."""

    node: Any  # nested dicts and lists
    file: str
    locate: Callable[[tuple], tuple[int | None, str]]
    document: str | None = None
    source: tuple | None = None  # where a document's description (``Source``) is, if any

    @classmethod
    def of_yaml(cls, doc: Any, file: str) -> _Part:
        return cls(doc, file, lambda loc: (line_of(doc, loc), field_path(loc)), source=("source",))

    @classmethod
    def of_record(cls, item: Located) -> _Part:
        source = () if isinstance(item.record, Source) else None
        return cls(_plain(item.record), item.file, item.locate, item.document, source)


def _plain(value: Any) -> Any:
    """A record as the nested dicts and lists its file gave: the fields it sets, in order
    (dates stay :class:`DateValue`)."""
    if isinstance(value, BaseModel) and not isinstance(value, DateValue):
        return {k: _plain(getattr(value, k)) for k in type(value).model_fields if k in value.model_fields_set}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _check_quotes(part: _Part, documents: _Documents, report: VerifyReport) -> None:
    unverified = False
    for loc, quote in _quotes(part.node):
        name = _document_of(part.node, loc) or part.document
        found = documents.text(name) if name else None
        if found is None:
            report.quotes_unverified += 1
            unverified = True
            continue
        report.quotes_checked += 1
        if normalise(quote) not in found[1]:
            line, where = part.locate(loc)
            report.problems.append(
                VerifyProblem(
                    part.file,
                    line,
                    where,
                    "quote",
                    f"quote not found verbatim in its document {name}",
                    closest_passage(quote, found[0]),
                )
            )
    if unverified and part.file not in report.unverified:
        report.unverified.append(part.file)


def _check_figures(part: _Part, report: VerifyReport) -> None:
    for claim in claims(part.node):
        report.figures_checked += 1
        why = figure_problem(claim.value, claim.unit, claim.quotes, claim.rate, claim.period)
        if why:
            shown = " | ".join(normalise(q) for q in claim.quotes)
            line, where = part.locate(claim.loc)
            report.problems.append(VerifyProblem(part.file, line, where, "figure", why, shown))


def _check_digest(part: _Part, documents: _Documents, report: VerifyReport) -> None:
    """A source's ``sha256`` (when it states one) is the digest of its document's bytes."""
    if part.source is None or not isinstance(part.node, dict):
        return
    source = part.node.get("source") if part.source else part.node
    if not isinstance(source, dict) or source.get("sha256") is None:
        return
    path = documents.path(str(source.get("document", "")))
    if path is None:
        return
    actual = hashlib.sha256(path.read_bytes()).hexdigest()
    if actual != str(source["sha256"]).lower():
        line, where = part.locate((*part.source, "sha256"))
        message = f"{path.name} has sha256 {actual}, not the one stated (the document changed)"
        report.problems.append(VerifyProblem(part.file, line, where, "document", message))


def _check(parts: Iterable[_Part], documents: _Documents) -> VerifyReport:
    """Check every part; problems by file (in the order first met), then line and field."""
    by_file: dict[str, VerifyReport] = {}
    for part in parts:
        report = by_file.setdefault(part.file, VerifyReport())
        _check_quotes(part, documents, report)
        _check_figures(part, report)
        _check_digest(part, documents, report)
    out = VerifyReport()
    for report in by_file.values():
        report.problems.sort(key=lambda p: (p.line or 0, p.field, p.kind))
        out.add(report)
    return out


def verify_file(path: str | Path, sources: str | Path | None = None) -> VerifyReport:
    """Check one YAML data file as it is written (the models are not applied): its quotes
    against their documents, its figures against their quotes. Documents are looked up in
    ``sources`` (by default the file's own folder).

    Raises DataError when the file cannot be read as YAML.
    """
    path = Path(path)
    documents = _Documents(Path(sources) if sources is not None else path.parent)
    return _check([_Part.of_yaml(read_yaml(path), str(path))], documents)


def verify_dataset(data_dir: str | Path, dataset: Dataset | None = None) -> VerifyReport:
    """Check every quote and figure of a data directory: the records of its YAML files
    (``entities*.yaml``, ``sources/*.yaml``) and of its CSV files (``*.csv``), documents in
    ``sources/``; files in a fixed order.

    ``dataset`` is the directory as the loader already read it (``LoadedData.dataset``), so
    the files are not parsed again; by default they are read here (records that do not
    validate are left out: loading reports them). Both formats give the same records, so a
    quote of a CSV file is checked like one of a YAML file, and a problem names the CSV
    row's line and the column (``quote``, ``amount_quote``, ``amount``, ``value`` ...).

    Raises DataError when the directory is missing or a file cannot be read as YAML or CSV.
    """
    root = Path(data_dir)
    if not root.is_dir():
        raise DataError([Problem(str(root), None, None, "data directory not found")])
    ds = dataset if dataset is not None else read_directory(root)
    documents = _Documents(root / "sources")
    items = [*ds.entities.values(), *ds.sources.values(), *ds.observations.values()]
    items += [m for ms in (*ds.deals.values(), *ds.relationships.values()) for m in ms]
    items.sort(key=lambda item: item.file)
    return _check(map(_Part.of_record, items), documents)
