"""An observation resting on two documents is dated by the earliest (issue 12, knowledge time).

The loader refuses one observation id in two source files of one batch ("duplicate
observation id"), so a YAML or CSV data set gives each observation one document. A store
gathers more: ``dealgraph load`` of a second batch (or an RDF file) that states an
observation the store already holds adds that document's evidence to the same node. Its
``published`` is then the earliest of its documents, as for an amount claim. The documents
and figures here are written for this test (a tiny data set in ``tmp_path``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dealgraph.graph import KnowledgeGraph
from dealgraph.graph.cards import observations
from dealgraph.graph.timeline import Timeline
from dealgraph.loaders import load_directory, load_files

ENTITIES = """\
entities:
  - id: acme
    type: organization
    name: Acme AI
"""
SOURCE = """\
source:
  document: {doc}.txt
  title: {title}
  published: {published}
observations:
  - id: acme-revenue-2025
    subject: acme
    metric: revenue
    value: 2_000_000_000
    unit: USD
    period: 2025
    evidence:
      - quote: "{quote}"
"""
EARLY = {"doc": "early", "title": "Early", "published": "2026-01-15", "quote": "Acme made $2 billion in 2025"}
LATE = {"doc": "late", "title": "Late", "published": "2026-03-01", "quote": "Acme's 2025 revenue: $2 billion"}


def _write(folder: Path, source: dict[str, str]) -> Path:
    (folder / "sources").mkdir(parents=True, exist_ok=True)
    (folder / "entities.yaml").write_text(ENTITIES, encoding="utf-8")
    path = folder / "sources" / f"{source['doc']}.yaml"
    path.write_text(SOURCE.format(**source), encoding="utf-8")
    return path


@pytest.mark.parametrize("first, second", [(EARLY, LATE), (LATE, EARLY)], ids=["early-first", "late-first"])
def test_an_observation_on_two_documents_is_published_with_the_earliest(
    tmp_path: Path, first: dict[str, str], second: dict[str, str]
):
    _write(tmp_path / "one", first)
    later_batch = _write(tmp_path / "two", second)
    kg = KnowledgeGraph()
    kg.load(load_directory(tmp_path / "one"))
    kg.load(load_files([later_batch], known_entities=kg.entity_ids()))
    [obs] = observations(kg, "acme")
    assert sorted(s.document for s in obs.sources) == ["early.txt", "late.txt"]
    assert obs.published == "2026-01-15"
    # known from the early document on (knowledge time)
    assert Timeline.of(None, "2026-02-01").known(obs.published)


def test_two_source_files_of_one_batch_cannot_state_one_observation(tmp_path: Path):
    """Why the case needs a store: one data set gives an observation one document."""
    _write(tmp_path, EARLY)
    _write(tmp_path, LATE)
    with pytest.raises(Exception, match="duplicate observation id 'acme-revenue-2025'"):
        load_directory(tmp_path)
