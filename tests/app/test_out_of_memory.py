"""A page whose query exceeds DuckDB's memory limit (the series at 100 M results, BENCHMARKS.md
«100 M results») ends with a Vietnamese message, not Streamlit's crash box; other pages still work."""

from __future__ import annotations

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from tests.support.fixtures import ROOT
from vlboard.store import queries
from vlboard.ui import frame

pytestmark = pytest.mark.usefixtures("clear_streamlit_caches")


def test_a_query_out_of_memory_is_a_vietnamese_message(shipped_data, monkeypatch):
    monkeypatch.setenv("VLBOARD_DATA", str(shipped_data.root))
    real = queries.run

    def run(con, name, **params):
        if name == "outlook_series":
            raise duckdb.OutOfMemoryException("Out of Memory Error: failed to allocate data of size 16.0 MiB")
        return real(con, name, **params)

    monkeypatch.setattr(queries, "run", run)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [frame.TOO_BIG]
    assert "Out of Memory" not in " ".join(m.value for m in at.markdown)
    at.switch_page("views/budget.py").run()
    assert not at.exception and not at.error and at.title
