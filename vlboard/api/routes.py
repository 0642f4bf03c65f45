"""The data API's endpoints (``/api/v1/…``), mounted by serve.py in Streamlit's ``st.App``.

Each request: the bearer token (401 without one or with a wrong or revoked one; 20 failures a
minute from one address → 429, vlboard.intake.throttle), the query parameters checked against the
catalogue (params: 400), the token's scope (403 when the request reaches outside it, else the
scope is applied as a filter), then the route's frame in a small thread pool of its own with a
time bound (the DuckDB work never runs on Streamlit's event loop; 503 past ``TIMEOUT_SECONDS`` or
with more than ``MAX_PENDING`` requests waiting). Answers are JSON (UTF-8, NFC, numbers as
numbers) with ``Cache-Control: no-store``; the guard adds the security headers.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from vlboard.api import frames, openapi, params, tokens
from vlboard.api.params import ApiError
from vlboard.intake import addresses, auth
from vlboard.intake.throttle import Throttle
from vlboard.store import snapshots

PREFIX = "/api/v1"
TIMEOUT_SECONDS = 20.0
MAX_PENDING = 16
WORKERS = 2
JSON_TYPE = "application/json; charset=utf-8"
THROTTLE = Throttle(account_limit=10**9, address_limit=20, lockout=60.0)  # per client address
KEYRING = tokens.Keyring()


@dataclass(frozen=True)
class Endpoint:
    path: str  # under PREFIX
    frame: Callable
    filters: tuple[str, ...]  # query parameters besides limit and cursor
    scopes: tuple[str, ...]  # the scope kinds that can read it (a token of another kind: 403)
    summary: str
    has_period: bool = False


ENDPOINTS = (
    Endpoint(
        "/indicators",
        frames.indicators,
        ("plan", "pillar", "agency", "unit"),
        ("plan", "agency", "unit"),
        "Chỉ tiêu và mục tiêu theo năm",
    ),
    Endpoint(
        "/results",
        frames.results,
        ("plan", "pillar", "agency", "unit", "period", "include_demo"),
        ("plan", "agency", "unit"),
        "Số liệu đã báo cáo, với nguồn gốc và trạng thái duyệt",
    ),
    Endpoint(
        "/status/indicators",
        frames.status_indicators,
        ("period", "plan", "pillar", "agency", "include_demo"),
        ("plan", "agency"),
        "Tình trạng từng chỉ tiêu trong kỳ (bảng điểm của các trang)",
        True,
    ),
    Endpoint(
        "/status/agencies",
        frames.status_agencies,
        ("period", "plan", "pillar", "agency", "include_demo"),
        ("plan", "agency"),
        "Tình trạng theo cơ quan × chỉ tiêu trong kỳ",
        True,
    ),
    Endpoint(
        "/status/units",
        frames.status_units,
        ("period", "plan", "pillar", "agency", "unit", "include_demo"),
        ("plan", "agency", "unit"),
        "Tình trạng theo phường, xã × chỉ tiêu trong kỳ",
        True,
    ),
    Endpoint(
        "/completeness",
        frames.completeness,
        ("period", "agency", "unit", "include_demo"),
        ("agency", "unit"),
        "Tình hình báo cáo trong kỳ: phải báo cáo, đã nhận, đúng hạn",
        True,
    ),
)

# --- helpers ----------------------------------------------------------------------------------


def error_body(code: str, message: str) -> dict:
    return {"error": {"code": code, "message": message}}


def _json(body: dict, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    text = json.dumps(body, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return Response(
        text, status_code=status, media_type=JSON_TYPE, headers={"Cache-Control": "no-store", **(headers or {})}
    )


def _fail(exc: ApiError) -> Response:
    return _json(error_body(exc.code, exc.message), exc.status, exc.headers)


_proxies: tuple[float, tuple] = (0.0, ())


def _trusted_proxies() -> tuple:
    """``[vlboard] trusted_proxies`` of the secrets file (re-read every 60 s; none if unreadable)."""
    global _proxies
    if time.monotonic() - _proxies[0] > 60:
        try:
            nets = auth.settings(auth.load_secrets_file(auth.default_secrets_path())).trusted_proxies
        except Exception:  # no or a broken secrets file: believe no forwarding header
            nets = ()
        _proxies = (time.monotonic(), tuple(nets))
    return _proxies[1]


def client_of(request: Request) -> tokens.Client:
    peer = request.client.host if request.client else None
    address = addresses.client_address(peer, dict(request.headers), _trusted_proxies())
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if THROTTLE.begin("api", address) > 0:
        raise ApiError(
            429,
            "too_many_failures",
            "Quá nhiều lần xác thực sai từ địa chỉ này: thử lại sau 1 phút.",
            {"Retry-After": str(int(THROTTLE.lockout))},
        )
    client = None
    try:
        if scheme.lower() == "bearer" and token.strip():
            client = KEYRING.lookup(snapshots.default_data_dir(), token.strip())
    finally:
        THROTTLE.end("api", address, client is not None)
    if client is None:
        message = (
            "Thiếu khóa API: gửi tiêu đề «Authorization: Bearer <khóa>»."
            if not header
            else "Khóa API không đúng hoặc đã bị thu hồi."
        )
        raise ApiError(401, "unauthorized", message, {"WWW-Authenticate": 'Bearer realm="vlboard"'})
    return client


def scoped(q: params.Query, scope: tokens.Scope, ep: Endpoint) -> params.Query:
    """The query narrowed to the token's scope; 403 when it asks for something outside it."""
    if scope.kind is None:
        return q
    if scope.kind not in ep.scopes:
        raise ApiError(
            403,
            "out_of_scope",
            f"Khóa API phạm vi «{scope}» không được đọc {PREFIX}{ep.path} (dữ liệu ngoài phạm vi).",
        )
    asked = getattr(q, scope.kind)
    if asked is not None and asked != scope.code:
        raise ApiError(
            403,
            "out_of_scope",
            f"Tham số «{scope.kind}» {params.shown(asked)} nằm ngoài phạm vi của khóa API («{scope}»).",
        )
    if scope.kind == "plan":
        return replace(q, plan=scope.code)
    if scope.kind == "agency":
        return replace(q, agency=scope.code)
    return replace(q, unit=scope.code)


# --- bounded work off the event loop ----------------------------------------------------------

_executor: ThreadPoolExecutor | None = None
_pending = 0
_pending_lock = threading.Lock()


def _pool() -> ThreadPoolExecutor:
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="vlboard-api")
    return _executor


async def bounded(fn: Callable, *args):
    global _pending
    with _pending_lock:
        if _pending >= MAX_PENDING:
            raise ApiError(503, "busy", "Máy chủ đang bận: thử lại sau ít giây.", {"Retry-After": "5"})
        _pending += 1
    try:
        future = asyncio.get_running_loop().run_in_executor(_pool(), fn, *args)
        return await asyncio.wait_for(future, TIMEOUT_SECONDS)
    except TimeoutError:
        raise ApiError(503, "timeout", "Truy vấn quá thời gian cho phép: thu hẹp bộ lọc rồi thử lại.") from None
    finally:
        with _pending_lock:
            _pending -= 1


# --- the endpoints ----------------------------------------------------------------------------


def _answer(ep: Endpoint, items: list[tuple[str, str]], scope: tokens.Scope, path: str) -> dict:
    try:
        lv = frames.live(snapshots.default_data_dir())
    except snapshots.SnapshotError as exc:
        raise ApiError(503, "data_unavailable", f"Dữ liệu hiện không đọc được: {exc}") from None
    q = scoped(params.parse(items, ep.filters, lv.catalogue, PREFIX + ep.path), scope, ep)
    rows, total = ep.frame(lv, q)
    nxt = None
    if q.offset + len(rows) < total and rows:
        kept = [(k, v) for k, v in items if k != "cursor"] + [("cursor", str(q.offset + len(rows)))]
        nxt = path + "?" + "&".join(f"{k}={_quote(v)}" for k, v in kept)
    body: dict = {
        "snapshot": lv.src.snapshot_id,
        "scope": str(scope),
        "include_demo": q.include_demo,
        "approval_workflow": True,
    }
    if ep.has_period:
        body["period"] = frames.period_of(lv, q)
    body["page"] = {"limit": q.limit, "cursor": str(q.offset), "returned": len(rows), "total": total, "next": nxt}
    body["data"] = rows
    return body


def _quote(v: str) -> str:
    from urllib.parse import quote

    return quote(v, safe="")


def endpoint(ep: Endpoint):
    async def handle(request: Request) -> Response:
        try:
            client = client_of(request)
            items = list(request.query_params.multi_items())
            return _json(await bounded(_answer, ep, items, client.scope, request.url.path))
        except ApiError as exc:
            return _fail(exc)

    return handle


async def openapi_endpoint(request: Request) -> Response:
    return _json(openapi.document(ENDPOINTS, PREFIX))


async def not_found(request: Request) -> Response:
    """Any other path or method under the prefix: a JSON 404, or 405 for a write to a real route."""
    rest = "/" + request.path_params.get("rest", "")
    if request.method != "GET" and rest in {ep.path for ep in ENDPOINTS} | {"/openapi.json"}:
        return _fail(ApiError(405, "read_only", "API chỉ đọc: dùng GET.", {"Allow": "GET"}))
    return _fail(ApiError(404, "not_found", f"Không có đường dẫn {params.shown(request.url.path)} trong API."))


def routes(base: str = "") -> list[Route]:
    """The API's routes under ``server.baseUrlPath`` (``base``, e.g. "/vlboard" or "")."""
    base = "/" + base.strip("/") if base.strip("/") else ""
    out = [Route(base + PREFIX + ep.path, endpoint(ep), methods=["GET"]) for ep in ENDPOINTS]
    out.append(Route(base + PREFIX + "/openapi.json", openapi_endpoint, methods=["GET"]))
    out.append(Route(base + PREFIX + "/{rest:path}", not_found, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]))
    return out
