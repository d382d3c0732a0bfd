"""The self-contained interactive page (``dealgraph export html``), and the helpers every
self-contained page shares (:func:`script_json`, :func:`sha256_source`, :func:`asset`).

The page works offline from a file: it inlines the vendored Cytoscape.js
(``graph/assets/cytoscape.min.js``), the fcose layout (``graph/assets/vendor``), the money map
the explorer draws (``graph/assets/moneymap.js``) and its data
(:func:`~dealgraph.graph.moneymap.money_map`). The Sankey page is
:func:`dealgraph.graph.sankey.render_sankey`.

Names are data: the graph data is embedded as JSON that cannot end its ``<script>`` element
(``<``, ``>``, ``&``, U+2028 and U+2029 written as ``\\u`` escapes, see :func:`script_json`),
every other piece of data is HTML-escaped, and the page carries a Content-Security-Policy
(:data:`HTML_CSP`) that the API also sends as a header.

>>> from dealgraph import open_graph
>>> page = render_html(open_graph(), loops_only=True)
>>> "<script" in page and "https://" not in page.split("<script>")[1][:200]
True
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import html
import json
from importlib import resources
from typing import TYPE_CHECKING, Any

from .cards import entity_card
from .disagreement import disputed_note
from .money import LABEL, WORDS, format_money, quantities_text
from .moneymap import money_map
from .picture import LOOP_COLOR, ROLE_COLORS, clean_text, export_graph
from .timeline import Timeline

if TYPE_CHECKING:  # pragma: no cover
    from .knowledge_graph import KnowledgeGraph
    from .results import Flow

__all__ = [
    "render_html",
    "cytoscape_js",
    "legend_html",
    "asset",
    "script_json",
    "HTML_CSP",
    "sha256_source",
]


def cytoscape_js() -> str:
    """The vendored Cytoscape.js source."""
    return asset("cytoscape.min.js")


def legend_html() -> str:
    """The legend shared by every page: role colours, dashed and loop edges."""
    items = [
        f'<span class="sw" style="background:{c}"></span>{html.escape(r)}'
        for r, c in ROLE_COLORS.items()
        if r not in ("organization",)
    ]
    items.append('<span class="ln"></span>money (width by amount)')
    items.append('<span class="ln dashed"></span>contingent / up to / announced')
    items.append(f'<span class="ln" style="border-color:{LOOP_COLOR}"></span>vendor-financed loop')
    return '<div class="legend">' + " ".join(f"<span>{i}</span>" for i in items) + "</div>"


def asset(name: str) -> str:
    """The text of a file in ``graph/assets``."""
    return (resources.files("dealgraph.graph") / "assets" / name).read_text(encoding="utf-8")


_STYLE = asset("page.css") + asset("moneymap.css")
_SCRIPT = asset("graph-page.js")
#: the page's scripts, inline: one element holding Cytoscape.js, fcose and its two bases
#: (vendored) and the money map, in that order; then the page's own script
_SCRIPTS = (
    ";\n".join(
        asset(name)
        for name in (
            "cytoscape.min.js",
            "vendor/layout-base.js",
            "vendor/cose-base.js",
            "vendor/cytoscape-fcose.js",
            "moneymap.js",
        )
    ),
    _SCRIPT,
)


def sha256_source(text: str) -> str:
    """The CSP source that allows one inline script by its hash (``'sha256-...'``).

    >>> sha256_source("")
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
    """
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


#: Content-Security-Policy of the interactive page. The page is one self-contained file
#: (it must work offline, from disk), so its scripts are inline: they are allowed by
#: their hashes, never by 'unsafe-inline', and nothing else may run or load. Styles need
#: 'unsafe-inline' (the page's own <style>, the legend's style attributes and the <style>
#: element Cytoscape.js adds); the page fetches nothing (connect-src falls back to 'none').
HTML_CSP = (
    f"default-src 'none'; script-src {' '.join(sha256_source(js) for js in _SCRIPTS)}; "
    "style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
)


def script_json(data: Any) -> str:
    """JSON that is safe inside an HTML ``<script>`` element: strict (no NaN or Infinity),
    ASCII only, with ``<``, ``>``, ``&``, U+2028 and U+2029 as ``\\u`` escapes, so no
    ``</script>`` or ``<!--`` can appear in it.

    >>> script_json({"name": "<!--<script>&"})
    '{"name": "\\\\u003c!--\\\\u003cscript\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(data, allow_nan=False, ensure_ascii=True)
    for c in "<>&\u2028\u2029":
        text = text.replace(c, f"\\u{ord(c):04x}")
    return text


def _clean(data: Any) -> Any:
    """``data`` with every string through :func:`~dealgraph.graph.picture.clean_text`."""
    if isinstance(data, str):
        return clean_text(data)
    if isinstance(data, dict):
        return {_clean(k): _clean(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_clean(v) for v in data]
    return data


def _csp_meta(policy: str) -> str:
    return f'<meta http-equiv="Content-Security-Policy" content="{html.escape(policy)}">'


def _page(title: str, policy: str, header: str, body: str) -> str:
    """A whole page: its policy, its title as ``<title>`` and heading, then ``header``
    (already HTML) in the page header and ``body`` (already HTML) below it."""
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"{_csp_meta(policy)}"
        f'<title>{html.escape(title)}</title><link rel="icon" href="data:,">'
        f"<style>{_STYLE}</style></head><body>"
        f"<header><h1>{html.escape(title)}</h1>{header}</header>"
        f"{body}</body></html>"
    )


# amounts on the pages: short figures with their bound in words ("up to $20B")
_AMOUNT = dataclasses.replace(LABEL, bounds=WORDS.bounds)


def _amount_text(f: Flow | dict[str, Any]) -> str:
    return format_money(f["amount"], f["bound"], style=_AMOUNT) + disputed_note(f, style=_AMOUNT)


# -- the interactive page -----------------------------------------------------------------


def render_html(kg: KnowledgeGraph, title: str = "dealgraph: the money behind AI", **filters: Any) -> str:
    """One self-contained page drawing the money map as the explorer does (``moneymap.js``, the
    vendored Cytoscape.js and fcose, all inline): groups as compound nodes, no overlaps, amounts
    on hover and zoom, a time slider with play, deal kinds as a compact filter, a click on an
    entity or a deal for its card with sources, the view saved as SVG or PNG. Takes the filters
    of :func:`dealgraph.graph.picture.export_graph` (``as_of``/``known_at`` cut the map itself).

    >>> from dealgraph import open_graph
    >>> page = render_html(open_graph(), focus="anthropic")
    >>> "MoneyMap.draw" in page and '"anthropic"' in page
    True
    """
    drawn = _map_data(kg, filters)
    kinds = sorted({e["kind"] for e in drawn["edges"]})
    chips = "".join(
        f'<label class="chip"><input type="checkbox" class="kind" value="{html.escape(k)}" checked>'
        f"{html.escape(k)}</label>"
        for k in kinds
    )
    notes = "".join(f'<p class="note">{html.escape(n)}</p>' for n in drawn.pop("notes"))
    cut = Timeline.of(filters.get("as_of"), filters.get("known_at"))  # the cards on the same timelines
    cards = {n["id"]: _card(kg, n["id"], cut) for n in drawn["nodes"]}
    payload = script_json(_clean({"map": drawn, "cards": cards}))
    scripts = "".join(f"<script>{js}</script>" for js in _SCRIPTS)
    return _page(
        title,
        HTML_CSP,
        f'{legend_html()}<fieldset class="kinds"><legend>Deal kinds shown</legend>{chips}</fieldset>{notes}',
        f'<main><div id="mapcol"><div class="map-tools"><div id="timebar"></div><div class="exports">'
        f'<button type="button" id="export-svg">Save SVG</button> '
        f'<button type="button" id="export-png">Save PNG</button></div></div>'
        f'<div id="cy" role="img" aria-label="Money map: entities and the money between them"></div></div>'
        f'<div id="card" aria-live="polite"><p>Click an entity or a deal to see its deals, '
        f"relationships and figures, each with its source.</p></div></main>"
        f'<script type="application/json" id="graph-data">{payload}</script>{scripts}',
    )


def _map_data(kg: KnowledgeGraph, filters: dict[str, Any]) -> dict[str, Any]:
    """The money map on the filters' timelines, narrowed to the deals and entities the other
    filters (focus, kind, loops only) keep, with the notes of deals not drawn."""
    drawn = money_map(kg, filters.get("as_of"), filters.get("known_at")).model_dump(mode="json")
    g = export_graph(kg, **filters)
    drawn["notes"] = list(g.graph.get("notes", ()))
    if any(filters.get(k) for k in ("focus", "kind", "loops_only")):
        deals = {k for *_, k, d in g.edges(keys=True, data=True) if d["edge"] == "money"}
        drawn["edges"] = [e for e in drawn["edges"] if e["deal"] in deals]
        keep = set(g.nodes) | {e[end] for e in drawn["edges"] for end in ("source", "target")}
        keep |= {n["parent"] for n in drawn["nodes"] if n["id"] in keep and n["parent"]}
        drawn["nodes"] = [n for n in drawn["nodes"] if n["id"] in keep]
        parents = {n["parent"] for n in drawn["nodes"] if n["parent"]}
        for n in drawn["nodes"]:
            n["is_group"] = n["id"] in parents
        drawn["shown_entities"], drawn["shown_deals"] = len(drawn["nodes"]), len(drawn["edges"])
        drawn["valid_dates"] = sorted({e["valid_from"] for e in drawn["edges"] if e["valid_from"]})
        drawn["known_dates"] = sorted({e["known_from"] for e in drawn["edges"] if e["known_from"]})
    return drawn


def _card(kg: KnowledgeGraph, n: str, cut: Timeline) -> dict[str, Any]:
    """What the page shows when entity ``n`` is clicked: its deals, relationships and
    figures, each with its sources."""
    c = entity_card(kg, n, cut.as_of, cut.known_at).model_dump()  # plain data for the page's JSON
    return {
        "id": n,
        "name": c["name"],
        "type": c["type"],
        "roles": c["roles"],
        "group": c["group"],
        "deals": [
            {
                "id": d["id"],
                "payer": d["payer"],
                "payee": d["payee"],
                "kind": d["kind"],
                "status": d["status"],
                "amount_text": _amount_text(d)
                if d["amount"] is not None
                else quantities_text(d["quantities"]) or _amount_text(d),
                "sources": d["sources"],
            }
            for d in c["deals"]
        ],
        "relationships": [
            {k: r[k] for k in ("subject", "kind", "object", "sources")} for r in c["relationships"]
        ],
        "observations": [
            {k: o[k] for k in ("metric", "value", "unit", "as_of", "period", "sources")}
            for o in c["observations"]
        ],
    }
