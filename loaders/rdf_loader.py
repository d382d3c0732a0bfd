"""RDF loader: Turtle, N-Triples, N-Quads, TriG and JSON-LD files (parsed by rdflib).

Parse errors name the file and, where the parser knows it, the line. The triples are
validated with SHACL when they are loaded into a KnowledgeGraph.

A data file never makes the loader reach anything else. JSON-LD is decoded with
:func:`json.loads` first and every ``@context`` and ``@import`` in it is looked at: a
context given by reference (a URL of any scheme, ``file:``, a relative path) is refused,
naming the file, line and field; rdflib's JSON-LD parser then gets the decoded object, so
it reads exactly what was checked. As defence in depth, the parse runs under
:func:`no_fetching`, an audit hook (``sys.addaudithook``, as rdflib's "Security
considerations" recommend) that refuses network access and reading other files while a
data file is parsed, and only then: the remote store's own HTTP requests are unaffected.

The store holds one graph. Triples in the default graph load; so do those in
``https://w3id.org/dealgraph/id/graph/data``, where ``dealgraph export trig`` writes the
data. Any other named graph is refused (:data:`DATA_GRAPH`).

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "bad.ttl"
>>> _ = p.write_text("@prefix dg: <https://w3id.org/dealgraph/ontology#> .\\n\\ndg:a dg:b .\\n")
>>> read_rdf_file(p)
Traceback (most recent call last):
...
dealgraph.ontology.errors.DataError: 1 problem:
.../bad.ttl:3: Turtle syntax: ...
>>> _ = p.with_suffix(".jsonld").write_text('{"@context": "https://example.org/c", "@id": "urn:x"}')
>>> read_rdf_file(p.with_suffix(".jsonld"))
Traceback (most recent call last):
...
dealgraph.ontology.errors.DataError: 1 problem:
.../bad.jsonld:1: @context: remote @context 'https://example.org/c' is never fetched ...
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import math
import os
import re
import sys
import warnings
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.parser import PythonInputSource
from rdflib.term import _is_valid_uri

from ..ontology.errors import DataError, Problem
from ..ontology.namespace import ID, bind_prefixes
from ..ontology.syntaxes import RDF_SYNTAXES
from .text import line_at, read_text

__all__ = [
    "RDF_SUFFIXES",
    "DATA_GRAPH",
    "FetchRefused",
    "read_rdf_file",
    "rdf_format",
    "no_fetching",
    "graph_line",
    "line_naming",
]

#: file suffix -> rdflib parser name (from the one table, ontology.syntaxes)
RDF_SUFFIXES = {suffix: syntax.rdflib for suffix, syntax in RDF_SYNTAXES.items()}
_NAMES = {syntax.rdflib: syntax.label for syntax in RDF_SYNTAXES.values()}

#: The one named graph that loads (into the store's default graph): the graph that
#: ``dealgraph export trig`` puts the data in. Every other named graph is refused.
DATA_GRAPH = f"{ID}graph/data"
_ONTOLOGY_GRAPH = f"{ID}graph/ontology"

# Relative IRIs resolve against this base (not the working directory), so they are found
# and refused: a data file has no base of its own.
_BASE = "http://relative.invalid/"

# JSON-LD nested deeper than this is refused (rdflib's parser recurses per level).
_MAX_DEPTH = 64


def rdf_format(path: Path) -> str:
    try:
        return RDF_SUFFIXES[Path(path).suffix]
    except KeyError:
        raise DataError(
            [Problem(str(path), None, None, "not an RDF file (.ttl, .nt, .nq, .trig, .jsonld)")]
        ) from None


def read_rdf_file(path: str | Path) -> Graph:
    """Parse an RDF file into a new graph; a syntax error names the file and line."""
    path = Path(path)
    name = str(path)
    fmt = rdf_format(path)
    text = read_text(path)
    data: Any = _decode_json_ld(text, name) if fmt == "json-ld" else text
    ds = Dataset()
    try:
        with no_fetching(name), warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # rdflib's ConjunctiveGraph
            if fmt == "json-ld":  # the decoded object, exactly as checked
                ds.parse(source=PythonInputSource(data), format=fmt, publicID=_BASE)
            else:
                ds.parse(data=data, format=fmt, publicID=_BASE)
    except FetchRefused as exc:
        raise DataError([Problem(name, None, None, str(exc))]) from None
    except RecursionError:
        raise DataError(
            [Problem(name, _deepest_line(text), None, f"{_NAMES[fmt]} nested too deeply")]
        ) from None
    except Exception as exc:  # rdflib raises many parser-specific types
        line = _line_from_message(str(exc))
        counted = getattr(exc, "lines", None)
        if line is None and isinstance(counted, int):
            line = counted + 1  # rdflib's BadSyntax counts lines from 0
        if line is None and "integer string conversion" in str(exc):  # 5000 digits
            m = re.search(r"\d{4301,}", text)
            line = line_at(text, m.start()) if m else None
        if line is None:
            line = _syntax_line(text, fmt)
        msg = " ".join(str(exc).split())
        if len(msg) > 300:
            msg = msg[:300] + "..."
        raise DataError([Problem(name, line, None, f"{_NAMES[fmt]} syntax: {msg}")]) from None
    return _one_graph(ds, name, text)


def _check_iris(g: Graph, name: str, text: str) -> None:
    """Refuse an IRI a store could not take (rdflib's parsers let some through)."""
    check = _iri_checker()
    seen: set[str] = set()
    for triple in g:
        for term in triple:
            if isinstance(term, Literal) and _SURROGATE.search(term):
                raise DataError(
                    [
                        Problem(
                            name,
                            _surrogate_line(text),
                            None,
                            f"literal {str(term)[:60]!r} holds a lone surrogate (not Unicode text)",
                        )
                    ]
                )
            iri = (
                str(term)
                if isinstance(term, URIRef)
                else str(term.datatype)
                if isinstance(term, Literal) and term.datatype
                else None
            )
            if iri is None or iri in seen:
                continue
            seen.add(iri)
            why = None
            if iri.startswith(_BASE):
                why = (
                    f"relative IRI <{iri[len(_BASE) :]}> (a data file has no base to "
                    "resolve it against: write absolute IRIs)"
                )
            elif check is not None:
                try:
                    check(iri)
                except ValueError as exc:
                    why = str(exc)
            elif not _is_valid_uri(iri) or ":" not in iri:
                why = "not an absolute IRI"
            if why is not None:
                line = graph_line(text, iri) or _line_with_part(text, shown_iri(iri))
                raise DataError([Problem(name, line, None, f"{shown_iri(iri)!r} is not an IRI: {why}")])


def _iri_checker() -> Callable[[str], object] | None:
    """Oxigraph's IRI parser (RFC 3987, as the Oxigraph store reads), if it is installed."""
    try:
        from pyoxigraph import NamedNode
    except ImportError:
        return None
    return NamedNode


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def shown_iri(iri: str) -> str:
    """An IRI as the file wrote it (relative ones without the stand-in base)."""
    return iri[len(_BASE) :] if iri.startswith(_BASE) else iri


def _line_with_part(text: str, iri: str) -> int | None:
    """The first line holding the longest plain stretch of a broken IRI (it may have been
    written with escapes, or across lines)."""
    parts = sorted(re.split(r"[^\x21-\x7e]|\\", iri), key=len, reverse=True)
    parts += sorted(re.split(r"[^\x21-\x7e]|[\\/]", iri), key=len, reverse=True)
    lines = text.split("\n")
    for part in parts:
        if len(part) < 4:
            continue
        found = next((n for n, x in enumerate(lines, 1) if part in x), None)
        if found is not None:
            return found
    return None


def _surrogate_line(text: str) -> int | None:
    """The line of the first escape that makes a lone surrogate (\\uD800 in any format)."""
    m = re.search(r"\\[uU]0{0,4}[dD][89a-fA-F][0-9a-fA-F]{2}", text)
    return line_at(text, m.start()) if m else None


def _one_graph(ds: Dataset, name: str, text: str) -> Graph:
    """The default graph, with the data graph of a dealgraph TriG export merged into it."""
    default = ds.graph(DATASET_DEFAULT_GRAPH_ID)
    for g in list(ds.graphs()):
        iri = str(g.identifier)
        if g.identifier == DATASET_DEFAULT_GRAPH_ID or not len(g):
            continue
        if iri != DATA_GRAPH:
            raise DataError([Problem(name, graph_line(text, iri), "graph", named_graph_message(iri))])
        for t in g:
            default.add(t)
        ds.remove_graph(g)
    _check_iris(default, name, text)
    return bind_prefixes(default)


def named_graph_message(iri: str) -> str:
    """Why a named graph is refused (shared with the stores' bulk path)."""
    if iri == _ONTOLOGY_GRAPH:
        return f"named graph <{iri}> holds the ontology, which is not data: export without --with-ontology"
    return (
        f"named graph <{iri}> is not loaded: the store holds one graph; put the triples "
        f"in the default graph (or in <{DATA_GRAPH}>, as dealgraph export trig does)"
    )


_PREFIX = re.compile(r"(?i)^\s*@?prefix\s+([\w.-]*):\s*<([^>]*)>")


def graph_line(text: str, iri: str) -> int | None:
    """The first line of ``text`` that names ``iri`` (in full, or as a prefixed name)."""
    return line_naming(text.split("\n"), iri)


def line_naming(lines: Iterable[str], iri: str) -> int | None:
    """The number of the first of ``lines`` naming ``iri`` as ``<iri>``, ``"iri"`` (JSON-LD)
    or a prefixed name declared before it (Turtle, TriG); the lines may be a file."""
    iris = [iri, iri[len(_BASE) :]] if iri.startswith(_BASE) else [iri]  # as written
    iris += [_u_escaped(i, h) for i in list(iris) for h in ("{:04X}", "{:04x}")]  # with \\uXXXX escapes
    forms = [f for i in iris for f in (f"<{i}>", json.dumps(i))]
    names: list[re.Pattern] = []
    for n, line in enumerate(lines, 1):
        m = _PREFIX.match(line)
        for i in iris:
            if m and i.startswith(m.group(2)) and len(i) > len(m.group(2)):
                local = i[len(m.group(2)) :]
                names += [
                    re.compile(r"(?<![\w.:-])" + re.escape(f"{m.group(1)}:{name}") + r"(?![\w.:%\\-])")
                    for name in (local, _escaped(local))
                ]
        if any(f in line for f in forms) or any(p.search(line) for p in names):
            return n
    return None


def _u_escaped(iri: str, hex_form: str) -> str:
    """``iri`` with every character but printable ASCII written as a ``\\uXXXX`` escape."""
    return re.sub(r"[^\x21-\x7e]", lambda m: "\\u" + hex_form.format(ord(m.group())), iri)


def _escaped(local: str) -> str:
    """A Turtle local name with its reserved characters escaped (graph\\/data)."""
    return re.sub(r"([~.!$&'()*+,;=/?#@%-])", r"\\\1", local)


def _oxigraph_syntax_line(text: str, fmt: str) -> int | None:
    """The line of the first syntax error Oxigraph's parser finds (None without Oxigraph)."""
    try:
        import pyoxigraph as ox
    except ImportError:
        return None
    form = {"nt": "N_QUADS", "nquads": "N_QUADS", "turtle": "TRIG", "trig": "TRIG"}[fmt]
    try:
        for _ in ox.parse(text, format=getattr(ox.RdfFormat, form), base_iri=_BASE):
            pass
    except SyntaxError as exc:
        return exc.lineno
    return None


def _syntax_line(text: str, fmt: str) -> int | None:
    """The line of the first syntax error, where rdflib's parser does not say."""
    found = _oxigraph_syntax_line(text, fmt) if fmt != "json-ld" else None
    if found is not None:
        return found
    if fmt not in ("nt", "nquads"):
        return None
    for n, line in enumerate(text.split("\n"), 1):  # one statement a line: find it
        try:
            Dataset().parse(data=line, format=fmt, publicID=_BASE)
        except Exception:  # noqa: BLE001 - any failure marks the line
            return n
    return None


def _line_from_message(msg: str) -> int | None:
    m = re.search(r"line (\d+)", msg)
    return int(m.group(1)) if m else None


# -- no fetching: the audit hook ------------------------------------------------------------


class FetchRefused(PermissionError):
    """Reading a data file tried to reach the network or another file."""


_READING: contextvars.ContextVar[str | None] = contextvars.ContextVar("dealgraph_reading", default=None)
_NETWORK = {
    "urllib.Request",
    "http.client.connect",
    "socket.connect",
    "socket.getaddrinfo",
    "socket.gethostbyname",
    "ftplib.connect",
    "smtplib.connect",
}
# files a parse may open: Python's own (imports, warnings reading source lines)
_LIBRARY = tuple(
    {os.path.realpath(p).rstrip(os.sep) + os.sep for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    - {os.sep}
)
_CODE = (".py", ".pyc", ".so", ".pyd")


def _audit(event: str, args: tuple) -> None:
    reading = _READING.get()
    if reading is None:
        return
    if event in _NETWORK:
        raise FetchRefused(
            f"reading {reading} tried to reach {args[0]!r}: data files never "
            "fetch anything (write JSON-LD contexts inline)"
        )
    if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
        opened = os.fsdecode(args[0])
        real = os.path.realpath(opened)
        if real == reading or opened.endswith(_CODE) or real.startswith(_LIBRARY):
            return
        raise FetchRefused(
            f"reading {reading} tried to open {opened!r}: data files never "
            "read other files (write JSON-LD contexts inline)"
        )


sys.addaudithook(_audit)  # once per process; it does nothing outside no_fetching()


@contextlib.contextmanager
def no_fetching(reading: str) -> Iterator[None]:
    """Within this block (this thread or task only), refuse network access and file opens.

    ``reading`` names the file being read, for the message (and it may be opened).
    """
    token = _READING.set(os.path.realpath(reading))
    try:
        yield
    finally:
        _READING.reset(token)


# -- JSON-LD: decode, then refuse contexts from elsewhere ---------------------------------------


class _Object(dict):
    """A decoded JSON object that remembers keys it saw twice."""

    duplicates: tuple = ()


def _pairs(pairs: list[tuple[str, Any]]) -> _Object:
    obj = _Object(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        again = []
        for k, _ in pairs:
            if k in seen:
                again.append(k)
            seen.add(k)
        obj.duplicates = tuple(again)
    return obj


class _BadNumber(ValueError):
    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.token = token


def _float(token: str) -> float:
    value = float(token)
    if not math.isfinite(value):
        raise _BadNumber(token)
    return value


def _int(token: str) -> int:
    try:
        return int(token)
    except ValueError:  # more digits than Python converts
        raise _BadNumber(token) from None


def _constant(token: str) -> Any:
    raise _BadNumber(token)


def _decode_json_ld(text: str, name: str) -> Any:
    """Decode JSON-LD text and refuse contexts by reference, ``@import``, odd numbers."""
    deep = _deepest_line(text)
    if deep is not None:
        raise DataError([Problem(name, deep, None, f"JSON nested more than {_MAX_DEPTH} levels deep")])
    try:
        data = json.loads(
            text, object_pairs_hook=_pairs, parse_float=_float, parse_int=_int, parse_constant=_constant
        )
    except json.JSONDecodeError as exc:
        raise DataError(
            [Problem(name, exc.lineno, None, f"JSON-LD syntax: {exc.msg} (column {exc.colno})")]
        ) from None
    except _BadNumber as exc:
        raise DataError(
            [
                Problem(
                    name,
                    _token_line(text, exc.token),
                    None,
                    f"number {exc.token[:40]!r} is not a finite number Python can hold",
                )
            ]
        ) from None
    problems = [
        Problem(name, _line_of_path(text, path), _field(path), msg) for path, msg in _from_elsewhere(data)
    ]
    if problems:
        raise DataError(problems)
    return data


def _from_elsewhere(data: Any) -> Iterator[tuple[tuple, str]]:
    """(JSON path, message) of every context from elsewhere and every duplicate key."""
    stack: list[tuple[tuple, Any]] = [((), data)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, list):
            stack.extend(((*path, i), v) for i, v in reversed(list(enumerate(node))))
            continue
        if not isinstance(node, dict):
            continue
        for key in getattr(node, "duplicates", ()):
            yield (*path, key), f"key {key!r} appears twice in one object"
        for key, value in node.items():
            if key == "@import":
                yield (*path, key), (f"@import of {value!r} is never fetched: write the context inline")
            elif key == "@context":
                refs = value if isinstance(value, list) else [value]
                for i, ref in enumerate(refs):
                    if isinstance(ref, str):
                        where = (*path, key, i) if isinstance(value, list) else (*path, key)
                        yield (
                            where,
                            (
                                f"remote @context {ref!r} is never fetched (nor any "
                                "URL, file or relative reference): write it inline"
                            ),
                        )
        stack.extend(((*path, k), v) for k, v in reversed(list(node.items())))


def _field(path: tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\],:]|[^\s{}\[\],:"]+', re.S)


def _deepest_line(text: str) -> int | None:
    """The line where brackets first nest deeper than the limit, or None."""
    depth = 0
    for m in re.finditer(r'"(?:[^"\\\n]|\\.)*"|[\[{(]|[\]})]', text):
        tok = m.group()
        if tok in "[{(":
            depth += 1
            if depth > _MAX_DEPTH:
                return line_at(text, m.start())
        elif tok in "]})":
            depth -= 1
    return None


def _token_line(text: str, token: str) -> int | None:
    for m in _TOKEN.finditer(text):
        if m.group() == token:
            return line_at(text, m.start())
    return None


def _line_of_path(text: str, path: tuple) -> int | None:
    """The line of the value at ``path`` (of its key, for an object member) in JSON text."""
    toks = [(m.group(), m.start()) for m in _TOKEN.finditer(text)]
    i, line = 0, None

    def skip(i: int) -> int:  # the index just after the value starting at i
        depth = 0
        while i < len(toks):
            t = toks[i][0]
            depth += t in "{[" and len(t) == 1
            depth -= t in "}]" and len(t) == 1
            i += 1
            if depth == 0:
                return i
        return i

    try:
        for part in path:
            if isinstance(part, str):
                j, found = i + 1, None
                while toks[j][0] != "}":
                    if json.loads(toks[j][0]) == part:
                        found = j  # the last one wins, as in json.loads
                    j = skip(j + 2)
                    j += toks[j][0] == ","
                if found is None:
                    return line
                line = line_at(text, toks[found][1])
                i = found + 2
            else:
                i += 1
                for _ in range(part):
                    i = skip(i) + 1
                line = line_at(text, toks[i][1])
    except (IndexError, ValueError):
        pass
    return line
