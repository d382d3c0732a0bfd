"""CSV loader for entities and deals (columns in the README, "CSV files").

Each CSV row becomes the same pydantic records as the YAML format, so both are held to
the same rules. Errors name the file, the row's line and the column.

``entities.csv`` columns: ``id, type, name, aliases, roles, subsidiary_of, description``
(``aliases`` and ``roles`` separated by ``;``).

``deals.csv`` columns: ``id, kind, payer, payee, status, date, amount, currency, bound,
rate, term, part_of, document, title, publisher, published, quote``. A row is one
document's mention of a deal, with at most one amount; ``quote`` is the evidence.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "deals.csv").write_text(
...     "id,kind,payer,payee,amount,currency,document,title,quote\\n"
...     "a-b,equity-investment,a,b,5000000000,USD,doc.txt,Doc,A invests $5 billion in B\\n")
>>> ds = Dataset(known_entities={"a", "b"})
>>> read_csv_file(d / "deals.csv", ds)
>>> ds.deals["a-b"][0].record.amounts[0].value
Decimal('5000000000')
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from pydantic import ValidationError

from ..ontology.errors import DataError, Problem
from .dataset import Dataset, Located, problems_from_validation
from .models import Entity, SourceFile
from .text import read_text

__all__ = ["ENTITY_COLUMNS", "DEAL_COLUMNS", "read_csv_file"]

ENTITY_COLUMNS: tuple[str, ...] = ("id", "type", "name", "aliases", "roles", "subsidiary_of", "description")
DEAL_COLUMNS: tuple[str, ...] = (
    "id",
    "kind",
    "payer",
    "payee",
    "status",
    "date",
    "amount",
    "currency",
    "bound",
    "rate",
    "term",
    "part_of",
    "document",
    "title",
    "publisher",
    "published",
    "quote",
)
_AMOUNT_FIELDS = {
    "value": "amount",
    "currency": "currency",
    "bound": "bound",
    "rate": "rate",
    "term": "term",
    "quote": "quote",
}
_SOURCE_FIELDS = {
    "document": "document",
    "title": "title",
    "publisher": "publisher",
    "published": "published",
}


def _rows(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    text = read_text(path)  # a byte that is not UTF-8 is reported with its line
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows, last = [], 0  # last: the line the previous record ended on
    try:
        header = list(reader.fieldnames or [])
        last = 1
        for row in reader:
            rows.append((last + 1, row))
            last = reader.line_num
    except csv.Error as exc:  # a field over the size limit, ...
        raise DataError([Problem(str(path), last + 1, None, f"cannot read CSV: {exc}")]) from None
    return header, rows


def _clean(row: dict[str, str]) -> dict[str, str]:
    return {k: v.strip() for k, v in row.items() if k is not None and v is not None and v.strip()}


def read_csv_file(path: str | Path, ds: Dataset) -> None:
    """Read an entities or deals CSV file (chosen by its header) into ``ds``."""
    path = Path(path)
    name = str(path)
    header, rows = _rows(path)
    cols = set(header)
    if {"payer", "payee"} <= cols:
        allowed, reader = DEAL_COLUMNS, _read_deals
    elif {"type", "name"} <= cols:
        allowed, reader = ENTITY_COLUMNS, _read_entities
    else:
        raise DataError(
            [
                Problem(
                    name,
                    1,
                    None,
                    "CSV header names neither entities "
                    "(id,type,name,...) nor deals (id,kind,payer,payee,...)",
                )
            ]
        )
    unknown = [c for c in header if c not in allowed]
    if unknown:
        close = ", ".join(repr(c) for c in unknown)
        raise DataError(
            [Problem(name, 1, unknown[0], f"unknown column(s) {close}; allowed: {', '.join(allowed)}")]
        )
    reader(name, rows, ds)


def _read_entities(name: str, rows, ds: Dataset) -> None:
    for line, raw in rows:
        row: dict[str, str | list[str]] = dict(_clean(raw))
        for key in ("aliases", "roles"):
            if key in row:
                row[key] = [p.strip() for p in str(row[key]).split(";") if p.strip()]

        def locate(loc, line=line):
            return line, str(loc[0]) if loc else ""

        try:
            ent = Entity.model_validate(row)
        except ValidationError as exc:
            ds.problems.extend(problems_from_validation(exc, name, locate))
            continue
        ds.add_entity(Located(ent, name, locate))


def _read_deals(name: str, rows, ds: Dataset) -> None:
    by_doc: dict[str, list[tuple[int, dict[str, str]]]] = {}
    for line, raw in rows:
        row = _clean(raw)
        if "document" not in row:
            ds.problems.append(Problem(name, line, "document", "every deal row needs a document"))
            continue
        by_doc.setdefault(row["document"], []).append((line, row))
    for doc_rows in by_doc.values():
        first_line, first = doc_rows[0]
        source = {k: first[c] for k, c in _SOURCE_FIELDS.items() if c in first}
        deals, lines = [], []
        for line, row in doc_rows:
            for k, c in _SOURCE_FIELDS.items():
                if c in row and row[c] != source.get(k):
                    ds.problems.append(
                        Problem(
                            name,
                            line,
                            c,
                            f"{c} {row[c]!r} differs from {source.get(k)!r} on line {first_line}",
                        )
                    )
            deal: dict[str, object] = {
                k: row[k]
                for k in ("id", "kind", "payer", "payee", "status", "date", "term", "part_of")
                if k in row
            }
            if "quote" in row:
                deal["evidence"] = [{"quote": row["quote"]}]
            if "amount" in row:
                amount = {k: row[c] for k, c in _AMOUNT_FIELDS.items() if c in row}
                if "term" in row:
                    amount["term"] = row["term"]
                deal["amounts"] = [amount]
            elif "currency" in row:
                ds.problems.append(Problem(name, line, "currency", "currency without an amount"))
            deals.append(deal)
            lines.append(line)

        def locate(loc, lines=lines, first_line=first_line):
            if len(loc) >= 2 and loc[0] == "deals" and isinstance(loc[1], int):
                line = lines[loc[1]] if loc[1] < len(lines) else first_line
                rest = loc[2:]
                if rest[:1] == ("amounts",):
                    return line, _AMOUNT_FIELDS.get(rest[2] if len(rest) > 2 else "", "amount")
                if rest[:1] == ("evidence",):
                    return line, "quote"
                return line, str(rest[0]) if rest else ""
            if loc[:1] == ("source",):
                return first_line, _SOURCE_FIELDS.get(loc[1] if len(loc) > 1 else "", "document")
            return first_line, ".".join(map(str, loc))

        try:
            sf = SourceFile.model_validate({"source": source, "deals": deals})
        except ValidationError as exc:
            ds.problems.extend(problems_from_validation(exc, name, locate))
            continue
        ds.add_source_file(sf, name, locate)
