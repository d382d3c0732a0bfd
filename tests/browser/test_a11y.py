"""axe-core (vendored: graph/assets/vendor/axe.min.js) on the explorer: 0 serious or critical
violations on the map, a deal card, an entity card, a bet and the SPARQL view, at 1280x800 and at
390x844. The page's policy allows no injected script, so this context bypasses it (only here).
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import HAVE_CHROMIUM, ROUTED, SIZE_IDS, SIZES, SKIP_REASON, sized_page
from tests.conftest import ROOT

AXE = ROOT / "graph" / "assets" / "vendor" / "axe.min.js"
VIEWS = ["#/", "#/deal/openai-oracle-compute", "#/entity/amazon", "#/bet/amazon", "#/sparql"]

pytestmark = pytest.mark.skipif(not HAVE_CHROMIUM, reason=SKIP_REASON)
playwright = pytest.importorskip("playwright.sync_api")

RUN_AXE = """async () => {
    const r = await axe.run(document, {resultTypes: ['violations']});
    return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
        .map(v => v.id + ' (' + v.impact + '): ' + v.help + ' at '
             + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '));
}"""


@pytest.fixture(scope="module", params=SIZES, ids=SIZE_IDS)
def page(browser, request):
    yield from sized_page(browser, request.param, bypass_csp=True)


@pytest.mark.parametrize("view", VIEWS)
def test_no_serious_violations(page, seed_server, view):
    page.goto("about:blank")
    page.goto(seed_server + "/" + view)
    page.wait_for_function(ROUTED)
    if view == "#/sparql":
        page.wait_for_function("() => document.getElementById('sparql-pane').children.length > 0")
    page.add_script_tag(path=str(AXE))
    assert page.evaluate(RUN_AXE) == []
