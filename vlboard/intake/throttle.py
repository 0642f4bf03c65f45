"""Sign-in throttling: wrong passwords counted per account and per client address, process-wide."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from vlboard.intake.users import normalise_username

ACCOUNT_FAILURES = 5  # wrong passwords for one account before it is locked
ADDRESS_FAILURES = 20  # wrong passwords from one address (an office behind one NAT) before it is locked
LOCKOUT_SECONDS = 60.0


@dataclass
class _Entry:
    failures: int = 0
    pending: int = 0  # attempts being verified right now (argon2 runs outside the lock)
    locked_until: float = 0.0
    last: float = 0.0


class Throttle:
    """Counts wrong passwords per account and per client address for the whole process.

    ``begin`` reserves an attempt (refused while a key is locked, or while the attempts already
    being verified would reach the limit, so parallel clients cannot overshoot it); ``end`` records
    its outcome. A key reaching its limit is locked for ``lockout`` seconds; failures older than
    ``lockout`` are forgotten. Thread-safe: every Streamlit session runs in its own thread.
    """

    def __init__(
        self,
        account_limit: int = ACCOUNT_FAILURES,
        address_limit: int = ADDRESS_FAILURES,
        lockout: float = LOCKOUT_SECONDS,
        clock=time.monotonic,
        max_keys: int = 100_000,
    ) -> None:
        self.limits = {"account": account_limit, "address": address_limit}
        self.lockout, self.clock, self.max_keys = lockout, clock, max_keys
        self._entries: dict[tuple[str, str], _Entry] = {}
        self._lock = threading.Lock()

    def reset(self) -> None:
        """Forget every failure and lock (tests; an operator's restart does the same)."""
        with self._lock:
            self._entries.clear()

    @staticmethod
    def keys(username: str, address: str) -> tuple[tuple[str, str], ...]:
        return (("account", normalise_username(username)), ("address", address or "?"))

    def _entry(self, key: tuple[str, str], now: float) -> _Entry:
        e = self._entries.get(key)
        if e is None:
            if len(self._entries) >= self.max_keys:
                self._prune(now)
            e = self._entries[key] = _Entry()
        elif e.pending == 0 and now >= e.locked_until and now - e.last >= self.lockout:
            e.failures = 0  # the last failure is older than the window
        return e

    def _prune(self, now: float) -> None:
        idle = [
            k
            for k, e in self._entries.items()
            if e.pending == 0 and now >= e.locked_until and now - e.last >= self.lockout
        ]
        for k in idle:
            del self._entries[k]

    def locked_for(self, username: str, address: str) -> float:
        """Seconds until an attempt for this account from this address is accepted (0: now)."""
        now = self.clock()
        with self._lock:
            waits = [e.locked_until - now for k in self.keys(username, address) if (e := self._entries.get(k))]
            return max([0.0, *waits])

    def begin(self, username: str, address: str) -> float:
        """Reserve an attempt: 0 when it may go ahead, else the seconds to wait (nothing reserved)."""
        now = self.clock()
        with self._lock:
            keys = self.keys(username, address)
            entries = [self._entry(k, now) for k in keys]
            wait = max(e.locked_until - now for e in entries)
            if wait > 0:
                return wait
            if any(e.failures + e.pending >= self.limits[k[0]] for k, e in zip(keys, entries)):
                return self.lockout  # the attempts in flight may use up the allowance
            for e in entries:
                e.pending += 1
            return 0.0

    def end(self, username: str, address: str, ok: bool) -> None:
        """The outcome of an attempt reserved by ``begin``."""
        now = self.clock()
        with self._lock:
            for key in self.keys(username, address):
                e = self._entry(key, now)
                e.pending = max(0, e.pending - 1)
                if ok:
                    if key[0] == "account":
                        e.failures = 0
                    continue
                e.failures += 1
                e.last = now
                if e.failures >= self.limits[key[0]]:
                    e.locked_until, e.failures = now + self.lockout, 0


THROTTLE = Throttle()  # the process-wide one the sign-in form uses
