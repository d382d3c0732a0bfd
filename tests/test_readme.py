"""The README's examples run: every `dealgraph ...` command line and the Python API block."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dealgraph.cli.main import app

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


ROOT = Path(__file__).resolve().parents[1]


def _commands() -> list[str]:
    out = []
    for block in re.findall(r"```bash\n(.*?)```", README, flags=re.S):
        for line in block.splitlines():
            line = line.split("  #")[0].strip()
            if line.startswith("dealgraph ") and not line.startswith("dealgraph serve"):
                out.append(line)
    return out


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    """A scratch directory with the repository's data/ beside the commands, as in a clone."""
    d = tmp_path_factory.mktemp("readme")
    (d / "data").symlink_to(ROOT / "data")
    (d / "my-query.rq").write_text("SELECT ?s WHERE { ?s a dg:Deal } LIMIT 3")
    # the new-source walkthrough: a data set of one's own and a document (a test brief)
    (d / "mydata" / "sources").mkdir(parents=True)
    (d / "mydata" / "entities.yaml").symlink_to(ROOT / "data" / "entities.yaml")
    brief = ROOT / "tests" / "loaders" / "draft_fixtures" / "sources" / "brief_helios_nimbus.txt"
    for name in ("doc.txt", "article.txt"):
        (d / name).write_bytes(brief.read_bytes())
    # the walkthrough's data set as it stands after its last step (the files it shows, and the
    # documents `new-source` copied next to them); tests/test_walkthrough.py runs the steps
    walkthrough = ROOT / "tests" / "fixtures" / "walkthrough"
    (d / "helios" / "sources").mkdir(parents=True)
    shutil.copy(walkthrough / "entities.yaml", d / "helios" / "entities.yaml")
    for document in (brief, walkthrough / "note_helios_cirrus.txt"):
        shutil.copy(document, d / "helios" / "sources" / document.name)
        shutil.copy(walkthrough / f"{document.stem}.yaml", d / "helios" / "sources" / f"{document.stem}.yaml")
    # and the copy it keeps before the second document (the brief alone)
    shutil.copytree(d / "helios", d / "helios-before", ignore=shutil.ignore_patterns("note_*"))
    return d


@pytest.mark.parametrize("command", _commands())
def test_readme_command_runs(command, workdir, monkeypatch):
    monkeypatch.chdir(workdir)
    command = command.replace("/tmp/dealgraph-store", str(workdir / "store"))
    args = shlex.split(command)[1:]
    if "--store" in args:  # a persistent store is locked per process: run the real command
        import subprocess
        import sys

        exe = str(Path(sys.executable).parent / "dealgraph")
        done = subprocess.run([exe, *args], capture_output=True, text=True)
        assert done.returncode == 0, f"{command}\n{done.stdout}{done.stderr}"
        return
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, f"{command}\n{result.output}"


def test_readme_has_the_commands():
    assert len(_commands()) >= 15


def test_readme_python_api_block_runs():
    block = next(b for b in re.findall(r"```python\n(.*?)```", README, flags=re.S) if "open_graph()" in b)
    exec(compile(block, "README.md", "exec"), {})
