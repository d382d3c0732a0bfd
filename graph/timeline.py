"""The two timelines every analytic is cut on: valid time (``as_of``) and knowledge time (``known_at``).

``as_of`` (valid time, the state of the deals on that date)
    A deal counts from its event date; an undated deal from the earliest publication of its
    sources (the best proxy the documents give for when it happened). Its amount claims and
    sources count with it: an amount counts from the date the document says it was announced
    or agreed (the deal's date), not from the publication of the document that reports it.
    An observation counts from its own date (``as_of``), else the first day of its period,
    else its document's publication. A relationship counts from its ``start`` (else like an
    undated deal); one that has ended is still listed, as ended from its ``end`` on and as
    active before it. A date given as a month, quarter or year counts from its first day.
``known_at`` (knowledge time, what documents published by then said)
    Claims, sources and observations of documents published after that date are left out;
    a deal none of whose sources was published by then is left out.

Both together ask what had been reported by ``known_at`` about the state on ``as_of``. A source
without a publication date is never cut on knowledge time (nothing says it came later).

>>> t = Timeline.of(as_of="2026-03-01", known_at=dt.date(2026, 4, 1))
>>> t.as_of, t.known_at, t.valid("2026-02-02"), t.known("2026-04-14")
('2026-03-01', '2026-04-01', True, False)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..ontology.dates import parse_precise
from .money import parse_as_of

if TYPE_CHECKING:  # pragma: no cover
    from .results import Observation

__all__ = ["Timeline", "Date", "deal_date", "observation_date"]

#: a date as the analytics take it: ``YYYY-MM-DD`` text, a date, or None (no cut)
Date = str | dt.date | None


@dataclass(frozen=True)
class Timeline:
    """A cut on valid time (``as_of``) and knowledge time (``known_at``), both ``YYYY-MM-DD`` or None."""

    as_of: str | None = None
    known_at: str | None = None

    @classmethod
    def of(cls, as_of: Date = None, known_at: Date = None) -> Timeline:
        """Both dates parsed (ValueError names the one that is not ``YYYY-MM-DD``)."""
        return cls(parse_as_of(as_of), parse_as_of(known_at, "known-at"))

    def valid(self, when: str | None) -> bool:
        """Whether something dated ``when`` holds on :attr:`as_of` (undated: yes)."""
        return self.as_of is None or when is None or when <= self.as_of

    def known(self, published: str | None) -> bool:
        """Whether a document published on ``published`` was out by :attr:`known_at`."""
        return self.known_at is None or published is None or published <= self.known_at

    def deal(self, edge: dict[str, Any]) -> tuple[list[dict], list[dict]] | None:
        """A money edge's amount claims and sources that count, or None if the deal does not."""
        sources = [s for s in edge["sources"] if self.known(s["published"])]
        if edge["sources"] and not sources:
            return None
        if not self.valid(deal_date(edge)):
            return None
        return [a for a in edge["amounts"] if self.known(a["published"])], sources

    def relationship(self, sources: list[dict], start: str | None = None) -> list[dict] | None:
        """A relationship's sources that count, or None if it does not.

        On valid time a relationship counts once it had started: from its ``start``, and one
        with no start of its own like an undated deal, from its earliest source's publication.
        On knowledge time it counts by its sources, like a deal. One that has ended still
        counts: it is listed as ended (:meth:`relationship_status`).

        >>> rofr = [{"document": "001.txt", "quote": "q", "published": "2025-11-01"}]
        >>> Timeline.of(as_of="2024-06-01").relationship(rofr, start="2019-01-01") == rofr
        True
        >>> Timeline.of(as_of="2024-06-01").relationship(rofr) is None  # undated: from 2025-11
        True
        >>> Timeline.of(known_at="2024-06-01").relationship(rofr, start="2019-01-01") is None
        True
        """
        kept = self.deal({"amounts": [], "sources": sources, "date": start})
        return None if kept is None else kept[1]

    def relationship_status(self, status: str, end: str | None) -> str:
        """A relationship's status on :attr:`as_of`: ``ended`` only from its ``end`` on.

        A relationship that ended after :attr:`as_of` was still active then; without an
        ``as_of``, or without an end date, the status is the one recorded.

        >>> Timeline.of(as_of="2024-06-01").relationship_status("ended", "2025-01-24")
        'active'
        >>> Timeline.of(as_of="2026-01-01").relationship_status("ended", "2025-01-24")
        'ended'
        >>> Timeline().relationship_status("ended", "2025-01-24")
        'ended'
        """
        if status == "ended" and end is not None and self.as_of is not None and self.as_of < end:
            return "active"
        return status

    def observation(self, o: Observation) -> bool:
        """Whether an observation counts: its date on valid time, its document on knowledge time."""
        return self.known(o.published) and self.valid(observation_date(o))


def deal_date(edge: dict[str, Any]) -> str | None:
    """When a deal starts to count: its date, else its earliest source's publication date."""
    if edge.get("date"):
        return edge["date"]
    dates = [s["published"] for s in edge.get("sources", []) if s.get("published")]
    return min(dates) if dates else None


def observation_date(o: Observation) -> str | None:
    """The date an observation holds from: its ``as_of``, its period's first day, or its publication."""
    if o.as_of:
        return o.as_of
    if o.period:
        try:
            return parse_precise(str(o.period).partition("/")[0])[0].isoformat()
        except ValueError:
            pass
    return o.published
