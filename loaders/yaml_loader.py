"""Load the YAML data set: ``entities.yaml`` plus ``sources/*.yaml``.

>>> from dealgraph import bundled_data_dir
>>> ds = read_yaml_dataset(bundled_data_dir())
>>> "amazon" in ds.entities
True
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from ..ontology.errors import DataError, Problem
from .dataset import Dataset, Located, problems_from_validation
from .models import EntitiesFile, SourceFile
from .yaml_source import field_path, line_of, read_yaml

__all__ = ["read_entities_file", "read_source_file", "read_yaml_dataset"]


def _locator(doc):
    return lambda loc: (line_of(doc, loc), field_path(loc))


def read_entities_file(path: Path, ds: Dataset) -> None:
    """Validate an entities file and add its entities to ``ds`` (problems are collected)."""
    name = str(path)
    doc = read_yaml(path)
    locate = _locator(doc)
    try:
        parsed = EntitiesFile.model_validate(doc)
    except ValidationError as exc:
        ds.problems.extend(problems_from_validation(exc, name, locate))
        return
    for i, ent in enumerate(parsed.entities):
        ds.add_entity(Located(ent, name, lambda t, i=i: locate(("entities", i, *t))))


def read_source_file(path: Path, ds: Dataset) -> None:
    """Validate one source document's file and add its records to ``ds``."""
    name = str(path)
    doc = read_yaml(path)
    locate = _locator(doc)
    try:
        parsed = SourceFile.model_validate(doc)
    except ValidationError as exc:
        ds.problems.extend(problems_from_validation(exc, name, locate))
        return
    expected = Path(parsed.source.document).stem
    if Path(path).stem != expected:
        ds.problems.append(
            Problem(
                name,
                line_of(doc, ("source", "document")),
                "source.document",
                f"file should be named {expected}.yaml after its document",
            )
        )
    ds.add_source_file(parsed, name, locate)


def read_yaml_dataset(directory: str | Path, ds: Dataset | None = None) -> Dataset:
    """Read ``entities.yaml`` and ``sources/*.yaml`` under ``directory`` into a Dataset."""
    root = Path(directory)
    if not root.is_dir():
        raise DataError([Problem(str(root), None, None, "data directory not found")])
    ds = ds or Dataset()
    for path in sorted(root.glob("entities*.yaml")):
        read_entities_file(path, ds)
    for path in sorted((root / "sources").glob("*.yaml")):
        read_source_file(path, ds)
    return ds
