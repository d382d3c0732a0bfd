"""The Sankey of money flows as one self-contained page (``dealgraph export sankey``).

The page inlines the vendored d3-sankey 0.12.3 with the d3 pieces it needs (d3-array, d3-path,
d3-shape, in ``graph/assets/vendor``) and ``graph/assets/sankey-view.js``, the drawing the
explorer uses too, so the file and the server draw the same Sankey, offline. Its data is a
JSON block (``<script type="application/json">``, written by
:func:`~dealgraph.graph.html.script_json`, so no name can end it): the countable investments,
compute and chip flows with a finite figure, each with its amount, the text of that amount
and its bucket (committed, contingent, announced, upper_bound), and the entities' names.
The scripts are allowed by their hashes (:data:`SANKEY_PAGE_CSP`), never 'unsafe-inline';
the page fetches nothing.

>>> from dealgraph import open_graph
>>> page = render_sankey(open_graph())
>>> "d3-sankey 0.12.3" in page and 'id="sankey-data"' in page and "https://" not in page[:400]
True
"""

from __future__ import annotations

import html
import math
from typing import TYPE_CHECKING, Any

from .edge_table import entity_names
from .flows import flows as all_flows
from .html import asset, script_json, sha256_source
from .money import bucket, countable, format_money
from .picture import clean_text
from .timeline import Date

if TYPE_CHECKING:  # pragma: no cover
    from .knowledge_graph import KnowledgeGraph

__all__ = ["render_sankey", "sankey_data", "SANKEY_KINDS", "SANKEY_PAGE_CSP", "SANKEY_SCRIPTS"]

#: the kinds of deal the Sankey draws: investments, then compute and chip commitments
SANKEY_KINDS = ("equity-investment", "compute-commitment", "chip-supply")
#: the scripts the page inlines, in order (graph/assets; the d3 pieces are vendored)
SANKEY_SCRIPTS = (
    "vendor/d3-array.min.js",
    "vendor/d3-path.min.js",
    "vendor/d3-shape.min.js",
    "vendor/d3-sankey.min.js",
    "sankey-view.js",
)
_FIELDS = ("id", "kind", "payer", "payee", "amount", "bound", "rate", "status", "date", "part_of")
_SCRIPTS = [asset(name) for name in SANKEY_SCRIPTS]


#: Content-Security-Policy of the Sankey page: its inline scripts by their hashes, inline
#: styles (sankey-view.js adds its <style>), data: images, nothing fetched (no connect-src)
SANKEY_PAGE_CSP = (
    f"default-src 'none'; script-src {' '.join(sha256_source(s) for s in _SCRIPTS)}; "
    "style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
)


def sankey_data(kg: KnowledgeGraph, as_of: Date = None, known_at: Date = None) -> dict[str, Any]:
    """What the Sankey draws: ``flows`` (countable investments, compute and chip flows with a
    figure, no forecasts, each with ``bucket`` and ``amount_text``), ``names`` (entity id ->
    name) and ``skipped`` (ids of flows whose amount is not a finite number).

    >>> from dealgraph import open_graph
    >>> data = sankey_data(open_graph())
    >>> {f["bucket"] for f in data["flows"]} <= {"committed", "contingent", "announced", "upper_bound"}
    True
    >>> all(f["kind"] in SANKEY_KINDS and f["amount"] > 0 for f in data["flows"])
    True
    """
    chosen = [
        f
        for f in countable(all_flows(kg, as_of=as_of, known_at=known_at))
        if f["amount"] and f["kind"] in SANKEY_KINDS and bucket(f) != "forecast"
    ]
    drawn = [f for f in chosen if math.isfinite(f["amount"])]
    ends = {e for f in drawn for e in (f["payer"], f["payee"])}
    names = {n: clean_text(name) for n, name in entity_names(kg).items() if n in ends}
    return {
        "flows": [
            {k: f.get(k) for k in _FIELDS}
            | {"bucket": bucket(f), "amount_text": format_money(f["amount"], f["bound"], f["rate"])}
            for f in drawn
        ],
        "names": names,
        "skipped": [f["id"] for f in chosen if not math.isfinite(f["amount"])],
    }


def render_sankey(
    kg: KnowledgeGraph,
    as_of: Date = None,
    title: str = "Money flows: investors → AI labs → cloud and chip vendors",
    known_at: Date = None,
) -> str:
    """One self-contained page: the Sankey of :func:`sankey_data`, drawn by d3-sankey in the
    browser; hover a link for its amount and deal id. Works offline, from a file.

    >>> from dealgraph import open_graph
    >>> page = render_sankey(open_graph(), as_of="2025-01-01")
    >>> page.count("<script") == len(SANKEY_SCRIPTS) + 1
    True
    """
    data = sankey_data(kg, as_of=as_of, known_at=known_at)
    scripts = "".join(f"<script>{s}</script>" for s in _SCRIPTS)
    cut = ", ".join(f"{k} {v}" for k, v in (("as of", as_of), ("known at", known_at)) if v)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{html.escape(SANKEY_PAGE_CSP)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{html.escape(title)}</title><link rel="icon" href="data:,">'
        "<style>body{font-family:system-ui,sans-serif;margin:0 12px}h1{font-size:18px}</style>"
        f"</head><body><header><h1>{html.escape(title)}</h1>"
        f"<p>{html.escape(cut or 'Every date')}: {len(data['flows'])} deals. Hover or focus a link "
        f"for its amount and deal id.{_not_drawn(data['skipped'])}</p></header>"
        '<main id="sankey"></main>'
        f'<script type="application/json" id="sankey-data">{script_json(data)}</script>'
        f"{scripts}</body></html>"
    )


def _not_drawn(skipped: list[str]) -> str:
    """The sentence naming the flows left out because their amount is not a finite number."""
    if not skipped:
        return ""
    return " Not drawn (amount not a finite number): " + html.escape(", ".join(skipped)) + "."
