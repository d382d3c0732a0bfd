"""Hostile entity names in a real headless Chromium (issue 10).

The interactive HTML export, the Sankey page, the explorer and the SVG served by the API
are opened with a data set whose names are script and markup. Nothing may run (no dialog,
``window.__pwned`` stays unset), the SVG carries no link, and the pages still draw every
node, with each name shown as text.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from tests.browser.conftest import HAVE_CHROMIUM, SKIP_REASON, recording_page
from tests.conftest import FIXTURES, start_server

pytestmark = pytest.mark.skipif(not HAVE_CHROMIUM, reason=SKIP_REASON)
playwright = pytest.importorskip("playwright.sync_api")

NAMES = {
    "lab-a": '<img src=x onerror="window.__pwned=1;alert(1)">',
    "lab-b": "<!--<script>",
    "bigco": "</script><script>window.__pwned=2;alert(2)</script>",
    "bigco-cloud": '<<TABLE HREF="javascript:window.__pwned=3"><TR><TD>x</TD></TR></TABLE>>',
    "chip-x": "\"><svg onload='window.__pwned=4'>",
}
ALIAS = "<img src=y onerror=window.__pwned=5>"
#: the entities the graph pictures draw (chip-x has no deal)
DRAWN = ("bigco", "bigco-cloud", "lab-a", "lab-b")


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory) -> Path:
    dst = tmp_path_factory.mktemp("hostile") / "data"
    shutil.copytree(FIXTURES / "mini", dst)
    ents = yaml.safe_load((dst / "entities.yaml").read_text(encoding="utf-8"))
    for e in ents["entities"]:
        e["name"] = NAMES[e["id"]]
        if e["id"] == "lab-a":
            e["aliases"] = [ALIAS]
    (dst / "entities.yaml").write_text(yaml.safe_dump(ents, allow_unicode=True), encoding="utf-8")
    return dst


@pytest.fixture(scope="module")
def hostile_kg(hostile_dir):
    from dealgraph.graph import KnowledgeGraph
    from dealgraph.loaders import load_directory

    kg = KnowledgeGraph("memory")
    kg.load(load_directory(hostile_dir))
    yield kg
    kg.close()


@pytest.fixture
def page(browser):
    ctx, p = recording_page(browser, 1200, 800)
    p.set_default_timeout(10_000)
    yield p
    ctx.close()


def _nothing_ran(page) -> None:
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.dialogs == []
    assert page.locator("img, iframe, svg[onload]").count() == 0


def _labels(page) -> dict[str, str]:
    return page.evaluate(
        "Object.fromEntries(window.dealgraph.cy.nodes().map(n => [n.id(), n.data('label')]))"
    )


def test_html_export_draws_hostile_names_as_text(page, hostile_kg, tmp_path):
    from dealgraph.graph.html import render_html

    out = tmp_path / "page.html"
    out.write_text(render_html(hostile_kg), encoding="utf-8")
    page.goto(out.as_uri())
    # the map draws every entity, chip-x (no deal) too
    page.wait_for_function("() => window.dealgraph && window.dealgraph.cy.nodes().length >= 5")
    assert {k: v for k, v in _labels(page).items() if k in NAMES} == NAMES
    for n in DRAWN:
        # void: returning the collection would make Playwright serialize all of Cytoscape
        page.evaluate(f"void window.dealgraph.cy.getElementById('{n}').emit('tap')")
        assert NAMES[n] in page.inner_text("#card h2")
    # the page's escaping helper is safe in attributes too
    assert page.evaluate("esc(`\"'<>&`)") == "&quot;&#39;&lt;&gt;&amp;"
    _nothing_ran(page)
    assert page.errors == []


def test_sankey_shows_hostile_names_as_text(page, hostile_kg, tmp_path):
    from dealgraph.graph.sankey import render_sankey

    out = tmp_path / "sankey.html"
    out.write_text(render_sankey(hostile_kg), encoding="utf-8")
    page.goto(out.as_uri())
    labels = set(page.locator("text.node-label").all_text_contents())
    assert {NAMES[n] for n in DRAWN} <= labels
    _nothing_ran(page)
    assert page.errors == []


@pytest.fixture(scope="module")
def server(hostile_dir):
    proc, base = start_server(hostile_dir)
    yield base
    proc.terminate()
    proc.wait(10)


def test_explorer_and_api_svg_with_hostile_names(page, server):
    page.goto(server + "/")
    page.fill("#search", "<img")
    page.wait_for_selector("#suggest li[data-id=lab-a]")
    assert NAMES["lab-a"] in page.inner_text("#suggest")
    page.click("#suggest li[data-id=lab-a]")
    page.wait_for_function("() => window.dealgraph.cy && window.dealgraph.cy.nodes().length >= 5")
    page.wait_for_function("() => document.querySelector('main').getAttribute('aria-busy') === 'false'")
    card = page.inner_text("#card")
    assert NAMES["lab-a"] in card and ALIAS in card
    assert {k: v for k, v in _labels(page).items() if k in NAMES} == NAMES  # the map: every entity
    page.evaluate("void window.dealgraph.openEntity('bigco')")
    # the card comes with its own request: wait for it, not only for the graph
    page.wait_for_function(
        "(name) => document.querySelector('#card h2').textContent.includes(name)", arg=NAMES["bigco"]
    )
    assert NAMES["bigco"] in page.inner_text("#card h2")
    page.evaluate("void window.dealgraph.openEntity('chip-x')")
    page.wait_for_function(f"() => document.querySelector('#card h2').textContent === {NAMES['chip-x']!r}")
    assert page.evaluate("esc(`\"'<>&`)") == "&quot;&#39;&lt;&gt;&amp;"
    _nothing_ran(page)
    assert page.errors == []

    page.goto(server + "/export/svg")
    assert page.evaluate("document.querySelectorAll('a, script, foreignObject').length") == 0
    hrefs = page.evaluate(
        "[...document.querySelectorAll('*')].flatMap(e => [...e.attributes])"
        ".map(a => a.value).filter(v => /javascript:/i.test(v))"
    )
    assert hrefs == []
    texts = page.evaluate("[...document.querySelectorAll('g.node text')].map(t => t.textContent)")
    assert NAMES["bigco-cloud"] in texts and NAMES["lab-b"] in texts
    assert page.evaluate("typeof window.__pwned") == "undefined" and page.dialogs == []
