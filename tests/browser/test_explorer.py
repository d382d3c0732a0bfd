"""The explorer at ``/`` in a real headless Chromium, at 1280x800 and at 390x844 (a phone).

The page opens on the money map; every card is a shareable URL that shows it when opened
directly (``/#/entity/amazon``, ``/#/deal/<id>``, ``/#/loop/<n>``, ``/#/bet/<bettor>``);
clicking an edge opens its deal card and a node its entity card; the keyboard reaches the
controls and opens a card; the dates stay in the URL; the drawn view exports as SVG and PNG.
No request leaves loopback and the console stays clean. Screenshots are kept in
``artifacts/screenshots/explorer-*-<width>.png``. The expected texts are quotes of the seed
documents in ``data/sources`` (named beside each) or ``data/entities.yaml``.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from tests.browser.conftest import HAVE_CHROMIUM, ROUTED, SIZE_IDS, SIZES, SKIP_REASON, sized_page
from tests.conftest import ROOT

ARTIFACTS = ROOT / "artifacts" / "screenshots"

pytestmark = pytest.mark.skipif(not HAVE_CHROMIUM, reason=SKIP_REASON)
playwright = pytest.importorskip("playwright.sync_api")

#: deep link -> texts its card must show, each traced to the seed data
DEEP_LINKS = {
    "entity-amazon": (
        "#/entity/amazon",
        [
            "Amazon.com, Inc.; parent of AWS and Annapurna Labs.",  # data/entities.yaml
            "Amazon invested $8 billion in Anthropic",  # 001_930f0b1a03446070.txt
        ],
    ),
    "deal": (
        "#/deal/openai-oracle-compute",
        [
            "Oracle put in cash; OpenAI pledged $300 billion back.",  # 001_930f0b1a03446070.txt
            "a $30 billion five-year cloud computing contract with Oracle",  # 000_f58ffbe10c493a29.txt
            "$300B disagrees (contradictory)",  # the two claims above cannot both hold
        ],
    ),
    "loop": (
        "#/loop/1",
        [
            # 001: "Amazon invested $8 billion"; 002: "$5 billion ... today" and Anthropic
            # "committed to spending more than $100 billion" on AWS
            "Amazon → Anthropic → Amazon",
            "$13B out, at least $100B back: ratio 7.69",
        ],
    ),
    "bet": (
        "#/bet/amazon",
        [
            "Anthropic vs OpenAI",
            "$50B announced",  # 000: "Amazon announced a $50 billion investment in OpenAI"
            "$38B committed",  # 001: "OpenAI cut a $38 billion compute deal with AWS"
        ],
    ),
}


def _shot(page, name: str, width: int) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"explorer-{name}-{width}.png"))


def _off_loopback(urls) -> list[str]:
    return [
        u
        for u in urls
        if urlparse(u).scheme not in ("data", "blob", "about") and urlparse(u).hostname != "127.0.0.1"
    ]


def _routed(page) -> None:
    """Wait until the router has finished the current URL's view."""
    page.wait_for_function(ROUTED)


def _open(page, url: str) -> None:
    """Open a URL as a new visitor would (a full load, not a hash change)."""
    page.goto("about:blank")
    page.goto(url)
    _routed(page)


def _map_drawn(page) -> None:
    page.wait_for_function("() => window.dealgraph.cy && window.dealgraph.cy.nodes().length > 0")


@pytest.fixture(scope="module", params=SIZES, ids=SIZE_IDS)
def page(browser, request):
    for p in sized_page(browser, request.param, accept_downloads=True):
        yield p
        assert _off_loopback(p.urls) == []


def test_opens_on_the_map(page, seed_server):
    _open(page, seed_server + "/")
    _map_drawn(page)
    # a small store: every entity is drawn, and the text list names each with a link to its card
    total = page.evaluate("window.dealgraph.state.mapData.total_entities")
    assert page.evaluate("window.dealgraph.cy.nodes().length") >= total > 30
    links = page.locator("#map-text a[href^='#/entity/']")
    assert links.count() == total
    assert page.locator("#map-text a[href^='#/entity/amazon']").first.text_content() == "Amazon"
    # no horizontal scroll at either width
    assert page.evaluate("document.documentElement.scrollWidth") <= page.width
    _shot(page, "map", page.width)


@pytest.mark.parametrize("name", list(DEEP_LINKS))
def test_deep_link_opens_its_card(page, seed_server, name):
    fragment, texts = DEEP_LINKS[name]
    _open(page, seed_server + "/" + fragment)
    card = page.inner_text("#card")
    for text in texts:
        assert text in card, text
    if name in ("loop", "bet"):
        _map_drawn(page)  # the loop or bet is drawn in the map's place, one edge per deal
        deals = page.evaluate("window.dealgraph.cy.edges().map(e => e.data('deal'))")
        assert "openai-aws-compute-2025" in deals or "amazon-anthropic-investment-prior" in deals
    assert page.evaluate("document.documentElement.scrollWidth") <= page.width
    _shot(page, name, page.width)


def _click_element(page, selector: str) -> None:
    """A real mouse click on a drawn node or edge (its rendered position in the page, scrolled
    into the middle of the viewport first: the map may be taller than the window)."""
    where = """(sel) => {
            const cy = window.dealgraph.cy, el = cy.$(sel)[0];
            const p = el.isEdge() ? el.renderedMidpoint() : el.renderedPosition();
            const box = cy.container().getBoundingClientRect();
            return [box.left + p.x, box.top + p.y];
        }"""
    _x, y = page.evaluate(where, selector)
    page.mouse.wheel(0, y - page.viewport_size["height"] / 2)  # as a user scrolls the page
    page.wait_for_timeout(150)  # the map learns where its container now is (scroll event)
    x, y = page.evaluate(where, selector)
    page.mouse.click(x, y)


def test_clicking_an_edge_and_a_node_opens_their_cards(page, seed_server):
    _open(page, seed_server + "/")
    _map_drawn(page)
    page.locator("#map").scroll_into_view_if_needed()
    _click_element(page, "edge[deal = 'openai-aws-compute-2025']")
    page.wait_for_function("() => location.hash.startsWith('#/deal/openai-aws-compute-2025')")
    _routed(page)
    assert "OpenAI cut a $38 billion compute deal with AWS on Monday" in page.inner_text("#card")  # 001
    _shot(page, "edge-click", page.width)
    page.locator("#map").scroll_into_view_if_needed()
    _click_element(page, "node#oracle")
    page.wait_for_function("() => location.hash.startsWith('#/entity/oracle')")
    _routed(page)
    assert page.inner_text("#card h2") == "Oracle"


def test_keyboard_reaches_the_controls_and_opens_a_card(page, seed_server):
    _open(page, seed_server + "/")
    _map_drawn(page)
    seen = []
    for _ in range(60):
        page.keyboard.press("Tab")
        seen.append(
            page.evaluate(
                "(e => e.closest('#timebar') ? 'timebar' : e.id || e.tagName)(document.activeElement)"
            )
        )
        if seen[-1] == "SUMMARY":
            break
    assert {"search", "as-of", "known-at", "timebar", "export-svg", "export-png"} <= set(seen), seen
    assert seen.count("A") >= 6  # the skip link and the views' links
    page.keyboard.press("Enter")  # opens the text list of the map
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')").startswith("#/entity/")
    name = page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Enter")
    _routed(page)
    assert page.inner_text("#card h2") == name
    assert page.evaluate("document.activeElement.id") == "card"  # focus moves to the card
    _shot(page, "keyboard", page.width)


def test_search_and_dates_stay_in_the_url(page, seed_server):
    _open(page, seed_server + "/")
    page.fill("#search", "claude's par")  # an alias of Anthropic
    page.wait_for_selector("#suggest li[data-id=anthropic]")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.hash.startsWith('#/entity/anthropic')")
    _routed(page)
    card = page.inner_text("#card")
    assert "more than $100 billion" in card and "002_fce6943532eb5e8c.txt" in card
    # valid time: Microsoft's right of first refusal held in 2024 (001: "That ended Friday, January 24.")
    _open(page, seed_server + "/#/entity/microsoft?as_of=2024-06-01")
    assert page.input_value("#as-of") == "2024-06-01"
    card = page.inner_text("#card")
    assert "microsoft right-of-first-refusal openai" in card and "(ended" not in card
    # knowledge time: on 2025-12-01 Amazon's $50B (000, published 2026-04-14) was not yet reported
    _open(page, seed_server + "/#/loops?known_at=2025-12-01")
    loops = page.inner_text("#card")
    assert "Microsoft → OpenAI → Microsoft" in loops and "Amazon → OpenAI →" not in loops
    page.fill("#known-at", "")
    page.dispatch_event("#known-at", "change")
    page.wait_for_function("() => !location.hash.includes('known_at')")
    _routed(page)
    assert "Amazon → OpenAI → Amazon" in page.inner_text("#card")
    # a card link keeps the date cut
    _open(page, seed_server + "/#/bets?as_of=2026-06-01")
    assert page.get_attribute("#card a[href^='#/bet/amazon']", "href") == "#/bet/amazon?as_of=2026-06-01"


def test_exports_the_drawn_view(page, seed_server):
    _open(page, seed_server + "/")
    _map_drawn(page)
    with page.expect_download() as svg:
        page.click("#export-svg")
    assert svg.value.suggested_filename.endswith(".svg")
    assert "<svg" in open(svg.value.path(), encoding="utf-8").read(4000)
    with page.expect_download() as png:
        page.click("#export-png")
    assert open(png.value.path(), "rb").read(8) == b"\x89PNG\r\n\x1a\n"
