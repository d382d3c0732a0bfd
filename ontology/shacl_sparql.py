"""The SHACL shapes compiled to SPARQL, so a store can validate its own data.

pyshacl (:mod:`dealgraph.ontology.shacl`) validates an rdflib graph in memory. That is
the reference, and what the in-memory store uses; but it needs the whole data set in
Python objects, which a persistent store of a million deals or a remote SPARQL server
should not have to provide (pyshacl ran at about 2% of Oxigraph's bulk-load rate at 10k
deals). This module turns the shapes into SPARQL SELECT queries that return the
violations, so the Oxigraph store and a remote server check their data where it lives.

Only the SHACL Core features that ``shapes.ttl`` uses are compiled (``sh:targetClass``,
property shapes with an IRI ``sh:path``, ``sh:minCount``, ``sh:maxCount``, ``sh:class``,
``sh:datatype``, ``sh:pattern``, ``sh:minLength``, ``sh:in``, ``sh:message``); any other constraint
raises :class:`UnsupportedShape` at compile time, so a new shape can never be skipped
silently. ``tests/ontology/test_shacl_sparql.py`` holds the two validators equal on
broken data sets.

As in pyshacl with the ontology mixed in, ``sh:targetClass`` and ``sh:class`` follow
``rdfs:subClassOf`` in the ontology, and vocabulary individuals the ontology types (deal
kinds, statuses, bounds, metrics) count as instances of their classes.

>>> from rdflib import Graph
>>> checks = compile_checks()
>>> sorted({c.component for c in checks})
['class', 'datatype', 'in', 'maxCount', 'minCount', 'minLength', 'pattern']
>>> g = Graph()
>>> _ = g.parse(data='''@prefix dg: <https://w3id.org/dealgraph/ontology#> .
... <https://w3id.org/dealgraph/id/deal/x> a dg:Deal .''', format="turtle")
>>> report = validate_with_sparql(lambda q: g.query(q))
>>> report.conforms, sorted({v.path.split("#")[-1] for v in report.violations})[:3]
(False, ['evidence', 'kind', 'payee'])
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Identifier, Node

from . import ontology_graph, shapes_graph
from .shacl import ValidationReport, Violation

__all__ = [
    "Check",
    "UnsupportedShape",
    "compile_checks",
    "validate_with_sparql",
    "validate_focus",
    "union_pattern",
]

# what a property shape may say besides its constraints
_DG = "https://w3id.org/dealgraph/ontology#"
_ANNOTATIONS = {SH.path, SH.message, SH.name, SH.description, RDFS.comment, RDF.type, SH.severity}
_NODE_ANNOTATIONS = {SH.targetClass, SH.property, RDFS.comment, RDF.type, SH.message, RDFS.label}
_SUPPORTED = {
    SH.minCount,
    SH.maxCount,
    SH["class"],
    SH.datatype,
    SH.pattern,
    SH.flags,
    SH.minLength,
    SH["in"],
}


class UnsupportedShape(ValueError):
    """A shape uses a SHACL feature this compiler does not translate."""


@dataclass(frozen=True)
class Check:
    """One constraint of one property shape, as a SPARQL query selecting ?focus ?value.

    ``probes`` are queries that each must select a row for ``sparql`` to find anything (some
    target of the shape exists; some triple has the path); ``candidates``, when given, must
    too (the offending values before they are joined to the targets; for sh:maxCount, a
    subject with two values). They cost a scan of the path's triples at most, where
    ``sparql`` joins them to every target.
    """

    shape: str
    path: str
    component: str
    message: str
    sparql: str
    probes: tuple[str, ...] = ()
    candidates: str | None = None


def _triple(s: str, p: str, o: str) -> str:
    return f"{s} {p} {o} ."


def union_pattern(graph_iri: str) -> Callable[[str, str, str], str]:
    """A triple-pattern writer matching the default graph *and* the named graph ``graph_iri``.

    Used to validate data staged in a named graph together with what a server already
    holds, before the staged data is moved into the default graph.

    >>> union_pattern("urn:x")("?s", "?p", "?o")
    '{ ?s ?p ?o . } UNION { GRAPH <urn:x> { ?s ?p ?o . } }'
    """
    return lambda s, p, o: f"{{ {s} {p} {o} . }} UNION {{ GRAPH <{graph_iri}> {{ {s} {p} {o} . }} }}"


def _subclasses(ont: Graph, cls: URIRef) -> list[URIRef]:
    return sorted({s for s in ont.transitive_subjects(RDFS.subClassOf, cls) if isinstance(s, URIRef)})


def _individuals(ont: Graph, classes: Iterable[URIRef]) -> list[URIRef]:
    out: set[URIRef] = set()
    for c in classes:
        out |= {s for s in ont.subjects(RDF.type, c) if isinstance(s, URIRef)}
    return sorted(out)


def _values(var: str, terms: Iterable[Node]) -> str:
    return f"VALUES {var} {{ {' '.join(t.n3() for t in terms)} }}"


def _literal(value: str) -> str:
    return Literal(value).n3()


@lru_cache(maxsize=4)
def _compiled(pattern_key: str | None) -> tuple[Check, ...]:
    pattern = union_pattern(pattern_key) if pattern_key else _triple
    return tuple(_compile(shapes_graph(), ontology_graph(), pattern))


def compile_checks(staging_graph: str | None = None) -> list[Check]:
    """The shapes as SPARQL checks; with ``staging_graph``, over it and the default graph."""
    return list(_compiled(staging_graph))


@dataclass(frozen=True)
class _PropertyShape:
    """One property shape being compiled, with the graph pattern of its node shape's focus."""

    shapes: Graph
    ont: Graph
    tp: Callable[[str, str, str], str]
    node: Node
    prop: Node
    path: URIRef
    focus: str  # the pattern binding ?focus to the node shape's targets

    def value(self, constraint: URIRef) -> Node | None:
        return self.shapes.value(self.prop, constraint)

    def number(self, constraint: URIRef) -> int | None:
        value = self.value(constraint)
        if value is None:
            return None
        if not isinstance(value, Literal):
            raise UnsupportedShape(f"{self.node} {self.path}: {constraint} is not a number")
        return int(value.toPython())

    @property
    def values(self) -> str:
        """The pattern binding ?value to each value of the path at ?focus."""
        return self.tp("?focus", self.path.n3(), "?value")

    def bad_values(self, condition: str) -> str:
        """The offending (focus, value) pairs, before they are joined to a focus."""
        return f"SELECT ?focus ?value WHERE {{ {self.values} {condition} }}"

    def check(
        self, component: str, default: str, where: str, *, select: str = "?focus ?value", screen: str = ""
    ) -> Check:
        """The check selecting ``select`` from ``where`` (see :class:`Check` for ``screen``)."""
        own = self.value(SH.message)
        probes = [f"SELECT ?focus WHERE {{ {self.focus} }} LIMIT 1"]
        if component != "minCount":
            probes.append(f"SELECT ?focus WHERE {{ {self.values} }} LIMIT 1")
        return Check(
            str(self.node),
            str(self.path),
            component,
            str(own) if own is not None else default,
            f"SELECT DISTINCT {select} WHERE {{ {where} }}",
            tuple(probes),
            screen or None,
        )


# How the checks are written (measured on Oxigraph, 10k deals): a scan of every focus node
# per check is what costs, so each check starts from the property's own triples in a
# subquery and joins the focus type last; "no value" is a MINUS (a hash anti-join), not a
# FILTER NOT EXISTS evaluated once per focus node. Since the join reads every focus node
# even when the subquery selects nothing, each check carries probes and a screen
# (:class:`Check`) that skip it then: at 100k deals, the whole-store check fell from 13 s
# to 5.7 s (minCount's anti-joins are most of what is left).
def _compile(shapes: Graph, ont: Graph, tp: Callable[[str, str, str], str]) -> list[Check]:
    checks: list[Check] = []
    for node in sorted(shapes.subjects(RDF.type, SH.NodeShape), key=str):
        focus = _focus(shapes, ont, node, tp)
        for prop in shapes.objects(node, SH.property):
            shape = _property_shape(shapes, ont, tp, node, prop, focus)
            checks += _count_checks(shape)
            checks += [
                shape.check(
                    component,
                    default,
                    f"{{ {shape.bad_values(condition)} }} {focus}",
                    screen=f"{shape.bad_values(condition)} LIMIT 1",
                )
                for component, default, condition in _value_conditions(shape)
            ]
    return checks


def _focus(shapes: Graph, ont: Graph, node: Node, tp: Callable[[str, str, str], str]) -> str:
    """The pattern binding ?focus to the targets of node shape ``node`` (and their subclasses)."""
    extra = set(shapes.predicates(node, None)) - _NODE_ANNOTATIONS
    if extra:
        raise UnsupportedShape(f"{node}: node-level {sorted(map(str, extra))} not compiled")
    targets = [
        t for c in shapes.objects(node, SH.targetClass) if isinstance(c, URIRef) for t in _subclasses(ont, c)
    ]
    if not targets:
        raise UnsupportedShape(f"{node}: only sh:targetClass targets are compiled")
    if len(targets) == 1:
        return tp("?focus", "a", targets[0].n3())
    return f"{tp('?focus', 'a', '?target')} {_values('?target', targets)}"


def _property_shape(
    shapes: Graph, ont: Graph, tp: Callable[[str, str, str], str], node: Node, prop: Node, focus: str
) -> _PropertyShape:
    path = shapes.value(prop, SH.path)
    if not isinstance(path, URIRef):
        raise UnsupportedShape(f"{node}: only IRI paths are compiled")
    unsupported = set(shapes.predicates(prop, None)) - _ANNOTATIONS - _SUPPORTED
    if unsupported:
        raise UnsupportedShape(f"{node} {path}: {sorted(map(str, unsupported))} not compiled")
    return _PropertyShape(shapes, ont, tp, node, prop, path, focus)


def _count_checks(shape: _PropertyShape) -> list[Check]:
    """sh:minCount and sh:maxCount (values are distinct terms, as SHACL counts value nodes)."""
    out = []
    p, path, focus = shape.path.n3(), shape.path, shape.focus
    lo, hi = shape.number(SH.minCount), shape.number(SH.maxCount)
    if lo == 1:
        where = f"{focus} MINUS {{ {shape.tp('?focus', p, '?any')} }}"
        out.append(shape.check("minCount", f"needs a value for {path}", where, select="?focus"))
    elif lo is not None and lo > 1:
        where = (
            f"{{ SELECT ?focus WHERE {{ {focus} OPTIONAL {{ {shape.values} }} }} GROUP BY ?focus "
            f"HAVING (COUNT(DISTINCT ?value) < {lo}) }}"
        )
        out.append(shape.check("minCount", f"needs at least {lo} values for {path}", where, select="?focus"))
    if hi is not None:
        many = (
            f"SELECT ?focus WHERE {{ {shape.values} }} GROUP BY ?focus HAVING (COUNT(DISTINCT ?value) > {hi})"
        )
        default = f"has more than {hi} values for {path}"
        # the screen: some subject has two values (the triples outnumber their subjects)
        screen = (
            f"SELECT ?n WHERE {{ {{ SELECT (COUNT(*) AS ?n) (COUNT(DISTINCT ?focus) AS ?m) "
            f"WHERE {{ {shape.values} }} }} FILTER (?n > ?m) }}"
        )
        where = f"{{ {many} }} {focus}"
        out.append(shape.check("maxCount", default, where, select="?focus", screen=screen))
    return out


# Each constraint on single values: the "values of <path> ..." message, and the condition
# on ?value that selects the offending values, from the shape and the constraint's object.
def _class_condition(shape: _PropertyShape, cls: Node) -> tuple[str, str]:
    if not isinstance(cls, URIRef):
        raise UnsupportedShape(f"{shape.node} {shape.path}: sh:class {cls} is not an IRI")
    subs = _subclasses(shape.ont, cls)
    known = _individuals(shape.ont, subs)
    allowed = f" FILTER (?value NOT IN ({', '.join(t.n3() for t in known)}))" if known else ""
    return (
        f"must be instances of {cls}",
        f"MINUS {{ {shape.tp('?value', 'a', '?cls')} {_values('?cls', subs)} }}{allowed}",
    )


def _datatype_condition(shape: _PropertyShape, dt: Node) -> tuple[str, str]:
    return (
        f"must be {dt} literals",
        f'FILTER (!isLiteral(?value) || datatype(?value) != {dt.n3()} || lang(?value) != "")',
    )


def _pattern_condition(shape: _PropertyShape, pattern: Node) -> tuple[str, str]:
    flags = shape.value(SH.flags)
    fl = f", {_literal(str(flags))}" if flags is not None else ""
    return (
        f"must match {pattern}",
        f"FILTER (isBlank(?value) || !REGEX(STR(?value), {_literal(str(pattern))}{fl}))",
    )


def _min_length_condition(shape: _PropertyShape, _: Node) -> tuple[str, str]:
    least = shape.number(SH.minLength)
    return (
        f"must be at least {least} characters",
        f"FILTER (isBlank(?value) || STRLEN(STR(?value)) < {least})",
    )


def _in_condition(shape: _PropertyShape, listed: Node) -> tuple[str, str]:
    # the values are compared as terms (sameTerm), as SHACL compares them
    members = list(shape.shapes.items(listed))
    return f"must be one of {' '.join(t.n3() for t in members)}", f"MINUS {{ {_values('?value', members)} }}"


_VALUE_CONDITIONS: tuple[tuple[str, URIRef, Callable[[_PropertyShape, Node], tuple[str, str]]], ...] = (
    ("class", SH["class"], _class_condition),
    ("datatype", SH.datatype, _datatype_condition),
    ("pattern", SH.pattern, _pattern_condition),
    ("minLength", SH.minLength, _min_length_condition),
    ("in", SH["in"], _in_condition),
)


def _value_conditions(shape: _PropertyShape) -> Iterator[tuple[str, str, str]]:
    """(component, default message, condition on ?value) of each constraint on single values."""
    for component, constraint, compile_condition in _VALUE_CONDITIONS:
        value = shape.value(constraint)
        if value is not None:
            tail, condition = compile_condition(shape, value)
            yield component, f"values of {shape.path} {tail}", condition


def validate_with_sparql(
    run: Callable[[str], Iterable], *, staging_graph: str | None = None, workers: int = 1
) -> ValidationReport:
    """Run every check through ``run`` (a function taking SPARQL, returning result rows).

    Rows are indexable by position (rdflib rows, pyoxigraph solutions, tuples). With
    ``workers`` > 1 the checks run on that many threads (pyoxigraph and remote servers
    answer them in parallel; rdflib's in-memory store would not gain from it).
    """
    checks = compile_checks(staging_graph)
    found_any: dict[str, bool] = {}  # probe -> whether it selects a row (shared by the checks)

    def selects(sparql: str) -> bool:
        if sparql not in found_any:
            found_any[sparql] = any(True for _ in run(sparql))
        return found_any[sparql]

    def answer(check: Check) -> list[Violation]:
        if not all(selects(p) for p in check.probes):
            return []  # no target, or no triple with the path: the check cannot find anything
        if check.candidates is not None and not any(True for _ in run(check.candidates)):
            return []
        with_value = check.sparql.startswith("SELECT DISTINCT ?focus ?value")
        return [
            Violation(
                focus=_text(row[0]) or "",
                path=check.path,
                message=check.message,
                value=_text(row[1]) if with_value else None,
            )
            for row in run(check.sparql)
        ]

    if workers > 1:
        with ThreadPoolExecutor(workers) as pool:
            found = list(pool.map(answer, checks))
    else:
        found = [answer(c) for c in checks]
    violations = {v for vs in found for v in vs}
    ordered = sorted(violations, key=lambda v: (v.focus, v.path or "", v.message, v.value or ""))
    return ValidationReport(conforms=not ordered, violations=ordered)


_RDF_TYPE = str(RDF.type)


def validate_focus(store: Any, focus: Iterable[Any], *, workers: int = 1) -> ValidationReport:
    """Check only the ``focus`` nodes of the pyoxigraph ``store``, against all the store holds.

    What a shape says of a focus node reads the node's own triples only (its types, the
    values of each path) and the types of those values (``sh:class``). Those triples are
    copied from the store's default graph into a small in-memory store, every compiled check
    runs there, and the violations of the focus nodes are kept (a value copied with its
    types may be a target there without its own triples: its violations are not kept).
    The answer for each focus node is the one :func:`validate_with_sparql` gives on the
    whole store, at the cost of the focus nodes' neighbourhood, not of the store.

    A load only adds triples, so on a store that conforms, every violation it can cause is
    at a subject of the added triples (a new type makes a node a target, a new value breaks
    a count or a value constraint; a new type on a value only ever satisfies ``sh:class``):
    the subjects of a batch are the focus nodes of its check (see CONTRIBUTING.md).

    >>> import pyoxigraph as ox
    >>> store = ox.Store()
    >>> deal, big = ox.NamedNode("https://w3id.org/dealgraph/id/deal/x"), ox.NamedNode("urn:big")
    >>> store.add(ox.Quad(deal, ox.NamedNode(_RDF_TYPE), ox.NamedNode(_DG + "Deal")))
    >>> store.add(ox.Quad(big, ox.NamedNode(_RDF_TYPE), ox.NamedNode(_DG + "Deal")))
    >>> sorted({v.focus for v in validate_focus(store, [deal]).violations})
    ['https://w3id.org/dealgraph/id/deal/x']
    """
    import pyoxigraph as ox  # an optional dependency (the oxigraph extra)

    nodes = set(focus)
    local: Any = ox.Store()  # in memory
    graph, rdf_type = ox.DefaultGraph(), ox.NamedNode(_RDF_TYPE)
    quads, values = [], set()
    for node in nodes:
        for quad in store.quads_for_pattern(node, None, None, graph):
            quads.append(quad)
            if not isinstance(quad.object, ox.Literal):
                values.add(quad.object)
    for value in values - nodes:
        quads.extend(store.quads_for_pattern(value, rdf_type, None, graph))
    local.extend(quads)
    report = validate_with_sparql(local.query, workers=workers)
    keys = {_text(n) for n in nodes}
    kept = [v for v in report.violations if v.focus in keys]
    return ValidationReport(conforms=not kept, violations=kept)


def _text(term: object) -> str | None:
    if term is None:
        return None
    if isinstance(term, Identifier):  # rdflib (whose Literal.value is a Python value)
        return str(term)
    value = getattr(term, "value", None)  # pyoxigraph terms
    return str(value) if value is not None else str(term)
