"""Gather validated records from data files, merge mentions, check references.

A :class:`Dataset` collects entities and source files (from YAML or CSV), merges the
mentions of one deal or relationship across documents, and checks that every reference
points to something that exists, suggesting close matches for unknown ids. Nothing here
touches a graph: :func:`dealgraph.loaders.rdf_builder.build_graph` turns a checked
dataset into RDF.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from ..ontology.errors import DataError, Problem
from .models import (
    Deal,
    Entity,
    Observation,
    Relationship,
    Source,
    SourceFile,
)

__all__ = ["Located", "Locator", "Dataset", "problems_from_validation", "suggest", "within"]

#: Maps a location inside a file (a tuple of keys and indexes) to its line and field name.
Locator = Callable[[tuple], tuple[int | None, str]]


def within(locate: Locator, prefix: tuple) -> Locator:
    """The locator of the part of a file at ``prefix`` (``("deals", 3)``)."""
    return lambda tail: locate((*prefix, *tail))


@dataclass
class Located:
    """A record with where it came from: its file and a locator for its fields."""

    record: Any
    file: str
    locate: Locator
    document: str | None = None  # the source document the record rests on

    @property
    def line(self) -> int | None:
        return self.locate(())[0]

    def rests_on(self) -> str:
        """The source document of a deal, observation or relationship (each has one)."""
        if self.document is None:
            raise ValueError(f"{self.file}:{self.line}: the record rests on no source document")
        return self.document

    def problem(self, tail: tuple, message: str) -> Problem:
        line, name = self.locate(tail)
        return Problem(self.file, line, name, message)


def problems_from_validation(exc: ValidationError, file: str, locate: Locator) -> list[Problem]:
    """Turn a pydantic ValidationError into problems naming file, line and field."""
    out = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        line, name = locate(loc)
        msg = err["msg"]
        if err["type"] == "value_error":  # our validators' messages say what is wrong
            msg = msg.removeprefix("Value error, ")
        if err["type"] == "extra_forbidden" and loc == ("drafts",):
            n = len(err["input"]) if isinstance(err.get("input"), list) else 0
            msg = (
                f"{n} unreviewed draft stub(s) (dealgraph new-source): move what each one supports "
                "into deals, observations or relationships, then delete drafts"
            )
        elif err["type"] == "extra_forbidden":
            msg = "unknown field (not part of the format; check the spelling)"
        out.append(Problem(file, line, name or None, msg))
    return out


def suggest(wanted: str, known: Iterable[str]) -> str:
    """A hint naming close matches, or an empty string.

    >>> suggest("amazn", ["amazon", "aws", "anthropic"])
    " (did you mean 'amazon'?)"
    """
    close = difflib.get_close_matches(wanted, list(known), n=3, cutoff=0.6)
    if not close:
        return ""
    return " (did you mean " + " or ".join(repr(c) for c in close) + "?)"


@dataclass
class Dataset:
    """Validated records from any number of files, ready to check and build into RDF."""

    entities: dict[str, Located] = field(default_factory=dict)
    sources: dict[str, Located] = field(default_factory=dict)
    deals: dict[str, list[Located]] = field(default_factory=dict)
    observations: dict[str, Located] = field(default_factory=dict)
    relationships: dict[str, list[Located]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    known_entities: set[str] = field(default_factory=set)  # ids already in the target graph

    # -- adding ---------------------------------------------------------------------------

    def add_entity(self, item: Located) -> None:
        ent: Entity = item.record
        self._add_once(self.entities, ent.id, item, "entity")

    def _add_once(self, table: dict[str, Located], key: str, item: Located, what: str) -> None:
        """Add ``item`` under ``key`` unless an earlier record has it (a problem then)."""
        if key in table:
            first = table[key]
            message = f"duplicate {what} id {key!r} (first defined at {first.file}:{first.line})"
            self.problems.append(item.problem(("id",), message))
            return
        table[key] = item

    def add_source_file(self, sf: SourceFile, file: str, locate: Locator) -> None:
        """Add a parsed source file; ``locate`` maps a location within the file to a line."""
        doc = sf.source.document
        if doc in self.sources:
            first = self.sources[doc]
            self.problems.append(
                Problem(
                    file,
                    locate(("source", "document"))[0],
                    "source.document",
                    f"document {doc!r} is already described by {first.file}",
                )
            )
            return
        self.sources[doc] = Located(sf.source, file, within(locate, ("source",)), doc)
        for i, deal in enumerate(sf.deals):
            self.deals.setdefault(deal.id, []).append(Located(deal, file, within(locate, ("deals", i)), doc))
        for i, obs in enumerate(sf.observations):
            self._add_once(
                self.observations,
                obs.id,
                Located(obs, file, within(locate, ("observations", i)), doc),
                "observation",
            )
        for i, rel in enumerate(sf.relationships):
            self.relationships.setdefault(rel.id, []).append(
                Located(rel, file, within(locate, ("relationships", i)), doc)
            )

    # -- checking -------------------------------------------------------------------------

    def check(self) -> None:
        """Check merges and references; raise DataError listing every problem."""
        problems = list(self.problems)
        problems += self._check_deal_merges()
        problems += self._check_references()
        if problems:
            raise DataError(problems)

    def _check_deal_merges(self) -> list[Problem]:
        out = []
        scalar: tuple[str, ...] = ("kind", "payer", "payee", "status", "date", "start", "end", "term")
        scalar += ("part_of", "capacity", "beneficiary")
        for mentions in self.deals.values():
            first = mentions[0]
            for other in mentions[1:]:
                for name in scalar:
                    a, b = getattr(first.record, name), getattr(other.record, name)
                    if name in ("kind", "payer", "payee") or (a is not None and b is not None):
                        if _comparable(a) != _comparable(b):
                            out.append(
                                other.problem(
                                    (name,),
                                    f"deal {first.record.id!r}: {name} is {_show(b)} here but "
                                    f"{_show(a)} in {first.file}:{first.line}",
                                )
                            )
        return out

    def _check_references(self) -> list[Problem]:
        out: list[Problem] = []
        entity_ids = set(self.entities) | self.known_entities
        entity_types = {k: v.record.type for k, v in self.entities.items()}

        def need(
            item: Located,
            tail: tuple,
            ref: str | None,
            what: str = "entity",
            types: tuple[str, ...] | None = None,
        ) -> None:
            if ref is None:
                return
            pool = entity_ids if what == "entity" else set(self.deals)
            if ref not in pool:
                out.append(item.problem(tail, f"unknown {what} {ref!r}{suggest(ref, pool)}"))
            elif types and ref in entity_types and entity_types[ref] not in types:
                out.append(
                    item.problem(tail, f"{ref!r} is a {entity_types[ref]}, expected {' or '.join(types)}")
                )

        for item in self.entities.values():
            need(item, ("subsidiary_of",), item.record.subsidiary_of, types=("organization",))
        for mentions in self.deals.values():
            for item in mentions:
                d: Deal = item.record
                need(item, ("payer",), d.payer)
                need(item, ("payee",), d.payee)
                need(item, ("part_of",), d.part_of, "deal")
                need(item, ("beneficiary",), d.beneficiary)
                for i, ref in enumerate(d.includes):
                    need(item, ("includes", i), ref, "deal")
                for i, ref in enumerate(d.chips):
                    need(item, ("chips", i), ref, types=("chip",))
                for i, ref in enumerate(d.facilities):
                    need(item, ("facilities", i), ref, types=("facility",))
        for item in self.observations.values():
            need(item, ("subject",), item.record.subject)
            need(item, ("counterparty",), item.record.counterparty)
        for mentions in self.relationships.values():
            for item in mentions:
                need(item, ("subject",), item.record.subject)
                need(item, ("object",), item.record.object)
        out += self._check_cycles()
        out += self._check_tranche_directions()
        out += self._check_parents_rest_on_something()
        return out

    def _group(self, entity: str) -> str:
        """The top of ``entity``'s corporate group (``subsidiary_of`` followed up; cycles stop)."""
        seen = {entity}
        while (item := self.entities.get(entity)) and item.record.subsidiary_of not in (None, *seen):
            entity = item.record.subsidiary_of
            seen.add(entity)
        return entity

    def _check_tranche_directions(self) -> list[Problem]:
        """A tranche (``part_of``) whose money runs opposite to its parent's is refused."""
        out = []
        for mentions in self.deals.values():
            for item in mentions:
                d: Deal = item.record
                parent = self.deals.get(d.part_of or "")
                if not parent:
                    continue
                p = parent[0].record
                flow, back = (d.payer, d.payee), (p.payee, p.payer)
                if tuple(map(self._group, flow)) == tuple(map(self._group, back)):
                    out.append(
                        item.problem(
                            ("part_of",),
                            f"deal {d.id!r} runs {d.payer} -> {d.payee}, opposite to the deal it is part of "
                            f"({p.id!r}: {p.payer} -> {p.payee}); a payment back is a deal of its own",
                        )
                    )
        return out

    def _check_parents_rest_on_something(self) -> list[Problem]:
        """Each ``subsidiary_of`` rests on a ``subsidiary-of`` relationship of a source file
        (quoted, or inferred with its reasoning) or on the entity's ``subsidiary_of_inferred``."""
        out = []
        for item in self.entities.values():
            e: Entity = item.record
            if not e.subsidiary_of or e.subsidiary_of_inferred:
                continue
            if f"{e.id}--subsidiary-of--{e.subsidiary_of}" not in self.relationships:
                out.append(
                    item.problem(
                        ("subsidiary_of",),
                        f"{e.id} subsidiary_of {e.subsidiary_of}: no source states it; add the "
                        f"relationship {e.id}--subsidiary-of--{e.subsidiary_of} with its quote to a "
                        "source file, or say why it holds in 'subsidiary_of_inferred'",
                    )
                )
        return out

    def _check_cycles(self) -> list[Problem]:
        out = []
        parents = {k: v.record.subsidiary_of for k, v in self.entities.items()}
        for start in parents:
            seen, node = {start}, parents[start]
            while node:
                if node in seen:
                    item = self.entities[start]
                    out.append(
                        item.problem(("subsidiary_of",), f"subsidiary_of forms a cycle through {node!r}")
                    )
                    break
                seen.add(node)
                node = parents.get(node)
        return out

    # -- access ---------------------------------------------------------------------------

    def sources_list(self) -> list[Source]:
        return [item.record for item in self.sources.values()]

    def all_deals(self) -> list[Deal]:
        return [m.record for ms in self.deals.values() for m in ms]

    def all_observations(self) -> list[Observation]:
        return [item.record for item in self.observations.values()]

    def all_relationships(self) -> list[Relationship]:
        return [m.record for ms in self.relationships.values() for m in ms]


def _comparable(v: Any) -> Any:
    if isinstance(v, BaseModel):
        return v.model_dump(exclude={"quote", "basis"})
    return v


def _show(v: Any) -> str:
    if isinstance(v, BaseModel):
        return repr(v.model_dump(mode="json", exclude={"quote"}))
    return repr(str(v)) if v is not None else "missing"
