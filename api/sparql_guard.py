"""Judge a SPARQL request before it runs: read-only, no SERVICE, no FROM, no LOAD.

rdflib and Oxigraph would fetch a ``SERVICE`` endpoint, and rdflib a ``FROM`` graph, over
the network (or from a file); the public endpoint refuses such queries.

A guard is only as good as its agreement with the engine. Two parsers can read one text in
two ways: rdflib ends a ``#`` comment at ``\\n`` only, Oxigraph (as the SPARQL grammar says)
at ``\\r`` too, so ``# \\r SERVICE <...>`` hid a SERVICE call from the guard and not from
Oxigraph. So the guard first makes the *canonical text* of the query, the one text both
readings agree on, and judges that; only the canonical text is ever run:

- line ends (``\\r\\n``, bare ``\\r``) become ``\\n``, the only line end both agree on;
- ``\\uXXXX`` / ``\\UXXXXXXXX`` escapes are expanded first, as the SPARQL grammar
  (section 19.2) and rdflib do, until none is left, so no engine can expand one
  differently;
- text that is not valid Unicode (lone surrogates) is refused.

The rdflib engine then evaluates the very parse tree the guard judged
(:attr:`CheckedQuery.parsed`); Oxigraph and remote servers get the canonical text.

>>> check_query("SELECT * WHERE { ?s ?p ?o }").type
'SELECT'
>>> check_query("SELECT * WHERE { ?s ?p ?o # \\r SERVICE <http://example.org/> { ?a ?b ?c } \\n }")
Traceback (most recent call last):
...
dealgraph.api.errors.ApiError: SERVICE is not allowed: the endpoint never calls other services
>>> check_query("INSERT DATA { <a:b> <a:c> <a:d> }")
Traceback (most recent call last):
...
dealgraph.api.errors.ApiError: SPARQL Update is not allowed: this endpoint is read-only
>>> canonical_text("ASK {} # a\\r\\nb\\rc")
'ASK {} # a\\nb\\nc'
"""

from __future__ import annotations

from dataclasses import dataclass

from pyparsing import ParseResults
from rdflib.plugins.sparql.parser import expandUnicodeEscapes

from ..graph.parsing import parse_query, parse_update
from .errors import ApiError

__all__ = ["CheckedQuery", "check_query", "canonical_text"]


@dataclass(frozen=True)
class CheckedQuery:
    text: str  # the canonical text: what every engine runs
    type: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    parsed: ParseResults  # rdflib's parse of ``text``, which the guard judged


def canonical_text(text: str) -> str:
    """The text every SPARQL reader parses the same way (see the module docstring)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ApiError(400, "the query is not valid Unicode (it has a lone surrogate)") from None
    for _ in range(len(text)):  # to a fixpoint: each round shortens the text
        expanded = _expand(text.replace("\r\n", "\n").replace("\r", "\n"))
        if expanded == text:
            break
        text = expanded
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ApiError(400, "the query escapes a lone surrogate (\\uD800-\\uDFFF)") from None
    return text


def _expand(text: str) -> str:
    try:
        return expandUnicodeEscapes(text)
    except (ValueError, OverflowError):
        raise ApiError(400, "the query has an invalid \\u or \\U escape") from None


def _walk(node):
    stack, seen = [node], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        if isinstance(node, ParseResults | list | tuple):
            stack.extend(node)
        if isinstance(node, ParseResults) or hasattr(node, "values"):
            try:
                stack.extend(node.values())
            except Exception:  # noqa: BLE001 - pyparsing containers vary
                pass


def check_query(text: str) -> CheckedQuery:
    """Canonicalize and parse ``text``; refuse updates, SERVICE, FROM / FROM NAMED."""
    text = canonical_text(text)
    try:
        parsed = parse_query(text)
    except RecursionError:
        raise ApiError(400, "the query nests too deeply to parse") from None
    except Exception as exc:  # noqa: BLE001 - pyparsing raises ParseException and others
        try:
            parse_update(text)
        except Exception:  # noqa: BLE001
            raise ApiError(400, f"SPARQL syntax error: {_syntax_message(exc)}") from None
        raise ApiError(403, "SPARQL Update is not allowed: this endpoint is read-only") from None
    query = parsed[1]
    qtype = getattr(query, "name", "") or ""
    kind = qtype.replace("Query", "").upper()
    for node in _walk(parsed):
        name = getattr(node, "name", None)
        if name == "ServiceGraphPattern":
            raise ApiError(400, "SERVICE is not allowed: the endpoint never calls other services")
        if name == "DatasetClause":
            raise ApiError(
                400,
                "FROM and FROM NAMED are not allowed: queries run over this "
                "dataset only and never load other graphs",
            )
    if kind not in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
        raise ApiError(400, f"unsupported query form {qtype!r}")
    return CheckedQuery(text=text, type=kind, parsed=parsed)


def _syntax_message(exc: Exception) -> str:
    """pyparsing's message with its position, without Python class names."""
    line, col = getattr(exc, "lineno", None), getattr(exc, "col", None)
    msg = getattr(exc, "msg", None) or str(exc)
    where = f" (line {line}, column {col})" if line is not None else ""
    return " ".join(f"{msg}{where}".split())
