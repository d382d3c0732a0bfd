"""Named plugins: stores, export formats and analytics, as in rdflib's plugin registry.

A store, an export format or an analytic is one module and one registration. The built-in
ones are found in code, so every install mode has them: each module of ``dealgraph.graph``
that defines a module-level ``PLUGINS`` tuple contributes its :class:`StorePlugin`,
:class:`ExportFormat` and :class:`Analytic` objects (:mod:`.stores`, :mod:`.export_rdf` and
:mod:`.exports` first, in that order, then the other modules by name). A new built-in is
therefore one new module: nothing else lists it. A third-party package declares its own
under the entry point groups ``dealgraph.stores``, ``dealgraph.exports`` and
``dealgraph.analytics``; each names a plugin object, and is loaded the first time a
registry is read (once)::

    [project.entry-points."dealgraph.exports"]
    ftm = "mypackage.ftm:FTM"      # FTM = ExportFormat("ftm", render_ftm, "application/json", ...)

or, in code, :func:`register_store` / :func:`register_export` / :func:`register_analytic`.
Everything that lists them reads them from here: the CLI's ``--store`` help, ``export``
formats and analytics commands, the API's ``/export/{format}`` enum, its media types and its
analytics routes.

>>> from dealgraph.graph.registry import export_format, stores
>>> [p.name for p in stores()][:3]
['memory', 'oxigraph', 'http']
>>> export_format("ttl").name, export_format("ttl").media_type
('turtle', 'text/turtle')
>>> export_format("pdf")
Traceback (most recent call last):
...
ValueError: unknown format 'pdf'; choose from turtle, jsonld, ntriples, trig, graphml, ...
"""

from __future__ import annotations

import importlib
import pkgutil
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any

from pydantic import BaseModel

__all__ = [
    "StorePlugin",
    "ExportFormat",
    "register_store",
    "register_export",
    "stores",
    "store_plugin",
    "store_help",
    "exports",
    "export_format",
    "export_names",
    "Analytic",
    "register_analytic",
    "analytics",
    "analytic",
    "STORE_GROUP",
    "EXPORT_GROUP",
    "ANALYTIC_GROUP",
    "GRAPH_FILTERS",
]

STORE_GROUP = "dealgraph.stores"
EXPORT_GROUP = "dealgraph.exports"
ANALYTIC_GROUP = "dealgraph.analytics"
#: the options of the graph formats (the CLI's and the API's filters)
GRAPH_FILTERS = ("focus", "depth", "kind", "as_of", "known_at", "loops_only")
# the package whose modules' PLUGINS are the built-ins, and the ones that come first
_PACKAGE = __name__.rpartition(".")[0]
_FIRST_MODULES = ("stores", "export_rdf", "exports")


@dataclass(frozen=True)
class StorePlugin:
    """A store backend: ``factory(spec)`` opens the store a ``--store`` value names.

    A spec belongs to the plugin named by its scheme (the text before the first ``:``), or
    to the plugin named by the whole spec (``memory``). ``usage`` is how a spec is written
    (``oxigraph:PATH``), ``help`` what the store is; both go into the ``--store`` help.
    """

    name: str
    factory: Callable[[str], Any]
    usage: str = ""
    help: str = ""
    aliases: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.usage:
            object.__setattr__(self, "usage", self.name)


@dataclass(frozen=True)
class ExportFormat:
    """An export format: ``render(kg, **options)`` returns ``str`` or ``bytes``.

    ``options`` names the keyword arguments ``render`` takes (the caller passes only
    those): :data:`GRAPH_FILTERS` for graph pictures and files, ``with_ontology`` for RDF.
    """

    name: str
    render: Callable[..., str | bytes]
    media_type: str
    suffix: str
    description: str = ""
    binary: bool = False
    options: tuple[str, ...] = GRAPH_FILTERS
    aliases: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Analytic:
    """An analytic: ``run(kg, params)`` answers with a ``result`` model.

    ``params`` is a pydantic model whose fields are the analytic's inputs: the CLI makes a
    command ``dealgraph NAME`` with one option per field (``argument`` names the field taken
    as the positional argument, if any), and the API a route ``GET /analytics/NAME`` with
    one query parameter per field, answering with ``result``'s schema. A field whose
    ``json_schema_extra`` holds ``{"entity": True}`` names an entity: both front ends answer
    an unknown one with close matches. ``text`` renders a result as plain lines for the
    terminal (no colour library: the graph layer stays free of front ends).
    """

    name: str
    run: Callable[[Any, Any], BaseModel]
    params: type[BaseModel]
    result: type[BaseModel]
    summary: str
    text: Callable[[Any], str] | None = None
    argument: str | None = None


_lock = threading.RLock()
_stores: dict[str, StorePlugin] = {}
_exports: dict[str, ExportFormat] = {}
_analytics: dict[str, Analytic] = {}
_state = {"loaded": False}


def register_store(
    name: str,
    factory: Callable[[str], Any] | StorePlugin | None = None,
    *,
    usage: str = "",
    help: str = "",  # noqa: A002 - as in typer/click
    aliases: tuple[str, ...] = (),
) -> StorePlugin:
    """Register a store backend under ``name`` (a scheme such as ``oxigraph``, or a whole
    spec such as ``memory``); a later registration of the same name replaces it."""
    if isinstance(factory, StorePlugin):
        plugin = factory
    elif factory is None:
        raise TypeError(f"store {name!r}: give a factory or a StorePlugin")
    else:
        plugin = StorePlugin(name, factory, usage, help, tuple(aliases))
    with _lock:
        _stores[name] = plugin
    return plugin


def register_export(
    name: str,
    render: Callable[..., str | bytes] | ExportFormat | None = None,
    media_type: str = "application/octet-stream",
    suffix: str = "",
    description: str = "",
    *,
    binary: bool = False,
    options: tuple[str, ...] = GRAPH_FILTERS,
    aliases: tuple[str, ...] = (),
) -> ExportFormat:
    """Register an export format under ``name``; a later registration replaces it."""
    if isinstance(render, ExportFormat):
        fmt = render
    elif render is None:
        raise TypeError(f"export {name!r}: give a render function or an ExportFormat")
    else:
        fmt = ExportFormat(
            name,
            render,
            media_type,
            suffix or f".{name}",
            description,
            binary,
            tuple(options),
            tuple(aliases),
        )
    with _lock:
        _exports[name] = fmt
    return fmt


def register_analytic(analytic: Analytic) -> Analytic:
    """Register an analytic under its name; a later registration replaces it."""
    with _lock:
        _analytics[analytic.name] = analytic
    return analytic


def unregister(name: str) -> None:
    """Forget the store, the export format and the analytic called ``name`` (for tests)."""
    with _lock:
        _stores.pop(name, None)
        _exports.pop(name, None)
        _analytics.pop(name, None)


def builtin_modules() -> list[str]:
    """The modules of ``dealgraph.graph`` that define ``PLUGINS``, in registration order.

    Every module of the package is imported to look (they are the package's own code and
    import no optional dependency at module level).
    """
    package = importlib.import_module(_PACKAGE)
    names = sorted(info.name for info in pkgutil.iter_modules(package.__path__))
    ordered = [n for n in _FIRST_MODULES if n in names] + [n for n in names if n not in _FIRST_MODULES]
    found = []
    for name in ordered:
        module = importlib.import_module(f"{_PACKAGE}.{name}")
        if isinstance(getattr(module, "PLUGINS", None), tuple):
            found.append(module.__name__)
    return found


def _ensure_loaded() -> None:
    """Take the built-in plugins and the entry points' plugins (once).

    Order: the built-ins (each module's ``PLUGINS``, in :func:`builtin_modules` order),
    then the entry points; a plugin registered in code replaces one of the same name.
    """
    if _state["loaded"]:
        return
    # outside the lock: a plugin module imported in another thread may be registering
    builtins = [p for m in builtin_modules() for p in importlib.import_module(m).PLUGINS]
    with _lock:
        if _state["loaded"]:
            return
        tables: tuple[tuple[dict[str, Any], type, str], ...] = (
            (_stores, StorePlugin, STORE_GROUP),
            (_exports, ExportFormat, EXPORT_GROUP),
            (_analytics, Analytic, ANALYTIC_GROUP),
        )
        for table, kind, group in tables:
            found = {
                p.name: p
                for p in builtins
                if isinstance(p, (StorePlugin, ExportFormat, Analytic)) and isinstance(p, kind)
            }
            for name, obj in _discover(group, kind):
                found.setdefault(name, obj)
            found.update(table)  # registered in code
            table.clear()
            table.update(found)
        _state["loaded"] = True


def _discover(group: str, kind: type) -> list[tuple[str, Any]]:
    """The third-party plugins of an entry point group (a broken one is a warning)."""
    out = []
    for ep in entry_points(group=group):
        if ep.value.startswith("dealgraph."):
            continue  # a built-in: taken from its module's PLUGINS
        try:
            obj = ep.load()
        except Exception as exc:  # noqa: BLE001 - a broken plugin must not break us
            warnings.warn(
                f"{group} plugin {ep.name!r} ({ep.value}) failed to load: {exc}", RuntimeWarning, stacklevel=3
            )
            continue
        if not isinstance(obj, kind):
            warnings.warn(
                f"{group} plugin {ep.name!r} ({ep.value}) is not a {kind.__name__}",
                RuntimeWarning,
                stacklevel=3,
            )
            continue
        out.append((ep.name, obj))
    return out


# -- stores --------------------------------------------------------------------------------


def stores() -> list[StorePlugin]:
    """Every registered store, in registration order."""
    _ensure_loaded()
    return list(_stores.values())


def store_plugin(spec: str) -> StorePlugin:
    """The store plugin for ``spec``; ValueError listing what is registered if none."""
    _ensure_loaded()
    scheme = spec.partition(":")[0]
    for plugin in _stores.values():
        names = (plugin.name, *plugin.aliases)
        if spec in names or (":" in spec and scheme in names):
            return plugin
    raise ValueError(f"unknown store {spec!r}: use {_or(p.usage for p in stores())}")


def store_help() -> str:
    """The ``--store`` help: every registered store, its usage and what it is."""
    parts = [f"{p.usage} ({p.help})" if p.help else p.usage for p in stores()]
    return f"Where the graph lives: {_or(parts)}."


def _or(items) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


# -- exports -------------------------------------------------------------------------------


def exports() -> list[ExportFormat]:
    """Every registered export format, in registration order."""
    _ensure_loaded()
    return list(_exports.values())


def export_names(*, aliases: bool = False) -> list[str]:
    """The names of the export formats (with their aliases, if asked)."""
    return [n for f in exports() for n in ((f.name, *f.aliases) if aliases else (f.name,))]


def export_format(name: str) -> ExportFormat:
    """The export format ``name`` (or one of its aliases); ValueError listing the formats."""
    _ensure_loaded()
    if name in _exports:
        return _exports[name]
    for fmt in _exports.values():
        if name in fmt.aliases:
            return fmt
    raise ValueError(f"unknown format {name!r}; choose from {', '.join(export_names())}")


# -- analytics -----------------------------------------------------------------------------


def analytics() -> list[Analytic]:
    """Every registered analytic, in registration order."""
    _ensure_loaded()
    return list(_analytics.values())


def analytic(name: str) -> Analytic:
    """The analytic ``name``; ValueError listing the analytics if none."""
    _ensure_loaded()
    if name in _analytics:
        return _analytics[name]
    raise ValueError(f"unknown analytic {name!r}; choose from {', '.join(_analytics) or 'none'}")
