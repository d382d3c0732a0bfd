"""A read-only store: any SPARQL 1.1 endpoint, queried and never written.

``sparql:URL`` names the endpoint by its query URL, as the server documents it (for example
``sparql:https://query.wikidata.org/sparql``, ``sparql:http://localhost:3030/ds/query`` or
``sparql:http://localhost:7878/query``). It is a :class:`~dealgraph.graph.stores.RemoteStore`
with a query endpoint only: queries, the rdflib graph view, counts and the public SPARQL
endpoint's sandboxed queries go over the same httpx code. Loads and updates are refused
(:class:`ReadOnlyStoreError`); the store declares it (``read_only``), so callers and the
conformance test do not try.

>>> store = SparqlEndpointStore("sparql:http://127.0.0.1:9/sparql")
>>> store.read_only, store.endpoints.query
(True, 'http://127.0.0.1:9/sparql')
>>> store.load(Graph())
Traceback (most recent call last):
...
dealgraph.graph.store_sparql_readonly.ReadOnlyStoreError: sparql:http://127.0.0.1:9/sparql is a read-only ...
>>> SparqlEndpointStore("sparql:/tmp/x")
Traceback (most recent call last):
...
ValueError: the sparql store needs the endpoint's URL: sparql:http(s)://HOST[:PORT]/PATH
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph

from ..ontology.shacl import ValidationReport
from .registry import StorePlugin
from .stores import Endpoints, ExtraCheck, RemoteStore, is_remote

__all__ = ["SparqlEndpointStore", "ReadOnlyStoreError", "PLUGINS"]


class ReadOnlyStoreError(PermissionError):
    """A load or an update was sent to a read-only store (nothing was sent to the server)."""

    store_message = True  # str() is a sentence for the user


class SparqlEndpointStore(RemoteStore):
    """A SPARQL 1.1 query endpoint, read only (module docstring)."""

    read_only = True

    def __init__(self, spec: str) -> None:
        url = spec.removeprefix("sparql:")
        if not is_remote(url):
            raise ValueError("the sparql store needs the endpoint's URL: sparql:http(s)://HOST[:PORT]/PATH")
        super().__init__(spec, Endpoints(query=url, update="", store=""))

    def _refuse(self) -> ReadOnlyStoreError:
        return ReadOnlyStoreError(
            f"{self.spec} is a read-only SPARQL endpoint: load the data into a store you can "
            "write (memory, oxigraph:PATH, or the server's own URL as http://HOST:PORT[#LAYOUT])"
        )

    def load(
        self, triples: Graph, files: Iterable[Path] = (), extra_check: ExtraCheck | None = None
    ) -> ValidationReport:
        """Refused: :class:`ReadOnlyStoreError`, before anything is read or sent."""
        raise self._refuse()

    def update(self, sparql: str) -> None:
        """Refused: :class:`ReadOnlyStoreError`."""
        raise self._refuse()


PLUGINS = (
    StorePlugin(
        "sparql",
        SparqlEndpointStore,
        usage="sparql:URL",
        help="any SPARQL 1.1 query endpoint, read only",
    ),
)
