"""CSV files for entities, deals, observations and relationships (README, "CSV files").

Each CSV row becomes part of the same pydantic records as the YAML format, so both are held
to the same rules, and a data set written as CSV (:func:`yaml_to_csv`) loads into the same
graph. Errors name the file, the row's line and the column. The loader tells the files apart
by their header.

A deal, observation or relationship may take several rows with the same ``id`` (and
``document``): each row may add one amount, one capacity, one condition and one evidence
quote; record-level columns (``kind``, ``payer``, ``date``, ...) may be left empty on all
but one row, and rows that give one must agree. Every row names its ``document``; the
document's metadata (``title``, ``publisher``, ...) may be given once.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "deals.csv").write_text(
...     "id,kind,payer,payee,amount,currency,document,title,quote\\n"
...     "a-b,equity-investment,a,b,5000000000,USD,doc.txt,Doc,A invests $5 billion in B\\n"
...     "a-b,,,,,,doc.txt,,B takes A's money\\n")
>>> ds = Dataset(known_entities={"a", "b"})
>>> read_csv_file(d / "deals.csv", ds)
>>> deal = ds.deals["a-b"][0].record
>>> deal.amounts[0].value, [e.quote for e in deal.evidence]
(Decimal('5000000000'), ['A invests $5 billion in B', "B takes A's money"])
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError

from ..ontology.errors import DataError, Problem
from .dataset import Dataset, Located, Locator, problems_from_validation
from .dates import DateValue
from .models import (
    Amount,
    Capacity,
    ChipCount,
    Deal,
    Entity,
    Evidence,
    Observation,
    Relationship,
    Shares,
    Source,
    SourceFile,
    Stake,
)
from .text import read_text
from .yaml_loader import read_yaml_dataset

__all__ = [
    "ENTITY_COLUMNS",
    "DEAL_COLUMNS",
    "OBSERVATION_COLUMNS",
    "RELATIONSHIP_COLUMNS",
    "read_csv_file",
    "read_directory",
    "yaml_to_csv",
]

_TRUE, _FALSE = ("true", "yes", "1"), ("false", "no", "0")


def _mentions(ann: Any, cls: type) -> bool:
    return ann is cls or any(_mentions(a, cls) for a in get_args(ann))


def _is_date(model: type[BaseModel], name: str) -> bool:
    return _mentions(model.model_fields[name].annotation, DateValue)


def _is_list(model: type[BaseModel], name: str) -> bool:
    return get_origin(model.model_fields[name].annotation) is list


def _field_columns(model: type[BaseModel], names: Iterable[str], rename: dict[str, str]) -> dict[str, str]:
    """Each field's column; a date field ``x`` also has ``x_inferred`` and ``x_basis``."""
    out: dict[str, str] = {}
    for name in names:
        out[name] = col = rename.get(name, name)
        if _is_date(model, name):
            out[f"{name}.inferred"], out[f"{name}.basis"] = f"{col}_inferred", f"{col}_basis"
    return out


@dataclass(frozen=True)
class _Part:
    """A list field (or optional sub-record) whose items rows give one at a time."""

    field: str
    model: type[BaseModel] | None  # None: a plain text item (a condition)
    columns: dict[str, str]  # item field -> column ("" for a plain text item)
    single: bool = False

    @property
    def key(self) -> str:
        """The column that makes a row carry an item."""
        return self.columns.get("value") or self.columns.get("quote") or self.columns[""]


def _part(
    name: str, model: type[BaseModel], prefix: str, rename: dict[str, str], single: bool = False
) -> _Part:
    names = {f: rename.get(f, f"{prefix}_{f}") for f in model.model_fields}
    return _Part(name, model, _field_columns(model, model.model_fields, names), single)


_EVIDENCE = _part("evidence", Evidence, "evidence", {"quote": "quote"})
_SOURCE_COLUMNS = _field_columns(Source, Source.model_fields, {"note": "source_note"})


@dataclass(frozen=True)
class _Kind:
    """One kind of record a CSV file holds, and the SourceFile list it goes to."""

    name: str
    model: type[BaseModel]
    parts: tuple[_Part, ...]
    columns: dict[str, str] = field(init=False)  # record field -> column

    def __post_init__(self) -> None:
        fields = [f for f in self.model.model_fields if f not in {p.field for p in self.parts}]
        object.__setattr__(self, "columns", _field_columns(self.model, fields, {}))

    def header(self) -> tuple[str, ...]:
        cols = list(self.columns.values())
        for part in self.parts:
            cols += [c for c in part.columns.values() if c not in cols]
        return (*cols, *(c for c in _SOURCE_COLUMNS.values() if c not in cols))


_DEALS = _Kind(
    "deals",
    Deal,
    (
        _part(
            "amounts",
            Amount,
            "amount",
            {"value": "amount", **{k: k for k in ("upper", "currency", "bound", "rate")}},
        ),
        _part("capacity", Capacity, "capacity", {"value": "capacity"}, single=True),
        _part("chip_count", ChipCount, "chip_count", {"value": "chip_count"}, single=True),
        _part("shares", Shares, "shares", {"value": "shares"}, single=True),
        _part("stake", Stake, "stake", {"value": "stake"}, single=True),
        _part("exercise_price", Amount, "exercise_price", {"value": "exercise_price"}, single=True),
        _part("stake_value", Amount, "stake_value", {"value": "stake_value"}, single=True),
        _Part("conditions", None, {"": "condition"}),
        _EVIDENCE,
    ),
)
_OBSERVATIONS = _Kind("observations", Observation, (_EVIDENCE,))
_RELATIONSHIPS = _Kind("relationships", Relationship, (_EVIDENCE,))
_KINDS = (_DEALS, _OBSERVATIONS, _RELATIONSHIPS)

ENTITY_COLUMNS: tuple[str, ...] = tuple(Entity.model_fields)
DEAL_COLUMNS = _DEALS.header()
OBSERVATION_COLUMNS = _OBSERVATIONS.header()
RELATIONSHIP_COLUMNS = _RELATIONSHIPS.header()

# Rows to records --------------------------------------------------------------------------

Row = tuple[int, dict[str, str]]


def _rows(path: Path) -> tuple[list[str], list[Row]]:
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


def _kind_of(name: str, header: list[str]) -> tuple[tuple[str, ...], _Kind | None]:
    """The allowed columns and kind (None: entities) a header names."""
    cols = set(header)
    if {"payer", "payee"} <= cols:
        return DEAL_COLUMNS, _DEALS
    if {"subject", "metric"} <= cols:
        return OBSERVATION_COLUMNS, _OBSERVATIONS
    if {"subject", "object"} <= cols:
        return RELATIONSHIP_COLUMNS, _RELATIONSHIPS
    if {"type", "name"} <= cols:
        return ENTITY_COLUMNS, None
    message = (
        "CSV header names none of entities (id,type,name,...), deals (id,kind,payer,payee,...), "
        "observations (id,subject,metric,...) or relationships (id,kind,subject,object,...)"
    )
    raise DataError([Problem(name, 1, None, message)])


def read_csv_file(path: str | Path, ds: Dataset) -> None:
    """Read an entities, deals, observations or relationships CSV file into ``ds``."""
    path = Path(path)
    name = str(path)
    header, rows = _rows(path)
    allowed, kind = _kind_of(name, header)
    unknown = [c for c in header if c not in allowed]
    if unknown:
        close = ", ".join(repr(c) for c in unknown)
        raise DataError(
            [Problem(name, 1, unknown[0], f"unknown column(s) {close}; allowed: {', '.join(allowed)}")]
        )
    if kind is None:
        _read_entities(name, rows, ds)
    else:
        _read_records(name, rows, ds, kind)


def read_directory(directory: str | Path, ds: Dataset | None = None) -> Dataset:
    """Read a data directory's YAML (``entities*.yaml``, ``sources/*.yaml``) and its CSV
    files (``*.csv``) into ``ds`` (a new Dataset by default); records that do not validate
    are left out, their problems kept in ``ds.problems``.

    The records of a CSV file are the same models as those of a YAML file, each with a
    locator that names the row's line and the column: the quote and figure checks
    (:func:`dealgraph.loaders.verify.verify_dataset`) read both alike.

    >>> from dealgraph import bundled_data_dir
    >>> len(read_directory(bundled_data_dir()).sources)
    5
    """
    ds = read_yaml_dataset(directory, ds)
    for path in sorted(Path(directory).glob("*.csv")):
        read_csv_file(path, ds)
    return ds


def _read_entities(name: str, rows: list[Row], ds: Dataset) -> None:
    for line, raw in rows:
        row: dict[str, Any] = dict(_clean(raw))
        for key in ("aliases", "roles"):
            if key in row:
                row[key] = _split(row[key])

        def locate(loc: tuple, line: int = line) -> tuple[int | None, str]:
            return line, str(loc[0]) if loc else ""

        try:
            ent = Entity.model_validate(row)
        except ValidationError as exc:
            ds.problems.extend(problems_from_validation(exc, name, locate))
            continue
        ds.add_entity(Located(ent, name, locate))


def _split(text: str) -> list[str]:
    return [p.strip() for p in text.split(";") if p.strip()]


class _Rows:
    """The rows of one file naming one document, as a SourceFile mapping and its locator."""

    def __init__(self, file: str, kind: _Kind, problems: list[Problem]) -> None:
        self.file, self.kind, self.problems = file, kind, problems
        self.source: dict[str, tuple[int, str]] = {}  # column -> (line, value)
        self.records: dict[str, _Record] = {}

    def add(self, line: int, row: dict[str, str]) -> None:
        self.problems += _flag_problems(self.file, line, row)
        self.problems += _agree(self.file, self.source, line, row, _SOURCE_COLUMNS.values(), "source")
        if "id" not in row and set(row) <= set(_SOURCE_COLUMNS.values()):
            return  # a row that only describes the document (one without records)
        if "id" not in row:
            self.problems.append(Problem(self.file, line, "id", "every row needs the id of its record"))
            return
        rec = self.records.setdefault(row["id"], _Record(self.kind, line))
        self.problems += rec.add(self.file, line, row)

    def source_file(self) -> dict[str, Any]:
        source = _fields(_SOURCE_COLUMNS, {c: v for c, (_, v) in self.source.items()})
        return {"source": source, self.kind.name: [r.mapping() for r in self.records.values()]}

    def locate(self, loc: tuple) -> tuple[int | None, str]:
        first = min(line for line, _ in self.source.values())
        if loc[:1] == (self.kind.name,) and len(loc) > 1 and isinstance(loc[1], int):
            records = list(self.records.values())
            if loc[1] < len(records):
                return records[loc[1]].locate(loc[2:])
        if loc[:1] == ("source",) and len(loc) > 1:
            col = _SOURCE_COLUMNS.get(str(loc[1]), "document")
            return self.source.get(col, (first, ""))[0], col
        return first, ".".join(map(str, loc))


def _agree(
    file: str,
    seen: dict[str, tuple[int, str]],
    line: int,
    row: dict[str, str],
    cols: Iterable[str],
    what: str,
) -> list[Problem]:
    """Record the row's values of ``cols`` in ``seen``; a value unlike an earlier one is a problem."""
    out = []
    for col in cols:
        if col not in row:
            continue
        if col not in seen:
            seen[col] = (line, row[col])
        elif seen[col][1] != row[col]:
            first_line, first = seen[col]
            message = f"{what}: {col} {row[col]!r} differs from {first!r} on line {first_line}"
            out.append(Problem(file, line, col, message))
    return out


def _fields(columns: dict[str, str], values: dict[str, str]) -> dict[str, Any]:
    """A record mapping from column values (dates with their companions)."""
    out: dict[str, Any] = {}
    for name, col in columns.items():
        if "." in name or col not in values:
            continue
        out[name] = values[col]
        inferred, basis = columns.get(f"{name}.inferred"), columns.get(f"{name}.basis")
        if inferred in values or basis in values:
            flag = values.get(str(inferred), "false").lower() in _TRUE
            out[name] = {"value": values[col], "inferred": flag}
            if basis in values:
                out[name]["basis"] = values[str(basis)]
    return out


def _flag_problems(file: str, line: int, row: dict[str, str]) -> list[Problem]:
    """A date's ``_inferred`` and ``_basis`` cells: on the row that gives the date, a flag true or false."""
    out = []
    for col, value in row.items():
        if not col.endswith(("_inferred", "_basis")):
            continue
        date = col.rsplit("_", 1)[0]
        if date not in row:
            out.append(Problem(file, line, col, f"{col} without {date} (give both on one row)"))
        elif col.endswith("_inferred") and value.lower() not in _TRUE + _FALSE:
            out.append(Problem(file, line, col, f"{value!r} is not true or false"))
    return out


@dataclass
class _Record:
    """The rows of one record: record-level values and the items of its parts."""

    kind: _Kind
    first_line: int
    values: dict[str, tuple[int, str]] = field(default_factory=dict)  # column -> (line, value)
    items: dict[str, list[tuple[int, dict[str, str]]]] = field(default_factory=dict)

    def add(self, file: str, line: int, row: dict[str, str]) -> list[Problem]:
        out = _agree(
            file, self.values, line, row, self.kind.columns.values(), f"{self.kind.name[:-1]} {row['id']!r}"
        )
        for part in self.kind.parts:
            given = [c for c in part.columns.values() if c in row and c != "quote"]
            if part.key not in row:
                out += [Problem(file, line, c, f"{c} without {part.key}") for c in given[:1]]
                continue
            items = self.items.setdefault(part.field, [])
            if part.single and items:
                message = f"a second {part.key} for {row['id']!r} (the first is on line {items[0][0]})"
                out.append(Problem(file, line, part.key, message))
                continue
            items.append((line, row))
        return out

    def mapping(self) -> dict[str, Any]:
        values = {c: v for c, (_, v) in self.values.items()}
        out = _fields(self.kind.columns, values)
        for name in out:
            if _is_list(self.kind.model, name):
                out[name] = _split(out[name])
        for part in self.kind.parts:
            items = [_item(part, row) for _, row in self.items.get(part.field, [])]
            if items or not part.single:
                out[part.field] = items[0] if part.single else items
        return out

    def locate(self, loc: tuple) -> tuple[int | None, str]:
        if not loc:
            return self.first_line, ""
        part = next((p for p in self.kind.parts if p.field == loc[0]), None)
        if part is None:
            col = self.kind.columns.get(str(loc[0]), str(loc[0]))
            return self.values.get(col, (self.first_line, ""))[0], col
        rest, index = loc[1:], 0
        if not part.single and rest and isinstance(rest[0], int):
            index, rest = rest[0], rest[1:]
        items = self.items.get(part.field, [])
        line, row = items[index] if index < len(items) else (self.first_line, {})
        col = part.columns.get(str(rest[0]), part.key) if rest else part.key
        if col not in row and rest[:1] == ("quote",):
            col = "quote"  # the row's quote stood for the item's
        return line, col


def _item(part: _Part, row: dict[str, str]) -> Any:
    if part.model is None:
        return row[part.key]
    out = _fields(part.columns, row)
    if "quote" in part.model.model_fields and "quote" not in out and "quote" in row:
        out["quote"] = row["quote"]  # the row's quote states the amount or capacity it gives
    return out


def _read_records(name: str, rows: list[Row], ds: Dataset, kind: _Kind) -> None:
    by_doc: dict[str, _Rows] = {}
    for line, raw in rows:
        row = _clean(raw)
        if "document" not in row:
            ds.problems.append(Problem(name, line, "document", "every row needs a document"))
            continue
        by_doc.setdefault(row["document"], _Rows(name, kind, ds.problems)).add(line, row)
    for doc in by_doc.values():
        mapping = doc.source_file()
        _complete_source(ds, mapping["source"])
        try:
            sf = SourceFile.model_validate(mapping)
        except ValidationError as exc:
            ds.problems.extend(problems_from_validation(exc, name, doc.locate))
            continue
        _add_source_file(ds, sf, name, doc.locate)


def _complete_source(ds: Dataset, source: dict[str, Any]) -> None:
    """Fill a document's metadata this file leaves out from another CSV file naming it."""
    first = ds.sources.get(source.get("document", ""))
    if first is not None and first.file.endswith(".csv"):
        for key in Source.model_fields:
            if getattr(first.record, key) is not None:
                source.setdefault(key, getattr(first.record, key))


def _add_source_file(ds: Dataset, sf: SourceFile, file: str, locate: Locator) -> None:
    """Add a document's records; another CSV file may already have added some of its records."""
    first = ds.sources.get(sf.source.document)
    if first is None or not first.file.endswith(".csv") or first.file == file:
        ds.add_source_file(sf, file, locate)
        return
    if first.record != sf.source:
        differ = next(k for k in Source.model_fields if getattr(first.record, k) != getattr(sf.source, k))
        line, col = locate(("source", differ))
        message = f"{col} differs from the same document's in {first.file}:{first.line}"
        ds.problems.append(Problem(file, line, col, message))
        return
    part = Dataset()
    part.add_source_file(sf, file, locate)
    for key, mentions in part.deals.items():
        ds.deals.setdefault(key, []).extend(mentions)
    for key, mentions in part.relationships.items():
        ds.relationships.setdefault(key, []).extend(mentions)
    for key, item in part.observations.items():
        if key in ds.observations:
            other = ds.observations[key]
            message = f"duplicate observation id {key!r} (first defined at {other.file}:{other.line})"
            ds.problems.append(item.problem(("id",), message))
        else:
            ds.observations[key] = item


# Records to rows --------------------------------------------------------------------------


def _cells(value: Any, columns: dict[str, str], names: Iterable[str]) -> dict[str, str]:
    """The CSV cells of a record's or item's fields ``names``."""
    out: dict[str, str] = {}
    for name in names:
        v = getattr(value, name)
        col = columns[name]
        if v is None or v == []:
            continue
        if isinstance(v, DateValue):
            out[col] = v.text
            if v.inferred:
                out[columns[f"{name}.inferred"]] = "true"
            if v.basis is not None:
                out[columns[f"{name}.basis"]] = v.basis
        elif isinstance(v, list):
            out[col] = ";".join(v)
        elif isinstance(v, bool):
            out[col] = str(v).lower()
        else:
            out[col] = str(v)
    return out


def _record_rows(record: Deal | Observation | Relationship, kind: _Kind) -> list[dict[str, str]]:
    """One row per item of the record's parts; the first also holds the record's fields."""
    rows: list[dict[str, str]] = []
    for part in kind.parts:
        value = getattr(record, part.field)
        items = ([value] if value is not None else []) if part.single else value
        for item in items:
            if part.model is None:
                rows.append({part.key: item})
            else:
                rows.append(_cells(item, part.columns, part.model.model_fields))
    names = [n for n in kind.columns if "." not in n]
    rows = rows or [{}]  # an inferred relationship may have no quote: its fields still need a row
    rows[0].update(_cells(record, kind.columns, names))
    for row in rows:
        row["id"] = record.id
    return rows


def _write(path: Path, header: Iterable[str], rows: list[dict[str, str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(header))
        writer.writeheader()
        writer.writerows(rows)


def _kind_rows(ds: Dataset, kind: _Kind, located: list[Located], bare: set[str]) -> list[dict[str, str]]:
    """The rows of ``kind``'s file, by document; documents in ``bare`` (without records) get a
    row of their own in the deals file."""
    rows: list[dict[str, str]] = []
    for doc, source in ds.sources.items():
        first = len(rows)
        for item in (m for m in located if m.document == doc):
            rows += [{**r, "document": doc} for r in _record_rows(item.record, kind)]
        if doc in bare and kind is _DEALS:
            rows.append({"document": doc})
        if len(rows) > first:
            rows[first].update(_cells(source.record, _SOURCE_COLUMNS, Source.model_fields))
    return rows


def yaml_to_csv(data_dir: str | Path, out_dir: str | Path) -> list[Path]:
    """Write a YAML data set as ``entities.csv``, ``deals.csv``, ``observations.csv`` and
    ``relationships.csv`` in ``out_dir``, with the documents' texts in ``out_dir/sources``.
    A ``judgements.yaml`` (:mod:`.dedupe`) is not written: copy it beside the CSV files to
    keep the reviewer's decisions (it holds for both formats).

    The data set is checked first (:class:`DataError` if it is invalid). Returns the files.
    """
    ds = read_yaml_dataset(data_dir)
    ds.check()
    out = Path(out_dir)
    (out / "sources").mkdir(parents=True, exist_ok=True)
    written = [out / "entities.csv"]
    entities = [
        _cells(e.record, {f: f for f in ENTITY_COLUMNS}, ENTITY_COLUMNS) for e in ds.entities.values()
    ]
    _write(written[0], ENTITY_COLUMNS, entities)
    items = {"deals": ds.deals.values(), "relationships": ds.relationships.values()}
    located = {k: [m for ms in v for m in ms] for k, v in items.items()}
    located["observations"] = list(ds.observations.values())
    bare = set(ds.sources) - {m.document for ms in located.values() for m in ms}
    for kind in _KINDS:
        written.append(out / f"{kind.name}.csv")
        _write(written[-1], kind.header(), _kind_rows(ds, kind, located[kind.name], bare))
    for doc in ds.sources:
        text = Path(data_dir) / "sources" / doc
        if text.is_file():
            shutil.copyfile(text, out / "sources" / doc)
    return written
