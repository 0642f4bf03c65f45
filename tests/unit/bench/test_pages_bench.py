"""The page benchmark (bench --pages) records a failing page and measures the others when asked to
(--keep-going, the 100 M run), and stops at it otherwise."""

import pytest

from vlboard.bench import pages
from vlboard.store import queries


def _failing_budgets(monkeypatch):
    real = queries.run

    def run(con, name, **params):
        if name == "budgets":
            raise MemoryError("simulated: out of memory")
        return real(con, name, **params)

    monkeypatch.setattr(queries, "run", run)


def test_a_failing_page_is_recorded_and_the_others_measured(shipped_data, monkeypatch):
    monkeypatch.setenv("VLBOARD_DATA", str(shipped_data.root))  # page_times sets it; restored after
    _failing_budgets(monkeypatch)
    out = pages.page_times(shipped_data.root, 1, keep_going=True)
    by_page = {p["page"]: p for p in out["pages"]}
    assert set(by_page) == set(pages.PAGES) and not out["start_error"]
    assert "error" in by_page["Kinh phí"] and "warm" not in by_page["Kinh phí"]
    assert all("warm" in p and "error" not in p for name, p in by_page.items() if name != "Kinh phí")


def test_a_failing_page_stops_the_run_by_default(shipped_data, monkeypatch):
    monkeypatch.setenv("VLBOARD_DATA", str(shipped_data.root))
    _failing_budgets(monkeypatch)
    with pytest.raises(RuntimeError, match="Kinh phí"):
        pages.page_times(shipped_data.root, 1)
