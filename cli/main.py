"""The ``dealgraph`` command line (typer + rich).

Human tables by default, ``--json`` for machines; every command takes ``--data DIR`` to
use another data directory instead of the bundled data set.
"""

from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..ontology.errors import DataError
from .format import money

app = typer.Typer(
    name="dealgraph",
    help="A knowledge graph of the money behind AI: investors, labs, clouds, chips, deals.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err = Console(stderr=True)

DataOpt = Annotated[
    Path | None,
    typer.Option(
        "--data",
        help="Data directory to load instead of the bundled data set.",
        exists=True,
        file_okay=False,
        dir_okay=True,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _live_help(info: Any, text: Any) -> Any:
    """``info`` (a typer Option or Argument) whose help is ``text()``, read each time the
    command line is built, so stores and formats registered by plugins are in it."""
    info.__class__ = type(
        f"Live{type(info).__name__}",
        (type(info),),
        {"help": property(lambda self: text(), lambda self, value: None)},
    )
    return info


def _store_help() -> str:
    from ..graph.registry import store_help

    return escape(store_help())  # rich markup: [/PATH] is text


def _format_help() -> str:
    from ..graph.registry import exports

    names = [f.name for f in exports()]
    return ", ".join(names[:-1]) + f" or {names[-1]}."


StoreOpt = Annotated[str, _live_help(typer.Option("--store", envvar="DEALGRAPH_STORE"), _store_help)]
AsOfOpt = Annotated[
    str | None, typer.Option("--as-of", help="Only what was known on this date (YYYY-MM-DD).")
]


def _load(data: Path | None, store: str = "memory"):
    from .. import open_graph

    try:
        return open_graph(data, store=store)
    except (OSError, ValueError) as exc:  # held by another process, unreachable, full, ...
        cause = _os_error(exc)
        if cause is None:  # a bad --store
            _fail(str(exc))
        _store_failed(store, cause, "the store is as it was")
    except DataError as exc:
        err.print(f"[bold red]Invalid data[/] ({len(exc.problems)} problem(s)):")
        for p in exc.problems:
            err.print(f"  {p}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None


def _print_json(obj: Any) -> None:
    """Print strict JSON: Infinity and NaN are not JSON, so they are an error, not output."""
    try:
        text = json.dumps(obj, indent=2, ensure_ascii=False, default=_jsonable, allow_nan=False)
    except ValueError:
        _fail(
            "the result holds a number that is not a finite number (Infinity or NaN); nothing printed", code=1
        )
    sys.stdout.write(text + "\n")


def _jsonable(o: Any) -> Any:
    """Typed results (pydantic models) as their JSON data, as the API serves them (JSON
    names: a path step's ``from``); anything else as text."""
    dump = getattr(o, "model_dump", None)
    return dump(mode="json", by_alias=True) if callable(dump) else str(o)


def _emit(result: Any, as_json: bool, printer: str, *args: Any) -> None:
    """Print ``result`` as JSON, or with the named printer of :mod:`dealgraph.cli.format`."""
    if as_json:
        _print_json(result)
        return
    from . import format as fmt

    getattr(fmt, printer)(console, result, *args)


def _os_error(exc: BaseException) -> OSError | None:
    """The OSError behind ``exc`` (rdflib's SPARQL client wraps them in ValueError)."""
    while exc is not None and not isinstance(exc, OSError):
        exc = exc.__cause__ or exc.__context__
    return exc


def _store_failed(
    store: str, exc: OSError, after: str = "nothing was loaded; the store is as it was"
) -> None:
    """One line saying why the store failed (nothing was changed), then exit 1."""
    import urllib.error

    if getattr(exc, "store_message", None):  # the store said it plainly
        why = str(exc)
    elif isinstance(exc, urllib.error.HTTPError):
        why = f"{store}: {exc}"
    elif isinstance(exc, urllib.error.URLError):
        why = f"{store}: {exc.reason}"
    else:
        why = f"{store}: {exc.strerror or exc}"
    why = " ".join(why.split())
    _fail(escape(f"{why} ({after})"), code=1)


def _fail(message: str, code: int = 2) -> None:
    err.print(f"[bold red]Error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


@app.command()
def validate(data: DataOpt = None, store: StoreOpt = "memory", as_json: JsonOpt = False) -> None:
    """Load and validate the data (pydantic models, references, SHACL shapes)."""
    kg = _load(data, store)
    from ..graph.stats import stats as _stats

    counts = _stats(kg)
    if as_json:
        _print_json({"valid": True, "counts": counts})
    else:
        console.print(
            f"[bold green]valid[/]: {counts['triples']} triples, "
            f"{counts['entities']} entities, {counts['deals']} deals, "
            f"{counts['observations']} observations, "
            f"{counts['relationships']} relationships, {counts['sources']} sources"
        )


@app.command()
def stats(data: DataOpt = None, store: StoreOpt = "memory", as_json: JsonOpt = False) -> None:
    """Counts by class."""
    from ..graph.stats import stats as _stats

    counts = _stats(_load(data, store))
    if as_json:
        _print_json(counts)
        return
    table = Table("what", "count", title="dealgraph")
    for k, v in counts.items():
        if isinstance(v, dict):
            for k2, v2 in v.items():
                table.add_row(f"{k}: {k2}", str(v2))
        else:
            table.add_row(k, str(v))
    console.print(table)


@app.command()
def entity(
    entity_id: Annotated[str, typer.Argument(metavar="ID", help="Entity id, e.g. aws.")],
    data: DataOpt = None,
    store: StoreOpt = "memory",
    as_json: JsonOpt = False,
) -> None:
    """The entity card: types, names, group, relationships, deals, observations, sources."""
    from ..graph import UnknownEntityError, entity_card

    kg = _load(data, store)
    try:
        card = entity_card(kg, entity_id)
    except UnknownEntityError as exc:
        _fail(str(exc))
    _emit(card, as_json, "print_card")


@app.command("sources")
def sources_cmd(data: DataOpt = None, store: StoreOpt = "memory", as_json: JsonOpt = False) -> None:
    """The source documents and the claims (ids and quotes) resting on each."""
    from ..graph import sources

    docs = sources(_load(data, store))
    if as_json:
        _print_json(docs)
        return
    table = Table("document", "published", "publisher", "title", "claims")
    for d in docs:
        pub = (d.published or "?") + (" (inferred)" if d.published_inferred else "")
        table.add_row(d.document, pub, d.publisher or "", d.title, str(len(d.claims)))
    console.print(table)


@app.command("flows")
def flows_cmd(
    payer: Annotated[str | None, typer.Option(help="Only flows from this entity.")] = None,
    payee: Annotated[str | None, typer.Option(help="Only flows to this entity.")] = None,
    kind: Annotated[
        str | None, typer.Option(help="Only deals of this kind (equity-investment, compute-commitment, ...).")
    ] = None,
    as_of: AsOfOpt = None,
    data: DataOpt = None,
    store: StoreOpt = "memory",
    as_json: JsonOpt = False,
) -> None:
    """Money flows (deals with a payer and a payee), largest first."""
    from ..graph import flows
    from ..ontology.vocab import DEAL_KINDS

    kg = _load(data, store)
    _entity_or_fail(kg, payer, payee)
    if kind and kind not in DEAL_KINDS:
        _fail(f"unknown kind {kind!r}; choose from {', '.join(DEAL_KINDS)}")
    result = flows(kg, payer=payer, payee=payee, kind=kind, as_of=_as_of_or_fail(as_of))
    if as_json:
        _print_json(result)
        return
    table = Table("deal", "payer → payee", "kind", "amount", "status", "date", "sources")
    for f in result:
        table.add_row(
            f.id,
            f"{f.payer} → {f.payee}",
            f.kind,
            money(f.amount, f.bound, f.rate) + (" ⚠ conflict" if f.conflict else ""),
            f.status or "",
            f.date or "",
            ", ".join(sorted({s.document[:3] for s in f.sources})),
        )
    console.print(table)


@app.command()
def query(
    sparql: Annotated[
        str, typer.Argument(metavar="SPARQL_OR_FILE", help="A SPARQL query, or a file holding one.")
    ],
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="table, json, csv, tsv, xml or turtle.")
    ] = "table",
    data: DataOpt = None,
    store: StoreOpt = "memory",
) -> None:
    """Run a SPARQL query (text, a file, or a named query) over the data.

    Named queries: flows-by-payer, two-sided-exposure, loops-two-hops, entity-relationships,
    conflicting-figures. Common prefixes are predeclared.
    """
    from ..graph.sparql import named_queries, run_query

    text = sparql
    if sparql in named_queries():
        text = named_queries()[sparql]
    elif not any(k in sparql.upper() for k in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")):
        path = Path(sparql)
        if not path.is_file():
            _fail(f"{sparql!r} is neither a SPARQL query nor a file")
        text = path.read_text(encoding="utf-8")
    kg = _load(data, store)
    try:
        out = run_query(kg, text, fmt)
    except ValueError as exc:
        _fail(str(exc))
    if isinstance(out, str):
        sys.stdout.write(out if out.endswith("\n") else out + "\n")
    else:
        table = Table(*out.header)
        for row in out.rows:
            table.add_row(*row)
        console.print(table)


@app.command()
def export(
    fmt: Annotated[str, _live_help(typer.Argument(metavar="FORMAT"), _format_help)],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write to this file.")] = None,
    with_ontology: Annotated[
        bool, typer.Option("--with-ontology", help="RDF formats: include the ontology.")
    ] = False,
    focus: Annotated[str | None, typer.Option(help="Graph formats: only around this entity.")] = None,
    depth: Annotated[int, typer.Option(min=1, max=6, help="Hops around --focus.")] = 1,
    kind: Annotated[
        str | None, typer.Option(help="Graph formats: only this deal or relationship kind.")
    ] = None,
    as_of: AsOfOpt = None,
    loops_only: Annotated[
        bool, typer.Option("--loops-only", help="Graph formats: only the deals of vendor-financed loops.")
    ] = False,
    data: DataOpt = None,
    store: StoreOpt = "memory",
) -> None:
    """Export the graph: RDF (provenance included) or a graph file for Gephi, Cytoscape, yEd,
    D3, Graphviz or Mermaid."""
    from ..graph.exports import render_bytes
    from ..graph.registry import export_format

    try:
        plugin = export_format(fmt)
    except ValueError as exc:
        _fail(str(exc))
    kg = _load(data, store)
    if "focus" in plugin.options:
        _entity_or_fail(kg, focus)
    try:
        body = render_bytes(
            kg,
            fmt,
            focus=focus,
            depth=depth,
            kind=kind,
            as_of=_as_of_or_fail(as_of),
            loops_only=loops_only,
            with_ontology=with_ontology,
        )
    except RuntimeError as exc:
        _fail(str(exc), code=1)
    if output:
        output.write_bytes(body)
        err.print(f"wrote {output}")
    elif plugin.binary:
        _fail(f"{plugin.name} is binary: write it to a file with -o FILE")
    else:
        sys.stdout.write(body.decode("utf-8"))


def _entity_or_fail(kg, *ids: str | None) -> None:
    from ..graph import UnknownEntityError

    for eid in ids:
        if eid and eid not in kg.nx():
            _fail(str(UnknownEntityError(eid, sorted(kg.nx().nodes))))


def _as_of_or_fail(as_of: str | None) -> str | None:
    from ..graph.flows import parse_as_of

    try:
        return parse_as_of(as_of)
    except ValueError as exc:
        _fail(str(exc))


@app.command("trace")
def trace_cmd(
    entity_id: Annotated[str, typer.Argument(metavar="ID")],
    depth: Annotated[int, typer.Option(min=1, max=10, help="Hops to follow.")] = 2,
    direction: Annotated[str, typer.Option(help="down (to payees) or up (to payers).")] = "down",
    as_of: AsOfOpt = None,
    data: DataOpt = None,
    store: StoreOpt = "memory",
    as_json: JsonOpt = False,
) -> None:
    """Follow money from an entity's group, hop by hop, with amounts."""
    from ..graph.trace import trace

    kg = _load(data, store)
    _entity_or_fail(kg, entity_id)
    if direction not in ("down", "up"):
        _fail("--direction must be 'down' or 'up'")
    result = trace(kg, entity_id, depth=depth, direction=direction, as_of=_as_of_or_fail(as_of))
    _emit(result, as_json, "print_trace")


@app.command("exposure")
def exposure_cmd(
    entity_id: Annotated[
        str | None, typer.Argument(metavar="[ID]", help="One organization; omit for every two-sided bet.")
    ] = None,
    as_of: AsOfOpt = None,
    data: DataOpt = None,
    store: StoreOpt = "memory",
    as_json: JsonOpt = False,
) -> None:
    """Two-sided bets: ties to labs that compete, per side and in total."""
    from ..graph.exposure import exposure, two_sided_bets

    kg = _load(data, store)
    _entity_or_fail(kg, entity_id)
    cut = _as_of_or_fail(as_of)
    result = exposure(kg, entity_id, as_of=cut) if entity_id else two_sided_bets(kg, as_of=cut)
    _emit(result, as_json, "print_exposures")


@app.command("loops")
def loops_cmd(
    max_length: Annotated[int, typer.Option(min=2, max=8, help="Most edges in a loop.")] = 4,
    as_of: AsOfOpt = None,
    data: DataOpt = None,
    store: StoreOpt = "memory",
    as_json: JsonOpt = False,
) -> None:
    """Vendor-financed loops: investments that come back to the investor's group."""
    from ..graph.loops import vendor_financed_loops

    result = vendor_financed_loops(_load(data, store), max_length=max_length, as_of=_as_of_or_fail(as_of))
    _emit(result, as_json, "print_loops")


@app.command("paths")
def paths_cmd(
    a: Annotated[str, typer.Argument(metavar="A")],
    b: Annotated[str, typer.Argument(metavar="B")],
    max_length: Annotated[int, typer.Option(min=1, max=6)] = 3,
    any_edge: Annotated[
        bool, typer.Option("--any", help="Follow structural edges too, in either direction.")
    ] = False,
    mode: Annotated[
        str,
        typer.Option(
            "--mode", help="money (money edges in their direction) or any (as --any), as in the API."
        ),
    ] = "money",
    as_of: AsOfOpt = None,
    data: DataOpt = None,
    store: StoreOpt = "memory",
    as_json: JsonOpt = False,
) -> None:
    """Paths from A to B (money edges in their direction, or any edge with --any)."""
    from ..graph.paths import paths

    if mode not in ("money", "any"):
        _fail(f"unknown mode {mode!r}; choose from money, any")
    kg = _load(data, store)
    _entity_or_fail(kg, a, b)
    result = paths(
        kg, a, b, max_length=max_length, mode="any" if any_edge else mode, as_of=_as_of_or_fail(as_of)
    )
    if as_json:
        _print_json(result)
        return
    for p in result:
        console.print(
            " → ".join(
                [p.steps[0].from_]
                + [
                    f"[{getattr(s, 'deal', None) or getattr(s, 'relationship', None) or s.kind}] {s.to}"
                    for s in p.steps
                ]
            ),
            markup=False,
            highlight=False,
        )
    if not result:
        console.print("no path")


@app.command("share")
def share_cmd(
    payer: Annotated[str, typer.Argument(metavar="PAYER")],
    payee: Annotated[str, typer.Argument(metavar="PAYEE")],
    as_of: AsOfOpt = None,
    data: DataOpt = None,
    store: StoreOpt = "memory",
    as_json: JsonOpt = False,
) -> None:
    """PAYEE's group's share of PAYER's total commitments (when a total is known)."""
    from ..graph.paths import share

    kg = _load(data, store)
    _entity_or_fail(kg, payer, payee)
    result = share(kg, payer, payee, as_of=_as_of_or_fail(as_of))
    if as_json:
        _print_json(result)
        return
    pct = "unknown (no total known)" if result.share is None else f"{result.share:.1%}"
    console.print(
        f"{payee} ({result.payee_group} group) gets {money(result.money.committed)}"
        f" of {payer}'s {money(result.total)} total commitments: {pct}"
    )


@app.command("conflicts")
def conflicts_cmd(
    as_of: AsOfOpt = None, data: DataOpt = None, store: StoreOpt = "memory", as_json: JsonOpt = False
) -> None:
    """Figures on which sources disagree, side by side with their sources."""
    from ..graph.conflicts import conflicts

    result = conflicts(_load(data, store), as_of=_as_of_or_fail(as_of))
    if as_json:
        _print_json(result)
        return
    for c in result:
        console.print(f"[bold]{c.what}[/] ({c.id})")
        for f in c.figures:
            console.print(f"  {money(f.value, f.bound)}  {f.document}: “{f.quote}”", highlight=False)


@app.command("report")
def report_cmd(
    as_of: AsOfOpt = None, data: DataOpt = None, store: StoreOpt = "memory", as_json: JsonOpt = False
) -> None:
    """A one-page briefing: biggest flows, loops, two-sided bets, conflicts, with sources."""
    from ..graph.report import build_report, render_report

    rep = build_report(_load(data, store), as_of=_as_of_or_fail(as_of))
    if as_json:
        _print_json(rep)
        return
    sys.stdout.write(render_report(rep))


def _load_into(kg, files: list[Path]) -> int:
    """Add ``files`` to ``kg``'s store by the fastest path that store has."""
    import tempfile

    from ..graph.stores import BULK_SUFFIXES
    from ..loaders import file_origins, load_files, write_ntriples

    bulk = [f for f in files if f.suffix in BULK_SUFFIXES and f.is_file()]
    if kg.store != "memory" and len(bulk) == len(files):
        # RDF files only: the store's bulk loader reads them
        return kg.load(files=bulk, origins=file_origins(bulk))
    if kg.store == "memory":
        return kg.load(load_files(files, known_entities=kg.entity_ids()))
    # YAML/CSV, checked record by record, written as N-Triples for the bulk loader (RDF
    # files among them are read too: the records may refer to entities they declare)
    with tempfile.TemporaryDirectory(prefix="dealgraph-load-") as tmp:
        nt = Path(tmp) / "batch.nt"
        with open(nt, "w", encoding="utf-8") as fh:
            origins = write_ntriples(files, fh, known_entities=kg.entity_ids())
        try:
            return kg.load(origins=origins, files=[nt])
        except DataError as exc:
            raise _blame_sources(exc, nt, origins) from None


def _blame_sources(exc: DataError, nt: Path, origins) -> DataError:
    """Problems the store found in the batch file, told at the user's file and line.

    (The store's parser is stricter than rdflib's in places, e.g. on IRIs: a line of the
    batch it refuses is traced back through the subject it describes.)
    """
    import re

    from ..ontology.errors import Problem

    lines: list[str] | None = None
    problems = []
    for p in exc.problems:
        if p.file == str(nt) and p.line is not None:
            if lines is None:
                lines = nt.read_text(encoding="utf-8", errors="replace").split("\n")
            text = lines[p.line - 1] if p.line <= len(lines) else ""
            m = re.match(r"\s*<([^>]*)>", text)
            file, line = origins.get(m.group(1), (None, None)) if m else (None, None)
            p = Problem(file, line, p.field, f"the store refused it: {p.message}")
        problems.append(p)
    return DataError(problems)


@app.command("load")
def load_cmd(
    files: Annotated[
        list[Path],
        typer.Argument(metavar="FILES...", help="Data directories, .yaml, .csv, .ttl, .nt or .jsonld files."),
    ],
    store: StoreOpt = "memory",
    as_json: JsonOpt = False,
) -> None:
    """Validate FILES and add them to the store, all or nothing.

    RDF files alone (.nt, .ttl, .nq, .trig) go through the store's bulk loader; the SHACL
    shapes are then checked inside the store, and a failed check (or a crash) leaves the
    store as it was.
    """
    from ..graph import KnowledgeGraph

    try:
        kg = KnowledgeGraph(store)
    except ValueError as exc:
        _fail(str(exc))
    except OSError as exc:  # held by another process, ...
        _store_failed(store, exc)
    failed = None
    try:
        before = len(kg)
        added = _load_into(kg, files)
        result = {"store": store, "triples_before": before, "triples": len(kg)}
    except DataError as exc:
        err.print(f"[bold red]Nothing loaded[/] ({len(exc.problems)} problem(s)):")
        for p in exc.problems:
            err.print(f"  {p}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    except (OSError, ValueError) as exc:  # a full disk, a lost server: the load was undone
        failed = _os_error(exc)
        if failed is None:
            raise
        traceback.clear_frames(exc.__traceback__)  # they would hold the store open
    finally:
        try:
            kg.close()
        except Exception:  # noqa: S110 - the error that brought us here is the one to tell
            pass
        del kg
    if failed is not None:
        _store_failed(store, failed)
    result["added"] = added
    if as_json:
        _print_json(result)
    else:
        console.print(f"loaded {added} new triples into {store} ({result['triples']} in all)")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    data: DataOpt = None,
    store: StoreOpt = "memory",
) -> None:
    """Serve the HTTP API and SPARQL endpoint (settings: DEALGRAPH_* environment variables)."""
    import uvicorn

    from ..api.main import create_app
    from ..api.settings import Settings

    settings = Settings().model_copy(update={"store": store})
    if data is not None:
        settings = settings.model_copy(update={"data": data})
    kg = _load(settings.data, settings.store)
    err.print(
        f"dealgraph: serving {len(kg)} triples on http://{host}:{port} (SPARQL at /sparql, OpenAPI at /docs)"
    )
    # h11 bounds the request head (httptools would buffer a header of any size)
    uvicorn.run(
        create_app(kg, settings),
        host=host,
        port=port,
        log_level="warning",
        http="h11",
        h11_max_incomplete_event_size=settings.max_header_bytes,
    )


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
