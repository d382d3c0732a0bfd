"""Headless Chromium for the browser tests: one browser per module, pages that record.

Needs Debian's chromium (scripts/setup-system.sh installs it) and the playwright package
(the dev extra); the tests are skipped where either is missing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
HAVE_CHROMIUM = Path(CHROMIUM).exists()
SKIP_REASON = "chromium not installed (run scripts/setup-system.sh)"
# the flags that keep Chromium off the network on a closed machine
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    if not HAVE_CHROMIUM:
        pytest.skip(SKIP_REASON)
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def recording_page(browser, width: int, height: int, **context):
    """A new page in its own context that records console errors, page errors, requested
    URLs and dialogs (dismissed) in ``p.errors``, ``p.urls`` and ``p.dialogs``; ``context``
    goes to ``browser.new_context`` (``bypass_csp=True`` lets a test inject a script)."""
    ctx = browser.new_context(viewport={"width": width, "height": height}, **context)
    p = ctx.new_page()
    p.errors, p.urls, p.dialogs = [], [], []
    p.on("console", lambda m: p.errors.append(m.text) if m.type == "error" else None)
    p.on("pageerror", lambda e: p.errors.append(str(e)))
    p.on("request", lambda r: p.urls.append(r.url))

    def dialog(d):
        p.dialogs.append(d.message)
        d.dismiss()

    p.on("dialog", dialog)
    return ctx, p


#: true once the explorer's router has shown the view of the URL it is at (explorer.js route())
ROUTED = (
    "() => (m => m.getAttribute('aria-busy') === 'false' && m.dataset.routed === location.hash)"
    "(document.getElementById('main'))"
)
#: the sizes every explorer page is tested at: a laptop and a phone
SIZES = [(1280, 800), (390, 844)]
SIZE_IDS = [f"{w}x{h}" for w, h in SIZES]


@pytest.fixture(scope="module")
def seed_server():
    """``dealgraph serve`` on the bundled data for one module; yields its base URL."""
    from tests.conftest import start_server

    proc, base = start_server()
    yield base
    proc.terminate()
    proc.wait(10)


def sized_page(browser, size: tuple[int, int], **context):
    """A recording page of ``size`` (``p.width`` holds its width), 15 s timeouts; yields it and
    checks at the end that it logged no error."""
    ctx, p = recording_page(browser, *size, **context)
    p.set_default_timeout(15_000)
    p.width = size[0]
    yield p
    assert p.errors == []
    ctx.close()
