"""The only doorway from Python to SQL: named queries in vlboard/store/sql/*.sql with bound parameters.

Each .sql file starts with a header:

    -- grain: one row per plan × pillar
    -- columns: plan, pillar, n_indicators
    -- params: none | $name, $other

``run(con, "name", name=...)`` executes it and returns a DataFrame with exactly those columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd

from vlboard.store import db

SQL_DIR = Path(__file__).with_name("sql")


@dataclass(frozen=True)
class Query:
    name: str
    text: str
    columns: tuple[str, ...]
    params: tuple[str, ...]
    needs: tuple[str, ...] = ()


def _header(text: str, key: str) -> str:
    m = re.search(rf"^--\s*{key}:\s*(.*)$", text, re.MULTILINE)
    return m.group(1).strip() if m else ""


@cache
def load(name: str) -> Query:
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise ValueError(f"tên truy vấn không hợp lệ: {name!r}")
    text = (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")
    columns = tuple(c.strip() for c in _header(text, "columns").split(",") if c.strip())
    params_text = _header(text, "params")
    params = tuple(p.strip().lstrip("$") for p in params_text.split(",") if p.strip() and p.strip() != "none")
    needs = tuple(n.strip() for n in _header(text, "needs").split(",") if n.strip())
    return Query(name, text, columns, params, needs)


def names() -> list[str]:
    return sorted(p.stem for p in SQL_DIR.glob("*.sql"))


def run(con: duckdb.DuckDBPyConnection, name: str, **params) -> pd.DataFrame:
    q = load(name)
    if "status_rows" in q.needs:  # the filter «Chỉ số liệu đã duyệt» is off unless asked for
        params = {"approved_only": False, **params}
    unknown = set(params) - set(q.params)
    missing = set(q.params) - set(params)
    if unknown or missing:
        raise TypeError(f"{name}: tham số thiếu {sorted(missing)} / thừa {sorted(unknown)}")
    if "status_rows" in q.needs:
        db.prepare_status(con, params["year"], params["period_end"], params["include_demo"], params["approved_only"])
    if "results_summary" in q.needs:
        from vlboard.store import summary  # it runs this module's queries

        summary.prepare(con)
    cur = con.cursor()
    try:
        df = cur.execute(q.text, params or None).df()
    finally:
        cur.close()
    return df[list(q.columns)]
