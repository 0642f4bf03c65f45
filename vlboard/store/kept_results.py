"""Results of the queries over every result kept per snapshot for every process.

A few queries read every result of a snapshot to answer with a few rows: the periods with data
and what can be judged in them (``latest_period``, ``periods_available``), the counts per plan
(``indicator_counts``), the date of the data (``data_date``). Every page process ran them when it
opened a snapshot: at 100 M results 6.4 s of a 12.8 s cold start (BENCHMARKS.md). Their answer
depends only on the snapshot, the query's text and its parameters, so a query whose header says
``-- kept: snapshot`` is answered from ``data/.status/<snapshot id>/queries/<name>-<digest>.parquet``
when a process already ran it (the digest covers the text, the parameters and the macros'
fingerprint), checked against the sha256 in the JSON file beside it, written last. DuckDB writes
the parquet from the query and reads it back, so the frame has the types a direct run gives.

Like the status rows kept beside them (vlboard.store.status_kept), these files are a cache: a
missing, damaged or unwritable one is computed (and logged), never served unchecked; they go
with their snapshot's folder there.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import uuid
from pathlib import Path

import duckdb
import pandas as pd

from vlboard.store import status_kept, verified

log = logging.getLogger(__name__)


def _file(snapshot: Path, name: str, text: str, params: dict) -> Path:
    body = json.dumps([text, sorted((k, repr(v)) for k, v in params.items()), status_kept.fingerprint()])
    digest = hashlib.sha256(body.encode()).hexdigest()[:20]
    return snapshot.parent.parent / status_kept.FOLDER / snapshot.name / "queries" / f"{name}-{digest}.parquet"


def _read(cur: duckdb.DuckDBPyConnection, file: Path) -> pd.DataFrame | None:
    try:
        sums = json.loads(file.with_suffix(".json").read_text(encoding="utf-8"))
        if not isinstance(sums, dict) or verified.sha256(file) != sums.get("sha256"):
            raise ValueError("sai mã kiểm tra")
        return cur.read_parquet(str(file)).df()
    except FileNotFoundError:
        return None
    except (OSError, ValueError, duckdb.Error) as exc:
        log.warning("kept result %s not used, removed: %s", file.name, exc)
        for f in (file.with_suffix(".json"), file):
            with contextlib.suppress(OSError):
                f.unlink()
        return None


def _keep(cur: duckdb.DuckDBPyConnection, file: Path, text: str, params: dict) -> bool:
    tmp = file.with_name(f".{file.stem}.{uuid.uuid4().hex}.tmp")
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        cur.sql(text, params=params or None).write_parquet(str(tmp), compression="zstd")
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        sums = {"sha256": verified.sha256(tmp)}
        os.rename(tmp, file)
        side = file.with_name(f".{file.stem}.{uuid.uuid4().hex}.json.tmp")
        side.write_text(json.dumps(sums), encoding="utf-8")
        os.rename(side, file.with_suffix(".json"))  # last: the file counts from here on
        return True
    except (OSError, duckdb.Error) as exc:
        log.warning("result of %s not kept: %s", file.name, exc)
        with contextlib.suppress(OSError):
            tmp.unlink()
        return False


def run(con: duckdb.DuckDBPyConnection, snapshot: Path, name: str, text: str, params: dict) -> pd.DataFrame:
    """The query's frame: read from what a process kept for ``snapshot``, else run, kept, read."""
    file = _file(snapshot, name, text, params)
    cur = con.cursor()
    try:
        got = _read(cur, file)
        if got is None and _keep(cur, file, text, params):
            got = _read(cur, file)
        return got if got is not None else cur.execute(text, params or None).df()
    finally:
        cur.close()
