"""RDF loader: Turtle, N-Triples and JSON-LD files (parsed by rdflib).

Parse errors name the file and, where the parser knows it, the line. The triples are
validated with SHACL when they are loaded into a KnowledgeGraph.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "bad.ttl"
>>> _ = p.write_text("@prefix dg: <https://w3id.org/dealgraph/ontology#> .\\n\\ndg:a dg:b .\\n")
>>> read_rdf_file(p)
Traceback (most recent call last):
...
dealgraph.ontology.errors.DataError: 1 problem:
.../bad.ttl:3: Turtle syntax: ...
"""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import Graph

from dealgraph.ontology.errors import DataError, Problem
from dealgraph.ontology.namespace import bind_prefixes

__all__ = ["RDF_SUFFIXES", "read_rdf_file", "rdf_format"]

RDF_SUFFIXES = {".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld", ".json-ld": "json-ld"}
_NAMES = {"turtle": "Turtle", "nt": "N-Triples", "json-ld": "JSON-LD"}


def rdf_format(path: Path) -> str:
    try:
        return RDF_SUFFIXES[Path(path).suffix]
    except KeyError:
        raise DataError([Problem(str(path), None, None, "not an RDF file (.ttl, .nt, .jsonld)")]
                        ) from None


def read_rdf_file(path: str | Path) -> Graph:
    """Parse an RDF file into a new graph; a syntax error names the file and line."""
    path = Path(path)
    fmt = rdf_format(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError([Problem(str(path), None, None, f"cannot read: {exc}")]) from None
    g = bind_prefixes(Graph())
    try:
        # JSON-LD contexts are never fetched: a remote @context is refused below.
        if fmt == "json-ld" and re.search(r'"@context"\s*:\s*"https?:', text):
            raise ValueError("remote @context is not fetched; inline the context")
        g.parse(data=text, format=fmt)
    except Exception as exc:  # rdflib raises many parser-specific types
        line = _line_from_message(str(exc))
        if line is None and isinstance(getattr(exc, "lines", None), int):
            line = exc.lines + 1  # rdflib's BadSyntax counts lines from 0
        msg = " ".join(str(exc).split())
        raise DataError([Problem(str(path), line, None, f"{_NAMES[fmt]} syntax: {msg}")]
                        ) from None
    return g


def _line_from_message(msg: str) -> int | None:
    m = re.search(r"line (\d+)", msg)
    return int(m.group(1)) if m else None
