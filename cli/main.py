"""The ``dealgraph`` command line (typer + rich).

Human tables by default, ``--json`` for machines; every command takes ``--data DIR`` to
use another data directory instead of the bundled data set.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from dealgraph.cli.format import money
from dealgraph.ontology.errors import DataError
from rich.console import Console
from rich.table import Table

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
    typer.Option("--data", help="Data directory to load instead of the bundled data set.",
                 exists=True, file_okay=False, dir_okay=True),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
AsOfOpt = Annotated[str | None, typer.Option("--as-of", help="Only what was known on this date "
                                                             "(YYYY-MM-DD).")]


def _load(data: Path | None):
    from dealgraph import open_graph

    try:
        return open_graph(data)
    except DataError as exc:
        err.print(f"[bold red]Invalid data[/] ({len(exc.problems)} problem(s)):")
        for p in exc.problems:
            err.print(f"  {p}", markup=False, highlight=False)
        raise typer.Exit(1) from None


def _print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, indent=2, ensure_ascii=False, default=str) + "\n")


def _fail(message: str, code: int = 2) -> None:
    err.print(f"[bold red]Error:[/] {message}", highlight=False)
    raise typer.Exit(code)


@app.command()
def validate(data: DataOpt = None, as_json: JsonOpt = False) -> None:
    """Load and validate the data (pydantic models, references, SHACL shapes)."""
    kg = _load(data)
    from dealgraph.graph.stats import stats as _stats

    counts = _stats(kg)
    if as_json:
        _print_json({"valid": True, "counts": counts})
    else:
        console.print(f"[bold green]valid[/]: {counts['triples']} triples, "
                      f"{counts['entities']} entities, {counts['deals']} deals, "
                      f"{counts['observations']} observations, "
                      f"{counts['relationships']} relationships, {counts['sources']} sources")


@app.command()
def stats(data: DataOpt = None, as_json: JsonOpt = False) -> None:
    """Counts by class."""
    from dealgraph.graph.stats import stats as _stats

    counts = _stats(_load(data))
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
    as_json: JsonOpt = False,
) -> None:
    """The entity card: types, names, group, relationships, deals, observations, sources."""
    from dealgraph.graph import UnknownEntityError, entity_card

    kg = _load(data)
    try:
        card = entity_card(kg, entity_id)
    except UnknownEntityError as exc:
        _fail(str(exc))
    if as_json:
        _print_json(card)
        return
    from dealgraph.cli.format import print_card

    print_card(console, card)


@app.command("sources")
def sources_cmd(data: DataOpt = None, as_json: JsonOpt = False) -> None:
    """The source documents and the claims (ids and quotes) resting on each."""
    from dealgraph.graph import sources

    docs = sources(_load(data))
    if as_json:
        _print_json(docs)
        return
    table = Table("document", "published", "publisher", "title", "claims")
    for d in docs:
        pub = (d["published"] or "?") + (" (inferred)" if d["published_inferred"] else "")
        table.add_row(d["document"], pub, d["publisher"] or "", d["title"], str(len(d["claims"])))
    console.print(table)


@app.command("flows")
def flows_cmd(
    payer: Annotated[str | None, typer.Option(help="Only flows from this entity.")] = None,
    payee: Annotated[str | None, typer.Option(help="Only flows to this entity.")] = None,
    kind: Annotated[str | None, typer.Option(help="Only deals of this kind "
                                                  "(equity-investment, compute-commitment, ...).")
                    ] = None,
    as_of: AsOfOpt = None,
    data: DataOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Money flows (deals with a payer and a payee), largest first."""
    from dealgraph.graph import UnknownEntityError, flows
    from dealgraph.ontology.vocab import DEAL_KINDS

    kg = _load(data)
    for eid in (payer, payee):
        if eid and eid not in kg.nx():
            _fail(str(UnknownEntityError(eid, sorted(kg.nx().nodes))))
    if kind and kind not in DEAL_KINDS:
        _fail(f"unknown kind {kind!r}; choose from {', '.join(DEAL_KINDS)}")
    try:
        result = flows(kg, payer=payer, payee=payee, kind=kind, as_of=as_of)
    except ValueError as exc:
        _fail(str(exc))
    if as_json:
        _print_json(result)
        return
    table = Table("deal", "payer → payee", "kind", "amount", "status", "date", "sources")
    for f in result:
        table.add_row(f["id"], f"{f['payer']} → {f['payee']}", f["kind"],
                      money(f["amount"], f["bound"], f["rate"]) + (" ⚠ conflict" if f["conflict"]
                                                                  else ""),
                      f["status"] or "", f["date"] or "",
                      ", ".join(sorted({s["document"][:3] for s in f["sources"]})))
    console.print(table)


@app.command()
def query(
    sparql: Annotated[str, typer.Argument(metavar="SPARQL_OR_FILE",
                                          help="A SPARQL query, or a file holding one.")],
    fmt: Annotated[str, typer.Option("--format", "-f",
                                     help="table, json, csv, tsv, xml or turtle.")] = "table",
    data: DataOpt = None,
) -> None:
    """Run a SPARQL query over the data (common prefixes are predeclared)."""
    from dealgraph.graph.sparql import run_query

    text = sparql
    if not any(k in sparql.upper() for k in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")):
        path = Path(sparql)
        if not path.is_file():
            _fail(f"{sparql!r} is neither a SPARQL query nor a file")
        text = path.read_text(encoding="utf-8")
    kg = _load(data)
    try:
        out = run_query(kg, text, fmt)
    except ValueError as exc:
        _fail(str(exc))
    if isinstance(out, str):
        sys.stdout.write(out if out.endswith("\n") else out + "\n")
    else:
        console.print(out)


@app.command()
def export(
    fmt: Annotated[str, typer.Argument(metavar="FORMAT", help="turtle, jsonld, ntriples or trig.")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write to this file.")
                      ] = None,
    with_ontology: Annotated[bool, typer.Option("--with-ontology",
                                                help="Include the ontology.")] = False,
    data: DataOpt = None,
) -> None:
    """Export the graph as RDF, provenance included."""
    from dealgraph.graph.export_rdf import RDF_FORMATS

    if fmt not in RDF_FORMATS:
        _fail(f"unknown format {fmt!r}; choose from {', '.join(sorted(RDF_FORMATS))}")
    text = _load(data).serialize(fmt, with_ontology=with_ontology)
    if output:
        output.write_text(text, encoding="utf-8")
        err.print(f"wrote {output}")
    else:
        sys.stdout.write(text)


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
