"""Money arithmetic that never mixes kinds of money.

Every flow falls in one *bucket*:

``committed``
    committed, completed or announced money whose figure is exact, about or at least;
``contingent``
    money that depends on milestones or conditions (status ``contingent``);
``upper_bound``
    "up to" figures that are not contingent;
``forecast``
    projections (status ``forecast``);
``aggregate``
    totals over several deals (kind or status ``aggregate``), reported for reference and
    never added to the deals they sum.

:func:`tally` adds flows per bucket, so committed and contingent money are never summed
together silently. A deal split into tranches (deals ``part_of`` it) is counted through its
tranches only (when the tranches carry figures); :func:`countable` drops such parents and
aggregates.

>>> tally([{"amount": 5, "status": "committed", "bound": "exact", "kind": "equity-investment"},
...        {"amount": 20, "status": "contingent", "bound": "up-to", "kind": "equity-investment"}])
{'committed': 5, 'contingent': 20, 'upper_bound': 0, 'forecast': 0, 'aggregate': 0, 'unknown_amounts': 0}
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # pragma: no cover
    from .results import Flow

# A flow: the typed Flow the analytics return, or the dict it is built from (flow_of_edge).
# Both are read with item access (Flow keeps a read-only one: see dealgraph.graph.results).
F = TypeVar("F", "Flow", dict[str, Any])

__all__ = ["BUCKETS", "bucket", "tally", "countable", "parents_with_tranches"]

BUCKETS = ("committed", "contingent", "upper_bound", "forecast", "aggregate")


def bucket(flow: Flow | dict[str, Any]) -> str:
    """The bucket a flow's money belongs to (see the module docstring)."""
    if flow["kind"] == "aggregate" or flow.get("status") == "aggregate":
        return "aggregate"
    if flow.get("status") == "contingent":
        return "contingent"
    if flow.get("status") == "forecast":
        return "forecast"
    if flow.get("bound") == "up-to":
        return "upper_bound"
    return "committed"


def tally(flows: Iterable[Flow | dict[str, Any]]) -> dict[str, int | float]:
    """Sum flows' headline amounts per bucket; flows without a figure are counted apart."""
    out: dict[str, int | float] = {b: 0 for b in BUCKETS}
    out["unknown_amounts"] = 0
    for f in flows:
        if f.get("amount") is None:
            out["unknown_amounts"] += 1
        else:
            out[bucket(f)] += f["amount"]
    return out


def parents_with_tranches(flows: Iterable[Flow | dict[str, Any]]) -> set[str]:
    """Ids of deals that tranches with a figure are ``part_of`` (their money is counted there).

    A part without a figure (distribution rights that came with an investment, say) does
    not stand for its parent's money, so it does not make the parent uncountable.
    """
    return {f["part_of"] for f in flows if f.get("part_of") and f.get("amount") is not None}


def countable(flows: list[F]) -> list[F]:
    """Flows that may be added up: no aggregates, no parents counted through tranches."""
    parents = parents_with_tranches(flows)
    return [f for f in flows if f["id"] not in parents and bucket(f) != "aggregate"]
