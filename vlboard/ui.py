"""The only module of the package that imports streamlit: caches and the shared page frame."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd
import streamlit as st

from vlboard import db, queries, snapshots


@dataclass(frozen=True)
class Live:
    snapshot_id: str
    path: str
    manifest: dict
    con: duckdb.DuckDBPyConnection

    def q(self, name: str, **params) -> pd.DataFrame:
        """A named query, cached per snapshot id: a new snapshot never serves old answers."""
        return _query(self.snapshot_id, self.path, name, tuple(sorted(params.items())))


@st.cache_data(max_entries=512, show_spinner=False)
def _query(snapshot_id: str, path: str, name: str, params: tuple) -> pd.DataFrame:
    _, con = _open(path, snapshot_id)
    return queries.run(con, name, **dict(params))


@st.cache_resource(max_entries=4, show_spinner=False)
def _open(path: str, snapshot_id: str) -> tuple[dict, duckdb.DuckDBPyConnection]:
    """Verify once and connect once per snapshot id: a new CURRENT gets a new connection."""
    from pathlib import Path

    manifest = snapshots.verify(Path(path))
    return manifest, db.open_snapshot(Path(path))


def live_snapshot() -> Live | None:
    """The current snapshot, or None after showing a Vietnamese error (never a stack trace)."""
    data = snapshots.default_data_dir()
    try:
        sid = snapshots.current_id(data)
        if sid is None:
            raise snapshots.SnapshotError("Chưa có bản dữ liệu nào: chạy «python -m vlboard build».")
        path = snapshots.snapshot_dir(data, sid)
        manifest, con = _open(str(path), sid)
    except snapshots.SnapshotError as exc:
        st.error(f"Không đọc được dữ liệu. {exc}", icon="⚠️")
        return None
    return Live(sid, str(path), manifest, con)
