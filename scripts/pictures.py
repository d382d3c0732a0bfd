"""Pictures of the explorer for docs/: ``python scripts/pictures.py`` (after make-pictures.sh).

Starts ``dealgraph serve`` on the bundled data (loopback, a free port), opens the explorer in
headless Chromium (Debian's chromium and the playwright package, as the browser tests) at
1280x800 and writes:

- ``docs/explorer-map.png``: the money map the page opens on;
- ``docs/explorer-loop.png``: a loop view (``/#/loop/1``: the loop drawn with its flows, the
  money out and back and the ratio beside it);
- ``docs/explorer-bet.png``: a two-sided bet (``/#/bet/amazon``: Amazon between Anthropic
  and OpenAI, the money each way);
- ``docs/explorer-slider-early.png`` and ``docs/explorer-slider-late.png``: the map's time
  slider at two dates (the first date with a deal of the seed documents, and the last).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
#: the flags that keep Chromium off the network (as tests/browser/conftest.py)
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROUTED = "() => document.getElementById('main').getAttribute('aria-busy') === 'false'"
DRAWN = "() => window.dealgraph.cy && window.dealgraph.cy.nodes().length > 0"


def free_port() -> int:
    """A free TCP port on the loopback interface.

    >>> 0 < free_port() < 65536
    True
    """
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(data: Path | None = None) -> tuple[subprocess.Popen[bytes], str]:
    """Start ``dealgraph serve`` (the bundled data, or ``data``); return it and its base URL."""
    port = free_port()
    args = [str(Path(sys.executable).parent / "dealgraph"), "serve", "--host", "127.0.0.1"]
    args += ["--port", str(port)]
    if data is not None:
        args += ["--data", str(data)]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, env=dict(os.environ))
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            urllib.request.urlopen(base + "/health", timeout=1)
            return proc, base
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError("dealgraph serve exited") from None
            time.sleep(0.1)
    proc.terminate()
    raise RuntimeError("dealgraph serve did not answer in 60 s")


def _open(page: Any, url: str) -> None:
    page.goto("about:blank")
    page.goto(url)
    page.wait_for_function(ROUTED)
    page.wait_for_function(DRAWN)


def slider_dates(page: Any) -> tuple[int, int]:
    """Two positions of the time slider: the first date on which a deal is drawn (an earlier
    date may hold only an old subsidiary) after the first, and the last date."""
    dates = page.evaluate("window.dealgraph.state.bar.dates()")
    shown = []
    for i in range(len(dates)):
        page.evaluate(f"window.dealgraph.state.bar.set({i})")
        shown.append(int(page.evaluate("document.getElementById('timebar').dataset.shown")))
    early = next((i for i, n in enumerate(shown) if n >= 4), 0)
    return early, len(dates) - 1


def take(base: str, out: Path = DOCS, width: int = 1280, height: int = 800) -> list[Path]:
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
    proc, base = serve(args.data)
    try:
        for path in take(base, args.out):
            print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    finally:
        proc.terminate()
        proc.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
