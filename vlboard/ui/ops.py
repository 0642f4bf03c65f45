"""The operator's endpoints of the served app: ``GET /_vlboard/health`` and ``GET /_vlboard/metrics``.

Mounted by ``serve.py`` as routes of Streamlit's ``st.App(routes=…)`` (user routes come before
Streamlit's own; ``/_vlboard/`` is not one of its reserved prefixes). Here, in vlboard.ui, because
the figures of the running server (sessions, page runs, refusals, errors) come from Streamlit's
runtime and from the guard; the data facts and the text format are vlboard.store.health's.

- ``/_vlboard/health``: 200 when the live snapshot verifies, else 503, with a JSON body. A loopback
  client (the monitoring agent, the proxy's own checks) gets every fact; any other gets only
  ``healthy``, ``verifies`` and ``data_age_days`` (no snapshot id, no user name, no path).
- ``/_vlboard/metrics``: Prometheus text format 0.0.4, only for a loopback client with no
  forwarding header naming another address (a local Prometheus, or one scraping the app's port
  directly); any other, including the public through the reverse proxy, gets 403, like
  ``/_stcore/metrics`` which the guard refuses to everyone.

The data facts are computed in a worker thread and kept for ``CACHE_SECONDS``, so a burst of
requests reads the data folder once.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import Counter

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from vlboard.intake.addresses import ip_of
from vlboard.store import health, snapshots

CACHE_SECONDS = 5.0
HEALTH_PATH = "/_vlboard/health"
METRICS_PATH = "/_vlboard/metrics"
PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8"

# counters since the server started (the guard and app.py's record add to them)
COUNTS: Counter[str] = Counter()
_counts_lock = threading.Lock()
COUNTERS = {
    "page_runs": "Runs of app.py that passed the sign-in gate (every rerun counts)",
    "upload_refusals": "Uploads refused by the guard (not a signed-in editor)",
    "stcore_metrics_refusals": "Requests to Streamlit's /_stcore/metrics refused by the guard",
    "clear_cache_dropped": "clear_cache websocket messages dropped by the guard",
    "metrics_refusals": "Requests to /_vlboard/metrics refused (not a loopback client)",
    "errors": "Uncaught page errors and vlboard log records at ERROR or above",
}


def count(name: str, n: int = 1) -> None:
    with _counts_lock:
        COUNTS[name] += n


class _ErrorCounter(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        count("errors")


_installed = False


def install() -> None:
    """Count ERROR records of Streamlit's uncaught page errors and of vlboard's loggers (serve.py)."""
    global _installed
    if _installed:
        return
    _installed = True
    handler = _ErrorCounter(level=logging.ERROR)
    for name in ("streamlit.error_util", "vlboard"):
        logging.getLogger(name).addHandler(handler)


# --- the data facts, cached -------------------------------------------------------------------

_cache: tuple[float, health.Health] | None = None
_cache_lock = threading.Lock()


def _facts() -> health.Health:
    global _cache
    with _cache_lock:
        now = time.monotonic()
        if _cache is None or now - _cache[0] > CACHE_SECONDS:
            _cache = (now, health.check(snapshots.default_data_dir()))
        return _cache[1]


def _sessions() -> int | None:
    from vlboard.ui.guard import _runtime

    rt = _runtime()
    mgr = getattr(rt, "_session_mgr", None)
    try:
        return int(mgr.num_active_sessions()) if mgr is not None else None
    except Exception:  # a session manager of another shape: not known rather than wrong
        return None


def is_loopback(request: Request) -> bool:
    """The peer is on loopback and no forwarding header names a client elsewhere."""

    def loop(addr: str) -> bool:
        ip = ip_of(addr)  # a server listening on :: sees an IPv4 client as ::ffff:127.0.0.1
        return ip is not None and ip.is_loopback

    peer = request.client.host if request.client else ""
    if not loop(peer):
        return False
    forwarded = [request.headers.get("x-real-ip", "")] + request.headers.get("x-forwarded-for", "").split(",")
    return all(loop(a) for a in forwarded if a.strip())


# --- the endpoints ----------------------------------------------------------------------------


async def health_endpoint(request: Request) -> Response:
    h = await run_in_threadpool(_facts)
    body = (
        h.as_json() if is_loopback(request) else {k: h.as_json()[k] for k in ("healthy", "verifies", "data_age_days")}
    )
    return Response(
        json.dumps(body, ensure_ascii=False) + "\n",
        status_code=200 if h.healthy else 503,
        media_type="application/json",
        headers={"Cache-Control": "no-store"},
    )


async def metrics_endpoint(request: Request) -> Response:
    if not is_loopback(request):
        count("metrics_refusals")
        return Response(
            "403 Forbidden: số liệu vận hành chỉ dành cho máy chủ (loopback)\n", 403, media_type="text/plain"
        )
    h = await run_in_threadpool(_facts)
    return Response(metrics_text(h, _sessions()), media_type=PROMETHEUS_TYPE, headers={"Cache-Control": "no-store"})


def metrics_text(h: health.Health, sessions: int | None) -> str:
    with _counts_lock:
        counts = dict(COUNTS)
    samples = health.health_samples(h)
    samples.append(
        health.Sample("vlboard_sessions", "gauge", "Active Streamlit sessions (open browser tabs)", sessions)
    )
    samples += [
        health.Sample(f"vlboard_{name}_total", "counter", why + " since the server started", counts.get(name, 0))
        for name, why in COUNTERS.items()
    ]
    return health.prometheus(samples)


def routes(base: str = "") -> list[Route]:
    """The two routes under ``server.baseUrlPath`` (``base``, e.g. "/vlboard" or "")."""
    base = "/" + base.strip("/") if base.strip("/") else ""
    return [
        Route(base + HEALTH_PATH, health_endpoint, methods=["GET"]),
        Route(base + METRICS_PATH, metrics_endpoint, methods=["GET"]),
    ]
