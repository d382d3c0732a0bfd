"""axe-core (vendored: graph/assets/vendor/axe.min.js) on the explorer: 0 serious or critical
violations on the map, a deal card, an entity card and the SPARQL view, at 1280x800 and at
390x844. The page's policy allows no injected script, so this context bypasses it (only here).
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import HAVE_CHROMIUM, SKIP_REASON, recording_page
from tests.conftest import ROOT, start_server

AXE = ROOT / "graph" / "assets" / "vendor" / "axe.min.js"
SIZES = [(1280, 800), (390, 844)]
VIEWS = ["#/", "#/deal/openai-oracle-compute", "#/entity/amazon", "#/sparql"]

pytestmark = pytest.mark.skipif(not HAVE_CHROMIUM, reason=SKIP_REASON)
playwright = pytest.importorskip("playwright.sync_api")

RUN_AXE = """async () => {
    const r = await axe.run(document, {resultTypes: ['violations']});
    return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
        .map(v => v.id + ' (' + v.impact + '): ' + v.help + ' at '
             + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '));
}"""


@pytest.fixture(scope="module")
def server():
    proc, base = start_server()
    yield base
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="module", params=SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def page(browser, request):
    ctx, p = recording_page(browser, *request.param, bypass_csp=True)
    p.set_default_timeout(15_000)
    yield p
    assert p.errors == []
    ctx.close()


@pytest.mark.parametrize("view", VIEWS)
def test_no_serious_violations(page, server, view):
    page.goto("about:blank")
    page.goto(server + "/" + view)
    page.wait_for_function("() => document.getElementById('main').getAttribute('aria-busy') === 'false'")
    if view == "#/sparql":
        page.wait_for_function("() => document.getElementById('sparql-pane').children.length > 0")
    page.add_script_tag(path=str(AXE))
    assert page.evaluate(RUN_AXE) == []
