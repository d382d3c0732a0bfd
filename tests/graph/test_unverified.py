"""Sources without text are allowed, and every output marks them unverified (issue 12, item 1).

The bundled data set keeps the text of its five documents, so nothing there is unverified; a
copy without one document's text marks that document's evidence in flows, cards and sources.
"""

from __future__ import annotations

import json
import shutil

from typer.testing import CliRunner

from dealgraph import bundled_data_dir, open_graph
from dealgraph.cli.main import app
from dealgraph.graph.cards import entity_card, sources
from dealgraph.graph.flows import flows

DOC = "001_930f0b1a03446070.txt"  # the document of the $38B OpenAI -> AWS deal


def test_the_bundled_documents_are_all_verified():
    kg = open_graph()
    assert [s.unverified for s in sources(kg)] == [False] * 5
    assert not any(e.unverified for f in flows(kg) for e in f.sources)


def test_a_source_without_its_text_is_marked_in_every_output(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(bundled_data_dir(), data)
    (data / "sources" / DOC).unlink()
    kg = open_graph(data)
    by_doc = {s.document: s.unverified for s in sources(kg)}
    assert by_doc.pop(DOC) is True and set(by_doc.values()) == {False}
    [aws] = flows(kg, payer="openai", payee="aws")
    assert {e.document for e in aws.sources if e.unverified} == {DOC}
    card = entity_card(kg, "aws")
    marked = {e.unverified for r in card.relationships for e in r.sources if e.document == DOC}
    assert marked == {True}
    args = ["flows", "--payer", "openai", "--payee", "aws", "--data", str(data), "--json"]
    [flow] = json.loads(CliRunner().invoke(app, args).stdout)
    assert {s["document"] for s in flow["sources"] if s["unverified"]} == {DOC}
    listing = CliRunner().invoke(app, ["sources", "--data", str(data)], env={"COLUMNS": "250"}).stdout
    [line] = [line for line in listing.splitlines() if DOC in line]
    assert "unverified" in line
    table = CliRunner().invoke(app, args[:-1], env={"COLUMNS": "250"}).stdout
    [row] = [line for line in table.splitlines() if "openai-aws-compute-2025" in line]
    assert row.rstrip(" │").endswith("001 (unverified)")
