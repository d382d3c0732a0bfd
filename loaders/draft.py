"""Draft a new source file from a document, for review (the new-document workflow).

:func:`draft_source` reads a document's text and writes the YAML of a source file for it: a
``source:`` block with the metadata (document name, sha256 of its bytes, retrieved today, and
the title, publisher, URL and publication date it can find near the top of the text), empty
``deals:``, ``observations:`` and ``relationships:`` lists, and a ``drafts:`` list of claim
stubs. A stub is one sentence of the document that carries a figure (money, GW/MW, percent,
a count such as shares) or names a known entity (a name or alias from the data set's
entities file): its verbatim quote, the line it starts on, its figures as
:func:`~dealgraph.loaders.verify.quantities` parses them (value, unit, range, bound words such
as "up to", rate words such as "monthly") and the candidate entity ids.

Nothing in a draft is accepted data. The source-file format has no ``drafts`` field, so the
loader refuses a file that still holds one (``drafts: unknown field``): ``dealgraph validate``
fails until the user has moved what each stub supports into ``deals:``, ``observations:`` or
``relationships:`` and deleted the ``drafts:`` list.

:func:`draft_coverage` measures how much of an existing source file the drafts would have
found: the share of its figures (every amount, capacity and observation value and upper bound)
that a stub of the same document carries, in the same kind of unit, within rounding.

>>> [text for _, _, text in sentences("Amazon Inc. paid $1.25 billion. The U.S. agreed! Next")]
['Amazon Inc. paid $1.25 billion.', 'The U.S. agreed!', 'Next']
>>> [str(f) for f in figures("up to $20 billion more, about 7-8 GW and ~7% monthly")]
['up-to 20000000000 USD', 'about 7..8 GW', 'about 7 percent per-month']
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from ..ontology.errors import DataError, Problem
from .text import line_at, read_text
from .verify import Quantity, claims, figure_matches, normalise, quantities
from .yaml_source import read_yaml

__all__ = [
    "Figure",
    "Stub",
    "Coverage",
    "sentences",
    "figures",
    "EntityFinder",
    "draft_stubs",
    "draft_source",
    "write_draft",
    "draft_coverage",
]

# -- sentences ----------------------------------------------------------------------------

# what opens a line without being part of its text: list bullets, numbers, headings, quotes
_LINE_MARK = re.compile(r"[ \t]*(?:(?:[-*+•·▪‣◦>]|\d{1,3}[.)]|#{1,6})[ \t]+)*")
# a sentence ends at . ! ? (closing quotes, brackets and emphasis marks go with it)
_END = re.compile(r"[.!?…]+[\"'”’)\]*_]*(?=\s|$)")
_ABBREVIATIONS = frozenset(
    "inc corp co ltd llc plc mr mrs ms dr st jr sr vs no nos approx est fig al gov sen rep "
    "jan feb mar apr jun jul aug sep sept oct nov dec e.g i.e u.s u.k u.n".split()
)
_INITIALS = re.compile(r"(?:[A-Za-z]\.)*[A-Za-z]")  # "U.S", "J", "e.g"
_CONTINUES = re.compile(r"[a-z]+\b(?![:/])")  # a soft-wrapped line goes on with a word in lower case


def _lines(text: str) -> list[tuple[int, int]]:
    """Blocks of the text: its lines, soft-wrapped lines joined, list and heading marks cut."""
    blocks: list[tuple[int, int]] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        start = offset + _LINE_MARK.match(line).end()  # type: ignore[union-attr]  # matches ""
        end = offset + len(line.rstrip())
        offset += len(line)
        if start >= end:
            continue
        previous = text[blocks[-1][0] : blocks[-1][1]] if blocks else ""
        wrapped = start == end - len(line.strip()) and _CONTINUES.match(text, start) is not None
        if previous and wrapped and previous[-1] not in '.!?:;"”)*|':
            blocks[-1] = (blocks[-1][0], end)
        else:
            blocks.append((start, end))
    return blocks


def _is_boundary(text: str, end: re.Match[str]) -> bool:
    """Whether a sentence really ends at ``end`` (not after "U.S.", "Inc." or before "and")."""
    after = text[end.end() :].lstrip()
    if after[:1].islower():
        return False
    if end.group() != ".":
        return True
    word = re.search(r"[\w.]*$", text[: end.start()])
    token = word.group() if word else ""
    return not (token.lower() in _ABBREVIATIONS or _INITIALS.fullmatch(token))


def sentences(text: str) -> list[tuple[int, int, str]]:
    """The sentences of a document as (start, end, text), ``text == document[start:end]``.

    A line is a block of its own (a heading, a list item, a table row), unless it is the
    soft-wrapped continuation of the line before (it starts in lower case). Inside a block a
    sentence ends at ``.``, ``!`` or ``?`` followed by a space, except after an abbreviation
    ("Inc.", "U.S.", "e.g.") or before a word in lower case; decimals ("1.25") never end one.
    """
    out = []
    for start, end in _lines(text):
        block = text[start:end]
        cut = 0
        for m in _END.finditer(block):
            if _is_boundary(block, m):
                out.append((start + cut, start + m.end()))
                cut = m.end() + len(block[m.end() :]) - len(block[m.end() :].lstrip())
        out.append((start + cut, end))
    return [(s, e, text[s:e]) for s, e in out if e > s and re.search(r"\w", text[s:e])]


# -- figures ------------------------------------------------------------------------------

# dates: a date's numbers are no figures; the one near the top is the publication date
_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
_MONTH = r"(?P<month>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_DATES = [
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b"),
    re.compile(r"\b(?P<month>[01]?\d)/(?P<day>[0-3]?\d)[/ ,]+(?P<year>(?:19|20)\d\d)\b"),
    re.compile(rf"\b{_MONTH}\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d\d)\b", re.I),
    re.compile(rf"\b(?P<day>[0-3]?\d)\s+{_MONTH}\s+(?P<year>(?:19|20)\d\d)\b", re.I),
]
_TIME = re.compile(r"\b[0-2]?\d:[0-5]\d\b")


_BOUNDS = [
    ("up-to", r"up to|as much as|as many as|no more than|at most|a maximum of|capped at|less than|under"),
    (
        "at-least",
        r"at least|more than|over|above|exceeding|exceeds?|exceeded|surpass(?:ed|es|ing)?|top(?:s|ped)?"
        r"|north of|upwards of|in excess of|a minimum of|beyond",
    ),
    ("about", r"about|approximately|approx\.|roughly|around|nearly|almost|close to|some|an estimated|~|≈"),
]
_BOUND_BEFORE = [
    (name, re.compile(rf"(?:\b|^|(?<=\W))(?:{words})\s*$", re.IGNORECASE)) for name, words in _BOUNDS
]
_BOUND_AFTER = [
    ("at-least", re.compile(r"\+|\s+or (?:more|above)\b")),
    ("up-to", re.compile(r"\s+or (?:less|fewer)\b")),
]
_DASH = re.compile(r"\s?[-–—]\s?")
_NOUN = re.compile(r"\s*(?:of\s+)?([A-Za-z][\w-]*)")
_NEGATIVE = re.compile(r"(?:^|[\s(])(?:-|−|negative\s|minus\s)$", re.IGNORECASE)
# verify.quantities reads scale words in lower case only ("$100 Billion" would be $100 and a
# billion); a title's capitals are lowered first (same length, so offsets are unchanged)
_CAPITAL_SCALE = re.compile(r"\b(?:Thousand|Million|Billion|Trillion|THOUSAND|MILLION|BILLION|TRILLION)\b")


@dataclass
class Figure:
    """A figure of a sentence, as a stub shows it: value (and upper end of a range), unit,
    bound, rate, and for a plain number the word it counts ("shares")."""

    text: str
    value: Decimal
    unit: str | None
    bound: str = "exact"
    upper: Decimal | None = None
    rate: str | None = None
    counts: str | None = None
    parsed: list[Quantity] = field(default_factory=list, repr=False)

    def __str__(self) -> str:
        value = _plain(self.value) if self.upper is None else f"{_plain(self.value)}..{_plain(self.upper)}"
        unit = self.unit or (f"count of {self.counts}" if self.counts else "count")
        parts = [self.bound if self.bound != "exact" else "", str(value), unit, self.rate or ""]
        return " ".join(p for p in parts if p)

    def as_yaml(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text, "value": _plain(self.value)}
        if self.upper is not None:
            out["upper"] = _plain(self.upper)
        out["unit"] = self.unit or "count"
        if self.counts:
            out["counts"] = self.counts
        out["bound"] = self.bound
        if self.rate:
            out["rate"] = self.rate
        return out


def _plain(value: Decimal) -> int | float:
    """A number as YAML writes it: an int when whole (base units), else a float."""
    return int(value) if value == value.to_integral_value() else float(value)


def _not_a_figure(q: Quantity, text: str) -> bool:
    """Whether ``q`` is a year ("by 2030"), part of a date or time ("March 3, 2026", "09:20"),
    or the word "one" on its own ("the next one", "one of them": rarely a count)."""
    written = text[q.start : q.end]
    if q.unit is None and q.scale is None and written.isdigit() and 1900 <= q.value <= 2100:
        return True
    if q.unit is None and written.lower() == "one":
        return True
    return any(
        m.start() <= q.start and q.end <= m.end()
        for pattern in (*_DATES, _TIME)
        for m in pattern.finditer(text)
    )


def _bound(text: str, first: Quantity, last: Quantity) -> str:
    before = text[max(0, first.start - 30) : first.start]
    for name, pattern in _BOUND_BEFORE:
        if pattern.search(before):
            return name
    if "+" in text[last.start : last.end]:  # "500+ customers"
        return "at-least"
    for name, pattern in _BOUND_AFTER:
        if pattern.match(text, last.end):
            return name
    return "exact"


def _figure(text: str, group: list[Quantity]) -> Figure:
    first, last = group[0], group[-1]
    counts = None
    if first.unit is None and not first.any_unit:
        noun = _NOUN.match(text, last.end)
        counts = noun.group(1).lower() if noun else None
    negative = bool(_NEGATIVE.search(text[: first.start]))
    return Figure(
        text=text[first.start : last.end],
        value=-first.value if negative else first.value,
        unit=last.unit if not first.any_unit else None,
        bound=_bound(text, first, last),
        upper=last.value if len(group) > 1 else None,
        rate=first.rate or last.rate,
        counts=counts,
        parsed=group,
    )


def figures(sentence: str) -> list[Figure]:
    """The figures a sentence states (years left out), ranges ("7-8 GW") as one figure.

    >>> [str(f) for f in figures("a warrant for 160 million shares, vesting by 2030")]
    ['160000000 count of shares']
    """
    sentence = _CAPITAL_SCALE.sub(lambda m: m.group().lower(), sentence)
    text = normalise(sentence)
    groups: list[list[Quantity]] = []
    for q in quantities(sentence):
        if _not_a_figure(q, text):
            continue
        if groups and len(groups[-1]) == 1 and _DASH.fullmatch(text[groups[-1][0].end : q.start]):
            groups[-1].append(q)
        else:
            groups.append([q])
    return [_figure(text, group) for group in groups]


# -- entities -----------------------------------------------------------------------------


class EntityFinder:
    """Finds known entities in text by name or alias (case-insensitive, whole words, longest
    name first: "Claude Code" is claude-code, not claude)."""

    def __init__(self, names: dict[str, list[str]]) -> None:
        self.ids: dict[str, list[str]] = {}
        for entity_id, written in names.items():
            for name in written:
                ids = self.ids.setdefault(name.lower(), [])
                if entity_id not in ids:
                    ids.append(entity_id)
        alternatives = "|".join(re.escape(n) for n in sorted(self.ids, key=len, reverse=True))
        self.pattern = re.compile(rf"(?<![\w-])({alternatives})(?:s\b)?(?![\w-])", re.IGNORECASE)

    @classmethod
    def from_data_dir(cls, data_dir: Path) -> EntityFinder:
        """The entities of a YAML data directory (``entities*.yaml``)."""
        names: dict[str, list[str]] = {}
        for path in sorted(Path(data_dir).glob("entities*.yaml")):
            doc = read_yaml(path)
            for record in (doc.get("entities") if isinstance(doc, dict) else None) or []:
                if isinstance(record, dict) and isinstance(record.get("id"), str):
                    written = [record.get("name"), *(record.get("aliases") or [])]
                    names.setdefault(record["id"], []).extend(str(n) for n in written if n)
        return cls(names)

    def find(self, text: str) -> list[str]:
        """The ids of the entities ``text`` names, in order of first mention.

        >>> EntityFinder({"claude": ["Claude"], "claude-code": ["Claude Code"]}).find(
        ...     "Claude Code runs Claude models")
        ['claude-code', 'claude']
        """
        if not self.ids:
            return []
        found: dict[str, None] = {}
        for m in self.pattern.finditer(normalise(text)):
            found.update(dict.fromkeys(self.ids[m.group(1).lower()]))
        return list(found)


# -- stubs --------------------------------------------------------------------------------


class _Flow(dict):
    """A mapping written on one line (``{text: $5 billion, value: 5000000000, ...}``)."""


class _FlowList(list):
    """A list written on one line (``[openai, aws]``)."""


class _Dumper(yaml.SafeDumper):
    """Writes stubs compactly: a figure or an entity list on one line."""


_Dumper.add_representer(_Flow, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v, flow_style=True))
_Dumper.add_representer(
    _FlowList, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True)
)


@dataclass
class Stub:
    """A sentence worth a claim, for review: its verbatim quote, line, figures and entities."""

    line: int
    quote: str
    figures: list[Figure]
    entities: list[str]

    def as_yaml(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "quote": self.quote,
            "figures": [_Flow(f.as_yaml()) for f in self.figures],
            "entities": _FlowList(self.entities),
        }


def draft_stubs(text: str, finder: EntityFinder) -> list[Stub]:
    """One stub per sentence of ``text`` that states a figure or names a known entity."""
    stubs = []
    for start, _, sentence in sentences(text):
        found, entities = figures(sentence), finder.find(sentence)
        if found or entities:
            stubs.append(Stub(line_at(text, start), sentence, found, entities))
    return stubs


# -- metadata -----------------------------------------------------------------------------

# "Source | Bohu Finance", "**Published:** March 3, 2026": a line naming one of these fields
_FIELD_LINE = re.compile(
    r"^\W*(?P<key>source|publisher|published by|published|author|by|date|posted|updated|url|link"
    r"|category|tags|reading time|subtitle)\W*\s*[|:]\s*(?P<value>.+)$",
    re.IGNORECASE,
)
_URL = re.compile(r"https?://[^\s<>\"')\]]+")
_TOP_LINES = 30  # metadata is looked for in the first lines, before the first long paragraph


def _top(text: str) -> list[tuple[int, str]]:
    """The document's first lines (numbered), up to its first long paragraph."""
    out = []
    for number, line in enumerate(text.splitlines()[:_TOP_LINES], 1):
        if len(line.split()) > 25:
            break
        out.append((number, line.strip()))
    return out


def _date_in(line: str) -> str | None:
    for pattern in _DATES:
        m = pattern.search(line)
        if not m:
            continue
        month = m.group("month").lower()
        try:
            day = dt.date(int(m.group("year")), _MONTHS.get(month[:3]) or int(month), int(m.group("day")))
        except ValueError:
            continue
        return day.isoformat()
    return None


def _found_metadata(text: str) -> dict[str, tuple[str, int]]:
    """Title, publisher, URL and publication date found near the top, each with its line."""
    found: dict[str, tuple[str, int]] = {}
    for number, line in _top(text):
        field_line = _FIELD_LINE.match(line)
        key = field_line.group("key").strip().lower() if field_line else ""
        if key in ("source", "publisher", "published by") and field_line:
            found.setdefault("publisher", (field_line.group("value").strip(), number))
        url, date = _URL.search(line), _date_in(line)
        if url:
            found.setdefault("url", (url.group(), number))
        if date:
            found.setdefault("published", (date, number))
        title = line.strip("#*_ \t").strip()
        if not field_line and not url and not date and 3 <= len(title.split()) and title[-1:] != ".":
            found.setdefault("title", (title, number))
    return found


def _scalar(value: Any) -> str:
    """A YAML scalar: null, or a double-quoted string (JSON's quoting is valid YAML)."""
    return "null" if value is None else json.dumps(str(value), ensure_ascii=False)


def _source_block(document: Path, text: str, given: dict[str, str | None]) -> list[str]:
    found = _found_metadata(text)
    lines = ["source:", f"  document: {_scalar(document.name)}"]
    for key in ("title", "publisher", "url", "published"):
        if given.get(key) is not None:
            lines.append(f"  {key}: {_scalar(given[key])}")
        elif key in found:
            value, number = found[key]
            lines.append(f"  {key}: {_scalar(value)}    # DRAFT: read from line {number}; check it")
        else:
            required = " (required)" if key == "title" else ""
            lines.append(f"  {key}: null    # DRAFT: not found in the text; fill in{required}")
    lines.append(f"  retrieved: {_scalar(given.get('retrieved') or dt.date.today().isoformat())}")
    lines.append(f"  sha256: {_scalar(hashlib.sha256(document.read_bytes()).hexdigest())}")
    return lines


_HEADER = """\
# DRAFT source file for {document}, written by `dealgraph new-source` on {today}.
# Nothing in it is accepted data yet. To review it:
#  1. check the `source:` fields marked DRAFT and fill in the empty ones (a title is required);
#  2. for each stub under `drafts:`, write the facts it supports under `deals:`, `observations:` or
#     `relationships:` (README, "The data format"), quoting the stub's sentence or a part of it;
#  3. delete the `drafts:` list. `dealgraph validate` refuses the file while `drafts:` is present.
"""


def draft_source(
    document: Path,
    data_dir: Path,
    *,
    title: str | None = None,
    publisher: str | None = None,
    url: str | None = None,
    published: str | None = None,
    retrieved: str | None = None,
) -> str:
    """The YAML text of a draft source file for ``document`` (see the module docstring).

    Metadata given as arguments wins over what is read from the text; ``retrieved`` defaults
    to today. Entities are those of ``data_dir`` (its ``entities*.yaml``). Raises DataError
    when the document cannot be read as UTF-8 text.
    """
    document = Path(document)
    text = read_text(document)
    given = {
        "title": title,
        "publisher": publisher,
        "url": url,
        "published": published,
        "retrieved": retrieved,
    }
    stubs = draft_stubs(text, EntityFinder.from_data_dir(Path(data_dir)))
    drafts = yaml.dump(
        {"drafts": [s.as_yaml() for s in stubs]},
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=10_000,
    )
    header = _HEADER.format(document=document.name, today=dt.date.today().isoformat())
    body = [*_source_block(document, text, given), "", "deals: []", "observations: []", "relationships: []"]
    note = f"# DRAFT: {len(stubs)} stubs for review; delete this list once each is reviewed\n"
    return header + "\n".join(body) + "\n\n" + note + drafts


def write_draft(document: Path, data_dir: Path, *, force: bool = False, **metadata: str | None) -> Path:
    """Write the draft of ``document`` into ``data_dir/sources`` and return its path.

    The document is copied there (its text belongs to the data set) unless it is there
    already, and the draft is written next to it as ``<document stem>.yaml``, the name the
    loader expects. ``metadata`` are :func:`draft_source`'s keywords. Raises DataError, and
    writes nothing, when a source file of that name exists (unless ``force``) or a different
    document of the same name is there.
    """
    document, sources = Path(document), Path(data_dir) / "sources"
    kept, target = sources / document.name, sources / f"{document.stem}.yaml"
    if target.exists() and not force:
        raise DataError([Problem(str(target), None, None, "a source file of this name exists (use force)")])
    if kept.exists() and kept.read_bytes() != document.read_bytes():
        raise DataError(
            [Problem(str(kept), None, None, f"a different document named {document.name} is there")]
        )
    text = draft_source(document, Path(data_dir), **metadata)
    sources.mkdir(parents=True, exist_ok=True)
    if not kept.exists():
        shutil.copyfile(document, kept)
    target.write_text(text, encoding="utf-8")
    return target


# -- coverage -----------------------------------------------------------------------------


@dataclass
class Coverage:
    """How many of a source file's figures the drafts of its document carry.

    ``covered``: figures some stub carries (anywhere in the document); ``placed``: figures a
    stub carries at the place the source file quotes them (the stub's sentence overlaps the
    figure's quote), the stricter count.
    """

    document: str
    figures: int = 0
    covered: int = 0
    placed: int = 0
    stubs: int = 0
    missed: list[str] = field(default_factory=list)  # "field: value unit", each figure not covered

    @property
    def share(self) -> float:
        return self.covered / self.figures if self.figures else 1.0

    @property
    def placed_share(self) -> float:
        return self.placed / self.figures if self.figures else 1.0

    def __str__(self) -> str:
        return (
            f"{self.document}: {self.covered}/{self.figures} figures in {self.stubs} stubs "
            f"({self.share:.1%}; {self.placed_share:.1%} at the place quoted)"
        )


def _spans(text: str, quotes: list[str]) -> list[tuple[int, int]]:
    """Where each quote (in order, each after the one before) is in the normalised ``text``;
    (-1, -1) for one not found."""
    out, cursor = [], 0
    for quote in quotes:
        wanted = normalise(quote)
        start = text.find(wanted, cursor)
        if start < 0:
            start = text.find(wanted)
        out.append((start, start + len(wanted)) if start >= 0 else (-1, -1))
        cursor = max(cursor, start)
    return out


def draft_coverage(document: Path, source_yaml: Path, data_dir: Path) -> Coverage:
    """How many of ``source_yaml``'s figures (amounts, capacities, observation values and
    upper bounds) some draft stub of ``document`` carries: a figure of the same kind of unit
    (money in the same currency, power, percent, a plain number) equal within the rounding of
    the digits the document writes (the figure check's rule, rates aside)."""
    text = read_text(document)
    stubs = draft_stubs(text, EntityFinder.from_data_dir(Path(data_dir)))
    normalised = normalise(text)
    placed = list(zip(_spans(normalised, [s.quote for s in stubs]), stubs, strict=True))
    coverage = Coverage(Path(document).name, stubs=len(stubs))
    for claim in claims(read_yaml(Path(source_yaml))):
        coverage.figures += 1
        where = [span for quote in claim.quotes for span in _spans(normalised, [quote])]
        found = [
            any(start < e and s < end for s, e in where)
            for (start, end), stub in placed
            if any(figure_matches(claim.value, claim.unit, q) for f in stub.figures for q in f.parsed)
        ]
        coverage.covered += bool(found)
        coverage.placed += any(found)
        if not found:
            coverage.missed.append(f"{'.'.join(map(str, claim.loc))}: {_plain(claim.value)} {claim.unit}")
    return coverage
