"""Named plugins: stores and export formats, as in rdflib's plugin registry.

A store or an export format is one module and one registration. The built-in ones are the
``PLUGINS`` of :mod:`dealgraph.graph.stores`, :mod:`dealgraph.graph.export_rdf` and
:mod:`dealgraph.graph.exports` (taken in code, so every install mode has them), and are also
declared as Python entry points in ``pyproject.toml`` (a test holds the two equal). A
third-party package declares its own under the entry point groups ``dealgraph.stores`` and
``dealgraph.exports``; each names a
:class:`StorePlugin` or :class:`ExportFormat` object, and is loaded the first time a
registry is read (once)::

    [project.entry-points."dealgraph.exports"]
    ftm = "mypackage.ftm:FTM"      # FTM = ExportFormat("ftm", render_ftm, "application/json", ...)

or, in code, :func:`register_store` / :func:`register_export`. Everything that lists stores
or formats reads them from here: the CLI's ``--store`` help and ``export`` formats, the
API's ``/export/{format}`` enum and its media types.

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

import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any

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
    "STORE_GROUP",
    "EXPORT_GROUP",
    "GRAPH_FILTERS",
]

STORE_GROUP = "dealgraph.stores"
EXPORT_GROUP = "dealgraph.exports"
#: the options of the graph formats (the CLI's and the API's filters)
GRAPH_FILTERS = ("focus", "depth", "kind", "as_of", "loops_only")
# modules whose import registers the built-in plugins
_BUILTIN_MODULES = ("dealgraph.graph.stores", "dealgraph.graph.export_rdf", "dealgraph.graph.exports")


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


_lock = threading.RLock()
_stores: dict[str, StorePlugin] = {}
_exports: dict[str, ExportFormat] = {}
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
    plugin = (
        factory
        if isinstance(factory, StorePlugin)
        else StorePlugin(name, factory, usage, help, tuple(aliases))
    )  # type: ignore[arg-type]
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
    fmt = (
        render
        if isinstance(render, ExportFormat)
        else ExportFormat(
            name,
            render,
            media_type,
            suffix or f".{name}",
            description,
            binary,  # type: ignore[arg-type]
            tuple(options),
            tuple(aliases),
        )
    )
    with _lock:
        _exports[name] = fmt
    return fmt


def unregister(name: str) -> None:
    """Forget the store and the export format called ``name`` (for tests)."""
    with _lock:
        _stores.pop(name, None)
        _exports.pop(name, None)


def _ensure_loaded() -> None:
    """Take the built-in plugins and the entry points' plugins (once).

    Order: the built-ins (each module's ``PLUGINS``, in :data:`_BUILTIN_MODULES` order),
    then the entry points; a plugin registered in code replaces one of the same name.
    """
    if _state["loaded"]:
        return
    import importlib

    # outside the lock: a plugin module imported in another thread may be registering
    builtins = [p for m in _BUILTIN_MODULES for p in importlib.import_module(m).PLUGINS]
    with _lock:
        if _state["loaded"]:
            return
        for table, kind, group in (
            (_stores, StorePlugin, STORE_GROUP),
            (_exports, ExportFormat, EXPORT_GROUP),
        ):
            found = {p.name: p for p in builtins if isinstance(p, kind)}
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
