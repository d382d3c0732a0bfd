"""Self-contained HTML pictures: the interactive graph page and the Sankey of money flows.

Both pages work offline from a file: the interactive page inlines the vendored
Cytoscape.js (``graph/assets/cytoscape.min.js``), the fcose layout (``graph/assets/vendor``),
the money map the explorer draws (``graph/assets/moneymap.js``) and its data
(:func:`~dealgraph.graph.moneymap.money_map`); the Sankey is plain SVG computed here, with no
script at all.

Names are data: the graph data is embedded as JSON that cannot end its ``<script>`` element
(``<``, ``>``, ``&``, U+2028 and U+2029 written as ``\\u`` escapes, see :func:`script_json`),
every other piece of data is HTML-escaped, and each page carries a Content-Security-Policy
(:data:`HTML_CSP`, :data:`SANKEY_CSP`) that the API also sends as a header.

>>> from dealgraph import open_graph
>>> page = render_html(open_graph(), loops_only=True)
>>> "<script" in page and "https://" not in page.split("<script>")[1][:200]
True
>>> "<svg" in render_sankey(open_graph())
True
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import html
import json
import math
from importlib import resources
from typing import TYPE_CHECKING, Any

from .cards import entity_card
from .disagreement import disputed_note
from .flows import flows as all_flows
from .money import LABEL, WORDS, bucket, countable, format_money, quantities_text
from .moneymap import money_map
from .picture import LOOP_COLOR, ROLE_COLORS, clean_text, export_graph
from .timeline import Date, Timeline

if TYPE_CHECKING:  # pragma: no cover
    from .knowledge_graph import KnowledgeGraph
    from .results import Flow

__all__ = [
    "render_html",
    "render_sankey",
    "cytoscape_js",
    "legend_html",
    "asset",
    "script_json",
    "HTML_CSP",
    "SANKEY_CSP",
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


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


#: Content-Security-Policy of the interactive page. The page is one self-contained file
#: (it must work offline, from disk), so its scripts are inline: they are allowed by
#: their hashes, never by 'unsafe-inline', and nothing else may run or load. Styles need
#: 'unsafe-inline' (the page's own <style>, the legend's style attributes and the <style>
#: element Cytoscape.js adds); the page fetches nothing (connect-src falls back to 'none').
HTML_CSP = (
    f"default-src 'none'; script-src {' '.join(_sha256(js) for js in _SCRIPTS)}; "
    "style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
)
#: Content-Security-Policy of the Sankey page: no script at all
SANKEY_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
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


# -- the Sankey ---------------------------------------------------------------------------

#: a Sankey node: an entity in a column (0 investors, 1 labs, 2 vendors). An organization that
#: both invests and sells compute (Microsoft) appears on the left as an investor and on the
#: right as a vendor.
SankeyNode = tuple[str, int]
_SANKEY_KINDS = ("equity-investment", "compute-commitment", "chip-supply")
_WIDTH, _HEIGHT, _PAD, _NODE_W = 1100, 700, 14, 18
# the x of each column's nodes
_XS = {0: 160, 1: _WIDTH / 2 - _NODE_W / 2, 2: _WIDTH - 200}


def render_sankey(
    kg: KnowledgeGraph,
    as_of: Date = None,
    title: str = "Money flows: investors → AI labs → cloud and chip vendors",
    known_at: Date = None,
) -> str:
    """A self-contained Sankey (inline SVG, no script) of investments into labs and the labs'
    compute and chip commitments; contingent and "up to" money is hatched and dashed.

    A flow whose amount is not a finite number is not drawn; the page says which."""
    fl, skipped = _sankey_flows(kg, Timeline.of(as_of, known_at))
    names = {n: clean_text(d["name"]) for n, d in kg.nx().nodes(data=True)}
    ends = _sankey_ends(kg, fl)
    weight = _weights(ends)
    scale = (_HEIGHT - 80 - _PAD * 10) / max(
        sum(w for n, w in weight.items() if n[1] == c) or 1 for c in range(3)
    )
    if not math.isfinite(scale) or scale <= 0:  # amounts so large their sum overflows
        raise ValueError("the amounts are too large to draw a Sankey")
    svg, ys = _sankey_nodes(weight, scale, names)
    svg += _sankey_links(ends, ys, scale, names)
    return _page(
        title,
        SANKEY_CSP,
        _sankey_legend(skipped),
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_WIDTH}" height="{_HEIGHT}" '
        f'viewBox="0 0 {_WIDTH} {_HEIGHT}">{"".join(svg)}</svg>',
    )


def _sankey_flows(kg: KnowledgeGraph, cut: Timeline) -> tuple[list[Flow], list[str]]:
    """The countable investments, compute and chip flows with a figure (no forecasts), and
    the ids of those left out because their amount is not a finite number."""
    fl = [
        f
        for f in countable(all_flows(kg, as_of=cut.as_of, known_at=cut.known_at))
        if f["amount"] and f["kind"] in _SANKEY_KINDS and bucket(f) != "forecast"
    ]
    skipped = [f["id"] for f in fl if not math.isfinite(f["amount"])]
    return [f for f in fl if math.isfinite(f["amount"])], skipped


def _sankey_ends(kg: KnowledgeGraph, fl: list[Flow]) -> list[tuple[Flow, SankeyNode, SankeyNode]]:
    """The flows the Sankey draws, each with the nodes it leaves and enters: investments
    into a lab (column 0 to 1) and a lab's other flows (column 1 to 2)."""
    labs = {n for n, d in kg.nx().nodes(data=True) if "ai-lab" in d["roles"]}
    ends = []
    for f in fl:
        if f["payee"] in labs and f["kind"] == "equity-investment":
            ends.append((f, (f["payer"], 0), (f["payee"], 1)))
        elif f["payer"] in labs and f["kind"] != "equity-investment":
            ends.append((f, (f["payer"], 1), (f["payee"], 2)))
    return ends


def _weights(ends: list[tuple[Flow, SankeyNode, SankeyNode]]) -> dict[SankeyNode, float]:
    """Each node's height in money (the larger of what enters and what leaves it), in the
    order the nodes are first met."""
    nodes = dict.fromkeys(n for _f, a, b in ends for n in (a, b))
    total_in = dict.fromkeys(nodes, 0.0)
    total_out = dict.fromkeys(nodes, 0.0)
    for f, a, b in ends:
        total_out[a] += f["amount"]
        total_in[b] += f["amount"]
    return {n: max(total_in[n], total_out[n]) for n in nodes}


def _sankey_nodes(
    weight: dict[SankeyNode, float], scale: float, names: dict[str, str]
) -> tuple[list[str], dict[SankeyNode, float]]:
    """The SVG of the nodes (bars with their names), heaviest first in each column, and
    the y where each node's bar starts."""
    svg = []
    ys: dict[SankeyNode, float] = {}
    for c in range(3):
        y = 60.0
        for n in sorted((n for n in weight if n[1] == c), key=lambda n: -weight[n]):
            h = max(weight[n] * scale, 2)
            ys[n] = y
            name = html.escape(names.get(n[0], n[0]))
            svg.append(
                f'<rect x="{_XS[c]:.1f}" y="{y:.1f}" width="{_NODE_W}" height="{h:.1f}" '
                f'fill="#444"><title>{name}</title></rect>'
            )
            anchor, tx = ("end", _XS[c] - 6) if c == 0 else ("start", _XS[c] + _NODE_W + 6)
            svg.append(
                f'<text class="node-label" x="{tx:.1f}" y="{y + h / 2 + 4:.1f}" '
                f'text-anchor="{anchor}" font-size="13">{name}</text>'
            )
            y += h + _PAD
    return svg, ys


def _sankey_links(
    ends: list[tuple[Flow, SankeyNode, SankeyNode]],
    ys: dict[SankeyNode, float],
    scale: float,
    names: dict[str, str],
) -> list[str]:
    """The SVG of the flows: a band as wide as the amount from node to node, stacked in
    each node, largest first; contingent and "up to" money fainter and dashed."""
    svg = []
    out_off = dict.fromkeys(ys, 0.0)
    in_off = dict.fromkeys(ys, 0.0)
    for f, u, v in sorted(ends, key=lambda e: (e[1][1], -e[0]["amount"])):
        t = f["amount"] * scale
        y0 = ys[u] + out_off[u] + t / 2
        y1 = ys[v] + in_off[v] + t / 2
        out_off[u] += t
        in_off[v] += t
        x0, x1 = _XS[u[1]] + _NODE_W, _XS[v[1]]
        mid = (x0 + x1) / 2
        contingent = bucket(f) in ("contingent", "upper_bound")
        color = "#6a3d9a" if f["kind"] == "equity-investment" else "#ff9900"
        dash = ' stroke-dasharray="6 4"' if contingent else ""
        opacity = 0.25 if contingent else 0.45
        label = f"{names.get(u[0], u[0])} → {names.get(v[0], v[0])}: {_amount_text(f)} ({f['id']})"
        svg.append(
            f'<path class="link{" contingent" if contingent else ""}" '
            f'd="M{x0:.1f},{y0:.1f} C{mid:.1f},{y0:.1f} {mid:.1f},{y1:.1f} {x1:.1f},'
            f'{y1:.1f}" stroke="{color}" stroke-opacity="{opacity}" '
            f'stroke-width="{max(t, 1.5):.1f}" fill="none"{dash}>'
            f"<title>{html.escape(label)}</title></path>"
        )
        svg.append(
            f'<text x="{mid:.1f}" y="{(y0 + y1) / 2 - 2:.1f}" font-size="10" '
            f'text-anchor="middle" fill="#333">{html.escape(_amount_text(f))}</text>'
        )
    return svg


def _sankey_legend(skipped: list[str]) -> str:
    """The Sankey's legend, and which flows are not drawn (if any)."""
    legend = (
        '<div class="legend"><span><span class="ln" style="border-color:#6a3d9a"></span>'
        'investment</span> <span><span class="ln" style="border-color:#ff9900"></span>'
        'compute / chip commitment</span> <span><span class="ln dashed"></span>'
        'contingent or "up to" (not added to committed money)</span></div>'
    )
    if skipped:
        legend += (
            '<p class="note">'
            + html.escape(
                "not drawn (the amount is not a finite number): " + ", ".join(clean_text(i) for i in skipped)
            )
            + "</p>"
        )
    return legend
