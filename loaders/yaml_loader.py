"""Load the YAML data set: ``entities.yaml`` plus ``sources/*.yaml``.

>>> from dealgraph import bundled_data_dir
>>> ds = read_yaml_dataset(bundled_data_dir())
>>> "amazon" in ds.entities
True
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..ontology.errors import DataError, Problem
from .dataset import Dataset, Located, Locator, problems_from_validation, within
from .models import EntitiesFile, SourceFile
from .yaml_source import field_path, line_of, read_yaml

__all__ = ["read_entities_file", "read_source_file", "read_yaml_dataset"]

M = TypeVar("M", bound=BaseModel)


def _locator(doc: Any) -> Locator:
    def locate(loc: tuple) -> tuple[int | None, str]:
        return line_of(doc, loc), field_path(loc)

    return locate


def _parsed(path: Path, ds: Dataset, model: type[M]) -> tuple[M, Any, Locator] | None:
    """The file validated as ``model``, its YAML and locator; None (problems added) if invalid."""
    doc = read_yaml(path)
    locate = _locator(doc)
    try:
        return model.model_validate(doc), doc, locate
    except ValidationError as exc:
        ds.problems.extend(problems_from_validation(exc, str(path), locate))
        return None


def read_entities_file(path: Path, ds: Dataset) -> None:
    """Validate an entities file and add its entities to ``ds`` (problems are collected)."""
    parsed = _parsed(path, ds, EntitiesFile)
    if parsed is None:
        return
    entities, _, locate = parsed
    for i, ent in enumerate(entities.entities):
        ds.add_entity(Located(ent, str(path), within(locate, ("entities", i))))


def read_source_file(path: Path, ds: Dataset) -> None:
    """Validate one source document's file and add its records to ``ds``."""
    parsed = _parsed(path, ds, SourceFile)
    if parsed is None:
        return
    source_file, doc, locate = parsed
    expected = Path(source_file.source.document).stem
    if Path(path).stem != expected:
        ds.problems.append(
            Problem(
                str(path),
                line_of(doc, ("source", "document")),
                "source.document",
                f"file should be named {expected}.yaml after its document",
            )
        )
    ds.add_source_file(source_file, str(path), locate)


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
