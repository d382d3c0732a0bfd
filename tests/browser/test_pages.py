"""A real headless Chromium opens the explorer and the html and sankey exports.

Checks: no console errors, no request leaves loopback (or the file), the graph draws its
nodes, search finds an entity, clicking shows its sources. Screenshots are kept in
``artifacts/screenshots/``. Needs Debian's chromium (scripts/setup-system.sh installs it)
and the playwright package (the dev extra); skipped where either is missing.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.browser.conftest import HAVE_CHROMIUM, SKIP_REASON, recording_page
from tests.conftest import ROOT, start_server

ARTIFACTS = ROOT / "artifacts" / "screenshots"

pytestmark = pytest.mark.skipif(not HAVE_CHROMIUM, reason=SKIP_REASON)
playwright = pytest.importorskip("playwright.sync_api")


@pytest.fixture
def page(browser):
    ctx, p = recording_page(browser, 1400, 900)
    yield p
    ctx.close()


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name))


def _only_local(urls, allowed_hosts=("127.0.0.1",)):
    bad = []
    for u in urls:
        parsed = urlparse(u)
        if parsed.scheme in ("data", "file", "about", "blob"):
            continue
        if parsed.hostname not in allowed_hosts:
            bad.append(u)
    return bad


@pytest.fixture(scope="module")
def server():
    proc, base = start_server()
    yield base
    proc.terminate()
    proc.wait(10)


def test_explorer_search_card_graph_and_sparql(page, server):
    page.goto(server + "/")
    page.fill("#search", "claude's par")  # an alias of Anthropic
    page.wait_for_selector("#suggest li[data-id=anthropic]")
    page.click("#suggest li[data-id=anthropic]")
    page.wait_for_function("() => window.dealgraph.cy.nodes().length > 3")
    card = page.inner_text("#card")
    assert "Anthropic" in card
    assert "more than $100 billion" in card and "002_fce6943532eb5e8c.txt" in card
    # click a node of the neighbourhood: its card replaces the first
    page.evaluate("window.dealgraph.cy.getElementById('spacex').emit('tap')")
    page.wait_for_function("() => document.getElementById('card').innerText.includes('SpaceX')")
    assert "$1.25 billion monthly" in page.inner_text("#card")
    _shot(page, "explorer.png")
    page.click("nav button[data-tab=loops]")
    assert "amazon → openai → amazon" in page.inner_text("#loops")
    page.click("nav button[data-tab=bets]")
    assert "anthropic vs openai" in page.inner_text("#bets")
    page.click("nav button[data-tab=sparql]")
    page.select_option("#named", "loops-two-hops")
    page.click("#run")
    page.wait_for_selector("#results table")
    assert "openai-aws-compute-2025" in page.inner_text("#results")
    _shot(page, "explorer-sparql.png")
    assert page.errors == []
    assert _only_local(page.urls) == []


def test_explorer_cuts_on_both_timelines(page, server):
    """The page's 'known at' and 'as of' inputs cut the loops, bets and cards it shows (issue 12)."""
    page.goto(server + "/")
    page.click("nav button[data-tab=loops]")
    page.wait_for_function("() => document.getElementById('loops').innerText.includes('amazon → openai')")
    assert "$50B announced out" in page.inner_text("#loops")  # 000: Amazon "announced" $50B
    # known at 2025-12-01 only 001 and 004 were out: Amazon's $50B (000, 2026-04-14) and
    # Anthropic's AWS spending (002, 2026-04-27) were not yet reported
    page.fill("#known-at", "2025-12-01")
    page.dispatch_event("#known-at", "change")
    page.wait_for_function("() => !document.getElementById('loops').innerText.includes('amazon → openai →')")
    assert "microsoft → openai → microsoft" in page.inner_text("#loops")
    page.fill("#known-at", "")
    page.fill("#as-of", "2024-06-01")  # valid time: Microsoft's right of first refusal held then
    page.dispatch_event("#as-of", "change")
    page.evaluate("window.dealgraph.openEntity('microsoft')")
    page.wait_for_function("() => document.getElementById('card').innerText.includes('first-refusal')")
    card = page.inner_text("#card")
    assert "microsoft right-of-first-refusal openai" in card and "(ended" not in card
    _shot(page, "explorer-timelines.png")
    assert page.errors == []
    assert _only_local(page.urls) == []


def _export(tmp_path, fmt: str) -> Path:
    from typer.testing import CliRunner

    from dealgraph.cli.main import app

    out = tmp_path / f"{fmt}.html"
    assert CliRunner().invoke(app, ["export", fmt, "-o", str(out)]).exit_code == 0
    return out


def test_html_export_offline(page, tmp_path):
    page.goto(_export(tmp_path, "html").as_uri())
    page.wait_for_function("() => window.dealgraph && window.dealgraph.cy.nodes().length > 20")
    red = page.evaluate("window.dealgraph.cy.edges('[?in_loop]').length")
    assert red >= 8  # the loops' deals are highlighted
    page.evaluate("window.dealgraph.cy.getElementById('oracle').emit('tap')")
    card = page.inner_text("#card")
    assert "Oracle put in cash; OpenAI pledged $300 billion back." in card
    # filter by kind hides those edges
    page.uncheck("input.kind[value=competes-with]")
    hidden = page.evaluate("window.dealgraph.cy.edges('.hidden').length")
    assert hidden >= 5
    _shot(page, "html-export.png")
    assert page.errors == []
    assert [u for u in page.urls if not u.startswith(("file:", "data:"))] == []


def test_sankey_export_offline(page, tmp_path):
    page.goto(_export(tmp_path, "sankey").as_uri())
    assert page.locator("path.link").count() >= 8
    assert page.locator("path.link.contingent").count() >= 1
    labels = page.locator("text.node-label").all_text_contents()
    assert {"Amazon", "OpenAI", "Anthropic", "Amazon Web Services"} <= set(labels)
    _shot(page, "sankey.png")
    assert page.errors == []
    assert [u for u in page.urls if not u.startswith(("file:", "data:"))] == []
