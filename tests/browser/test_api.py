"""The data API over real HTTP (httpx) against ``streamlit run serve.py``, as deployed: tokens,
scope, pages followed through ``next``, a hostile parameter, the guard's headers on API answers,
the OpenAPI description, and the pages still served beside it while the API is busy."""

from __future__ import annotations

import concurrent.futures
import shutil
import time

import httpx
import pytest

from tests.support.served import served_process
from vlboard.api import tokens
from vlboard.store import snapshots

P = "/api/v1"


@pytest.fixture(scope="module")
def served(shipped_data, secrets_env, tmp_path_factory):
    root = tmp_path_factory.mktemp("api-served") / "data"
    shutil.copytree(shipped_data.root, root)
    data = snapshots.DataDir(root)
    keys = {
        "all": tokens.add(data, "LGSP", tokens.Scope(None))[0],
        "unit": tokens.add(data, "UBND xa", tokens.Scope("unit", "x2025-29551"))[0],
    }
    with served_process(root, env=secrets_env) as (url, _proc):
        yield url, keys


def test_the_api_over_real_http(served):
    url, keys = served
    with httpx.Client(base_url=url, timeout=30) as c:
        r = c.get(f"{P}/results")
        assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
        assert r.headers["X-Content-Type-Options"] == "nosniff" and r.headers["X-Frame-Options"] == "DENY"
        auth = {"Authorization": f"Bearer {keys['all']}"}
        bad = c.get(f"{P}/results", params={"plan": "' OR 1=1 --"}, headers=auth)
        assert bad.status_code == 400 and "«plan»" in bad.json()["error"]["message"]
        assert c.get(f"{P}/results", params={"period": "2025-Q9"}, headers=auth).status_code == 400

        # pages through `next` join to the whole set, without duplicates
        ids, nxt, total = [], f"{P}/results?include_demo=true&plan=qd3100-2023-tpvl&limit=1000", None
        while nxt:
            r = c.get(nxt, headers=auth)
            assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
            body = r.json()
            ids += [row["result_id"] for row in body["data"]]
            nxt, total = body["page"]["next"], body["page"]["total"]
        assert len(ids) == len(set(ids)) == total > 1000

        unit = {"Authorization": f"Bearer {keys['unit']}"}
        rows = c.get(f"{P}/results", params={"include_demo": "true", "limit": 1000}, headers=unit).json()["data"]
        assert rows and {row["unit_code"] for row in rows} == {"x2025-29551"}
        assert all(row["demo"] == (row["provenance"]["source"] == "demo") for row in rows)
        assert c.get(f"{P}/status/indicators", headers=unit).status_code == 403

        doc = c.get(f"{P}/openapi.json").json()
        for path in doc["paths"]:
            assert c.get(path, headers=auth).status_code == 200, path


def test_pages_answer_while_the_api_is_busy(served):
    """API queries run in their own pool, off Streamlit's event loop: the app's own health route
    answers quickly while 8 status queries over every period run."""
    url, keys = served
    auth = {"Authorization": f"Bearer {keys['all']}"}
    with httpx.Client(base_url=url, timeout=60) as c:
        periods = ["2023", "2024", "2025", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1"]
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            busy = [
                pool.submit(c.get, f"{P}/status/units", params={"period": p, "include_demo": "true"}, headers=auth)
                for p in periods
            ]
            t = time.monotonic()
            assert c.get("/_stcore/health").text == "ok"
            waited = time.monotonic() - t
            assert [f.result().status_code for f in busy] == [200] * len(periods)
    assert waited < 2.0, waited
