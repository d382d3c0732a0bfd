"""The README's walkthrough runs: a new document from nothing to its loops and bets (issue 12).

The test replays the README section "Walkthrough: from a new document to its loops and bets"
in a scratch directory, as a user would: its shell lines and its `dealgraph` commands in
order, and its YAML files written as the README shows them (each is its fixture in
``tests/fixtures/walkthrough/``, so the two never drift). The documents were written for the
tests, not taken from the seeds: the brief ``tests/loaders/draft_fixtures/sources/
brief_helios_nimbus.txt`` (a warrant for 160 million shares, a ~7% stake, 10 GW to deploy,
$1.25 billion monthly) and the note ``tests/fixtures/walkthrough/note_helios_cirrus.txt``
(Helios invests in Cirrus AI, which competes with Nimbus). Every expected figure below is in
their text.
"""

from __future__ import annotations

import contextlib
import json
import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from dealgraph.cli.main import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
FIXTURES = ROOT / "tests" / "fixtures" / "walkthrough"
TITLE = "## Walkthrough: from a new document to its loops and bets"
BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.S)
runner = CliRunner()


def _section() -> str:
    assert TITLE in README, "the README has no walkthrough section"
    return README.split(TITLE, 1)[1].split("\n## ", 1)[0]


def _steps() -> list[tuple[str, ...]]:
    """The section's steps in order: ("shell", line), ("run", dealgraph line), ("file", path,
    text), ("draft", excerpt of a draft) and ("refusal", what validate prints for a mistake)."""
    steps: list[tuple[str, ...]] = []
    for lang, text in BLOCK.findall(_section()):
        if lang == "yaml":
            first = text.splitlines()[0]
            path = re.match(r"# (helios/\S+?),?(?:\s|$)", first)
            steps.append(("file", path.group(1), text) if path else ("draft", text))
        elif lang == "text":
            steps.append(("refusal", text))
        else:
            lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
            if lang == "console":  # commands after their prompt; the rest would be output
                lines = [ln[2:] for ln in lines if ln.startswith("$ ")]
            steps += [("run" if ln.startswith("dealgraph ") else "shell", ln) for ln in lines]
    return steps


def _flat(output: str) -> str:
    """The output with its line wrapping undone (the console wraps at the terminal width)."""
    return " ".join(output.split())


@dataclass
class Replay:
    """What the walkthrough's commands printed, in order, and the drafts new-source wrote."""

    home: Path
    runs: list[tuple[str, str]] = field(default_factory=list)
    drafts: dict[str, str] = field(default_factory=dict)
    refused: dict[str, str] = field(default_factory=dict)

    def output(self, command: str) -> str:
        """The output of the last run of ``command``."""
        found = [out for line, out in self.runs if line == command]
        assert found, f"the walkthrough does not run {command!r}"
        return found[-1]

    def json(self, command: str) -> Any:
        return json.loads(self.output(command))


def _invoke(line: str) -> str:
    result = runner.invoke(app, shlex.split(line)[1:])
    assert result.exit_code == 0, f"{line}\n{result.output}"
    return result.output


def _drafted(replay: Replay, line: str) -> None:
    """Keep the draft new-source wrote, and check that validate refuses it as it stands."""
    args = shlex.split(line)
    document, data = Path(args[2]), Path(args[args.index("--data") + 1])
    replay.drafts[document.name] = (data / "sources" / f"{document.stem}.yaml").read_text(encoding="utf-8")
    refused = runner.invoke(app, ["validate", "--data", str(data)])
    assert refused.exit_code == 1, refused.output
    replay.refused[document.name] = refused.output


@pytest.fixture(scope="module")
def replay(tmp_path_factory: pytest.TempPathFactory) -> Replay:
    """The walkthrough run from a directory that looks like a clone (its tests/ are there)."""
    home = tmp_path_factory.mktemp("walkthrough")
    (home / "tests").symlink_to(ROOT / "tests")
    done = Replay(home)
    with contextlib.chdir(home):
        for kind, *rest in _steps():
            if kind == "shell":
                subprocess.run(["bash", "-c", rest[0]], check=True)
            elif kind == "file":
                Path(rest[0]).write_text(rest[1], encoding="utf-8")
            elif kind == "run":
                done.runs.append((rest[0], _invoke(rest[0])))
                if rest[0].startswith("dealgraph new-source "):
                    _drafted(done, rest[0])
    return done


# -- the README and its fixtures ----------------------------------------------------------


def test_the_readme_shows_the_fixture_files_and_runs_every_step() -> None:
    steps = _steps()
    files = {Path(s[1]).name: s[2] for s in steps if s[0] == "file"}
    assert sorted(files) == ["brief_helios_nimbus.yaml", "entities.yaml", "note_helios_cirrus.yaml"]
    for name, text in files.items():
        assert text == (FIXTURES / name).read_text(encoding="utf-8"), (
            f"README's {name} differs from its fixture"
        )
    runs = [s[1].split(" --")[0] for s in steps if s[0] == "run"]
    assert runs[0] == "dealgraph new-source brief_helios_nimbus.txt"
    wanted = [
        "validate",
        "loops",
        "deal helios-nimbus-warrant",
        "diff helios-before helios",
        "exposure helios",
    ]
    for command in [*wanted, "report"]:
        assert f"dealgraph {command}" in runs, command


def test_the_readme_draft_excerpt_is_what_new_source_writes(replay: Replay) -> None:
    excerpts = [s[1] for s in _steps() if s[0] == "draft"]
    assert len(excerpts) == 1
    draft = replay.drafts["brief_helios_nimbus.txt"]
    assert excerpts[0] in draft


# -- step 2: new-source drafts stubs with the brief's figures -----------------------------


def _stub(draft: dict, words: str) -> dict:
    found = [stub for stub in draft["drafts"] if words in stub["quote"]]
    assert len(found) == 1, (words, [s["quote"] for s in draft["drafts"]])
    return found[0]


def test_new_source_drafts_the_warrant_stake_capacity_and_rate(replay: Replay) -> None:
    draft = yaml.safe_load(replay.drafts["brief_helios_nimbus.txt"])
    assert draft["source"]["title"] == "Helios and Nimbus: a chips-for-equity pact"
    assert draft["source"]["published"] == "2026-03-03"
    # (quote words, value, unit, what the figure carries beyond value and unit)
    expected = [
        ("160 million shares", 160_000_000, "count", {"counts": "shares"}),
        ("~7%", 7, "percent", {"bound": "about"}),
        ("10 GW", 10, "GW", {"bound": "exact"}),
        ("$1.25 billion monthly", 1_250_000_000, "USD", {"rate": "per-month"}),
    ]
    for words, value, unit, more in expected:
        stub = _stub(draft, words)
        assert [(f["value"], f["unit"]) for f in stub["figures"]] == [(value, unit)], words
        assert more.items() <= stub["figures"][0].items(), words
        assert stub["entities"] and set(stub["entities"]) <= {"helios", "nimbus-labs"}, words
    assert "unreviewed draft stub(s)" in replay.refused["brief_helios_nimbus.txt"]


# -- step 4: validate checks the quotes and figures ---------------------------------------


def test_validate_passes_the_reviewed_files(replay: Replay) -> None:
    """The brief's file has 9 quotes (3 evidence, shares, stake, capacity, amount, 2
    observations) and 6 figures; the note adds 3 quotes and 1 figure."""
    first, second = [_flat(out) for line, out in replay.runs if line == "dealgraph validate --data helios"]
    assert "9 quotes checked against their documents, 6 figures against their quotes: no problem" in first
    assert "12 quotes checked against their documents, 7 figures against their quotes: no problem" in second


def _line_of(text: str, words: str) -> int:
    return text[: text.index(words)].count("\n") + 1


def test_a_made_up_quote_and_a_wrong_figure_are_refused_naming_file_line_and_field(
    replay: Replay, tmp_path: Path
) -> None:
    """The mistake the README shows: "on its own cloud" in the payment's evidence (the brief
    says "on its cloud") and 180 million shares (the brief says 160 million)."""
    shutil.copytree(replay.home / "helios", tmp_path / "helios")
    reviewed = (FIXTURES / "brief_helios_nimbus.yaml").read_text(encoding="utf-8")
    wrong = reviewed.replace("capacity on its cloud.", "capacity on its own cloud.").replace(
        "value: 160_000_000", "value: 180_000_000"
    )
    assert wrong.count("own cloud") == 1 and wrong.count("180_000_000") == 1
    (tmp_path / "helios" / "sources" / "brief_helios_nimbus.yaml").write_text(wrong, encoding="utf-8")
    with contextlib.chdir(tmp_path):
        done = runner.invoke(app, ["validate", "--data", "helios"])
    assert done.exit_code == 1, done.output
    where = "helios/sources/brief_helios_nimbus.yaml"
    shares, quote = _line_of(wrong, "value: 180_000_000"), _line_of(wrong, "on its own cloud")
    assert f"{where}:{shares}: deals[0].shares.value: no 180000000 shares in the quote" in done.output
    assert f"{where}:{quote}: deals[2].evidence[0].quote: quote not found verbatim" in done.output
    assert "closest passage: '- Nimbus will pay Helios $1.25 billion monthly for capacity on its cloud." in (
        done.output
    )
    # the README prints exactly what validate says
    (shown,) = [s[1] for s in _steps() if s[0] == "refusal"]
    assert [ln.strip() for ln in shown.splitlines()] == [ln.strip() for ln in done.output.splitlines()]


# -- step 5: the loop and the deal card ---------------------------------------------------


def _quantity(flow: dict, measure: str) -> dict:
    (found,) = [q for q in flow["quantities"] if q["measure"] == measure]
    return found


def test_the_loop_goes_out_as_the_warrant_and_back_as_capacity_and_a_rate(replay: Replay) -> None:
    (loop,) = replay.json("dealgraph loops --data helios --json")
    assert loop["members"] == ["helios", "nimbus-labs"]
    assert loop["out_deal_ids"] == ["helios-nimbus-warrant"]
    assert sorted(loop["back_deal_ids"]) == ["nimbus-helios-cloud", "nimbus-helios-deployment"]
    flows = {f["id"]: f for f in loop["flows"]}
    warrant = flows["helios-nimbus-warrant"]
    assert warrant["kind"] == "warrant" and warrant["amount"] is None
    assert _quantity(warrant, "shares")["value"] == 160_000_000
    assert _quantity(warrant, "shares")["quote"] == "a warrant for 160 million shares"
    assert (_quantity(warrant, "stake")["value"], _quantity(warrant, "stake")["bound"]) == (7, "about")
    capacity = _quantity(flows["nimbus-helios-deployment"], "capacity")
    assert (capacity["value"], capacity["unit"]) == (10, "GW")
    assert flows["nimbus-helios-deployment"]["amount"] is None
    cloud = flows["nimbus-helios-cloud"]
    assert (cloud["amount"], cloud["rate"]) == (1_250_000_000, "per-month")
    # no money figure went out (the warrant pays in shares) and the money back is a rate
    assert loop["money_out"] == 0 and loop["ratio"] is None
    assert "warrant for 160 million shares" in loop["ratio_basis"] and "rate" in loop["ratio_basis"]
    # every leg is listed, the legs without a money figure with what they do state
    out, back = loop["legs"]
    assert (out["from_group"], out["to_group"], out["deal_ids"]) == ("helios", "nimbus-labs", [warrant["id"]])
    assert [(q["measure"], q["value"]) for q in out["quantities"]] == [("shares", 160_000_000), ("stake", 7)]
    assert (back["from_group"], back["to_group"]) == ("nimbus-labs", "helios")
    assert sorted(back["deal_ids"]) == ["nimbus-helios-cloud", "nimbus-helios-deployment"]
    assert [(q["measure"], q["value"], q["unit"]) for q in back["quantities"]] == [("capacity", 10, "GW")]


def test_the_deal_card_shows_the_warrant_shares_and_stake(replay: Replay) -> None:
    deal = replay.json("dealgraph deal helios-nimbus-warrant --data helios --json")
    who = (deal["kind"], deal["payer"], deal["payee"], deal["status"])
    assert who == ("warrant", "helios", "nimbus-labs", "contingent")
    stake = _quantity(deal, "stake")
    assert (stake["value"], stake["unit"], stake["bound"]) == (7, "percent", "about")
    assert "~7%" in stake["quote"] and stake["document"] == "brief_helios_nimbus.txt"
    assert _quantity(deal, "shares")["value"] == 160_000_000
    assert deal["all_sources"][0]["quote"].startswith("Helios Compute Inc. granted Nimbus Labs a warrant")


# -- step 6: the second document and the bet ----------------------------------------------


def test_helios_bets_on_both_rivals(replay: Replay) -> None:
    bet = replay.json("dealgraph exposure helios --data helios --json")
    assert bet["two_sided"] is True
    assert bet["rival_pairs"] == [["cirrus-ai", "nimbus-labs"]]
    cirrus, nimbus = bet["sides"]["cirrus-ai"], bet["sides"]["nimbus-labs"]
    assert cirrus["deal_ids"] == ["helios-cirrus-investment"]
    assert cirrus["money_to_lab"]["committed"] == 2_000_000_000
    assert nimbus["deal_ids"] == ["helios-nimbus-warrant", "nimbus-helios-cloud", "nimbus-helios-deployment"]
    assert "warrant" in nimbus["kinds"]


def test_the_deal_card_prints_the_shares_and_stake(replay: Replay) -> None:
    """The deal card as a person reads it (no --json)."""
    card = _flat(replay.output("dealgraph deal helios-nimbus-warrant --data helios"))
    assert "160 million shares" in card and "stake ~7%" in card


def test_diff_shows_what_the_second_document_changed(replay: Replay) -> None:
    changes = _flat(replay.output("dealgraph diff helios-before helios"))
    assert "+ helios-cirrus-investment equity-investment helios -> cirrus-ai $2B committed" in changes
    assert "+ cirrus-ai competes-with nimbus-labs" in changes
    assert "+ helios cirrus-ai vs nimbus-labs" in changes


def test_the_report_names_the_loop_and_the_bet(replay: Replay) -> None:
    report = _flat(replay.output("dealgraph report --data helios"))
    assert "Helios Compute -> Nimbus Labs -> Helios Compute" in report
    assert "Helios Compute (rivals: Cirrus AI vs Nimbus Labs)" in report


def test_the_deal_card_gives_the_vesting_condition(replay: Replay) -> None:
    """The warrant vests as Nimbus deploys Helios systems (the brief): the card says so."""
    deal = replay.json("dealgraph deal helios-nimbus-warrant --data helios --json")
    assert deal["conditions"] == ["vesting as Nimbus deploys Helios systems"]
    assert "depends on: vesting as Nimbus deploys Helios systems" in _flat(
        replay.output("dealgraph deal helios-nimbus-warrant --data helios")
    )


def test_the_bet_shows_the_monthly_payment(replay: Replay) -> None:
    """Nimbus pays Helios "$1.25 billion monthly" (the brief): a rate is no total, but the bet
    in the report still says it, in words."""
    report = _flat(replay.output("dealgraph report --data helios"))
    bet = report.split("Two-sided bets", 1)[1]
    assert "$1.25 billion a month" in bet
