"""What the server holds for its clients: request bytes across all connections.

Each connection's request is limited (``--max-request-mb``), but so is the
sum over all connections (``--max-held-mb``): bytes read and not yet
answered, complete or not, count until their request is answered. Without
it, a few clients sending long unterminated lines at once would grow the
server's memory by their number times the per-request limit. Past the cap, a
connection whose next bytes arrive gets an error reply and is closed; the
others go on, and a client told so answers in-process.
"""
from __future__ import annotations

import threading

DEFAULT_MAX_HELD = 256 << 20  # four of the largest requests at once


class ServerBusy(Exception):
    """The requests held across all connections are at the server's cap."""


class RequestBudget:
    """A count of held bytes under a cap, shared by all connections."""

    def __init__(self, cap: int):
        self.cap, self.held = cap, 0
        self._lock = threading.Lock()

    def take(self, n: int) -> bool:
        with self._lock:
            if self.held + n > self.cap:
                return False
            self.held += n
            return True

    def give(self, n: int) -> None:
        with self._lock:
            self.held -= n


class MeteredConnection:
    """A connection whose bytes count against a budget from ``recv`` until ``release``."""

    def __init__(self, conn, budget: RequestBudget):
        self._conn, self._budget, self.held = conn, budget, 0

    def recv(self, size: int) -> bytes:
        chunk = self._conn.recv(size)
        if chunk and not self._budget.take(len(chunk)):
            raise ServerBusy(f"server busy: the requests it holds would pass its limit of {self._budget.cap} bytes "
                             "across all connections; try again later")
        self.held += len(chunk)
        return chunk

    def release(self, n: int) -> None:
        """n bytes answered (a request and its newline), or all that remain: no longer held."""
        n = min(n, self.held)
        self.held -= n
        self._budget.give(n)
