"""The analytics return the typed result models, and each model's example is valid."""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel

from dealgraph import open_graph
from dealgraph.graph import entity_card, flows, observations, sources
from dealgraph.graph import results as R
from dealgraph.graph.conflicts import conflicts
from dealgraph.graph.exposure import exposure, two_sided_bets
from dealgraph.graph.loops import vendor_financed_loops
from dealgraph.graph.paths import paths, share
from dealgraph.graph.report import build_report
from dealgraph.graph.trace import trace

MODELS = [
    getattr(R, n)
    for n in R.__all__
    if isinstance(getattr(R, n), type)
    and issubclass(getattr(R, n), BaseModel)
    and getattr(R, n) not in (R.Result, R.Page)
]


@pytest.fixture(scope="module")
def kg():
    graph = open_graph()
    yield graph
    graph.close()


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_each_model_has_a_description_and_a_valid_example(model):
    schema = model.model_json_schema(by_alias=True)
    assert schema.get("description")
    for name, prop in schema["properties"].items():
        assert prop.get("description"), f"{model.__name__}.{name}"
    [example] = schema["examples"]
    value = model.model_validate(example)
    # the example is exactly what the model prints back (no field dropped or renamed)
    assert value.model_dump(mode="json", by_alias=True) == example


def _round_trips(value: BaseModel) -> None:
    text = value.model_dump_json(by_alias=True)
    assert type(value).model_validate_json(text) == value


def test_the_analytics_return_the_models(kg):
    fl = flows(kg)
    assert fl and all(isinstance(f, R.Flow) for f in fl)
    t = trace(kg, "amazon", depth=2)
    assert isinstance(t, R.Trace) and isinstance(t.reached["openai"].money, R.MoneyTally)
    e = exposure(kg, "amazon")
    assert isinstance(e, R.Exposure) and e.two_sided
    assert all(isinstance(x, R.Exposure) for x in two_sided_bets(kg))
    loops = vendor_financed_loops(kg)
    assert loops and all(isinstance(lp, R.Loop) for lp in loops)
    ps = paths(kg, "google", "amazon", mode="any")
    assert ps and all(isinstance(p, R.Path) for p in ps)
    assert {type(s) for p in ps for s in p.steps} <= {R.MoneyStep, R.StructureStep}
    assert isinstance(share(kg, "openai", "aws"), R.Share)
    cs = conflicts(kg)
    assert cs and all(isinstance(c, R.DealConflict | R.ObservationConflict) for c in cs)
    card = entity_card(kg, "aws")
    assert isinstance(card, R.EntityCard) and all(isinstance(d, R.CardDeal) for d in card.deals)
    assert all(isinstance(s, R.Source) for s in sources(kg))
    assert all(isinstance(o, R.Observation) for o in observations(kg))
    rep = build_report(kg)
    assert isinstance(rep, R.Report)
    for value in (t, e, card, rep, *loops, *ps, *cs, *fl):
        _round_trips(value)


def test_a_flow_is_one_shape_everywhere(kg):
    """The flow in /flows, in a loop, in a trace hop and on a card is the same object."""
    [f] = flows(kg, payer="openai", payee="aws")
    loop = next(lp for lp in vendor_financed_loops(kg) if lp.members == ["amazon", "openai"])
    assert f in loop.flows
    hop = trace(kg, "openai", depth=1).hops[0]
    assert f in hop.flows
    deal = next(d for d in entity_card(kg, "aws").deals if d.id == f.id)
    assert R.Flow.model_validate(deal.model_dump(exclude={"direction", "counterparty"})) == f


def test_item_access_is_read_only_and_uses_json_names(kg):
    [f] = flows(kg, payer="openai", payee="aws")
    assert f["amount"] == f.amount == 38_000_000_000
    assert f.get("no-such-field", "x") == "x" and "amount" in f and "nope" not in f
    with pytest.raises(KeyError):
        f["nope"]
    with pytest.raises(TypeError):
        f["amount"] = 1  # type: ignore[index]
    step = paths(kg, "amazon", "aws", max_length=2)[0].steps[0]
    assert step["from"] == step.from_ == "amazon"
    assert "from" in step.keys()


def test_json_has_no_python_names_and_no_nan(kg):
    text = json.dumps(
        [p.model_dump(mode="json", by_alias=True) for p in paths(kg, "amazon", "aws", max_length=2)],
        allow_nan=False,
    )
    assert '"from"' in text and '"from_"' not in text
