"""Per-client fairness for SPARQL queries: 429 with Retry-After, as Wikidata's service does.

Each client (its address, as the ASGI server reports it; behind a trusted proxy, uvicorn's
``--forwarded-allow-ips`` makes that the forwarded address) may run at most
``max_concurrent`` queries at once and spend at most ``seconds_per_minute`` seconds of query
time in any sliding minute. A query over either limit is answered 429 at once, with a
``Retry-After`` saying when the client may try again, and never forks a worker. The whole
server runs at most ``max_total`` queries at once (503 with Retry-After beyond that), so
many clients together cannot crowd out the lookups either. :class:`FairShareGate` answers
refused clients before routing, after a short wait, so a flood of refused requests costs
the server little.

>>> clock = [0.0]
>>> budgets = ClientBudgets(max_concurrent=1, seconds_per_minute=10, max_total=4,
...                         clock=lambda: clock[0])
>>> with budgets.slot("10.0.0.1"):
...     clock[0] += 12           # a 12-second query
>>> with budgets.slot("10.0.0.1"):
...     pass
Traceback (most recent call last):
...
dealgraph.api.errors.ApiError: query time budget used up: 12.0 of 10 s in the last minute
>>> with budgets.slot("10.0.0.2"):   # other clients are not affected
...     pass
>>> clock[0] += 60
>>> with budgets.slot("10.0.0.1"):   # a minute later the budget is back
...     pass
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from .errors import ApiError, asgi_error

__all__ = ["ClientBudgets", "FairShareGate"]

WINDOW = 60.0


class ClientBudgets:
    """Concurrent-query and query-time limits per client (thread-safe)."""

    def __init__(
        self,
        max_concurrent: int,
        seconds_per_minute: float,
        max_total: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_concurrent = max_concurrent
        self.seconds_per_minute = seconds_per_minute
        self.max_total = max_total
        self.clock = clock
        self._lock = threading.Lock()
        self._active: dict[str, int] = defaultdict(int)
        self._spent: dict[str, deque[tuple[float, float]]] = defaultdict(deque)

    def _used(self, client: str, now: float) -> float:
        spent = self._spent[client]
        while spent and spent[0][0] <= now - WINDOW:
            spent.popleft()
        if not spent:  # forget idle clients, so many addresses cannot fill memory
            del self._spent[client]
            return 0.0
        return sum(seconds for _, seconds in spent)

    def _retry_after(self, client: str, now: float, used: float) -> int:
        """Seconds until enough of this client's spending leaves the window."""
        excess = used - self.seconds_per_minute
        for ended, seconds in self._spent[client]:
            excess -= seconds
            if excess < 0:
                return max(1, math.ceil(ended + WINDOW - now))
        return 1

    def refusal(self, client: str) -> ApiError | None:
        """The 429/503 ``client`` would get now, or None (takes no slot)."""
        try:
            self.acquire(client)
        except ApiError as exc:
            return exc
        with self._lock:  # give the slot back without charging time
            self._active[client] -= 1
            if not self._active[client]:
                del self._active[client]
        return None

    def acquire(self, client: str) -> None:
        """Take a query slot for ``client`` or raise ApiError 429/503 with Retry-After."""
        with self._lock:
            now = self.clock()
            used = self._used(client, now)
            if used >= self.seconds_per_minute:
                raise ApiError(
                    429,
                    f"query time budget used up: {used:.1f} of "
                    f"{self.seconds_per_minute:g} s in the last minute",
                    headers={"Retry-After": str(self._retry_after(client, now, used))},
                    budget_seconds_per_minute=self.seconds_per_minute,
                )
            if self._active[client] >= self.max_concurrent:
                raise ApiError(
                    429,
                    f"too many queries at once: at most {self.max_concurrent} per client",
                    headers={"Retry-After": "1"},
                    max_concurrent=self.max_concurrent,
                )
            if sum(self._active.values()) >= self.max_total:
                raise ApiError(
                    503,
                    f"the server is running its most queries at once ({self.max_total}); try again shortly",
                    headers={"Retry-After": "1"},
                )
            self._active[client] += 1

    def release(self, client: str, seconds: float) -> None:
        """Give back the slot and charge ``seconds`` of query time to ``client``."""
        with self._lock:
            self._active[client] -= 1
            if not self._active[client]:
                del self._active[client]
            self._spent[client].append((self.clock(), seconds))

    @contextmanager
    def slot(self, client: str) -> Iterator[None]:
        """Hold a query slot for ``client`` while the block runs; charge its duration."""
        self.acquire(client)
        started = self.clock()
        try:
            yield
        finally:
            self.release(client, self.clock() - started)


class FairShareGate:
    """ASGI middleware: refuse a client over its SPARQL share before any routing, slowly.

    A flooding client that ignores ``Retry-After`` would otherwise spend the server's CPU
    on a stream of cheap 429s. The gate answers on the event loop, before FastAPI, and
    waits ``delay`` seconds first (a tarpit that costs the server nothing but a timer), so
    each of the flooder's connections is held to a few requests a second. Requests that
    pass the gate take their slot in the route as usual.
    """

    def __init__(self, app, budgets: ClientBudgets, delay: float = 0.5) -> None:
        self.app = app
        self.budgets = budgets
        self.delay = delay

    async def __call__(self, scope, receive, send):
        if (
            scope["type"] == "http"
            and scope["path"] == "/sparql"
            and (scope["method"] == "POST" or b"query=" in scope.get("query_string", b""))
        ):
            client = scope["client"][0] if scope.get("client") else "unknown"
            refusal = self.budgets.refusal(client)
            if refusal is not None:
                await asyncio.sleep(self.delay)
                for message in asgi_error(
                    refusal.status, refusal.message, refusal.headers, **refusal.details
                ):
                    await send(message)
                return
        await self.app(scope, receive, send)
