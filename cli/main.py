"""The ``dealgraph`` command line (typer + rich).

Human tables by default, ``--json`` for machines. Every command takes ``--store`` and (but
``load``) ``--data DIR`` to use another data directory instead of the bundled data set, or
reads them from ``DEALGRAPH_STORE`` and ``DEALGRAPH_DATA``: see :mod:`.options`.
"""

from __future__ import annotations

import re
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Annotated, Literal

import typer
import yaml

from .. import bundled_data_dir
from ..graph import KnowledgeGraph, UnknownEntityError, entity_card, flows, sources
from ..graph.cards import DealNotOnDatesError, UnknownDealError, deal_card
from ..graph.conflicts import conflicts
from ..graph.exports import render_bytes
from ..graph.exposure import exposure, two_sided_bets
from ..graph.loops import vendor_financed_loops
from ..graph.paths import paths, share
from ..graph.registry import export_format, export_names
from ..graph.report import build_report
from ..graph.sparql import FORMATS, named_queries, run_query
from ..graph.stats import stats
from ..graph.stores import BULK_SUFFIXES
from ..graph.trace import trace
from ..loaders import LoadedData, file_origins, load_directory, load_files, write_ntriples
from ..loaders.dedupe import REVIEW_AT, candidates
from ..loaders.dedupe import warnings as duplicate_warnings
from ..loaders.draft import write_draft
from ..loaders.verify import verify_dataset
from ..ontology.errors import DataError, Problem
from ..ontology.vocab import DEAL_KINDS
from .format import (
    print_candidates,
    print_card,
    print_conflicts,
    print_deal,
    print_drafted,
    print_exposures,
    print_flows,
    print_loaded,
    print_loops,
    print_paths,
    print_report,
    print_rows,
    print_share,
    print_sources,
    print_stats,
    print_trace,
    print_validation,
)
from .options import AsOfOpt, KnownAtOpt, Shared, command, live_help
from .output import console, err, fail, fail_with_problems, os_error, store_failed
from .plugins import mount_analytics

#: ``--include-announced`` of the commands that total money (see dealgraph.graph.money)
IncludeAnnouncedOpt = Annotated[
    bool,
    typer.Option(
        "--include-announced",
        help="Count announced (not yet committed) money as committed; by default it is kept apart.",
    ),
]

app = typer.Typer(
    name="dealgraph",
    help="A knowledge graph of the money behind AI: investors, labs, clouds, chips, deals.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _one_of(names: list[str] | tuple[str, ...]) -> str:
    return ", ".join(names[:-1]) + f" or {names[-1]}."


def _require(kg: KnowledgeGraph, *entity_ids: str | None) -> None:
    """End the command (exit 2, with close matches) if an id given is not in the graph."""
    try:
        kg.require_entity(*[e for e in entity_ids if e])
    except UnknownEntityError as exc:
        fail(str(exc))


def _validated(opts: Shared) -> tuple[KnowledgeGraph, LoadedData]:
    """The graph (as :meth:`Shared.graph` opens it) and the data directory's records, read
    once: validate and duplicates check them without parsing the files again."""
    try:
        loaded = load_directory(opts.data or bundled_data_dir())
    except DataError as exc:
        fail_with_problems("Invalid data", exc)
    kg = _open_store(opts.store)
    if opts.data is not None or kg.is_empty():  # as open_graph: a store holding data is used as is
        try:
            kg.load(loaded)
        except DataError as exc:
            fail_with_problems("Invalid data", exc)
    return kg, loaded


@command(app, "validate")
def validate_cmd(opts: Shared) -> None:
    """Load and validate the data (pydantic models, references, SHACL shapes), and check every
    quote against its document and every figure against its quote."""
    kg, loaded = _validated(opts)
    data_dir = opts.data or bundled_data_dir()
    for problem in duplicate_warnings(data_dir, loaded.dataset):  # warnings: a reviewer decides
        err.print(f"warning: {problem}", markup=False, highlight=False, soft_wrap=True)
    report = verify_dataset(data_dir, loaded.dataset)
    try:
        report.raise_for_problems()
    except DataError as exc:
        fail_with_problems("Quotes or figures do not match their documents", exc)
    verified = {
        "quotes_checked": report.quotes_checked,
        "figures_checked": report.figures_checked,
        "quotes_unverified": report.quotes_unverified,
        "unverified_files": report.unverified,
        "summary": report.summary(),
    }
    opts.emit({"valid": True, "counts": stats(kg), "verified": verified}, print_validation)


@command(app, "deal")
def deal_cmd(
    opts: Shared,
    deal_id: Annotated[str, typer.Argument(help="The deal's id.")],
    as_of: AsOfOpt = None,
    known_at: KnownAtOpt = None,
) -> None:
    """One deal with every amount claim side by side, its tranches and all its evidence."""
    try:
        card = deal_card(opts.graph().scoped_deals([deal_id]), deal_id, as_of=as_of, known_at=known_at)
    except (UnknownDealError, DealNotOnDatesError) as exc:
        fail(str(exc))
    opts.emit(card, print_deal)


@command(app, "duplicates", without=("store",))  # reads the data files, not a store
def duplicates_cmd(
    opts: Shared,
    minimum: Annotated[float, typer.Option(min=0, max=1, help="Lowest score listed.")] = REVIEW_AT,
) -> None:
    """Deals that look like one another, for review (record a judgement in judgements.yaml)."""
    _, loaded = _validated(opts)  # the data set must validate first (a bad file is named as usual)
    found = candidates(opts.data or bundled_data_dir(), minimum=minimum, dataset=loaded.dataset)
    opts.emit(found, print_candidates)


@command(app, "stats")
def stats_cmd(opts: Shared) -> None:
    """Counts by class."""
    opts.emit(stats(opts.graph()), print_stats)


@command(app, "entity")
def entity_cmd(
    opts: Shared,
    entity_id: Annotated[str, typer.Argument(metavar="ID", help="Entity id, e.g. aws.")],
    as_of: AsOfOpt = None,
    known_at: KnownAtOpt = None,
) -> None:
    """The entity card: types, names, group, relationships, deals, observations, sources."""
    kg = opts.graph().scoped([entity_id])
    _require(kg, entity_id)
    opts.emit(entity_card(kg, entity_id, as_of=as_of, known_at=known_at), print_card)


@command(app, "sources")
def sources_cmd(opts: Shared) -> None:
    """The source documents and the claims (ids and quotes) resting on each."""
    opts.emit(sources(opts.graph()), print_sources)


@command(app, "flows")
def flows_cmd(
    opts: Shared,
    payer: Annotated[str | None, typer.Option(help="Only flows from this entity.")] = None,
    payee: Annotated[str | None, typer.Option(help="Only flows to this entity.")] = None,
    kind: Annotated[
        str | None, typer.Option(help="Only deals of this kind (equity-investment, compute-commitment, ...).")
    ] = None,
    as_of: AsOfOpt = None,
    known_at: KnownAtOpt = None,
) -> None:
    """Money flows (deals with a payer and a payee), largest first."""
    kg = opts.graph()
    ends = [e for e in (payer, payee) if e]
    kg = kg.scoped(ends) if ends else kg  # one entity's flows: its neighbourhood only
    _require(kg, payer, payee)
    if kind and kind not in DEAL_KINDS:
        fail(f"unknown kind {kind!r}; choose from {', '.join(DEAL_KINDS)}")
    opts.emit(flows(kg, payer=payer, payee=payee, kind=kind, as_of=as_of, known_at=known_at), print_flows)


@command(app, "query", without=("json",))
def query_cmd(
    opts: Shared,
    sparql: Annotated[
        str, typer.Argument(metavar="SPARQL_OR_FILE", help="A SPARQL query, or a file holding one.")
    ],
    fmt: Annotated[str, typer.Option("--format", "-f", help=_one_of(FORMATS))] = "table",
) -> None:
    """Run a SPARQL query (text, a file, or a named query) over the data.

    Named queries: flows-by-payer, two-sided-exposure, loops-two-hops, entity-relationships,
    conflicting-figures. Common prefixes are predeclared.
    """
    text = sparql
    if sparql in named_queries():
        text = named_queries()[sparql]
    elif not any(k in sparql.upper() for k in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")):
        path = Path(sparql)
        if not path.is_file():
            fail(f"{sparql!r} is neither a SPARQL query nor a file")
        text = path.read_text(encoding="utf-8")
    kg = opts.graph()
    try:
        out = run_query(kg, text, fmt)
    except ValueError as exc:
        fail(str(exc))
    if isinstance(out, str):
        sys.stdout.write(out if out.endswith("\n") else out + "\n")
    else:
        print_rows(console, out)


@command(app, "export", without=("json",))
def export_cmd(
    opts: Shared,
    fmt: Annotated[str, live_help(typer.Argument(metavar="FORMAT"), lambda: _one_of(export_names()))],
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
    known_at: KnownAtOpt = None,
    loops_only: Annotated[
        bool, typer.Option("--loops-only", help="Graph formats: only the deals of vendor-financed loops.")
    ] = False,
    connected_only: Annotated[
        bool,
        typer.Option(
            "--connected-only",
            help="Graph files: leave out the entities without a deal or relationship "
            "(by default every entity is in).",
        ),
    ] = False,
) -> None:
    """Export the graph: RDF (provenance included) or a graph file for Gephi, Cytoscape, yEd,
    D3, Graphviz or Mermaid."""
    try:
        plugin = export_format(fmt)
    except ValueError as exc:
        fail(str(exc))
    kg = opts.graph()
    if "focus" in plugin.options:
        _require(kg, focus)
    try:
        body = render_bytes(
            kg,
            fmt,
            focus=focus,
            depth=depth,
            kind=kind,
            as_of=as_of,
            known_at=known_at,
            loops_only=loops_only,
            connected_only=connected_only,
            with_ontology=with_ontology,
        )
    except RuntimeError as exc:
        fail(str(exc), code=1)
    if output:
        output.write_bytes(body)
        err.print(f"wrote {output}")
    elif plugin.binary:
        fail(f"{plugin.name} is binary: write it to a file with -o FILE")
    else:
        sys.stdout.write(body.decode("utf-8"))


@command(app, "trace")
def trace_cmd(
    opts: Shared,
    entity_id: Annotated[str, typer.Argument(metavar="ID")],
    depth: Annotated[int, typer.Option(min=1, max=10, help="Hops to follow.")] = 2,
    direction: Annotated[
        Literal["down", "up"], typer.Option(help="down (to payees) or up (to payers).")
    ] = "down",
    as_of: AsOfOpt = None,
    known_at: KnownAtOpt = None,
    include_announced: IncludeAnnouncedOpt = False,
) -> None:
    """Follow money from an entity's group, hop by hop, with amounts."""
    kg = opts.graph().scoped([entity_id], hops=depth - 1, direction="out" if direction == "down" else "in")
    _require(kg, entity_id)
    opts.emit(trace(kg, entity_id, depth, direction, as_of, known_at, include_announced), print_trace)


@command(app, "exposure")
def exposure_cmd(
    opts: Shared,
    entity_id: Annotated[
        str | None, typer.Argument(metavar="[ID]", help="One organization; omit for every two-sided bet.")
    ] = None,
    as_of: AsOfOpt = None,
    known_at: KnownAtOpt = None,
    include_announced: IncludeAnnouncedOpt = False,
) -> None:
    """Two-sided bets: ties to labs that compete, per side and in total."""
    kg = opts.graph()
    kg = kg.scoped([entity_id], rivals=True) if entity_id else kg
    _require(kg, entity_id)
    result = (
        exposure(kg, entity_id, as_of=as_of, known_at=known_at, include_announced=include_announced)
        if entity_id
        else two_sided_bets(kg, as_of=as_of, known_at=known_at, include_announced=include_announced)
    )
    opts.emit(result, print_exposures)


@command(app, "loops")
def loops_cmd(
    opts: Shared,
    max_length: Annotated[int, typer.Option(min=2, max=8, help="Most edges in a loop.")] = 4,
    as_of: AsOfOpt = None,
    known_at: KnownAtOpt = None,
    include_announced: IncludeAnnouncedOpt = False,
) -> None:
    """Vendor-financed loops: investments that come back to the investor's group."""
    opts.emit(
        vendor_financed_loops(
            opts.graph(),
            max_length=max_length,
            as_of=as_of,
            known_at=known_at,
            include_announced=include_announced,
        ),
        print_loops,
    )


@command(app, "paths")
def paths_cmd(
    opts: Shared,
    a: Annotated[str, typer.Argument(metavar="A")],
    b: Annotated[str, typer.Argument(metavar="B")],
    max_length: Annotated[int, typer.Option(min=1, max=6)] = 3,
    any_edge: Annotated[
        bool, typer.Option("--any", help="Follow structural edges too, in either direction.")
    ] = False,
    mode: Annotated[
        Literal["money", "any"],
        typer.Option(
            "--mode", help="money (money edges in their direction) or any (as --any), as in the API."
        ),
    ] = "money",
    as_of: AsOfOpt = None,
    known_at: KnownAtOpt = None,
) -> None:
    """Paths from A to B (money edges in their direction, or any edge with --any)."""
    kg = opts.graph().scoped_paths(a, b, max_length, any_edge or mode == "any")
    _require(kg, a, b)
    result = paths(
        kg, a, b, max_length=max_length, mode="any" if any_edge else mode, as_of=as_of, known_at=known_at
    )
    opts.emit(result, print_paths)


@command(app, "share")
def share_cmd(
    opts: Shared,
    payer: Annotated[str, typer.Argument(metavar="PAYER")],
    payee: Annotated[str, typer.Argument(metavar="PAYEE")],
    as_of: AsOfOpt = None,
    known_at: KnownAtOpt = None,
    include_announced: IncludeAnnouncedOpt = False,
) -> None:
    """PAYEE's group's share of PAYER's total commitments (when a total is known)."""
    kg = opts.graph().scoped([payer, payee])
    _require(kg, payer, payee)
    result = share(kg, payer, payee, as_of=as_of, known_at=known_at, include_announced=include_announced)
    opts.emit(result, print_share)


@command(app, "conflicts")
def conflicts_cmd(opts: Shared, as_of: AsOfOpt = None, known_at: KnownAtOpt = None) -> None:
    """Figures on which sources disagree, side by side with their sources."""
    opts.emit(conflicts(opts.graph(), as_of=as_of, known_at=known_at), print_conflicts)


@command(app, "report")
def report_cmd(
    opts: Shared,
    as_of: AsOfOpt = None,
    known_at: KnownAtOpt = None,
    include_announced: IncludeAnnouncedOpt = False,
) -> None:
    """A one-page briefing: biggest flows, loops, two-sided bets, conflicts, with sources."""
    rep = build_report(opts.graph(), as_of=as_of, known_at=known_at, include_announced=include_announced)
    opts.emit(rep, print_report)


def _load_into(kg: KnowledgeGraph, files: list[Path]) -> int:
    """Add ``files`` to ``kg``'s store by the fastest path that store has."""
    paths: list[str | Path] = list(files)
    bulk: list[str | Path] = [f for f in files if f.suffix in BULK_SUFFIXES and f.is_file()]
    if kg.bulk_files and len(bulk) == len(files):
        # RDF files only: the store's bulk loader reads them
        return kg.load(files=bulk, origins=file_origins(bulk))
    if not kg.bulk_files:
        return kg.load(load_files(paths, known_entities=kg.entity_ids()))
    # YAML/CSV, checked record by record, written as N-Triples for the bulk loader (RDF
    # files among them are read too: the records may refer to entities they declare)
    with tempfile.TemporaryDirectory(prefix="dealgraph-load-") as tmp:
        nt = Path(tmp) / "batch.nt"
        with open(nt, "w", encoding="utf-8") as fh:
            origins = write_ntriples(paths, fh, known_entities=kg.entity_ids())
        try:
            return kg.load(origins=origins, files=[nt])
        except DataError as exc:
            raise _blame_sources(exc, nt, origins) from None


def _blame_sources(exc: DataError, nt: Path, origins: dict[str, tuple[str, int | None]]) -> DataError:
    """Problems the store found in the batch file, told at the user's file and line.

    (The store's parser is stricter than rdflib's in places, e.g. on IRIs: a line of the
    batch it refuses is traced back through the subject it describes.)
    """
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


def _open_store(store: str) -> KnowledgeGraph:
    """The graph in ``store`` as it is (nothing loaded); a store that cannot open ends the command."""
    try:
        return KnowledgeGraph(store)
    except ValueError as exc:
        fail(str(exc))
    except OSError as exc:  # held by another process, ...
        store_failed(store, exc)


@command(app, "load", without=("data",))  # the FILES are the data
def load_cmd(
    opts: Shared,
    files: Annotated[
        list[Path],
        typer.Argument(metavar="FILES...", help="Data directories, .yaml, .csv, .ttl, .nt or .jsonld files."),
    ],
) -> None:
    """Validate FILES and add them to the store, all or nothing.

    RDF files alone (.nt, .ttl, .nq, .trig) go through the store's bulk loader; the SHACL
    shapes are then checked inside the store, and a failed check (or a crash) leaves the
    store as it was.
    """
    kg = _open_store(opts.store)
    failed = None
    try:
        before = len(kg)
        added = _load_into(kg, files)
        result = {"store": opts.store, "triples_before": before, "triples": len(kg), "added": added}
    except DataError as exc:
        fail_with_problems("Nothing loaded", exc)
    except (OSError, ValueError) as exc:  # a full disk, a lost server: the load was undone
        failed = os_error(exc)
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
        store_failed(opts.store, failed)
    opts.emit(result, print_loaded)


@command(app, "new-source", without=("store",))  # writes files; no store is read
def new_source_cmd(
    opts: Shared,
    document: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="The document's text.")],
    title: Annotated[str | None, typer.Option(help="Title (default: read from the text).")] = None,
    publisher: Annotated[str | None, typer.Option(help="Who published it.")] = None,
    url: Annotated[str | None, typer.Option(help="Where it was found.")] = None,
    published: Annotated[str | None, typer.Option(help="When it was published (YYYY-MM-DD).")] = None,
    force: Annotated[bool, typer.Option(help="Replace a source file of the same name.")] = False,
) -> None:
    """Draft a source file for DOCUMENT in the data set given by --data, for review.

    The document is copied into DATA/sources and a draft source file written next to it: its
    metadata, and one stub per sentence that carries a figure or names a known entity, with
    the verbatim quote, the parsed figures and the candidate entities. Nothing is accepted:
    `validate` refuses the file until each stub is moved into deals, observations or
    relationships and `drafts:` is deleted.
    """
    if opts.data is None:
        fail("give the data set to add the document to: --data DIR (or DEALGRAPH_DATA)")
    meta = {"title": title, "publisher": publisher, "url": url, "published": published}
    try:
        written = write_draft(document, opts.data, force=force, **meta)
    except DataError as exc:
        fail_with_problems("Nothing written", exc)
    stubs = len((yaml.safe_load(written.read_text(encoding="utf-8")) or {}).get("drafts") or [])
    opts.emit({"written": str(written), "stubs": stubs}, print_drafted)


@command(app, "serve", without=("json",))
def serve_cmd(
    opts: Shared,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    cors_origin: Annotated[
        list[str] | None,
        typer.Option(
            "--cors-origin",
            metavar="ORIGIN",
            help="A web origin whose pages may query this server (CORS); repeat for more, "
            "'*' for any (the default: DEALGRAPH_CORS_ORIGINS or '*').",
        ),
    ] = None,
) -> None:
    """Serve the HTTP API and SPARQL endpoint (settings: DEALGRAPH_* environment variables)."""
    # imported here, not at the top: the web stack would slow every other command's start
    import uvicorn

    from ..api.main import create_app
    from ..api.settings import Settings

    settings = Settings().model_copy(update={"store": opts.store})
    if opts.data is not None:
        settings = settings.model_copy(update={"data": opts.data})
    if cors_origin:
        settings = settings.model_copy(update={"cors_origins": ",".join(cors_origin)})
    kg = Shared(settings.data, settings.store).graph()
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


from . import diff as _diff  # noqa: E402, F401 - registers `dealgraph diff` on app (cli/diff.py)

# one command per registered analytic (graph.registry.Analytic) not written out above
mount_analytics(app, {c.name for c in app.registered_commands if c.name})


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
