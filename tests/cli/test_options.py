"""The shared options (``--data``, ``--store``): every command takes them after its name and
reads ``DEALGRAPH_DATA`` and ``DEALGRAPH_STORE`` when they are not given.

The commands are read from the app, so a new command is checked without being listed here.
"""

from __future__ import annotations

import json
import shutil

import pytest
import uvicorn
from typer.main import get_command
from typer.testing import CliRunner

from dealgraph.cli.main import app
from dealgraph.graph.registry import analytics

runner = CliRunner()
COMMANDS = get_command(app).commands  # type: ignore[attr-defined]

# the arguments a command needs besides the shared options ({mini}: the mini data set,
# {tmp}: a scratch folder); a new command that needs arguments is added here
ARGS = {
    "entity": ["lab-a"],
    "diff": ["{mini}"],
    "query": ["SELECT * WHERE { ?s ?p ?o } LIMIT 1"],
    "export": ["turtle", "-o", "{tmp}/out.ttl"],
    "trace": ["lab-a"],
    "paths": ["bigco", "lab-a"],
    "share": ["bigco", "lab-a"],
    "load": ["{mini}"],
    "new-source": ["{mini}/entities.yaml"],
    "deal": ["bigco-lab-a-investment"],
}
# an analytic's command (cli/plugins.py) whose argument is an entity gets a lab of the mini
# data set, so a new analytic needs no line here
MINI_ENTITY = "lab-a"
# commands for which a shared option makes no sense (declared with ``without=`` in cli/main.py)
WITHOUT_DATA = {"load": "its FILES are the data"}
WITHOUT_STORE = {
    "new-source": "it writes files into the data set; it reads no store",
    "duplicates": "it judges the data files (after validating them in memory)",
}
# commands that write into the data directory instead of loading it (tested apart:
# tests/cli/test_new_source.py)
DATA_IS_DESTINATION = {"new-source"}


@pytest.fixture(autouse=True)
def no_server(monkeypatch):
    """``serve`` must not block the suite: it records the app it would serve instead."""
    served = []
    monkeypatch.setattr(uvicorn, "run", lambda asgi, **kw: served.append(kw))
    return served


def _analytic_args(name: str) -> list[str]:
    for a in analytics():
        if a.name == name and a.argument:
            extra = a.params.model_fields[a.argument].json_schema_extra
            if isinstance(extra, dict) and extra.get("entity") is True:
                return [MINI_ENTITY]
    return []


def _args(name: str, mini, tmp) -> list[str]:
    required = [p.name for p in COMMANDS[name].params if p.param_type_name == "argument" and p.required]
    sample = ARGS.get(name) or _analytic_args(name)
    assert not required or sample, f"give sample arguments for `dealgraph {name}` in ARGS"
    return [a.replace("{mini}", str(mini)).replace("{tmp}", str(tmp)) for a in sample]


def _envvars(name: str) -> set[str]:
    return {p.envvar for p in COMMANDS[name].params if isinstance(getattr(p, "envvar", None), str)}


def test_the_commands_and_their_exemptions_are_known():
    assert len(COMMANDS) >= 16
    assert {n for n in COMMANDS if "DEALGRAPH_DATA" not in _envvars(n)} == set(WITHOUT_DATA)
    assert {n for n in COMMANDS if "DEALGRAPH_STORE" not in _envvars(n)} == set(WITHOUT_STORE)


@pytest.mark.parametrize("name", sorted(set(COMMANDS) - set(WITHOUT_STORE)))
def test_every_command_reads_DEALGRAPH_STORE(name, mini_dir, tmp_path):
    args = [name, *_args(name, mini_dir, tmp_path)]
    data = [] if name in WITHOUT_DATA else ["--data", str(mini_dir)]
    result = runner.invoke(app, [*args, *data], env={"DEALGRAPH_STORE": "nosuch:x"})
    assert result.exit_code == 2, result.output
    assert "unknown store 'nosuch:x'" in result.output
    # an option after the command name wins over the environment
    result = runner.invoke(app, [*args, *data, "--store", "memory"], env={"DEALGRAPH_STORE": "nosuch:x"})
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("name", sorted(set(COMMANDS) - set(WITHOUT_DATA) - DATA_IS_DESTINATION))
def test_every_command_reads_DEALGRAPH_DATA(name, mini_dir, tmp_path):
    broken = shutil.copytree(mini_dir, tmp_path / "broken")
    f = broken / "sources" / "doc-a.yaml"
    f.write_text(f.read_text().replace("payer: bigco\n", "payer: bigcoo\n", 1))
    args = [name, *_args(name, mini_dir, tmp_path)]
    result = runner.invoke(app, args, env={"DEALGRAPH_DATA": str(broken)})
    assert result.exit_code == 1, result.output
    assert "Invalid data" in result.output and "'bigcoo'" in result.output
    result = runner.invoke(app, [*args, "--data", str(mini_dir)], env={"DEALGRAPH_DATA": str(broken)})
    assert result.exit_code == 0, result.output


def test_serve_takes_the_store_and_data_of_its_options(mini_dir, no_server):
    result = runner.invoke(app, ["serve", "--data", str(mini_dir), "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert no_server[0]["port"] == 8123
    triples = json.loads(runner.invoke(app, ["stats", "--data", str(mini_dir), "--json"]).stdout)["triples"]
    assert f"serving {triples} triples" in result.output
