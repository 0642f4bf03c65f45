"""The operator's endpoints of the served app (serve.py, vlboard/ui/ops.py) over real HTTP:
``/_vlboard/health`` answers 200 with JSON while the live snapshot verifies and 503 once it is
damaged; ``/_vlboard/metrics`` is Prometheus text for a loopback client, 403 for a client the
proxy forwards; Streamlit's own ``/_stcore/metrics`` stays refused (and is counted)."""

from __future__ import annotations

import json
import re
import shutil
import time
import urllib.error
import urllib.request
from email.message import Message

import pytest

from tests.support.served import served_process
from vlboard.store import snapshots
from vlboard.ui import ops

LINE = re.compile(r"^(# HELP [a-z_]+ .+|# TYPE [a-z_]+ (gauge|counter)|[a-z_]+ -?[0-9.e+]+)$")


def get(url: str, headers: dict | None = None) -> tuple[int, Message, bytes]:
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def metrics(text: str) -> dict[str, float]:
    """Parse the exposition line by line: every line is a HELP, a TYPE or ``name value``."""
    values, typed = {}, set()
    for line in text.splitlines():
        assert LINE.match(line), line
        if line.startswith("# TYPE "):
            typed.add(line.split()[2])
        elif not line.startswith("#"):
            name, value = line.split(" ")
            assert name in typed, f"{name} has no TYPE line before it"
            values[name] = float(value)
    return values


@pytest.fixture(scope="module")
def served(shipped_data, secrets_env, tmp_path_factory):
    """The app served on its own copy of the shipped data (the test damages it)."""
    root = tmp_path_factory.mktemp("health") / "data"
    shutil.copytree(shipped_data.root, root)
    with served_process(root, env=secrets_env) as (url, _proc):
        yield url, snapshots.DataDir(root)


def test_health_and_metrics_then_a_damaged_live_snapshot(served):
    url, data = served
    status, headers, body = get(f"{url}{ops.HEALTH_PATH}")
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    facts = json.loads(body)
    assert facts["healthy"] and facts["verifies"] and facts["snapshot"] == snapshots.current_id(data)
    assert isinstance(facts["data_age_days"], int) and facts["data_date"]
    assert headers.get("X-Frame-Options") == "DENY"  # the guard's headers on these routes too

    assert get(f"{url}/_stcore/metrics")[0] == 403  # Streamlit's own stays refused
    status, headers, body = get(f"{url}{ops.METRICS_PATH}")
    assert status == 200 and headers["Content-Type"].startswith("text/plain; version=0.0.4")
    got = metrics(body.decode())
    assert got["vlboard_data_verifies"] == 1 and got["vlboard_healthy"] == 1
    assert got["vlboard_data_age_days"] == facts["data_age_days"]
    assert got["vlboard_last_write_timestamp_seconds"] == pytest.approx(data.current_file.stat().st_mtime)
    assert got["vlboard_sessions"] >= 0
    assert got["vlboard_stcore_metrics_refusals_total"] >= 1
    assert {"vlboard_upload_refusals_total", "vlboard_page_runs_total", "vlboard_errors_total"} <= got.keys()

    # a client the proxy forwards gets neither the metrics nor the health details
    status, _, body = get(f"{url}{ops.METRICS_PATH}", {"X-Forwarded-For": "203.0.113.7"})
    assert status == 403 and "loopback" in body.decode()
    status, _, body = get(f"{url}{ops.HEALTH_PATH}", {"X-Forwarded-For": "203.0.113.7"})
    assert status == 200 and set(json.loads(body)) == {"healthy", "verifies", "data_age_days"}
    assert metrics(get(f"{url}{ops.METRICS_PATH}")[2].decode())["vlboard_metrics_refusals_total"] >= 1

    sid = snapshots.current_id(data)
    with snapshots.data_files(data.snapshots / str(sid), "results")[0].open("r+b") as fh:
        fh.seek(40)
        fh.write(b"\0\0\0\0")
    time.sleep(ops.CACHE_SECONDS + 0.5)
    status, _, body = get(f"{url}{ops.HEALTH_PATH}")
    facts = json.loads(body)
    assert status == 503 and not facts["healthy"] and not facts["verifies"]
    assert "results" in facts["reason"] and "hỏng" in facts["reason"]
    got = metrics(get(f"{url}{ops.METRICS_PATH}")[2].decode())
    assert got["vlboard_data_verifies"] == 0 and got["vlboard_healthy"] == 0
