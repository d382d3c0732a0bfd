"""At least 200 disguised SERVICE / FROM / LOAD queries, every store, every route: 0 connections."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from dealgraph.api.main import create_app
from tests.api.disguises import corpus
from tests.api.test_security import LOOSE, ROUTES, Listener, send


def test_every_store_and_route_sends_the_whole_corpus_once():
    ids = {f"{store}-{route}" for store in ("memory", "oxigraph", "remote") for route in ROUTES}
    assert FULL <= ids and {p.split("-")[0] for p in FULL} == {"memory", "oxigraph", "remote"}
    assert {p.split("-")[1] for p in FULL} == set(ROUTES)


def test_the_corpus_is_large_and_distinct():
    queries = corpus(1234)
    assert len(queries) >= 200
    assert len({q for _, q in queries}) == len(queries)
    assert len({n for n, _ in queries}) == len(queries)


#: the (store, route) pairs that send the whole corpus: every store and every route once. The
#: other pairs send every 4th disguise and every comment one (each query forks a worker: the
#: nine full runs took two minutes of the suite); the guard judges the same text whatever the
#: route, the store only runs what the guard let through.
FULL = {"memory-get", "oxigraph-form", "remote-direct"}


def _sent(queries: list[tuple[str, str]], pair: str) -> list[tuple[str, str]]:
    if pair in FULL:
        return queries
    return [(n, q) for i, (n, q) in enumerate(queries) if i % 4 == 0 or n.startswith("comment-")]


@pytest.mark.parametrize("route", ROUTES)
def test_no_disguise_reaches_the_listener(kg, route, request):
    listener = Listener()
    try:
        client = TestClient(create_app(kg, LOOSE))
        answers = {}
        for name, query in _sent(corpus(listener.port), request.node.callspec.id):
            r = send(client, route, query)
            answers[name] = r.status_code
            assert r.status_code < 500 or r.status_code == 504, (name, r.text)
        time.sleep(0.3)  # a late connection would still be counted
        assert listener.hits == [], [h[:80] for h in listener.hits]
        # all are refused, but for those whose comment runs on over a character that ends
        # no SPARQL comment (VT, FF, NEL, LS, PS): they ran with the call commented out
        harmless = ("comment-vt-", "comment-ff-", "comment-nel-", "comment-ls-", "comment-ps-")
        ran = sorted(n for n, s in answers.items() if s < 400 and not n.startswith(harmless))
        assert ran == []
    finally:
        listener.close()
