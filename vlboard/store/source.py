"""The data doorway of the screens and the exports: ``Source`` (anything with ``q(name, **params)``)
and ``Snapshot``, a snapshot opened without Streamlit (CLI, exports, benchmarks, tests).

The board layer takes a ``Source`` and never opens DuckDB itself; the Streamlit adapter
``vlboard.ui.data.Live`` and ``Snapshot`` both qualify."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import duckdb
import pandas as pd

from vlboard.store import db, queries, snapshots


class Source(Protocol):
    def q(self, name: str, **params) -> pd.DataFrame: ...


@dataclass
class Snapshot:
    """A snapshot opened without Streamlit: queries memoised per object."""

    snapshot_id: str
    path: Path
    manifest: dict
    con: duckdb.DuckDBPyConnection
    _memo: dict = field(default_factory=dict, repr=False)

    @classmethod
    def current(cls, data: snapshots.DataDir) -> Snapshot:
        sid, path, manifest = snapshots.current(data)
        return cls(sid, path, manifest, db.open_snapshot(path))

    def q(self, name: str, **params) -> pd.DataFrame:
        key = (name, tuple(sorted(params.items())))
        if key not in self._memo:
            self._memo[key] = queries.run(self.con, name, **params)
        return self._memo[key]
