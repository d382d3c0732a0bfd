"""Human formatting for the CLI.

>>> money(38_000_000_000)
'$38B'
>>> money(1_250_000_000, rate="per-month")
'$1.25B/month'
>>> money(20_000_000_000, bound="up-to")
'up to $20B'
>>> money(None)
'—'
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

__all__ = ["money", "print_card"]

_BOUND = {"exact": "", "about": "~", "at-least": "≥ ", "up-to": "up to "}
_RATE = {"per-month": "/month", "per-year": "/year", "per-hour": "/hour"}


def money(value: float | int | None, bound: str | None = None, rate: str | None = None) -> str:
    """A money amount in base units as ``$38B``, ``~$1.4T``, ``up to $20B``."""
    if value is None:
        return "—"
    v = float(value)
    for div, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(v) >= div:
            text = f"{v / div:.2f}".rstrip("0").rstrip(".") + suffix
            break
    else:
        text = f"{v:g}"
    return f"{_BOUND.get(bound or 'exact', '')}${text}{_RATE.get(rate or '', '')}"


def _value(o: dict[str, Any]) -> str:
    if o["unit"] == "USD":
        s = money(o["value"], o["bound"], o["rate"])
        if o.get("upper") is not None:
            s += "–" + money(o["upper"])
        return s
    s = f"{o['value']:g}" if isinstance(o["value"], float) else str(o["value"])
    if o.get("upper") is not None:
        s += f"–{o['upper']}"
    return f"{_BOUND.get(o['bound'] or 'exact', '')}{s} {o['unit']}"


def print_card(console: Console, card: dict[str, Any]) -> None:
    """Print an entity card as rich tables."""
    head = f"[bold]{card['name']}[/] ({card['id']}) — {card['type']}"
    if card["roles"]:
        head += ": " + ", ".join(card["roles"])
    console.print(head)
    if card["aliases"]:
        console.print("aliases: " + ", ".join(card["aliases"]))
    if card["group"] != card["id"] or len(card["group_members"]) > 1:
        console.print(f"group: {card['group']} ({', '.join(card['group_members'])})")
    if card["deals"]:
        t = Table("deal", "direction", "counterparty", "kind", "amount", "status", "sources",
                  title="deals")
        for d in card["deals"]:
            t.add_row(d["id"], "pays" if d["direction"] == "out" else "receives",
                      d["counterparty"], d["kind"], money(d["amount"], d["bound"], d["rate"]),
                      d["status"] or "", ", ".join(sorted({s["document"] for s in d["sources"]})))
        console.print(t)
    if card["relationships"]:
        t = Table("kind", "subject", "object", "sources", title="relationships")
        for r in card["relationships"]:
            t.add_row(r["kind"], r["subject"], r["object"],
                      ", ".join(sorted({s["document"] for s in r["sources"]})))
        console.print(t)
    if card["observations"]:
        t = Table("metric", "value", "when", "note", "source", title="observations")
        for o in card["observations"]:
            when = o["as_of"] or o["period"] or ""
            extra = ", ".join(x for x in (o["segment"], o["basis"],
                                          "forecast" if o["forecast"] else None,
                                          o["attributed_to"]) if x)
            t.add_row(o["metric"], _value(o), str(when), extra,
                      ", ".join(sorted({s["document"] for s in o["sources"]})))
        console.print(t)
