"""What each data-API route returns, from the live snapshot.

The status and completeness routes call the screen functions the pages call
(vlboard.board.screens: ``scorecard``, ``agency_rows``, ``unit_rows``, ``completeness_rows``), so
the API never computes a status a second way; indicators and results are named queries
(sql/api_*.sql) that filter and page in DuckDB with bound parameters. One ``Live`` per snapshot id
(verified once, one DuckDB connection, the screen frames memoised per period); a new CURRENT
gets a new one, the previous is dropped.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from vlboard.api.params import Query
from vlboard.board import screens
from vlboard.domain import filters
from vlboard.domain.vocab import STATUSES
from vlboard.store import queries, snapshots
from vlboard.store.source import Snapshot

DEMO_NOTE = "số liệu minh họa"


@dataclass
class Live:
    src: Snapshot
    catalogue: filters.Options  # every value a filter may take (demo periods included)
    defaults: dict[bool, str | None]  # include_demo → the pages' default period


_lock = threading.Lock()
_live: Live | None = None


def live(data: snapshots.DataDir) -> Live:
    """The live snapshot, opened and verified once per id (raises SnapshotError)."""
    global _live
    sid = snapshots.current_id(data)
    if sid is None:
        raise snapshots.SnapshotError("Chưa có bản dữ liệu nào: chạy «python -m vlboard build».")
    folder = snapshots.snapshot_dir(data, sid)
    with _lock:
        if _live is None or _live.src.path != folder:
            src = Snapshot.current(data)
            real = screens.filter_options(src, include_demo=False)
            every = screens.filter_options(src, include_demo=True)
            _live = Live(src, every, {False: real.default_period, True: every.default_period})
        return _live


# --- JSON values ------------------------------------------------------------------------------


def jsonable(v):
    """A cell as JSON: numbers as numbers (NaN → null), dates ISO 8601, text NFC."""
    if v is None or v is pd.NaT or v is pd.NA:
        return None
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return None if math.isnan(v) or math.isinf(v) else float(v)
    if isinstance(v, pd.Timestamp):
        return v.date().isoformat() if v == v.normalize() and v.tzinfo is None else v.isoformat()
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if isinstance(v, str):
        return unicodedata.normalize("NFC", v)
    return v


def records(df: pd.DataFrame, columns: list[str] | None = None) -> list[dict]:
    cols = list(columns or df.columns)
    return [{c: jsonable(v) for c, v in zip(cols, row)} for row in df[cols].itertuples(index=False, name=None)]


def _page(df: pd.DataFrame, q: Query) -> tuple[pd.DataFrame, int]:
    return df.iloc[q.offset : q.offset + q.limit], len(df)


def _labelled(rows: list[dict]) -> list[dict]:
    for r in rows:
        if "status" in r:
            style = STATUSES.get(r["status"] or "")
            r["status_label"] = style.label if style else None
        if "source" in r:
            r["demo"] = r["source"] == "demo"
    return rows


# --- the routes' frames -----------------------------------------------------------------------


def indicators(lv: Live, q: Query) -> tuple[list[dict], int]:
    params = dict(plan=q.plan, pillar=q.pillar, agency=q.agency, unit=q.unit)
    df = queries.run(lv.src.con, "api_indicators", **params, limit=q.limit, offset=q.offset)
    total = int(df.n_total.iloc[0]) if len(df) else _total(lv, "api_indicators", params)
    targets = queries.run(lv.src.con, "api_targets", codes=list(df.code))
    by_code: dict[str, list[dict]] = {}
    for t in records(targets):  # one pass (a groupby of 410 small frames costs over a second)
        by_code.setdefault(t.pop("indicator_code"), []).append(t)
    rows = records(df.drop(columns="n_total"))
    for r in rows:
        r["targets"] = by_code.get(r["code"], [])
    return rows, total


def _total(lv: Live, name: str, params: dict) -> int:
    df = queries.run(lv.src.con, name, **params, limit=1, offset=0)
    return int(df.n_total.iloc[0]) if len(df) else 0


def results(lv: Live, q: Query) -> tuple[list[dict], int]:
    params = dict(
        plan=q.plan, pillar=q.pillar, agency=q.agency, unit=q.unit, period=q.period, include_demo=q.include_demo
    )
    df = queries.run(lv.src.con, "api_results", **params, limit=q.limit, offset=q.offset)
    total = int(df.n_total.iloc[0]) if len(df) else _total(lv, "api_results", params)
    out = []
    for r in records(df.drop(columns="n_total")):
        source = r.pop("source")
        prov = {
            "source": source,
            "reported_by": r.pop("reported_by"),
            "reported_at": r.pop("reported_at"),
            "document": None,
            "import": None,
        }
        ref, section, quote = r.pop("source_ref"), r.pop("section"), r.pop("quote")
        imp = {k: r.pop(k) for k in ("imported_by", "imported_at", "import_file")}
        if source == "document":
            prov["document"] = {"figure_id": ref, "plan": r["plan"], "section": section, "quote": quote}
        elif source == "report":
            prov["import"] = {"import_id": ref, "by": imp["imported_by"], "at": imp["imported_at"]}
            prov["import"]["file_name"] = imp["import_file"]
        r["provenance"] = prov
        r["demo"] = source == "demo"
        if r["demo"]:
            r["demo_note"] = DEMO_NOTE
        out.append(r)
    return out, total


def period_of(lv: Live, q: Query) -> str | None:
    return q.period or lv.defaults[q.include_demo]


def status_indicators(lv: Live, q: Query) -> tuple[list[dict], int]:
    card = screens.scorecard(lv.src, q.filters(period_of(lv, q)))
    if card is None:
        return [], 0
    page, total = _page(card, q)
    return _labelled(records(page)), total


def _card(lv: Live, q: Query) -> tuple[filters.Filters, pd.DataFrame | None]:
    f = q.filters(period_of(lv, q))
    return f, screens.scorecard(lv.src, f)


def status_agencies(lv: Live, q: Query) -> tuple[list[dict], int]:
    f, card = _card(lv, q)
    if card is None:
        return [], 0
    rows = screens.agency_rows(lv.src, f, card)
    if q.agency:
        rows = rows[rows.agency_code == q.agency]
    page, total = _page(rows, q)
    return _labelled(records(page)), total


def status_units(lv: Live, q: Query) -> tuple[list[dict], int]:
    f, card = _card(lv, q)
    if card is None:
        return [], 0
    page, total = _page(screens.unit_rows(lv.src, f, card), q)
    return _labelled(records(page)), total


def completeness(lv: Live, q: Query) -> tuple[list[dict], int]:
    period = period_of(lv, q)
    if period is None:
        return [], 0
    rows = screens.completeness_rows(lv.src, q.filters(period))
    if q.agency:
        rows = rows[(rows.subject_type == "agency") & (rows.subject_code == q.agency)]
    if q.unit:
        rows = rows[(rows.subject_type == "unit") & (rows.subject_code == q.unit)]
    page, total = _page(rows, q)
    return records(page), total
