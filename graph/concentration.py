"""Supplier concentration: how much of a lab's committed compute money goes to whom.

The Herfindahl-Hirschman index (HHI) of a lab's compute suppliers is the sum of the squared
shares, in percent, of the committed money the lab has promised each supplier: 10,000 when
one supplier takes everything, 10,000/N for N equal suppliers. The U.S. Horizontal Merger
Guidelines (2023) call a market with an HHI above 1,800 highly concentrated; the same scale
reads here as "how dependent is this lab on its largest compute suppliers". The effective
number of suppliers is 10,000 / HHI.

What counts:

* deals the lab pays (``payer``) of kind ``compute-commitment`` or ``chip-supply``;
* their *committed* money only (see :mod:`.money`): announced, contingent, "up to",
  forecast and aggregate figures are not promises of the same kind and are left out (with
  ``include_announced`` announced money counts as committed), and a deal split into
  tranches counts through its tranches;
* a supplier is a corporate group (AWS counts for Amazon), so one company's cloud and chips
  are one dependency;
* deals with no stated figure, or only a rate ($1.25 billion a month: no total), are
  listed (``unquantified``), never guessed; "at least" figures count at their floor;
* a deal whose documents state different figures counts at its headline figure (the one
  the flows show) and is listed in ``disputed``: its index may be far off.

>>> from dealgraph import open_graph
>>> c = concentration(open_graph(), ConcentrationParams(lab="openai"))
>>> c.suppliers[0].supplier, c.hhi > 1800
('microsoft', True)
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from ..ontology.vocab import SLUG_MAX_LENGTH, SLUG_PATTERN
from .flows import flows
from .groups import group_map
from .money import bucket, countable, format_money
from .registry import Analytic

if TYPE_CHECKING:  # pragma: no cover
    from .knowledge_graph import KnowledgeGraph

__all__ = ["COMPUTE_KINDS", "ConcentrationParams", "Concentration", "SupplierShare", "concentration"]

#: the deal kinds that buy compute
COMPUTE_KINDS = ("compute-commitment", "chip-supply")
#: above this HHI a market is "highly concentrated" (U.S. Horizontal Merger Guidelines, 2023, 2.1)
HIGHLY_CONCENTRATED = 1800


class ConcentrationParams(BaseModel):
    """The inputs of :func:`concentration`."""

    lab: str = Field(
        pattern=SLUG_PATTERN,
        max_length=SLUG_MAX_LENGTH,
        description="The lab whose compute suppliers are measured.",
        examples=["openai"],
        json_schema_extra={"entity": True},
    )
    as_of: dt.date | None = Field(
        None, description="Valid time: the deals as they stood on this date (YYYY-MM-DD)."
    )
    known_at: dt.date | None = Field(
        None, description="Knowledge time: only what documents published by this date said (YYYY-MM-DD)."
    )
    include_announced: bool = Field(
        False, description="Count announced (not yet committed) money as committed."
    )


# a real answer (bundled data: OpenAI's compute deals, documents 000 and 001)
_MICROSOFT: dict[str, Any] = {
    "supplier": "microsoft",
    "name": "Microsoft",
    "committed": 250e9,
    "share": 250 / 340.4,
    "deals": ["openai-microsoft-compute"],
}


class SupplierShare(BaseModel):
    """One supplier (a corporate group) and its part of the lab's committed compute money."""

    model_config = ConfigDict(json_schema_extra={"examples": [_MICROSOFT]})

    supplier: str = Field(description="Id of the supplier's corporate group.", examples=["microsoft"])
    name: str = Field(description="The supplier's name.", examples=["Microsoft"])
    committed: float = Field(description="Committed money to this supplier, in USD.", examples=[250e9])
    share: float = Field(description="Share of the lab's committed compute money, 0-1.", examples=[0.73])
    deals: list[str] = Field(description="The deals counted.", examples=[["openai-microsoft-azure-250b"]])


class Concentration(BaseModel):
    """The Herfindahl-Hirschman index of a lab's compute suppliers by committed money."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "lab": "openai",
                    "hhi": 5639.5,
                    "effective_suppliers": 1.77,
                    "highly_concentrated": True,
                    "committed_total": 340.4e9,
                    "suppliers": [_MICROSOFT],
                    "unquantified": ["openai-google-compute"],
                    "disputed": ["openai-oracle-compute"],
                    "as_of": None,
                    "known_at": None,
                }
            ]
        }
    )

    lab: str = Field(description="The lab.", examples=["openai"])
    hhi: float | None = Field(
        description="Sum of squared percentage shares, 0-10,000 (none without a figure).", examples=[5717.0]
    )
    effective_suppliers: float | None = Field(description="10,000 / HHI.", examples=[1.75])
    highly_concentrated: bool | None = Field(description=f"HHI above {HIGHLY_CONCENTRATED}.")
    committed_total: float = Field(description="All committed compute money counted, in USD.")
    suppliers: list[SupplierShare] = Field(description="Suppliers, largest share first.")
    unquantified: list[str] = Field(description="Compute deals of the lab with no committed figure.")
    disputed: list[str] = Field(description="Counted deals whose documents state different figures.")
    as_of: dt.date | None = Field(None, description="The as-of date asked for.")
    known_at: dt.date | None = Field(None, description="The known-at date asked for.")


def concentration(kg: KnowledgeGraph, params: ConcentrationParams) -> Concentration:
    """The HHI of ``params.lab``'s compute suppliers (see the module docstring)."""
    kg.require_entity(params.lab)
    g = kg.nx()
    groups = group_map(kg)
    bought = [
        f
        for f in flows(kg, payer=params.lab, as_of=params.as_of, known_at=params.known_at)
        if f["kind"] in COMPUTE_KINDS
    ]
    money: dict[str, float] = {}
    deals: dict[str, list[str]] = {}
    unquantified, disputed = [], []
    for f in countable(bought):
        if f["amount"] is None or f["rate"] is not None or bucket(f, params.include_announced) != "committed":
            unquantified.append(f["id"])
            continue
        supplier = groups.get(f["payee"], f["payee"])
        money[supplier] = money.get(supplier, 0.0) + f["amount"]
        deals.setdefault(supplier, []).append(f["id"])
        if f["conflict"]:
            disputed.append(f["id"])
    total = sum(money.values())
    shares = [
        SupplierShare(
            supplier=s,
            name=g.nodes[s].get("name", s) if s in g else s,
            committed=m,
            share=m / total,
            deals=sorted(deals[s]),
        )
        for s, m in money.items()
    ]
    shares.sort(key=lambda s: (-s.committed, s.supplier))
    hhi = sum((100 * s.share) ** 2 for s in shares) if shares else None
    return Concentration(
        lab=params.lab,
        hhi=hhi,
        effective_suppliers=10_000 / hhi if hhi else None,
        highly_concentrated=hhi > HIGHLY_CONCENTRATED if hhi is not None else None,
        committed_total=total,
        suppliers=shares,
        unquantified=sorted(unquantified),
        disputed=sorted(disputed),
        as_of=params.as_of,
        known_at=params.known_at,
    )


def concentration_text(c: Concentration) -> str:
    """Plain lines for the terminal."""
    if c.hhi is None:
        return f"{c.lab}: no committed compute money with a figure" + _unquantified(c)
    verdict = "highly concentrated" if c.highly_concentrated else "not highly concentrated"
    lines = [
        f"{c.lab}: HHI {c.hhi:,.0f} ({verdict}; {c.effective_suppliers:.2f} effective suppliers)",
        f"committed compute money counted: {format_money(c.committed_total)}",
    ]
    for s in c.suppliers:
        lines.append(f"  {s.share:6.1%}  {format_money(s.committed):>8}  {s.name} ({', '.join(s.deals)})")
    return "\n".join(lines) + _unquantified(c)


def _unquantified(c: Concentration) -> str:
    notes = [
        ("not counted (no committed figure)", c.unquantified),
        ("documents disagree on the figure (headline counted)", c.disputed),
    ]
    return "".join(f"\n{label}: {', '.join(ids)}" for label, ids in notes if ids)


PLUGINS = (
    Analytic(
        name="concentration",
        run=concentration,
        params=ConcentrationParams,
        result=Concentration,
        summary="Herfindahl index of a lab's compute suppliers by committed money",
        text=concentration_text,
        argument="lab",
    ),
)
