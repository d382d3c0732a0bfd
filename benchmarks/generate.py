"""Seeded synthetic financing graphs with planted vendor-financed loops.

Organizations get roles and corporate groups (a parent with one to three subsidiaries);
deal endpoints follow a skewed (Zipf-like) popularity, so a few organizations take most
deals, as in real financing data. Ordinary deals are what real money graphs are made of:
labs buying compute and chips from vendors, vendors paying labs revenue shares, vendors
buying chips from other vendors. They close many cycles of their own (lab -> cloud -> lab,
chip vendor -> cloud -> chip vendor), none through an investment. Then ``loops`` vendor-
financed loops are planted: an equity investment from an investor group (one of its own,
never paid by ordinary deals) to a lab, and money from the lab back to the investor's
*subsidiary* (two hops) or through a broker (three hops). Only the investor's own lab or
broker pays it, so the planted loops are exactly the graph's investment-anchored loops,
while a search for every cycle (networkx, igraph) also meets the ordinary ones.

>>> g = generate(200, seed=1, loops=5)
>>> len(g.deals), len(g.planted)
(200, 5)
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass, field
from pathlib import Path

ID = "https://w3id.org/dealgraph/id/"
DG = "https://w3id.org/dealgraph/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
XSD = "http://www.w3.org/2001/XMLSchema#"

__all__ = ["Synthetic", "generate", "write_ntriples"]


@dataclass
class Synthetic:
    labs: list[str] = field(default_factory=list)
    vendors: list[str] = field(default_factory=list)
    parents: dict[str, str] = field(default_factory=dict)  # subsidiary -> parent
    deals: list[tuple[str, str, str, str, int]] = field(default_factory=list)
    # (id, kind, payer, payee, amount)
    planted: list[tuple[str, ...]] = field(default_factory=list)  # group paths A, B, ..., A


def _zipf_pick(rng: random.Random, items: list[str], s: float = 1.1) -> str:
    # inverse-CDF sampling on precomputed weights is faster; simple variant is enough here
    i = int(len(items) * (rng.random() ** (1 + s))) % len(items)
    return items[i]


def generate(n_deals: int, seed: int = 42, loops: int | None = None) -> Synthetic:
    """A synthetic data set of about ``n_deals`` deals with ``loops`` planted loops."""
    rng = random.Random(seed)
    loops = loops if loops is not None else max(5, n_deals // 2000)
    n_orgs = max(50, n_deals // 10)
    g = Synthetic()
    g.labs = [f"lab-{i}" for i in range(max(10, n_orgs // 5))]
    parents = [f"vendor-{i}" for i in range(n_orgs - len(g.labs))]
    for p in parents:
        g.vendors.append(p)
        for j in range(rng.randint(1, 3)):
            sub = f"{p}-sub-{j}"
            g.vendors.append(sub)
            g.parents[sub] = p
    kinds = ("compute-commitment", "chip-supply", "partnership")
    for i in range(n_deals - 2 * loops - loops // 2):
        lab = _zipf_pick(rng, g.labs)
        vendor = _zipf_pick(rng, g.vendors)
        amount = rng.randint(1, 500) * 10**7
        roll = rng.random()
        if roll < 0.15:  # a vendor pays a lab (revenue share)
            g.deals.append((f"d{i}", "revenue-share", vendor, lab, amount))
        elif roll < 0.25:  # a vendor buys chips from another vendor
            g.deals.append((f"d{i}", "chip-supply", vendor, _zipf_pick(rng, g.vendors), amount))
        else:  # a lab buys compute, chips or a partnership from a vendor
            g.deals.append((f"d{i}", rng.choice(kinds), lab, vendor, amount))
    for k in range(loops):
        # each loop's investor is a group of its own that ordinary deals never pay, so the
        # planted loops are the only loops of the graph
        investor = f"investor-{k}"
        subs = [f"{investor}-cloud"]
        g.vendors += [investor, *subs]
        g.parents[subs[0]] = investor
        lab = g.labs[k % len(g.labs)]
        g.deals.append((f"loop{k}-invest", "equity-investment", investor, lab, rng.randint(1, 100) * 10**9))
        if k % 2 == 0:  # two hops: lab -> investor's subsidiary
            g.deals.append(
                (f"loop{k}-back", "compute-commitment", lab, rng.choice(subs), rng.randint(1, 100) * 10**9)
            )
            g.planted.append((investor, lab, investor))
        else:  # three hops: lab -> a broker group -> the investor's subsidiary
            middle = f"broker-{k}"
            g.vendors.append(middle)
            g.deals.append((f"loop{k}-back1", "compute-commitment", lab, middle, rng.randint(1, 100) * 10**9))
            g.deals.append(
                (f"loop{k}-back2", "chip-supply", middle, rng.choice(subs), rng.randint(1, 100) * 10**9)
            )
            g.planted.append((investor, lab, middle, investor))
    return g


def _lines(g: Synthetic):
    src = f"<{ID}source/synthetic.txt>"
    ev = f"<{ID}evidence/synthetic>"
    yield from (
        f"{src} <{RDF_TYPE}> <{DG}Source> .",
        f'{src} <{DG}document> "synthetic.txt" .',
        f'{src} <{DG}title> "Synthetic benchmark data" .',
        f"{ev} <{RDF_TYPE}> <{DG}Evidence> .",
        f"{ev} <{DG}source> {src} .",
        f'{ev} <{DG}quote> "synthetic" .',
    )
    for lab in g.labs:
        e = f"<{ID}entity/{lab}>"
        yield from (
            f"{e} <{RDF_TYPE}> <{DG}Organization> .",
            f"{e} <{RDF_TYPE}> <{DG}AiLab> .",
            f'{e} <{LABEL}> "{lab}" .',
        )
    for v in g.vendors:
        e = f"<{ID}entity/{v}>"
        yield from (
            f"{e} <{RDF_TYPE}> <{DG}Organization> .",
            f"{e} <{RDF_TYPE}> <{DG}CloudProvider> .",
            f'{e} <{LABEL}> "{v}" .',
        )
        if v in g.parents:
            yield f"{e} <{DG}subsidiaryOf> <{ID}entity/{g.parents[v]}> ."
    camel = {
        k: "".join(p.capitalize() for p in k.split("-"))
        for k in ("compute-commitment", "chip-supply", "partnership", "equity-investment", "revenue-share")
    }
    for did, kind, payer, payee, amount in g.deals:
        d = f"<{ID}deal/{did}>"
        a = f"<{ID}deal/{did}/amount>"
        yield from (
            f"{d} <{RDF_TYPE}> <{DG}Deal> .",
            f"{d} <{DG}kind> <{DG}{camel[kind]}> .",
            f"{d} <{DG}status> <{DG}Committed> .",
            f"{d} <{DG}payer> <{ID}entity/{payer}> .",
            f"{d} <{DG}payee> <{ID}entity/{payee}> .",
            f"{d} <{DG}evidence> {ev} .",
            f"{d} <{DG}amount> {a} .",
            f"{a} <{RDF_TYPE}> <{DG}MonetaryAmount> .",
            f'{a} <{DG}value> "{amount}.0"^^<{XSD}decimal> .',
            f'{a} <{DG}currency> "USD" .',
            f"{a} <{DG}bound> <{DG}Exact> .",
            f"{a} <{DG}evidence> {ev} .",
        )


def write_ntriples(g: Synthetic, path: Path) -> int:
    """Write entities, deals, a source and evidence as N-Triples; return the triple count.

    Written as it is generated, so a million deals never sit in memory as text.
    """
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        for line in _lines(g):
            fh.write(line)
            fh.write("\n")
            n += 1
    return n


def main() -> None:  # pragma: no cover
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--deals", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("-o", "--output", type=Path, default=Path("synthetic.nt"))
    args = ap.parse_args()
    g = generate(args.deals, args.seed)
    n = write_ntriples(g, args.output)
    print(f"{len(g.deals)} deals, {len(g.planted)} planted loops, {n} triples -> {args.output}")


if __name__ == "__main__":  # pragma: no cover
    main()
