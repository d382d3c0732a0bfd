"""Every quote in data/ is verbatim in its source document (runs when ../shared/seeds exists).

Quotes compare equal when they match after collapsing runs of whitespace; nothing else is
normalised.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from dealgraph import bundled_data_dir

SOURCE_FILES = sorted((bundled_data_dir() / "sources").glob("*.yaml"))


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _quotes(node, path=""):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "quote":
                yield path, v
            else:
                yield from _quotes(v, f"{path}.{k}" if path else k)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _quotes(v, f"{path}[{i}]")


def test_there_are_source_files():
    assert len(SOURCE_FILES) >= 5


@pytest.mark.seeds
@pytest.mark.parametrize("path", SOURCE_FILES, ids=lambda p: p.name)
def test_every_quote_is_verbatim_in_its_document(path: Path, seeds_dir: Path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc = seeds_dir / data["source"]["document"]
    assert doc.is_file(), f"{path.name}: document {doc.name} not found in {seeds_dir}"
    text = _norm(doc.read_text(encoding="utf-8"))
    quotes = list(_quotes(data))
    assert quotes, f"{path.name} has no quotes"
    missing = [(where, q) for where, q in quotes if _norm(str(q)) not in text]
    assert missing == [], f"{path.name}: quotes not found verbatim in {doc.name}"
