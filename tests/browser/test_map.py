"""The money map the explorer opens on (moneymap.js on GET /map), in headless Chromium.

At 1280x800 and 390x844 on the bundled data: the map is drawn on open with every entity and no
two boxes overlapping (labels included; a group and its members excepted) and labels drawn at
11 px or more; amounts show on hover and when zoomed in; the time slider changes the drawn
edges (the counts the server gives for those dates); play walks every date to the last; the
drawing exports as SVG and PNG. Screenshots: ``artifacts/screenshots/map-<width>.png``.
"""

from __future__ import annotations

import json
import urllib.request

import pytest

from tests.browser.conftest import HAVE_CHROMIUM, SIZE_IDS, SIZES, SKIP_REASON, sized_page
from tests.conftest import ROOT

ARTIFACTS = ROOT / "artifacts" / "screenshots"

pytestmark = pytest.mark.skipif(not HAVE_CHROMIUM, reason=SKIP_REASON)
playwright = pytest.importorskip("playwright.sync_api")

#: every pair of drawn nodes whose boxes (labels included) overlap, a group and its members excepted
OVERLAPS = """() => {
  const ns = window.dealgraph.cy.nodes(':visible').toArray(), bad = [];
  for (let i = 0; i < ns.length; i++) for (let j = i + 1; j < ns.length; j++) {
    const a = ns[i], b = ns[j];
    if (a.ancestors().contains(b) || b.ancestors().contains(a)) continue;
    const A = a.boundingBox({includeLabels: true}), B = b.boundingBox({includeLabels: true});
    if (A.x1 < B.x2 && B.x1 < A.x2 && A.y1 < B.y2 && B.y1 < A.y2) bad.push([a.id(), b.id()]);
  }
  return bad;
}"""
DRAWN_EDGES = "window.dealgraph.cy.edges().filter(e => !e.hasClass('off')).length"


def _get(base: str, path: str) -> dict:
    with urllib.request.urlopen(base + path, timeout=30) as r:
        return json.loads(r.read())


@pytest.fixture(scope="module")
def the_map(seed_server):
    return _get(seed_server, "/map")


@pytest.fixture(scope="module", params=SIZES, ids=SIZE_IDS)
def page(request, browser, seed_server):
    for p in sized_page(browser, request.param):
        p.goto(seed_server + "/")
        p.wait_for_function("() => window.__mapDrawn && document.querySelector('#timebar .mm-date')")
        yield p


def test_map_drawn_on_open_without_overlaps(page, the_map):
    assert page.evaluate("window.dealgraph.cy.nodes().length") == the_map["total_entities"] == 40
    assert page.evaluate(OVERLAPS) == []
    # labels are drawn at 11 px or more on open
    assert (
        page.evaluate(
            "window.dealgraph.cy.nodes()[0].pstyle('font-size').pfValue * window.dealgraph.cy.zoom()"
        )
        >= 11
    )
    # Amazon holds AWS, Annapurna Labs and Amazon Bedrock (data/sources/002)
    kids = page.evaluate("window.dealgraph.cy.getElementById('amazon').children().map(n => n.id()).sort()")
    assert kids == ["amazon-bedrock", "annapurna-labs", "aws"]
    loops = sum(e["in_loop"] for e in the_map["edges"])
    assert page.evaluate("window.dealgraph.cy.edges('.loop').length") == loops > 0
    assert (
        page.evaluate("window.dealgraph.cy.edges('.loop')[0].pstyle('line-color').strValue")
        == "rgb(214,39,40)"
    )
    assert page.evaluate("window.dealgraph.cy.edges('.dashed').length") == sum(
        e["dashed"] for e in the_map["edges"]
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"map-{page.width}.png"))


def test_amounts_on_hover_and_zoom(page):
    edge = "window.dealgraph.cy.getElementById('e:amazon-anthropic-investment-prior')"
    assert page.evaluate(f"{edge}.pstyle('label').strValue") == ""
    page.evaluate(f"void {edge}.emit('mouseover')")
    # data/sources/001: "Amazon invested $8 billion in Anthropic"
    assert page.evaluate(f"{edge}.pstyle('label').strValue") == "$8B"
    page.evaluate(f"void {edge}.emit('mouseout')")
    page.evaluate("void window.dealgraph.cy.zoom(window.dealgraph.cy.zoom() * 2)")
    assert page.evaluate("window.dealgraph.cy.edges('.amount').length") == page.evaluate(
        "window.dealgraph.cy.edges().length"
    )
    page.evaluate("void window.dealgraph.cy.zoom(window.dealgraph.cy.zoom() / 2)")


def test_slider_changes_the_drawn_edges(page, the_map, seed_server):
    dates = the_map["valid_dates"]
    slider = page.locator("#timebar .mm-date")
    slider.focus()
    page.keyboard.press("Home")  # the earliest date: 2015, Amazon acquires Annapurna Labs (002)
    assert page.evaluate(DRAWN_EDGES) == 1 == len(_get(seed_server, f"/map?as_of={dates[0]}")["edges"])
    assert "2015-01-01" in page.inner_text("#timebar .mm-when")
    page.keyboard.press("ArrowRight")  # 2025-11-01: the deals 001 reports
    drawn = page.evaluate(DRAWN_EDGES)
    assert drawn == len(_get(seed_server, f"/map?as_of={dates[1]}")["edges"]) > 1
    page.keyboard.press("End")
    assert page.evaluate(DRAWN_EDGES) == len(the_map["edges"])
    # knowledge time: what had been published by 2025-12-01 (000, published 2026-04-14, not yet)
    page.select_option("#timebar .mm-line", "known_at")
    known = the_map["known_dates"]
    page.locator("#timebar .mm-date").focus()
    for _ in range(len(known) - 1 - known.index("2025-12-01")):
        page.keyboard.press("ArrowLeft")
    assert page.evaluate(DRAWN_EDGES) == len(_get(seed_server, "/map?known_at=2025-12-01")["edges"])
    page.select_option("#timebar .mm-line", "as_of")


def test_play_walks_every_date_to_the_last(page, the_map):
    page.evaluate("""() => { window.__seen = [];
      const bar = document.getElementById('timebar');
      new MutationObserver(() => window.__seen.push(bar.dataset.date))
        .observe(bar, {attributes: true, attributeFilter: ['data-date']}); }""")
    page.click("#timebar .mm-play")
    page.wait_for_function(
        "() => document.querySelector('#timebar .mm-play').getAttribute('aria-pressed') === 'false'",
        timeout=20_000,
    )
    seen = page.evaluate("window.__seen")
    assert seen[-1] == the_map["valid_dates"][-1]
    assert sorted(set(seen)) == the_map["valid_dates"]
    assert page.evaluate(DRAWN_EDGES) == len(the_map["edges"])


def test_svg_and_png(page):
    handle = "window.dealgraph.cy.scratch('moneymap')"
    svg = page.evaluate(f"{handle}.svg()")
    assert svg.startswith("<svg") and svg.count("<circle") == page.evaluate(
        "window.dealgraph.cy.nodes(':childless').length"
    )
    assert ">Amazon Web Services</text>" in svg and 'stroke="#d62728"' in svg
    assert page.evaluate(f"{handle}.png()").startswith("data:image/png;base64,")
    assert page.evaluate(f"{handle}.focus(['anthropic'])") == 1


def test_html_export_draws_the_same_map_offline(browser, the_map, tmp_path):
    """`dealgraph export html` draws the same map with the same script, from a file, offline."""
    from dealgraph import open_graph
    from dealgraph.graph.html import render_html

    out = tmp_path / "map.html"
    out.write_text(render_html(open_graph()), encoding="utf-8")
    for p in sized_page(browser, (1280, 800)):
        p.goto(out.as_uri())
        p.wait_for_function("() => window.__mapDrawn && document.querySelector('#timebar .mm-date')")
        assert p.evaluate("window.dealgraph.cy.nodes().length") == the_map["total_entities"]
        assert p.evaluate(OVERLAPS) == []
        assert p.evaluate(DRAWN_EDGES) == len(the_map["edges"])
        # the deal kinds are a compact filter: unticking one hides its deals
        p.uncheck("input.kind[value=equity-investment]")
        invest = sum(e["kind"] == "equity-investment" for e in the_map["edges"])
        assert p.evaluate("window.dealgraph.cy.edges('.hidden').length") == invest > 0
        p.check("input.kind[value=equity-investment]")
        p.evaluate("void window.dealgraph.cy.getElementById('e:anthropic-broadcom-chips').emit('tap')")
        assert "capacity 3.5 GW" in p.inner_text(
            "#card"
        )  # 000: "a Broadcom custom chip agreement with a capacity of 3.5 GW"
        p.screenshot(path=str(ARTIFACTS / "map-export-1280.png"))
        assert [u for u in p.urls if not u.startswith(("file:", "data:"))] == []
