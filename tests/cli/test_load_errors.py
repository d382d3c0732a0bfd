"""`dealgraph load` and `validate` on hostile input: one clear error, exit 1, store unchanged.

Issue 10 (security). Each test here failed before its fix.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from dealgraph.cli.main import app
from tests.loaders.listener import Listener, disguises

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def listener():
    lst = Listener()
    yield lst
    lst.close()


# -- 1. JSON-LD contexts are never fetched --------------------------------------------------


@pytest.mark.parametrize("command", ["load", "validate"])
def test_jsonld_contexts_from_elsewhere_are_refused(mini_dir, tmp_path, listener, command):
    ctx = tmp_path / "ctx.jsonld"
    ctx.write_text(json.dumps({"@context": {"name": "http://schema.org/name"}}))
    for case, text in disguises(listener.url, listener.port, str(ctx)).items():
        f = mini_dir / "hostile.jsonld"
        f.write_text(text)
        args = ["load", f] if command == "load" else ["validate", "--data", mini_dir]
        result = run(*args)
        assert result.exit_code == 1, (case, result.output)
        assert f"{f}:1: @" in result.output, (case, result.output)
        assert "never fetched" in result.output
        assert listener.connections == 0, case
