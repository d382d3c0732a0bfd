"""Commands made from the registered analytics (:class:`dealgraph.graph.registry.Analytic`).

Each analytic ``NAME`` becomes ``dealgraph NAME``: the params model's ``argument`` field is
the positional argument, every other field an option (``as_of`` -> ``--as-of``), each with
the field's description as its help; the shared ``--data``, ``--store`` and ``--json``
come from :func:`.options.command`. The params model validates what was typed (a bad value
names its option); the result prints with the analytic's ``text`` rendering, or as JSON
with ``--json``.
"""

from __future__ import annotations

import datetime as dt
import inspect
import typing
from typing import Annotated, Any

import typer
from pydantic import BaseModel, ValidationError
from rich.console import Console

from ..graph import UnknownEntityError
from ..graph.registry import Analytic, analytics
from .options import Shared, command
from .output import fail, print_json

__all__ = ["mount_analytics", "analytic_command"]

# what typer reads as is; anything else is typed as text and parsed by the params model
_TYPER_TYPES = (str, int, float, bool)


def _cli_type(annotation: Any) -> Any:
    """The type typer is given for a field: the field's own if typer reads it, else text."""
    if annotation in _TYPER_TYPES:
        return annotation
    args = typing.get_args(annotation)
    if type(None) in args:
        inner = [a for a in args if a is not type(None)]
        return annotation if len(inner) == 1 and inner[0] in _TYPER_TYPES else str | None
    return str


def _parameter(model: type[BaseModel], name: str, positional: bool) -> inspect.Parameter:
    field = model.model_fields[name]
    help_text = field.description or ""
    if field.annotation in (dt.date, dt.date | None):
        help_text += " (YYYY-MM-DD)" if "YYYY" not in help_text else ""
    info = (
        typer.Argument(help=help_text)
        if positional
        else typer.Option(f"--{name.replace('_', '-')}", help=help_text)
    )
    default = inspect.Parameter.empty if field.is_required() else field.default
    return inspect.Parameter(
        name,
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
        default=default,
        annotation=Annotated[_cli_type(field.annotation), info],
    )


def _validated(a: Analytic, values: dict[str, Any]) -> BaseModel:
    """The params model for what was typed; a bad value ends the command naming its option."""
    try:
        return a.params.model_validate(values)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else ""
        where = name if name == a.argument else f"--{name.replace('_', '-')}"
        fail(f"{where}: {first['msg']}")


def analytic_command(a: Analytic) -> Any:
    """The command function for ``a`` (its first argument is the :class:`Shared` options)."""

    def run(opts: Shared, **values: Any) -> None:
        params = _validated(a, values)
        try:
            result = a.run(opts.graph(), params)
        except UnknownEntityError as exc:
            fail(str(exc))
        opts.emit(result, _printer(a))

    own = [_parameter(a.params, n, n == a.argument) for n in a.params.model_fields]
    opts = inspect.Parameter("opts", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Shared)
    run.__signature__ = inspect.Signature([opts, *own])  # type: ignore[attr-defined]
    run.__name__ = a.name.replace("-", "_")
    run.__doc__ = a.summary[:1].upper() + a.summary[1:] + "."
    return run


def _printer(a: Analytic) -> Any:
    def printer(console: Console, result: BaseModel) -> None:
        if a.text is None:
            print_json(result)
        else:
            console.print(a.text(result), markup=False, highlight=False)

    return printer


def mount_analytics(app: typer.Typer, taken: set[str] | None = None) -> None:
    """Add a command to ``app`` for every registered analytic whose name is not ``taken``."""
    for a in analytics():
        if taken is None or a.name not in taken:
            command(app, a.name)(analytic_command(a))
