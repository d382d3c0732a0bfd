"""The explorer's SPARQL tab (graph/assets/sparql-tab.js on vendored YASGUI) in headless Chromium.

At ``/#/sparql``: YASGUI loads, the named queries of GET /queries are offered and one runs,
a result entity IRI opens its card (``#/entity/<id>``), the query is kept in the URL and a
reload keeps it; no request leaves loopback (no prefix.cc, LOV, CORS proxy, fonts).
Screenshots at 1280x800 and 390x844 in ``artifacts/screenshots/``.
"""

from __future__ import annotations

import json
import urllib.request
from urllib.parse import parse_qs, quote

import pytest

from dealgraph.ontology.namespace import PREFIXES
from tests.browser.conftest import HAVE_CHROMIUM, SKIP_REASON, recording_page
from tests.browser.test_pages import ARTIFACTS, _only_local

pytestmark = pytest.mark.skipif(not HAVE_CHROMIUM, reason=SKIP_REASON)
playwright = pytest.importorskip("playwright.sync_api")

SIZES = [(1280, 800), (390, 844)]
#: a query of our own for the URL round trip (Amazon's deals: data/sources/000_*.yaml and others)
OWN = (
    "PREFIX dg: <https://w3id.org/dealgraph/ontology#>\n"
    "PREFIX ent: <https://w3id.org/dealgraph/id/entity/>\n"
    "SELECT ?deal ?payee WHERE { ?deal dg:payer ent:amazon ; dg:payee ?payee } ORDER BY ?deal"
)


@pytest.fixture(scope="module")
def named(seed_server):
    with urllib.request.urlopen(seed_server + "/queries", timeout=10) as r:
        return json.load(r)


def _query_in_hash(page) -> str | None:
    h = page.evaluate("location.hash")
    assert h.startswith("#/sparql?"), h
    return parse_qs(h.split("?", 1)[1]).get("query", [None])[0]


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}" for w, _ in SIZES])
def test_named_query_runs_and_an_entity_link_opens_its_card(browser, seed_server, named, size):
    ctx, page = recording_page(browser, *size)
    page.goto(seed_server + "/#/sparql")
    page.wait_for_selector("#sparql-pane .yasqe .CodeMirror")
    page.wait_for_selector("#sparql-named option[value=flows-by-payer]", state="attached")
    offered = page.eval_on_selector_all("#sparql-named option", "os => os.map(o => o.value).filter(Boolean)")
    assert offered == sorted(named)
    page.select_option("#sparql-named", "flows-by-payer")
    page.wait_for_selector("#sparql-pane .yasr table a.card-link")
    assert _query_in_hash(page) == named["flows-by-payer"]  # the query is kept in the URL
    links = page.eval_on_selector_all(
        "#sparql-pane .yasr a.card-link", "as => as.map(a => [a.getAttribute('href'), a.dataset.iri])"
    )
    assert ["#/entity/amazon", "https://w3id.org/dealgraph/id/entity/amazon"] in links
    assert any(h.startswith("#/deal/") for h, _ in links)
    # the result table sorts: the payee column, clicked, orders its cells
    page.click("#sparql-pane .yasr table thead th:has-text('payee')")
    page.wait_for_function(  # the table re-draws after the click: wait for it, then read it
        """() => { const v = [...document.querySelectorAll('#sparql-pane .yasr tbody tr td:nth-child(3)')]
                      .map(t => t.innerText);
                   return v.length > 1 && v.every((x, i) => i === 0 || v[i - 1] <= x); }"""
    )
    payees = page.eval_on_selector_all(
        "#sparql-pane .yasr tbody tr td:nth-child(3)", "tds => tds.map(t => t.innerText)"
    )
    assert payees == sorted(payees)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"sparql-{size[0]}.png"))
    page.click("#sparql-pane .yasr a.card-link[href='#/entity/amazon'] >> nth=0")
    page.wait_for_function("location.hash.startsWith('#/entity/amazon')")
    page.wait_for_selector("#card h2:has-text('Amazon')")
    assert page.errors == []
    assert _only_local(page.urls) == []
    ctx.close()


def test_query_in_the_url_survives_a_reload(browser, seed_server):
    ctx, page = recording_page(browser, 1280, 800)
    page.goto(seed_server + "/#/sparql?query=" + quote(OWN, safe=""))
    page.wait_for_selector("#sparql-pane .yasqe .CodeMirror")
    assert page.evaluate("SparqlTab.getQuery()") == OWN
    page.reload()
    page.wait_for_selector("#sparql-pane .yasqe .CodeMirror")
    assert page.evaluate("SparqlTab.getQuery()") == OWN
    page.evaluate("SparqlTab.run()")
    page.wait_for_selector("#sparql-pane .yasr table a.card-link[href='#/entity/anthropic']")
    assert _query_in_hash(page) == OWN
    # the dealgraph prefixes are preloaded, the same as ontology/namespace.py's
    assert page.evaluate("SparqlTab.prefixes") == {k: str(v) for k, v in PREFIXES.items()}
    assert page.errors == []
    assert _only_local(page.urls) == []
    ctx.close()
