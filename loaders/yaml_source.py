"""Read YAML keeping the line of every key and list item, to name lines in errors.

>>> doc = read_yaml_text("a: 1\\nb:\\n  - x: 2\\n  - y: 3\\n", "f.yaml")
>>> line_of(doc, ("b", 1, "y"))
4
>>> line_of(doc, ("b", 0, "missing"))
3
>>> read_yaml_text("a: [1,\\n", "bad.yaml")
Traceback (most recent call last):
...
dealgraph.ontology.errors.DataError: 1 problem:
bad.yaml:2: YAML syntax: while parsing a flow node
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from pathlib import Path
from typing import Any

import yaml

from ..ontology.errors import DataError, Problem
from .text import read_text

__all__ = ["LineDict", "LineList", "read_yaml", "read_yaml_text", "line_of", "field_path"]


class LineDict(dict):
    """A dict that remembers the line of each key (1-based) and its own first line."""

    line: int = 0
    key_lines: dict


class LineList(list):
    """A list that remembers the line of each item."""

    line: int = 0
    item_lines: list


class _Loader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, Hashable) or isinstance(key, (LineDict, LineList)):
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a plain value, not a list or mapping", key_node.start_mark
            )
        if key in result:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode, deep: bool = False) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_int(loader, node)
    except ValueError:  # more digits than Python converts: the model judges the figure
        return loader.construct_scalar(node)


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:  # 2026-02-30: kept as written, so the model names field and line
        return loader.construct_scalar(node)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)


def read_yaml_text(text: str, name: str) -> Any:
    """Parse YAML text; syntax errors become a DataError naming ``name`` and the line."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        what = exc.context or exc.problem or "invalid YAML"
        raise DataError([Problem(name, line, None, f"YAML syntax: {what}")]) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow
        line = text.count("\n", 0, max(0, exc.position)) + 1
        what = (
            f"character {chr(exc.character)!r} is not allowed in YAML"
            if isinstance(exc.character, int)
            else exc.reason
        )
        raise DataError([Problem(name, line, None, f"YAML syntax: {what}")]) from None
    except RecursionError:
        raise DataError(
            [Problem(name, _too_deep(text), None, f"YAML nested more than {_MAX_DEPTH} levels deep")]
        ) from None


_MAX_DEPTH = 100


def _too_deep(text: str) -> int | None:
    """The line where YAML first nests deeper than ``_MAX_DEPTH`` (the parser is iterative)."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > _MAX_DEPTH:
                    return event.start_mark.line + 1
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        pass
    return None


def read_yaml(path: Path) -> Any:
    """Read a YAML file (see :func:`read_yaml_text`)."""
    return read_yaml_text(read_text(path), str(path))


def line_of(doc: Any, loc: Sequence[Any]) -> int | None:
    """The line of the deepest part of ``loc`` (a pydantic error location) found in ``doc``."""
    line = getattr(doc, "line", None)
    node = doc
    for part in loc:
        if isinstance(node, LineDict) and part in node:
            line = node.key_lines.get(part, line)
            node = node[part]
        elif isinstance(node, LineList) and isinstance(part, int) and 0 <= part < len(node):
            line = node.item_lines[part]
            node = node[part]
        else:
            break
    return line


def field_path(loc: Sequence[Any]) -> str:
    """A readable field path: ``("deals", 0, "payer")`` -> ``deals[0].payer``.

    >>> field_path(("deals", 0, "amounts", 1, "currency"))
    'deals[0].amounts[1].currency'
    """
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out
