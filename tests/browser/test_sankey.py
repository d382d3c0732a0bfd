"""The Sankey drawn by vendored d3-sankey (graph/assets/sankey-view.js) in headless Chromium.

The export file (graph/sankey.py) opened from disk, offline, at 1280x800 and 390x844: every
drawn deal is a link, hovering one shows its amount and deal id (the seed's "up to an
additional $20 billion", contingent, for amazon-anthropic-investment-2026-milestone), focus
does the same for the keyboard, and the page requests nothing. In the explorer, ``/#/sankey``
draws GET /flows and a click on a link opens the deal's card. Screenshots in
``artifacts/screenshots/``.
"""

from __future__ import annotations

import pytest

from dealgraph import open_graph
from dealgraph.graph.sankey import render_sankey, sankey_data
from tests.browser.conftest import HAVE_CHROMIUM, SKIP_REASON, recording_page
from tests.browser.test_pages import ARTIFACTS, _only_local

pytestmark = pytest.mark.skipif(not HAVE_CHROMIUM, reason=SKIP_REASON)
playwright = pytest.importorskip("playwright.sync_api")

SIZES = [(1280, 800), (390, 844)]
MILESTONE = "amazon-anthropic-investment-2026-milestone"  # data/sources/002_*.yaml, contingent


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    kg = open_graph()
    out = tmp_path_factory.mktemp("sankey") / "sankey.html"
    out.write_text(render_sankey(kg), encoding="utf-8")
    return out, sankey_data(kg)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}" for w, _ in SIZES])
def test_export_hover_shows_amount_and_deal_offline(browser, export, size):
    path, data = export
    ctx, page = recording_page(browser, *size)
    page.goto(path.as_uri())
    page.wait_for_selector("svg.sankey path.link", state="attached")
    drawn = page.eval_on_selector_all("path.link", "ps => ps.map(p => p.dataset.deal)")
    assert sorted(drawn) == sorted(f["id"] for f in data["flows"])
    link = f"path.link[data-deal='{MILESTONE}']"
    assert page.get_attribute(link, "class") == "link contingent"
    assert page.eval_on_selector(link, "p => getComputedStyle(p).strokeDasharray") != "none"
    page.hover(link)
    tip = page.locator(".sankey-tip")
    assert tip.is_visible()
    assert "up to $20B" in tip.inner_text() and MILESTONE in tip.inner_text()
    assert "Amazon → Anthropic" in tip.inner_text()
    committed = "path.link[data-deal='openai-microsoft-compute']"
    page.focus(committed)  # the keyboard gets the same
    assert "$250B" in tip.inner_text() and "committed" in tip.inner_text()
    labels = set(page.locator("text.node-label").all_text_contents())
    assert {"Amazon", "OpenAI", "Anthropic", "Amazon Web Services"} <= labels
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"sankey-export-{size[0]}.png"))
    assert page.errors == []
    assert [u for u in page.urls if not u.startswith(("file:", "data:"))] == []
    ctx.close()


def test_explorer_sankey_opens_a_deal_card(browser, seed_server):
    ctx, page = recording_page(browser, 1280, 800)
    page.goto(seed_server + "/#/sankey")
    page.wait_for_selector("#sankey-pane svg.sankey path.link", state="attached")
    link = f"#sankey-pane path.link[data-deal='{MILESTONE}']"
    page.hover(link)
    assert "up to $20B" in page.inner_text("#sankey-pane .sankey-tip")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "sankey-explorer-1280.png"))
    page.click(link)
    page.wait_for_function(f"location.hash.startsWith('#/deal/{MILESTONE}')")
    assert page.errors == []
    assert _only_local(page.urls) == []
    ctx.close()
