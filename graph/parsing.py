"""Parse SPARQL with rdflib safely from many threads.

rdflib's SPARQL parser is built on pyparsing, which is not thread-safe on first use: each
parse action learns how many arguments it takes on its first call, and two threads doing
that at once can leave it wrong for good (every later ``COUNT`` query then failed with
``Param.postParse2() missing 1 required positional argument: 'tokenList'``). Every parse in
dealgraph goes through this module, one at a time, under a lock. The lock is held across
``fork()`` so a forked worker never inherits a parser caught half-way.

>>> q = prepare_query("SELECT ?s WHERE { ?s a dg:Deal }", {"dg": "https://w3id.org/dealgraph/ontology#"})
>>> type(q).__name__, q.algebra.name
('Query', 'SelectQuery')
>>> parse_query("ASK {}")[1].name
'AskQuery'
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from typing import Any

from pyparsing import ParseResults
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query

__all__ = ["parse_query", "parse_update", "prepare_query", "PARSE_LOCK"]

PARSE_LOCK = threading.RLock()
os.register_at_fork(
    before=PARSE_LOCK.acquire, after_in_parent=PARSE_LOCK.release, after_in_child=PARSE_LOCK.release
)


def parse_query(text: str) -> ParseResults:
    """rdflib's ``parseQuery``, one caller at a time."""
    with PARSE_LOCK:
        return parseQuery(text)


def parse_update(text: str) -> CompValue:
    """rdflib's ``parseUpdate``, one caller at a time."""
    with PARSE_LOCK:
        return parseUpdate(text)


def prepare_query(text: str, init_ns: Mapping[str, Any] | None = None) -> Query:
    """Parse and translate ``text`` to the algebra rdflib evaluates (prefixes from ``init_ns``)."""
    with PARSE_LOCK:
        return translateQuery(parseQuery(text), initNs=dict(init_ns or {}))
