"""Hostile text inside the data, in a real Chromium: names, notes, tasks, an import row and a snapshot
note carry script tags, event handlers, javascript: links and Streamlit markup. Every page must show
them as text: no script runs, no dialog opens, no javascript: link exists, the markup stays literal.

st.dataframe draws on a canvas, so the literal-text checks look at headings, captions, Markdown and
the wall's HTML snippets; the no-script checks cover the whole page.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from vlboard import schema, snapshots

from .served import ARTIFACTS, CHROMIUM, browser_page, served_process

# skipped only on a developer machine without Chromium; in CI a missing browser must fail
pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM) and not os.environ.get("CI"),
                                reason="Debian chromium missing: run `make setup`")

SCRIPT = "<script>window.__xss=1</script>"
IMG = '<img src=x onerror="window.__xss=2">'
MD_LINK = "[bấm](javascript:window.__xss=3)"
A_LINK = '<a href="javascript:window.__xss=4">x</a>'
RED, ICON, BOLD = ":red[ĐỎ]", ":material/warning:", "**đậm**"
PAYLOADS = [SCRIPT, IMG, MD_LINK, A_LINK, RED, ICON, BOLD]
ALL = " ".join(PAYLOADS)
NFC_NAME = "Nguyễn Thị Ánh Hồng"  # composed (NFC) Vietnamese
PLANTED = "DA2702-2025-23"  # an indicator with results in the shipped data


def _with(table: pa.Table, column: str, values: list) -> pa.Table:
    i = table.schema.get_field_index(column)
    return table.set_column(i, table.schema.field(i), pa.array(values, type=table.schema.field(i).type))


def _prefixed(table: pa.Table, column: str, first: str | None = None, key: str | None = None) -> pa.Table:
    """Every value gets a payload in front (cycling through PAYLOADS); the row whose ``key`` column
    equals ``first`` gets all of them."""
    keys = table.column(key).to_pylist() if key else [None] * table.num_rows
    old = table.column(column).to_pylist()
    new = [f"{ALL} {v or ''}" if (first is not None and k == first)
           else f"{PAYLOADS[i % len(PAYLOADS)]} {v or ''}" for i, (k, v) in enumerate(zip(keys, old))]
    return _with(table, column, new)


def plant(shipped: snapshots.DataDir, root: Path) -> snapshots.DataDir:
    """A copy of the shipped data whose live snapshot carries the payloads."""
    for part in ("source", "documents", "geo"):
        shutil.copytree(shipped.root / part, root / part)
    data = snapshots.DataDir(root)
    base = snapshots.build(data, author="tests")
    t = {name: pq.read_table(data.snapshots / base / f"{name}.parquet") for name in schema.TABLES}
    t["indicators"] = _prefixed(t["indicators"], "name_vi", PLANTED, "code")
    t["agencies"] = _prefixed(_prefixed(t["agencies"], "name_vi"), "short_name")
    t["units"] = _prefixed(t["units"], "name_vi")
    t["plans"] = _with(t["plans"], "short_name", [f"{ALL} {NFC_NAME} {v}" for v in t["plans"].column("short_name")
                                                  .to_pylist()])
    codes = t["results"].column("indicator_code").to_pylist()
    for col in ("note", "quote"):
        t["results"] = _with(t["results"], col, [ALL if c == PLANTED else v
                                                 for c, v in zip(codes, t["results"].column(col).to_pylist())])
    t["milestones"] = _prefixed(t["milestones"], "task_vi")
    t["imports"] = pa.Table.from_pylist([{
        "import_id": "imp-xss", "imported_at": dt.datetime(2026, 1, 5, 3, 0), "username": f"{SCRIPT}{NFC_NAME}",
        "role": "editor", "scope_type": "unit", "scope_code": t["units"].column("unit_code")[0].as_py(),
        "period": "2025-Q3", "file_name": f"{IMG}{MD_LINK}.xlsx", "file_sha256": "0" * 64, "file_bytes": 1,
        "base_snapshot": base, "n_new": 1, "n_changed": 0, "n_unchanged": 0}], schema=schema.arrow_schema("imports"))
    snapshots.write_snapshot(data, t, author=A_LINK, note=f"{ALL} {NFC_NAME}")
    return data
