"""Fixtures of the store's tests."""

from __future__ import annotations

import pytest

from vlboard.store import db


@pytest.fixture
def spy(monkeypatch):
    """The parts every fill computes (``("full",)`` for a whole period)."""
    calls: list[list] = []
    fill = db.fill_status

    def spied(con, a, p, parts, before=None, after=None):
        def named(cur, year):
            got = parts(cur, year)
            calls.append([m for m, _, _ in got] if before is not None else ["full"])
            return got

        return fill(con, a, p, named, before, after)

    monkeypatch.setattr(db, "fill_status", spied)
    return calls
