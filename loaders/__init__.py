"""Loaders: read the data set (YAML, CSV, RDF files) into validated RDF.

Everything is validated (pydantic models, then references) before any graph is touched;
:meth:`dealgraph.graph.KnowledgeGraph.load` adds SHACL validation and loads atomically.

>>> from dealgraph import bundled_data_dir
>>> data = load_directory(bundled_data_dir())
>>> len(data.graph) > 1000
True
"""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

from ..ontology.errors import DataError, Problem
from ..ontology.namespace import ID, local_id
from .csv_loader import read_csv_file, read_directory
from .dataset import Dataset
from .dedupe import judgements, merge_judged
from .rdf_builder import LoadedData, build_graph, build_ntriples
from .rdf_loader import RDF_SUFFIXES, line_naming, read_rdf_file
from .yaml_loader import read_entities_file, read_source_file

__all__ = [
    "LoadedData",
    "load_directory",
    "load_files",
    "write_ntriples",
    "file_origins",
    "DataError",
    "Problem",
]


def load_files(paths: list[str | Path], known_entities: set[str] | None = None) -> LoadedData:
    """Load files of any supported kind: a data directory, ``*.yaml``, ``*.csv``, RDF files.

    ``known_entities`` are ids already present in the graph the data will join, so
    references to them are not reported as unknown.
    """
    ds, extra = _read(paths, known_entities)
    data = build_graph(ds)
    for g in extra:
        for t in g:
            data.graph.add(t)
    data.origins = _Origins(data.origins, _rdf_files(paths))
    return data


def write_ntriples(
    paths: list[str | Path], out, known_entities: set[str] | None = None
) -> dict[str, tuple[str, int | None]]:
    """Like :func:`load_files`, but write the RDF to the text file ``out`` as N-Triples.

    The fast path for big YAML/CSV batches into a store with a bulk loader: records are
    validated exactly as by :func:`load_files`, but never held in an rdflib Graph.
    Returns the origins (file and line of each node) for error messages.

    >>> import io
    >>> from dealgraph import bundled_data_dir
    >>> buf = io.StringIO()
    >>> origins = write_ntriples([bundled_data_dir()], buf)
    >>> buf.getvalue().count("\\n") > 1000, any(f.endswith("entities.yaml") for f, _ in origins.values())
    (True, True)
    """
    ds, extra = _read(paths, known_entities)
    origins = build_ntriples(ds, out)
    for g in extra:
        out.write(g.serialize(format="nt"))
    return _Origins(origins, _rdf_files(paths))


class _Origins(dict):
    """Where each record's node came from; nodes of RDF files are looked up on demand.

    ``get`` of a node no YAML/CSV record made finds the first line of the RDF files that
    names it, reading them again line by line (errors are rare).
    """

    def __init__(self, records: dict, rdf_files: list[Path]) -> None:
        super().__init__(records)
        self._files = rdf_files

    def __bool__(self) -> bool:
        return bool(self._files) or len(self) > 0

    def get(self, key, default=None):
        if key in self:
            return self[key]
        for f in self._files:
            line = self._search(f, lambda lines: line_naming(lines, str(key)))
            if line is not None:
                return str(f), line
        # written some other way (escapes, a broken IRI): its last segment, its longest ones
        segments = [s for s in re.split(r"[^\x21-\x7e]|[\\/#<>]", str(key)) if len(s) >= 4]
        for part in segments[-1:] + sorted(segments, key=len, reverse=True)[:2]:
            for f in self._files:
                line = self._search(
                    f, lambda lines, part=part: next((n for n, x in enumerate(lines, 1) if part in x), None)
                )
                if line is not None:
                    return str(f), line
        return default

    @staticmethod
    def _search(f: Path, find) -> int | None:
        try:
            with open(f, encoding="utf-8", errors="replace") as fh:
                return find(fh)
        except OSError:
            return None


def file_origins(files: list[str | Path]):
    """A mapping from a node to the file and first line naming it, for RDF files loaded as
    they are (``KnowledgeGraph.load(files=..., origins=file_origins(files))``)."""
    return _Origins({}, [Path(f) for f in files])


def _rdf_files(paths: list[str | Path]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += [f for f in sorted(p.iterdir()) if f.suffix in RDF_SUFFIXES]
        elif p.suffix in RDF_SUFFIXES:
            out.append(p)
    return out


def _read(paths: list[str | Path], known_entities: set[str] | None):
    """The records of ``paths`` (deals judged the same merged) and the RDF files' graphs.

    A data directory's ``judgements.yaml`` (:mod:`.dedupe`) is applied to everything read:
    the second deal of a ``same`` pair is loaded as mentions of the first.
    """
    ds = Dataset(known_entities=set(known_entities or ()))
    rdf_parts = []
    judged = []
    for p in map(Path, paths):
        if p.is_dir():
            judged += judgements(p)
            read_directory(p, ds)
            rdf_parts += [f for f in sorted(p.iterdir()) if f.suffix in RDF_SUFFIXES]
        elif p.suffix == ".csv":
            read_csv_file(p, ds)
        elif p.suffix in RDF_SUFFIXES:
            rdf_parts.append(p)
        elif p.suffix in (".yaml", ".yml"):
            (read_entities_file if p.name.startswith("entities") else read_source_file)(p, ds)
        elif not p.exists():
            raise DataError([Problem(str(p), None, None, "file not found")])
        else:
            raise DataError(
                [
                    Problem(
                        str(p),
                        None,
                        None,
                        "unsupported file type "
                        "(expected a directory, .yaml, .csv, .ttl, .nt, .nq, .trig "
                        "or .jsonld)",
                    )
                ]
            )
    ds = merge_judged(ds, judged)
    # RDF files may declare entities that YAML/CSV records refer to.
    extra = [read_rdf_file(f) for f in rdf_parts]
    for g in extra:
        ds.known_entities |= _entity_ids(g)
    return ds, extra


def load_directory(directory: str | Path) -> LoadedData:
    """Load a data directory (``entities.yaml``, ``sources/*.yaml``, ``*.csv``, RDF files).

    Deals its ``judgements.yaml`` judges the same are loaded as one deal (see
    :func:`dealgraph.loaders.dedupe.merge_judged`); ``LoadedData.dataset`` holds the records
    read, so ``dealgraph validate`` checks duplicates, quotes and figures without reading
    the files again.
    """
    return load_files([directory])


def _entity_ids(g: Graph) -> set[str]:
    prefix = f"{ID}entity/"
    return {
        local_id(s) for s in g.subjects(RDFS.label, None) if isinstance(s, URIRef) and s.startswith(prefix)
    }
