"""SHACL validation of dealgraph data with pyshacl.

>>> from rdflib import Graph
>>> validate(Graph()).conforms
True
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyshacl
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from . import ontology_graph, shapes_graph

__all__ = ["Violation", "ValidationReport", "validate"]


@dataclass(frozen=True)
class Violation:
    """One SHACL result: the node at fault, the property path and the shape's message."""

    focus: str
    path: str | None
    message: str
    value: str | None = None


@dataclass
class ValidationReport:
    conforms: bool
    violations: list[Violation] = field(default_factory=list)

    def __str__(self) -> str:
        if self.conforms:
            return "conforms"
        return "\n".join(f"{v.focus} {v.path or ''}: {v.message}" for v in self.violations)


def validate(data: Graph) -> ValidationReport:
    """Validate ``data`` against the shapes, with the ontology mixed in (not modified)."""
    conforms, report, _text = pyshacl.validate(
        data,
        shacl_graph=shapes_graph(),
        ont_graph=ontology_graph(),
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
    )
    violations = []
    for result in report.subjects(predicate=SH.resultSeverity, object=SH.Violation):
        path = report.value(result, SH.resultPath)
        msg = report.value(result, SH.resultMessage)
        violations.append(
            Violation(
                focus=str(report.value(result, SH.focusNode)),
                path=str(path) if isinstance(path, URIRef) else None,
                message=str(msg) if msg is not None else "violates a SHACL constraint",
                value=(
                    str(report.value(result, SH.value))
                    if report.value(result, SH.value) is not None
                    else None
                ),
            )
        )
    violations.sort(key=lambda v: (v.focus, v.path or "", v.message))
    return ValidationReport(conforms=bool(conforms), violations=violations)
