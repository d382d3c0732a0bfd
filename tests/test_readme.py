"""The README's examples run: every `dealgraph ...` command line and the Python API block."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dealgraph.cli.main import app

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _commands() -> list[str]:
    out = []
    for block in re.findall(r"```bash\n(.*?)```", README, flags=re.S):
        for line in block.splitlines():
            line = line.split("  #")[0].strip()
            if line.startswith("dealgraph ") and not line.startswith("dealgraph serve"):
                out.append(line)
    return out


@pytest.mark.parametrize("command", _commands())
def test_readme_command_runs(command, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    if "my-query.rq" in command:
        (tmp_path / "my-query.rq").write_text("SELECT ?s WHERE { ?s a dg:Deal } LIMIT 3")
    args = shlex.split(command)[1:]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, f"{command}\n{result.output}"


def test_readme_has_the_commands():
    assert len(_commands()) >= 15


def test_readme_python_api_block_runs():
    block = next(b for b in re.findall(r"```python\n(.*?)```", README, flags=re.S)
                 if "open_graph()" in b)
    exec(compile(block, "README.md", "exec"), {})
