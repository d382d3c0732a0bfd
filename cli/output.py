"""Where the CLI writes: the consoles, strict JSON, and the one-line errors that end a command.

Results go to stdout (:data:`console`, :func:`print_json`); errors and notes to stderr
(:data:`err`). :func:`fail` ends a command with a usage error (exit 2) or a failure (exit 1).
"""

from __future__ import annotations

import json
import sys
import urllib.error
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from ..ontology.errors import DataError

__all__ = ["console", "err", "fail", "fail_with_problems", "os_error", "print_json", "store_failed"]

console = Console()
err = Console(stderr=True)


def print_json(obj: Any) -> None:
    """Print strict JSON: Infinity and NaN are not JSON, so they are an error, not output."""
    try:
        text = json.dumps(obj, indent=2, ensure_ascii=False, default=_jsonable, allow_nan=False)
    except ValueError:
        fail(
            "the result holds a number that is not a finite number (Infinity or NaN); nothing printed", code=1
        )
    sys.stdout.write(text + "\n")


def _jsonable(o: Any) -> Any:
    """Typed results (pydantic models) as their JSON data, as the API serves them (JSON
    names: a path step's ``from``); anything else as text."""
    dump = getattr(o, "model_dump", None)
    return dump(mode="json", by_alias=True) if callable(dump) else str(o)


def fail(message: str, code: int = 2) -> NoReturn:
    """Print ``Error: message`` (plain text, not markup) on stderr and exit with ``code``."""
    err.print(f"[bold red]Error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def fail_with_problems(headline: str, exc: DataError) -> NoReturn:
    """Print ``headline`` and every problem of ``exc`` (file, line, field) and exit 1."""
    err.print(f"[bold red]{headline}[/] ({len(exc.problems)} problem(s)):")
    for p in exc.problems:
        err.print(f"  {p}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(1) from None


def os_error(exc: BaseException) -> OSError | None:
    """The OSError behind ``exc`` (rdflib's SPARQL client wraps them in ValueError)."""
    cause: BaseException | None = exc
    while cause is not None and not isinstance(cause, OSError):
        cause = cause.__cause__ or cause.__context__
    return cause


def store_failed(
    store: str, exc: OSError, after: str = "nothing was loaded; the store is as it was"
) -> NoReturn:
    """One line saying why the store failed (nothing was changed), then exit 1."""
    if getattr(exc, "store_message", None):  # the store said it plainly
        why = str(exc)
    elif isinstance(exc, urllib.error.HTTPError):
        why = f"{store}: {exc}"
    elif isinstance(exc, urllib.error.URLError):
        why = f"{store}: {exc.reason}"
    else:
        why = f"{store}: {exc.strerror or exc}"
    why = " ".join(why.split())
    fail(f"{why} ({after})", code=1)
