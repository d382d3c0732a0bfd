"""Pictures of the explorer for docs/: ``python scripts/pictures.py`` (after make-pictures.sh).

Starts ``dealgraph serve`` on the bundled data (loopback, a free port; tests/conftest.py's
start_server), opens the explorer in headless Chromium (Debian's chromium and the playwright
package, with the browser tests' flags) at 1440x1000 (the whole map of the bundled data shows
at its 11 px labels) and writes:

- ``docs/explorer-map.png``: the money map the page opens on;
- ``docs/explorer-loop.png``: a loop view (``/#/loop/1``: the loop drawn with its flows, the
  money out and back and the ratio beside it);
- ``docs/explorer-bet.png``: a two-sided bet (``/#/bet/amazon``: Amazon between Anthropic
  and OpenAI, the money each way);
- ``docs/explorer-slider-early.png`` and ``docs/explorer-slider-late.png``: the map's time
  slider at two dates (the first with at least four deals drawn, and the last).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the browser tests' Chromium flags and server start-up are reused

from tests.browser.conftest import ARGS, CHROMIUM, ROUTED  # noqa: E402
from tests.conftest import start_server  # noqa: E402

DOCS = ROOT / "docs"
DRAWN = "() => window.dealgraph.cy && window.dealgraph.cy.nodes().length > 0"


def _open(page: Any, url: str) -> None:
    page.goto("about:blank")
    page.goto(url)
    page.wait_for_function(ROUTED)
    page.wait_for_function(DRAWN)


def slider_dates(page: Any) -> tuple[int, int]:
    """Two positions of the time slider: the first date with at least four deals drawn (the
    earliest dates hold one old acquisition), and the last date."""
    dates = page.evaluate("window.dealgraph.state.bar.dates()")
    shown = []
    for i in range(len(dates)):
        page.evaluate(f"window.dealgraph.state.bar.set({i})")
        shown.append(int(page.evaluate("document.getElementById('timebar').dataset.shown")))
    early = next((i for i, n in enumerate(shown) if n >= 4), 0)
    return early, len(dates) - 1


def take(base: str, out: Path = DOCS, width: int = 1440, height: int = 1000) -> list[Path]:
    """Open the explorer at ``base`` and write its pictures to ``out``; return their paths."""
    from playwright.sync_api import sync_playwright

    written = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": width, "height": height})
        for name, fragment in (("map", "#/"), ("loop", "#/loop/1"), ("bet", "#/bet/amazon")):
            _open(page, base + "/" + fragment)
            written.append(out / f"explorer-{name}.png")
            page.screenshot(path=str(written[-1]))
        _open(page, base + "/")
        for name, index in zip(("early", "late"), slider_dates(page), strict=True):
            page.evaluate(f"window.dealgraph.state.bar.set({index})")
            page.wait_for_timeout(200)
            written.append(out / f"explorer-slider-{name}.png")
            page.screenshot(path=str(written[-1]))
        browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DOCS, help="folder for the pictures (docs/)")
    parser.add_argument("--data", type=Path, default=None, help="a data folder (the bundled data)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    proc, base = start_server(args.data)
    try:
        for path in take(base, args.out):
            print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    finally:
        proc.terminate()
        proc.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
