"""A real headless Chromium opens the html and sankey exports (the explorer at ``/``:
tests/browser/test_explorer.py).

Checks: no console errors, no request leaves the file, the graph draws its nodes, clicking
shows its sources. Screenshots are kept in
``artifacts/screenshots/``. Needs Debian's chromium (scripts/setup-system.sh installs it)
and the playwright package (the dev extra); skipped where either is missing.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.browser.conftest import HAVE_CHROMIUM, SKIP_REASON, recording_page
from tests.conftest import ROOT

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


def _export(tmp_path, fmt: str) -> Path:
    from typer.testing import CliRunner

    from dealgraph.cli.main import app

    out = tmp_path / f"{fmt}.html"
    assert CliRunner().invoke(app, ["export", fmt, "-o", str(out)]).exit_code == 0
    return out


def test_html_export_offline(page, tmp_path):
    page.goto(_export(tmp_path, "html").as_uri())
    page.wait_for_function("() => window.dealgraph && window.dealgraph.cy.nodes().length > 20")
    red = page.evaluate("window.dealgraph.cy.edges('.loop').length")
    assert red >= 8  # the loops' deals are highlighted
    page.evaluate("window.dealgraph.cy.getElementById('oracle').emit('tap')")
    card = page.inner_text("#card")
    assert "Oracle put in cash; OpenAI pledged $300 billion back." in card
    # filter by kind hides those edges: OpenAI's compute deals alone are five (001: "across AWS
    # ($38 billion), Oracle ($300 billion), Microsoft ($250 billion), CoreWeave ($22.4 billion),
    # plus undisclosed Google and chip deals")
    page.uncheck("input.kind[value=compute-commitment]")
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
