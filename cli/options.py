"""The options every command shares, declared once: ``--data``, ``--store`` and ``--json``.

A command registered with :func:`command` takes them after its name (``dealgraph flows
--store oxigraph:PATH``), and reads ``DEALGRAPH_DATA`` and ``DEALGRAPH_STORE`` when they
are not given. Its function receives them as its first argument, a :class:`Shared`, which
opens the graph and prints a result as a table or as JSON::

    @command(app, "loops")
    def loops_cmd(opts: Shared, max_length: MaxLengthOpt = 4) -> None:
        opts.emit(vendor_financed_loops(opts.graph(), max_length=max_length), print_loops)

A command for which a shared option makes no sense says so, e.g. ``without=("json",)``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from .. import open_graph
from ..graph import KnowledgeGraph
from ..graph.money import parse_as_of
from ..graph.registry import store_help
from ..ontology.errors import DataError
from .output import console, fail, fail_with_problems, os_error, print_json, store_failed

__all__ = ["AsOfOpt", "Shared", "command", "live_help"]

R = TypeVar("R")


def live_help(info: Any, text: Callable[[], str]) -> Any:
    """``info`` (a typer Option or Argument) whose help is ``text()``, read each time the
    command line is built, so stores and formats registered by plugins are in it."""
    info.__class__ = type(
        f"Live{type(info).__name__}",
        (type(info),),
        {"help": property(lambda self: text(), lambda self, value: None)},
    )
    return info


def _store_help() -> str:
    return escape(store_help())  # rich markup: [/PATH] is text


DataOpt = Annotated[
    Path | None,
    typer.Option(
        "--data",
        envvar="DEALGRAPH_DATA",
        help="Data directory to load instead of the bundled data set.",
        exists=True,
        file_okay=False,
        dir_okay=True,
    ),
]
StoreOpt = Annotated[str, live_help(typer.Option("--store", envvar="DEALGRAPH_STORE"), _store_help)]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _as_of(value: str | None) -> str | None:
    try:
        return parse_as_of(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


def _known_at(value: str | None) -> str | None:
    try:
        return parse_as_of(value, "known-at")
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        callback=_as_of,
        help="Valid time: the deals as they stood on this date (YYYY-MM-DD); "
        "a deal's amounts count from its date.",
    ),
]
KnownAtOpt = Annotated[
    str | None,
    typer.Option(
        "--known-at",
        callback=_known_at,
        help="Knowledge time: only what documents published by this date (YYYY-MM-DD) said.",
    ),
]

_KEYWORD = inspect.Parameter.KEYWORD_ONLY
#: the shared options, by the name ``without`` knows them by
SHARED_OPTIONS = {
    "data": inspect.Parameter("data", _KEYWORD, default=None, annotation=DataOpt),
    "store": inspect.Parameter("store", _KEYWORD, default="memory", annotation=StoreOpt),
    "json": inspect.Parameter("as_json", _KEYWORD, default=False, annotation=JsonOpt),
}


@dataclass(frozen=True)
class Shared:
    """The shared options as one command line (or the environment) gave them."""

    data: Path | None = None
    store: str = "memory"
    as_json: bool = False

    def graph(self) -> KnowledgeGraph:
        """The graph in :attr:`store`, with :attr:`data` loaded (see :func:`dealgraph.open_graph`).

        A store that cannot be opened or a data set that does not validate ends the command
        with one line per problem.
        """
        try:
            return open_graph(self.data, store=self.store)
        except (OSError, ValueError) as exc:  # held by another process, unreachable, full, ...
            cause = os_error(exc)
            if cause is None:  # a bad --store
                fail(str(exc))
            store_failed(self.store, cause, "the store is as it was")
        except DataError as exc:
            fail_with_problems("Invalid data", exc)

    def emit(self, result: R, printer: Callable[[Console, R], object]) -> None:
        """Print ``result`` as JSON with ``--json``, else with ``printer`` (see :mod:`.format`)."""
        if self.as_json:
            print_json(result)
        else:
            printer(console, result)


def command(
    app: typer.Typer, name: str | None = None, *, without: Collection[str] = ()
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register the decorated function as command ``name`` of ``app``, with the shared options.

    The function takes a :class:`Shared` as its first argument and its own typer options and
    arguments after it; the command line shows its own first, then the shared ones (all but
    those named in ``without``: ``"data"``, ``"store"``, ``"json"``).
    """
    unknown = set(without) - set(SHARED_OPTIONS)
    if unknown:
        raise ValueError(f"unknown shared option(s) {sorted(unknown)}; choose from {list(SHARED_OPTIONS)}")
    shared = [p for key, p in SHARED_OPTIONS.items() if key not in without]

    def register(f: Callable[..., None]) -> Callable[..., None]:
        own = list(inspect.signature(f, eval_str=True).parameters.values())[1:]

        def run(
            *args: Any, data: Path | None = None, store: str = "memory", as_json: bool = False, **kw: Any
        ) -> None:
            f(Shared(data, store, as_json), *args, **kw)

        # typer reads the command line from the signature, the help from the docstring
        run.__signature__ = inspect.Signature([*own, *shared])  # type: ignore[attr-defined]
        run.__name__, run.__qualname__, run.__doc__ = f.__name__, f.__qualname__, f.__doc__
        app.command(name)(run)
        return f

    return register
