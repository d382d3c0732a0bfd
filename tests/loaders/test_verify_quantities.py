"""validate checks the figures of the new deal terms against their quotes: a warrant's shares,
a stake in percent, a chip count and a capacity in MW (issue 12: "160 million shares", "~7%").

The document is the analyst brief written for the tests
(tests/loaders/draft_fixtures/sources/brief_helios_nimbus.txt).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dealgraph.loaders.verify import verify_dataset

BRIEF = Path(__file__).parent / "draft_fixtures" / "sources" / "brief_helios_nimbus.txt"

ENTITIES = """entities:
  - {id: helios, type: organization, name: Helios Compute, roles: [chip-designer]}
  - {id: nimbus, type: organization, name: Nimbus Labs, roles: [ai-lab]}
"""

SOURCE = """source:
  document: brief_helios_nimbus.txt
  title: "Helios and Nimbus: a chips-for-equity pact"
deals:
  - id: helios-nimbus-warrant
    kind: warrant
    payer: helios
    payee: nimbus
    shares:
      value: {shares}
      quote: "Helios Compute Inc. granted Nimbus Labs a warrant for 160 million shares"
    stake: {{value: {stake}, bound: about, quote: "the warrant would give Nimbus a ~7% stake in Helios."}}
    evidence:
      - quote: "Helios Compute Inc. granted Nimbus Labs a warrant for 160 million shares"
  - id: nimbus-helios-redwood
    kind: compute-commitment
    payer: nimbus
    payee: helios
    capacity: {{value: {capacity}, unit: {unit}, quote: "The Redwood site draws 1.5 GW"}}
    chip_count: {{value: {chips}, bound: at-least, quote: "for more than 2.5 million accelerators in all."}}
    evidence:
      - quote: "Nimbus committed to deploy 10 GW of Helios accelerators"
"""

RIGHT = {"shares": 160_000_000, "stake": 7, "capacity": 1.5, "unit": "GW", "chips": 2_500_000}


def _data(tmp_path: Path, **figures) -> Path:
    (tmp_path / "sources").mkdir()
    shutil.copy(BRIEF, tmp_path / "sources")
    (tmp_path / "entities.yaml").write_text(ENTITIES)
    text = SOURCE.format(**(RIGHT | figures))
    (tmp_path / "sources" / "brief_helios_nimbus.yaml").write_text(text)
    return tmp_path


def test_the_figures_the_brief_states_pass(tmp_path):
    report = verify_dataset(_data(tmp_path))
    assert report.problems == []
    assert report.figures_checked == 4  # shares, stake, capacity, chip count


@pytest.mark.parametrize(
    ("changed", "field", "message"),
    [
        ({"shares": 170_000_000}, "deals[0].shares.value", "no 170000000 shares"),
        ({"stake": 8}, "deals[0].stake.value", "no 8 percent"),
        ({"chips": 3_000_000}, "deals[1].chip_count.value", "no 3000000 chips"),
        ({"capacity": 1.5, "unit": "MW"}, "deals[1].capacity.value", "no 1.5 MW"),
    ],
)
def test_a_figure_its_quote_does_not_state_is_refused(tmp_path, changed, field, message):
    [problem] = verify_dataset(_data(tmp_path, **changed)).problems
    assert problem.kind == "figure"
    assert problem.field == field
    assert message in problem.message
    assert problem.file.endswith("brief_helios_nimbus.yaml") and problem.line
