"""Hostile entity names through every export (issue 10).

A name is data: whatever it holds (``<script>``, ``<!--``, a Graphviz HTML label, quotes,
backslashes, Mermaid comments, control characters, lone surrogates), every export must
still parse in its own format and carry the name as text, never as markup.

The documented rule for characters XML 1.0 cannot carry (C0 controls other than tab and
newline, lone surrogates, U+FFFE, U+FFFF): each becomes U+FFFD; CR LF and lone CR become
LF. :func:`expected` below restates the rule independently of the code under test.
"""

from __future__ import annotations

import contextlib
import html
import io
import json
import math
import re
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from dealgraph.graph import KnowledgeGraph, registry
from dealgraph.graph.exports import render, render_bytes
from dealgraph.graph.sankey import SANKEY_SCRIPTS
from dealgraph.loaders import load_directory
from dealgraph.ontology.text import NOT_TEXT
from tests.conftest import FIXTURES

DOT = shutil.which("dot")
needs_dot = pytest.mark.skipif(DOT is None, reason="Graphviz's dot is not installed")
SVG = "{http://www.w3.org/2000/svg}"
#: the entities of the mini data set that the graph exports draw
DRAWN = ("bigco", "bigco-cloud", "lab-a", "lab-b")
#: the mini entity no deal touches (tests/fixtures/mini/entities.yaml): every graph file holds
#: it too, unless --connected-only
ISOLATED = {"chip-x": "Chip X"}

TABLE = '<<TABLE HREF="javascript:alert(1)">x</TABLE>>'
#: a well-formed Graphviz HTML label: unquoted, it becomes a javascript: link in the SVG
LINK = '<<TABLE HREF="javascript:alert(1)"><TR><TD>x</TD></TR></TABLE>>'
PWN = "<script>window.__pwned=1</script>"


def expected(name: str) -> str:
    """The documented display rule: line breaks to LF, XML-illegal characters to U+FFFD."""
    name = name.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(
        c
        if c in "\t\n" or 0x20 <= ord(c) <= 0xD7FF or 0xE000 <= ord(c) <= 0xFFFD or ord(c) >= 0x10000
        else "\ufffd"
        for c in name
    )


def _norm(s: str) -> str:
    """Whitespace-insensitive form (Graphviz splits lines and writes double spaces as nbsp)."""
    return " ".join(s.replace("\xa0", " ").split())


def write_dataset(where: Path, names: dict[str, str]) -> Path:
    """A copy of the mini data set whose entities have the given names."""
    dst = where / "data"
    shutil.copytree(FIXTURES / "mini", dst)
    ents = yaml.safe_load((dst / "entities.yaml").read_text(encoding="utf-8"))
    for e in ents["entities"]:
        e["name"] = names.get(e["id"], e["name"])
    (dst / "entities.yaml").write_text(yaml.safe_dump(ents, allow_unicode=True), encoding="utf-8")
    return dst


def load_kg(where: Path, names: dict[str, str]) -> KnowledgeGraph:
    kg = KnowledgeGraph("memory")
    kg.load(load_directory(write_dataset(where, names)))
    return kg


@contextlib.contextmanager
def renamed(kg: KnowledgeGraph, names: dict[str, str]) -> Iterator[None]:
    """``kg`` with these entities' names changed in its projection (put back after)."""
    nodes = kg.nx().nodes
    old = {n: nodes[n]["name"] for n in names}
    try:
        for n, name in names.items():
            nodes[n]["name"] = name
        yield
    finally:
        for n, name in old.items():
            nodes[n]["name"] = name


def examples(n: int) -> settings:
    """The hypothesis settings of the name tests: ``n`` examples, the same every run."""
    return settings(
        derandomize=True,
        database=None,
        max_examples=n,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )


@pytest.fixture(scope="module")
def mini_kg(tmp_path_factory):
    kg = load_kg(tmp_path_factory.mktemp("mini"), {})
    yield kg
    kg.close()


def _strict_json(text: str):
    def no_constant(c):
        raise AssertionError(f"non-standard JSON constant {c}")

    return json.loads(text, parse_constant=no_constant)


def _svg_node_texts(svg: bytes) -> dict[str, str]:
    root = ET.fromstring(svg)
    out = {}
    for g in root.iter(SVG + "g"):
        if g.get("class") == "node":
            title = g.find(SVG + "title").text
            out[title] = " ".join(t.text or "" for t in g.iter(SVG + "text"))
    return out


def _assert_no_active_svg(svg: bytes) -> None:
    root = ET.fromstring(svg)
    for el in root.iter():
        tag = el.tag.split("}")[-1].lower()
        assert tag not in ("a", "script", "foreignobject", "iframe"), tag
        for k, v in el.attrib.items():
            assert not k.split("}")[-1].lower().startswith("on"), k
            assert "javascript:" not in v.lower().replace(" ", ""), (k, v)


def _html_payload(page: str) -> str:
    start = page.index('<script type="application/json" id="graph-data">')
    body = page[start:].split(">", 1)[1]
    return body[: body.index("</script>")]


def _mermaid_labels(text: str) -> dict[str, str]:
    return dict(re.findall(r'^    (n\d+)\["(.*)"\]$', text, flags=re.M))


def _mermaid_decode(label: str) -> str:
    named = {"quot": '"', "amp": "&", "lt": "<", "gt": ">"}
    return re.sub(r"#(\d+|[a-z]+);", lambda m: chr(int(m[1])) if m[1].isdigit() else named[m[1]], label)


def _sankey_data(page: str) -> dict:
    """The Sankey page's data block (flows, names, skipped), read as strict JSON: the page is
    drawn in the browser by the vendored d3-sankey from it."""
    start = page.index('<script type="application/json" id="sankey-data">')
    start = page.index(">", start) + 1
    return _strict_json(page[start : page.index("</script>", start)])


# -- the reported cases -------------------------------------------------------------------


@needs_dot
def test_svg_html_like_name_is_text_not_a_link(tmp_path):
    kg = load_kg(tmp_path, {"lab-a": TABLE, "lab-b": LINK})
    svg = render_bytes(kg, "svg")
    _assert_no_active_svg(svg)
    assert _norm(_svg_node_texts(svg)["lab-a"]) == _norm(TABLE)
    assert _norm(_svg_node_texts(svg)["lab-b"]) == _norm(LINK)
    assert '"<<TABLE' in render(kg, "dot")  # quoted: never an HTML-like label


@needs_dot
def test_script_name_renders_svg_and_png(tmp_path):
    kg = load_kg(tmp_path, {"lab-b": "<!--<script>alert(2)</script>", "lab-a": "a\\"})
    svg = render_bytes(kg, "svg")
    assert _norm(_svg_node_texts(svg)["lab-b"]) == "<!--<script>alert(2)</script>"
    assert _svg_node_texts(svg)["lab-a"] == "a\\"
    assert render_bytes(kg, "png").startswith(b"\x89PNG")


@needs_dot
def test_dot_quotes_and_escapes_every_value(tmp_path):
    # a pre-quoted name would be passed through raw by pydot and inject DOT statements
    inject = '"x"]; evil [label="pwned"]; y [label="z"'
    kg = load_kg(
        tmp_path,
        {
            "lab-a": inject,
            "lab-b": "ends in a backslash \\",
            "bigco": "\\N \\G \\n &amp; AT&T",
            "bigco-cloud": "digraph",
        },
    )
    dot = render(kg, "dot")
    out = subprocess.run([DOT, "-Tsvg"], input=dot.encode(), capture_output=True, check=True)
    texts = _svg_node_texts(out.stdout)
    assert set(texts) == set(DRAWN) | set(ISOLATED)
    assert _norm(texts["lab-a"]) == _norm(inject)
    assert texts["lab-b"] == "ends in a backslash \\"
    assert texts["bigco"] == "\\N \\G \\n &amp; AT&T"
    assert texts["bigco-cloud"] == "digraph"


def test_mermaid_labels_cannot_break_out(tmp_path):
    names = {
        "lab-a": PWN + ' "] --> evil["x',
        "lab-b": "a `b` [c] |d| {e} %%{init}%% #quot;",
        "bigco": "two\nlines & <b>bold</b>",
        "bigco-cloud": "semi; colon -->|x| y",
    }
    kg = load_kg(tmp_path, names)
    text = render(kg, "mermaid")
    labels = _mermaid_labels(text)
    assert len(labels) == 4 + len(ISOLATED)
    for label in labels.values():
        assert not set(label) & set('"<>`[]|{}\n'), label
        assert "%%" not in label
    decoded = {_mermaid_decode(v) for v in labels.values()}
    assert decoded == {names["lab-a"], names["lab-b"], "two lines & <b>bold</b>", names["bigco-cloud"]} | set(
        ISOLATED.values()
    )
    assert "<script" not in text and "%%" not in text


def test_html_export_json_island_cannot_end_the_script(tmp_path):
    kg = load_kg(
        tmp_path,
        {
            "lab-a": "<!--<script>",
            "lab-b": "</script><script>x()</script>",
            "bigco": "line\u2028sep\u2029para & amp",
        },
    )
    page = render(kg, "html")
    payload = _html_payload(page)
    assert not set(payload) & set("<>&\u2028\u2029")
    data = _strict_json(payload)
    labels = {n["id"]: n["label"] for n in data["map"]["nodes"]}
    assert labels["lab-a"] == "<!--<script>" and labels["bigco"] == "line\u2028sep\u2029para & amp"
    assert data["cards"]["lab-b"]["name"] == "</script><script>x()</script>"
    assert page.count("<script") == 3 and page.count("</script>") == 3


def test_xml_illegal_characters_are_replaced(tmp_path, mini_kg):
    bad = {
        "lab-a": "nul\x00 vt\x0b ff\x0c esc\x1b",
        "lab-b": "lone \ud800 \udfff",
        "bigco": "cr\r\nlf\rx \ufffe\uffff",
        "bigco-cloud": "tab\tok é 🎉",
    }
    with renamed(mini_kg, bad):
        graphml = nx.read_graphml(io.BytesIO(render(mini_kg, "graphml").encode()))
        gexf = nx.read_gexf(io.BytesIO(render(mini_kg, "gexf").encode()))
        for n, name in bad.items():
            assert graphml.nodes[n]["label"] == expected(name)
            assert gexf.nodes[n]["label"] == expected(name)
        assert expected(bad["lab-a"]) == "nul\ufffd vt\ufffd ff\ufffd esc\ufffd"
        for fmt in ("cytoscape", "d3", "html", "sankey", "mermaid"):
            render(mini_kg, fmt).encode("utf-8")  # no lone surrogate left to encode


def test_non_finite_amounts_never_reach_an_export(monkeypatch, mini_kg):
    import dealgraph.graph.moneymap as moneymap_mod
    import dealgraph.graph.picture as picture
    import dealgraph.graph.sankey as sankey_mod

    real = picture.all_flows

    def flows(kg, **kw):
        out = [dict(f) for f in real(kg, **kw)]
        out[0]["amount"] = float("inf")
        out[1]["amount"] = float("nan")
        return out

    monkeypatch.setattr(picture, "all_flows", flows)
    real_models = moneymap_mod.all_flows

    def model_flows(kg, **kw):  # the html export draws the money map, from Flow models
        out = list(real_models(kg, **kw))
        out[0] = out[0].model_copy(update={"amount": float("inf")})
        out[1] = out[1].model_copy(update={"amount": float("nan")})
        return out

    monkeypatch.setattr(moneymap_mod, "all_flows", model_flows)
    monkeypatch.setattr(sankey_mod, "all_flows", flows)
    for fmt in ("cytoscape", "d3"):
        text = render(mini_kg, fmt)
        _strict_json(text)
        assert "Infinity" not in text and "NaN" not in text
    page = render(mini_kg, "html")
    _strict_json(_html_payload(page))
    for fmt in ("graphml", "gexf", "dot", "mermaid"):
        text = render(mini_kg, fmt).lower()
        assert not re.search(r"\b(nan|inf|infinity)\b", text), fmt
    sankey = render(mini_kg, "sankey")
    data = _sankey_data(sankey)  # strict JSON: no NaN or Infinity in it
    assert data["flows"] and not any(
        f["amount"] in (None,) or not math.isfinite(f["amount"]) for f in data["flows"]
    )
    assert "not drawn" in sankey.lower()  # the page says which flows were left out


# -- property-based: any name, every format -----------------------------------------------

PIECES = [
    PWN,
    TABLE,
    LINK,
    "<!--",
    "-->",
    "]]>",
    "<![CDATA[",
    '"',
    "'",
    "\\",
    '\\"',
    "%%",
    "%%{init: {}}%%",
    "\n",
    "\r\n",
    "\r",
    "\t",
    "\x00",
    "\x08",
    "\x0b",
    "\x0c",
    "\x1f",
    "\x7f",
    "\x85",
    "\ud800",
    "\udfff",
    "\ufffe",
    "\uffff",
    "\u2028",
    "\u2029",
    "`",
    "[",
    "]",
    "|",
    "{",
    "}",
    "(",
    ")",
    "#quot;",
    "#35;",
    "&amp;",
    "&#92;",
    "&",
    ";",
    "\\N",
    "\\n",
    "\\l",
    "javascript:alert(1)",
    "->",
    "-->|x|",
    "digraph",
    "node",
    "strict",
    "é",
    "漢字",
    "🎉",
    "\u202e",
    "<",
    ">",
    "<img src=x onerror=alert(1)>",
    "  ",
    "\xa0",
    "</script>",
    "\ufeff",
    "\u0301",
    "\U0010ffff",
]
SURROGATES = {chr(0xD800), chr(0xDFFF)}
# what the loaders refuse in text: C0 controls but tab and line breaks, DEL, lone surrogates
LOADER_REFUSES = NOT_TEXT


def names(pieces=PIECES, alphabet=None):
    text = st.text(alphabet=alphabet, max_size=4) if alphabet is not None else st.text(max_size=4)
    one = st.lists(st.one_of(st.sampled_from(pieces), text), min_size=1, max_size=5).map("".join)
    return st.lists(one, min_size=4, max_size=4)


def check_graph_exports(kg: KnowledgeGraph, shown: dict[str, str]) -> None:
    """Every graph export of ``kg`` parses in its own format and shows each name as text."""
    want = {n: expected(name) for n, name in shown.items()}
    graphml = nx.read_graphml(io.BytesIO(render(kg, "graphml").encode("utf-8")))
    gexf = nx.read_gexf(io.BytesIO(render(kg, "gexf").encode("utf-8")))
    cyto = _strict_json(render(kg, "cytoscape"))
    d3 = _strict_json(render(kg, "d3"))
    page = render(kg, "html")
    island = _strict_json(_html_payload(page))
    for n, label in want.items():
        assert graphml.nodes[n]["label"] == label
        assert gexf.nodes[n]["label"] == label
    assert {x["data"]["id"]: x["data"]["label"] for x in cyto["elements"]["nodes"]} == want | ISOLATED
    assert {x["id"]: x["label"] for x in d3["nodes"]} == want | ISOLATED
    assert {n["id"]: n["label"] for n in island["map"]["nodes"]} == want | ISOLATED
    payload = _html_payload(page)
    for name in shown.values():
        if "<" in name:
            assert name not in payload  # only ever as escaped text
    assert page.count("</script>") == 3  # no name closed a script element
    mer = _mermaid_labels(render(kg, "mermaid"))
    assert len(mer) == len(want) + len(ISOLATED)
    for label in mer.values():
        assert not set(label) & set('"<>`[]|{}\n\r\x85\u2028\u2029') and "%%" not in label
    assert sorted(map(_mermaid_decode, mer.values())) == sorted(
        re.sub("[\n\x85\u2028\u2029]", " ", v) for v in (want | ISOLATED).values()
    )
    sankey = render(kg, "sankey")  # its names are the store's (not renamed here): see below
    assert sankey.count("</script>") == len(SANKEY_SCRIPTS) + 1 and _sankey_data(sankey)["flows"]
    if DOT:
        for svg in (
            subprocess.run(
                [DOT, "-Tsvg"], input=render(kg, "dot").encode("utf-8"), capture_output=True, check=True
            ).stdout,
            render_bytes(kg, "svg"),
        ):
            _assert_no_active_svg(svg)
            texts = _svg_node_texts(svg)
            for n, label in want.items():
                assert _norm(texts[n]) == _norm(label)


def drawn_names() -> st.SearchStrategy[dict[str, str]]:
    """Names for the entities the graph exports draw (:data:`DRAWN`)."""
    return names().map(lambda ns: dict(zip(DRAWN, ns, strict=True)))


@examples(25)  # each example renders every graph format, the html page and two Graphviz runs
@given(drawn_names())
def test_any_name_through_every_graph_export(mini_kg, drawn):
    with renamed(mini_kg, drawn):
        check_graph_exports(mini_kg, drawn)
        if DOT:
            assert render_bytes(mini_kg, "png").startswith(b"\x89PNG")


RDF = {"turtle": "turtle", "ntriples": "nt", "trig": "trig", "jsonld": "json-ld"}


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # rdflib's own Dataset internals
@examples(15)
@given(
    names(
        [p for p in PIECES if not LOADER_REFUSES.search(p)],
        st.characters(exclude_categories=["Cs", "Cc"]) | st.sampled_from("\t\n\r"),
    )
)
def test_any_loaded_name_through_rdf_and_graph_exports(raw_names):
    """Names the loader accepts (it refuses control characters and lone surrogates, which
    the direct test above sends through the exports) survive a load and every export."""
    from rdflib import Dataset, Literal, URIRef
    from rdflib.namespace import RDFS

    from dealgraph.ontology.namespace import ID

    stripped = [n.strip() for n in raw_names]
    assume(all(stripped) and len({s.casefold() for s in stripped}) == 4)
    with tempfile.TemporaryDirectory() as tmp:
        kg = load_kg(Path(tmp), dict(zip(DRAWN, raw_names, strict=True)))
    try:
        stored = {n: kg.nx().nodes[n]["name"] for n in DRAWN}
        assert stored == dict(zip(DRAWN, stripped, strict=True))
        check_graph_exports(kg, stored)
        for fmt, parser in RDF.items():
            g = Dataset(default_union=True)
            g.parse(data=kg.serialize(fmt), format=parser)
            for n, name in stored.items():
                labels = set(g.objects(URIRef(f"{ID}entity/{n}"), RDFS.label))
                assert Literal(name) in labels, (fmt, n, labels)
    finally:
        kg.close()


# -- response headers ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(mini_kg):
    from fastapi.testclient import TestClient

    from dealgraph.api.main import create_app

    return TestClient(create_app(mini_kg))


def _policy(header: str) -> dict[str, list[str]]:
    out = {}
    for part in header.split(";"):
        name, *values = part.split()
        out[name] = values
    return out


@needs_dot
def test_svg_response_has_a_scriptless_policy(client):
    r = client.get("/export/svg")
    assert r.status_code == 200 and r.headers["x-content-type-options"] == "nosniff"
    csp = _policy(r.headers["content-security-policy"])
    assert csp["default-src"] == ["'none'"] and "script-src" not in csp
    assert csp["style-src"] == ["'unsafe-inline'"] and csp["img-src"] == ["data:"]


def test_html_export_scripts_only_by_hash(client):
    import base64
    import hashlib

    r = client.get("/export/html")
    assert r.status_code == 200 and r.headers["x-content-type-options"] == "nosniff"
    header = r.headers["content-security-policy"]
    csp = _policy(header)
    assert csp["default-src"] == ["'none'"] and "'unsafe-inline'" not in csp["script-src"]
    assert csp["frame-ancestors"] == ["'none'"]
    inline = re.findall(r"<script>(.*?)</script>", r.text, flags=re.S)
    assert len(inline) == 2
    hashes = sorted(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'" for s in inline
    )
    assert sorted(csp["script-src"]) == hashes
    # the same policy travels inside the file, for when it is opened from disk
    meta = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', r.text)
    assert meta and html.unescape(meta[1]) in header
    assert r.text.index(meta[0]) < r.text.index("<script")


def test_sankey_response_allows_its_scripts_by_hash_only(client):
    """The Sankey page runs the vendored d3-sankey and its drawing, inline: each allowed by its
    hash, never 'unsafe-inline' or a source to fetch from."""
    r = client.get("/export/sankey")
    csp = _policy(r.headers["content-security-policy"])
    assert csp["default-src"] == ["'none'"]
    assert len(csp["script-src"]) == len(SANKEY_SCRIPTS)
    assert all(v.startswith("'sha256-") for v in csp["script-src"])
    assert "connect-src" not in csp  # nothing fetched
    assert r.headers["x-content-type-options"] == "nosniff"


def test_sankey_names_are_data(tmp_path):
    """Hostile entity names reach the Sankey page only inside its JSON block, as the names."""
    names = {"lab-a": "</script><script>alert(1)</script>", "bigco": "<!--<script>", "lab-b": "a\u2028b"}
    page = render(load_kg(tmp_path, names), "sankey")
    assert page.count("</script>") == len(SANKEY_SCRIPTS) + 1  # no name closed a script
    got = _sankey_data(page)["names"]
    assert {n: got[n] for n in names} == {n: expected(v) for n, v in names.items()}


@pytest.mark.parametrize("fmt", registry.export_names())
def test_every_export_is_nosniff(client, fmt):
    """Every registered format, a plugin's too, is served with nosniff and a policy."""
    if fmt in ("svg", "png") and DOT is None:
        pytest.skip("Graphviz's dot is not installed")
    r = client.get(f"/export/{fmt}")
    assert r.status_code == 200 and r.headers["x-content-type-options"] == "nosniff"
    assert _policy(r.headers["content-security-policy"])["default-src"] == ["'none'"]


def test_explorer_page_scripts_only_from_self(client):
    r = client.get("/")
    assert r.headers["x-content-type-options"] == "nosniff"
    csp = _policy(r.headers["content-security-policy"])
    assert csp["default-src"] == ["'none'"] and csp["script-src"] == ["'self'"]
    assert csp["connect-src"] == ["'self'"] and csp["frame-ancestors"] == ["'none'"]
    assert "<script>" not in r.text  # no inline script to allow
    for name in ("explorer.js", "cytoscape.min.js", "page.css", "legend.html"):
        a = client.get(f"/assets/{name}")
        assert a.status_code == 200 and a.headers["x-content-type-options"] == "nosniff"
    legend = _policy(client.get("/assets/legend.html").headers["content-security-policy"])
    assert legend["default-src"] == ["'none'"] and "script-src" not in legend
