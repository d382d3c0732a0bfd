"""Property: hostile files through every loader give a clean load or a clear error.

Generated mutations of the mini data set (tests/fixtures/mini) as YAML, CSV, Turtle,
N-Triples, N-Quads, TriG and JSON-LD: bad types, huge numbers, control characters, broken
encodings, deep nesting, impossible dates, unknown ids, duplicate keys and lines. Each file
goes the way ``dealgraph load`` sends it into a store that already holds the mini data set
(in memory, and on disk in Oxigraph through the bulk loader). Either it loads, or it is
refused with a DataError whose every problem names one of the files and a line, never a
raw exception; and a refused load leaves the store exactly as it was.

Hypothesis runs derandomized, so CI sees the same examples on every run.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from dealgraph.cli.main import _load_into
from dealgraph.graph import KnowledgeGraph
from dealgraph.loaders import load_directory
from dealgraph.ontology.errors import DataError
from tests.conftest import FIXTURES

MINI = FIXTURES / "mini"
# DEALGRAPH_HOSTILE_SCALE=20 runs twenty times the examples, random ones (a hunt, not CI)
SCALE = int(os.environ.get("DEALGRAPH_HOSTILE_SCALE", "1"))


def examples(n: int) -> settings:
    # a hunt draws new examples each run and reports them unshrunk (faster)
    hunt = {"phases": [Phase.explicit, Phase.generate]} if SCALE > 1 else {}
    return settings(
        derandomize=SCALE == 1,
        deadline=None,
        database=None,
        max_examples=n * SCALE,
        suppress_health_check=list(HealthCheck),
        **hunt,
    )


# -- the valid inputs -----------------------------------------------------------------------

_GRAPH = load_directory(MINI).graph


def _quads(nt: str, graph: str) -> str:
    return "".join(line[:-2] + f" <{graph}> .\n" for line in nt.splitlines(keepends=True) if line.strip())


_NT = _GRAPH.serialize(format="nt")
_DATA_GRAPH = "https://w3id.org/dealgraph/id/graph/data"
RDF = {
    ".ttl": _GRAPH.serialize(format="turtle"),
    ".nt": _NT,
    ".nq": _quads(_NT, _DATA_GRAPH),
    ".trig": "@prefix dgid: <https://w3id.org/dealgraph/id/> .\n\ndgid:graph\\/data {\n" + _NT + "}\n",
    ".jsonld": _GRAPH.serialize(format="json-ld"),
}
YAML = {p.relative_to(MINI).as_posix(): p.read_text() for p in sorted(MINI.rglob("*.yaml"))}
CSV = {
    "deals.csv": "id,kind,payer,payee,status,date,amount,currency,bound,document,title,"
    "published,quote\n"
    "bigco-lab-b-2,equity-investment,bigco,lab-b,committed,2026-02-03,3000000000,"
    "USD,exact,doc-c.txt,Doc C,2026-02-04,BigCo puts $3 billion into Lab B\n"
    "lab-b-bigco-cloud,compute-commitment,lab-b,bigco-cloud,,2026-Q2,1000000000,"
    "USD,about,doc-c.txt,Doc C,2026-02-04,Lab B spends $1 billion on BigCo Cloud\n",
    "entities.csv": "id,type,name,aliases,roles,subsidiary_of\n"
    "lab-c,organization,Lab C,LC;Lab Cee,ai-lab,\n"
    "chip-y,chip,Chip Y,,,\n",
}

# -- mutations ------------------------------------------------------------------------------

HUGE = "1" + "0" * 400
NUMBERS = [
    "1e400",
    HUGE,
    "-1",
    "0",
    ".nan",
    "NaN",
    "Infinity",
    "-.inf",
    "1e16",
    "0x10",
    "1_0",
    "1.5e3",
    "\u0661\u0662",
    "9" * 5000,
    '"12"',
    "[]",
    "{}",
    "true",
    "~",
]
DATES = [
    "2026-02-30",
    "2026-13-01",
    "0000-00-00",
    "9999-99-99",
    "2026-02-30T25:61:00",
    "2026-Q5",
    "2026-H0",
    "20260101",
    "-2026-01-01",
    "2026-1-1",
]
IDS = [
    "lab-z",
    "LAB A",
    "lab-a\x00",
    "",
    "bigco--x",
    "a" * 300,
    "lab-a lab-b",
    "x:y",
    "../../etc/passwd",
    "<urn:x>",
    '"',
    "\\u0000",
]
SNIPPETS = [
    "\x00",
    "\x01",
    "\x1b[31m",
    "\x7f",
    "\u0085",
    "\u2028",
    "\ufeff",
    "\ud7ff",
    '"',
    "'",
    "{",
    "}",
    "[",
    "]",
    ":",
    "- ",
    "\n",
    "\r",
    "\t",
    "&a ",
    "*a ",
    "<<: *a",
    "!!python/object/apply:os.system ['true']",
    "!!binary ZZZ",
    "? [a, b]\n: c\n",
    "@prefix x: <urn:x> .",
    "_:b1",
    "<urn:x>",
    "\\u0000",
    "\\",
    "%YAML 9.9\n",
    '"@context": "http://127.0.0.1:9/x", ',
    "#",
    "\n---\n",
    "GRAPH <urn:g> {",
    '"\\uD800"',
    "'\\'",
]
BAD_BYTES = [b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xef\xbb\xbf", b"\x80"]
TOKENS = {
    "number": (re.compile(r"(?<![\w.-])\d[\d_]*(\.\d+)?(?![\w-])"), NUMBERS),
    "date": (re.compile(r"\d{4}-\d{2}(-\d{2})?"), DATES),
    "id": (re.compile(r"\b(bigco-cloud|bigco|lab-a|lab-b|chip-x|doc-a|doc-b)\b"), IDS),
}


@st.composite
def mutated(draw, text: str) -> bytes:
    """One to three hostile edits of ``text``, as the bytes of the file."""
    data = text.encode("utf-8")
    for _ in range(draw(st.integers(1, 3))):
        text = data.decode("utf-8", "surrogatepass") if _is_text(data) else None
        kind = draw(
            st.sampled_from(
                ["token", "token", "insert", "bytes", "delete", "duplicate", "nest"]
                if text is not None
                else ["bytes", "delete"]
            )
        )
        at = draw(st.integers(0, len(data)))
        if kind == "token":
            name = draw(st.sampled_from(sorted(TOKENS)))
            pattern, pool = TOKENS[name]
            found = list(pattern.finditer(text))
            if not found:
                continue
            m = draw(st.sampled_from(found))
            new = draw(st.sampled_from(pool))
            text = text[: m.start()] + new + text[m.end() :]
            data = text.encode("utf-8", "surrogatepass")
        elif kind == "insert":
            cut = draw(st.integers(0, len(text)))
            text = text[:cut] + draw(st.sampled_from(SNIPPETS)) + text[cut:]
            data = text.encode("utf-8", "surrogatepass")
        elif kind == "bytes":
            data = data[:at] + draw(st.sampled_from(BAD_BYTES)) + data[at:]
        elif kind == "delete":
            data = data[:at] + data[at + draw(st.integers(1, 40)) :]
        elif kind == "duplicate":
            lines = text.splitlines(keepends=True)
            i = draw(st.integers(0, max(0, len(lines) - 1)))
            lines.insert(i, lines[i] if lines else "")
            data = "".join(lines).encode("utf-8", "surrogatepass")
        else:  # nest
            n = draw(st.sampled_from([70, 400, 5000]))
            o, c = draw(st.sampled_from([("[", "]"), ("{", "}"), ("(", ")"), ("- ", "")]))
            cut = draw(st.integers(0, len(text)))
            text = text[:cut] + o * n + "x" + c * n + text[cut:]
            data = text.encode("utf-8", "surrogatepass")
    return data


def _is_text(data: bytes) -> bool:
    try:
        data.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return False
    return True


# Structured edits of YAML: a value anywhere replaced by one of the wrong type or size.
WRONG_VALUES = [
    None,
    True,
    10**400,
    -1,
    0,
    float("inf"),
    float("nan"),
    "",
    "\x00\x1b",
    [],
    {},
    "2026-02-30",
    "x" * 10_000,
    {"value": "2026-02-30", "inferred": "yes"},
    ["lab-z"],
    "lab-z",
    {"id": "lab-a"},
]


@st.composite
def yaml_edit(draw, text: str) -> bytes:
    doc = yaml.safe_load(text)
    node, key = doc, None  # the edit replaces node[key]
    for _ in range(draw(st.integers(1, 5))):
        keys = (
            list(node) if isinstance(node, dict) else list(range(len(node))) if isinstance(node, list) else []
        )
        if not keys:
            break
        key = draw(st.sampled_from(keys))
        child = node[key]
        if not isinstance(child, (dict, list)) or not child or draw(st.booleans()):
            break
        node, key = child, None
    value = draw(st.sampled_from([*WRONG_VALUES, "DEEP"]))
    if key is not None:
        node[key] = value
    if draw(st.booleans()) and isinstance(node, dict):  # a key the format does not know
        node["surplus"] = 1
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    n = draw(st.sampled_from([50, 3000]))  # a list nested n deep (too deep to dump)
    return text.replace("DEEP", "[" * n + "]" * n).encode("utf-8", "surrogatepass")


# -- the stores, each holding the mini data set -----------------------------------------------


class Stores:
    def __init__(self, root: Path, servers) -> None:
        self.root = root
        self.servers = servers
        self.kgs: dict[str, KnowledgeGraph] = {}

    def get(self, kind: str) -> KnowledgeGraph:
        if kind not in self.kgs:
            spec = (
                "memory"
                if kind == "memory"
                else f"oxigraph:{self.root / kind}"
                if kind == "oxigraph"
                else self.servers.clear("hostile")
            )
            kg = KnowledgeGraph(spec)
            kg.load(load_directory(MINI))
            self.kgs[kind] = kg
        return self.kgs[kind]

    def close(self) -> None:
        for kg in self.kgs.values():
            kg.close()


@pytest.fixture(scope="module")
def stores(tmp_path_factory, oxigraph_servers):
    pytest.importorskip("pyoxigraph")
    # rdflib logs each literal it cannot read (an impossible date) with its traceback, and
    # pytest keeps log records until the test ends: their frames would hold the Oxigraph
    # store open, so that the restore after a refused load could not reopen it
    term_log = logging.getLogger("rdflib.term")
    level = term_log.level
    term_log.setLevel(logging.ERROR)
    s = Stores(tmp_path_factory.mktemp("hostile-stores"), oxigraph_servers)
    yield s
    s.close()
    term_log.setLevel(level)


def _snapshot(kg: KnowledgeGraph) -> tuple[int, frozenset]:
    inner = getattr(kg._store, "inner", None)  # pyoxigraph itself: no rdflib in between
    quads = inner if inner is not None else kg.rdf
    return len(kg), frozenset(str(q) for q in quads)


def _load(kg: KnowledgeGraph, files: list[Path], own: set[str]) -> None:
    """Load ``files`` as ``dealgraph load`` does; a refusal must be a clear one."""
    before = _snapshot(kg)
    try:
        _load_into(kg, files)
    except DataError as exc:
        assert exc.problems
        for p in exc.problems:
            assert p.file in own, f"problem names no input file: {p}"
            assert isinstance(p.line, int) and p.line >= 1, f"problem names no line: {p}"
        assert _snapshot(kg) == before, "a refused load changed the store"


def _write(tmp: Path, files: dict[str, bytes]) -> list[Path]:
    out = []
    for name, data in files.items():
        p = tmp / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
        out.append(p)
    return out


# -- the properties -------------------------------------------------------------------------


STORE_KINDS = st.sampled_from(["memory", "oxigraph"])


@examples(80)
@given(data=st.data(), kind=STORE_KINDS)
def test_hostile_yaml(stores, data, kind):
    name = data.draw(st.sampled_from(sorted(YAML)), label="file")
    edit = data.draw(st.sampled_from([mutated, yaml_edit]), label="how")
    body = data.draw(edit(YAML[name]), label="contents")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "mini"
        shutil.copytree(MINI, root)
        (root / name).write_bytes(body)
        own = {str(p) for p in root.rglob("*.yaml")}
        _load(stores.get(kind), [root], own)


@examples(50)
@given(data=st.data(), kind=STORE_KINDS)
def test_hostile_csv(stores, data, kind):
    name = data.draw(st.sampled_from(sorted(CSV)), label="file")
    body = data.draw(mutated(CSV[name]), label="contents")
    with tempfile.TemporaryDirectory() as tmp:
        files = _write(Path(tmp), {**{k: v.encode() for k, v in CSV.items()}, name: body})
        _load(stores.get(kind), files, {str(f) for f in files})


@examples(120)
@given(data=st.data(), kind=STORE_KINDS)
def test_hostile_rdf(stores, data, kind):
    suffix = data.draw(st.sampled_from(sorted(RDF)), label="format")
    body = data.draw(mutated(RDF[suffix]), label="contents")
    with tempfile.TemporaryDirectory() as tmp:
        files = _write(Path(tmp), {f"data{suffix}": body})
        _load(stores.get(kind), files, {str(f) for f in files})


@examples(20)
@given(data=st.data())
def test_hostile_rdf_on_a_remote_store(stores, data):
    """Fewer examples (each goes over HTTP): the staging graph is dropped on refusal."""
    suffix = data.draw(st.sampled_from([".nt", ".ttl", ".nq", ".trig"]), label="format")
    body = data.draw(mutated(RDF[suffix]), label="contents")
    with tempfile.TemporaryDirectory() as tmp:
        files = _write(Path(tmp), {f"data{suffix}": body})
        _load(stores.get("remote"), files, {str(f) for f in files})


def test_the_unmutated_inputs_load(stores):
    """The base of every mutation is valid: the properties test the mutations."""
    with tempfile.TemporaryDirectory() as tmp:
        for kind in ("memory", "oxigraph"):
            for suffix, text in RDF.items():
                _load_into(stores.get(kind), _write(Path(tmp), {f"data{suffix}": text.encode()}))
            _load_into(stores.get(kind), _write(Path(tmp), {k: v.encode() for k, v in CSV.items()}))
