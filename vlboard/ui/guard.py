"""Streamlit server hooks: what no config option of Streamlit 1.67 covers (issue 17).

Installed by ``serve.py`` (the entry point: ``streamlit run serve.py``) through Streamlit's own
``st.App(middleware=…)``, never at import time. The middleware:

- refuses ``/_stcore/metrics`` (403): session counts and cache sizes are nobody's business;
- refuses uploads (``PUT /_stcore/upload_file/<session>/<file>``, 403, before the body is read)
  unless that session's user may import (``User.can_edit``, recorded by ``app.py`` on every run
  with :func:`record`), and keeps at most ``FILES_PER_SESSION`` files per session, dropping the
  oldest, so a signed-in session cannot fill the memory either;
- drops the ``clear_cache`` back message of the websocket: it empties ``st.cache_data`` and
  ``st.cache_resource`` for every user, and the hidden menu item is the only thing that hides it;
- adds the security headers of :data:`HEADERS` (CSP, frame refusal, nosniff, referrer policy)
  to every HTTP response, the same as the nginx example of SECURITY.md;
- declares the page's language: Streamlit's index.html says ``lang="en"`` on what is Vietnamese
  content (screen readers pick their voice from it); HTML responses say ``lang="vi"`` (same length,
  so no header changes; a page request is served uncompressed for this, 8 kB);
- counts what it refuses or drops for ``/_vlboard/metrics`` (vlboard/ui/ops.py, routes of serve.py).

Error details (``client.showErrorDetails``) and the tables' own CSV export
(``client.disableDataExport``) are switched off in ``.streamlit/config.toml``, where options exist.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import threading
from pathlib import Path

import streamlit as st

from vlboard.intake import auth
from vlboard.ui import ops

FILES_PER_SESSION = 3  # the intake page holds one file; a re-upload replaces it
_LOG = logging.getLogger("vlboard.guard")


def _inline_script_hashes() -> list[str]:
    """CSP hashes of the inline scripts of Streamlit's index.html (one: window.prerenderReady)."""
    index = Path(st.__file__).parent / "static" / "index.html"
    scripts = re.findall(r"<script>(.*?)</script>", index.read_text(encoding="utf-8"), re.S)
    return [f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in scripts]


def content_security_policy() -> str:
    """The policy the app works under (tests/browser/test_guard.py loads every page under it in Chromium)."""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self' " + " ".join(_inline_script_hashes()),
            "style-src 'self' 'unsafe-inline'",  # emotion (Streamlit's CSS-in-JS) and Plotly write inline styles
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",  # includes the same-origin websocket (ws:/wss:)
            "worker-src 'self' blob:",
            "frame-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",  # the rollback page cannot be framed (clickjacking)
        ]
    )


def headers() -> dict[str, str]:
    return {
        "Content-Security-Policy": content_security_policy(),
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
    }


# --- who may upload: recorded by app.py on every run ------------------------------------------

_editors: dict[str, bool] = {}
_editors_lock = threading.Lock()


def _session_id() -> str | None:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else None


def record(user: auth.User) -> None:
    """Remember whether this run's session may upload (called by app.py after the sign-in gate)."""
    ops.count("page_runs")
    sid = _session_id()
    if not sid:
        return
    with _editors_lock:
        _editors[sid] = user.can_edit
        if len(_editors) > 1000:  # forget sessions that are gone
            rt = _runtime()
            for k in [k for k in _editors if rt is None or not rt.is_active_session(k)]:
                del _editors[k]


def may_upload(session_id: str) -> bool:
    rt = _runtime()
    with _editors_lock:
        ok = _editors.get(session_id, False)
    return ok and rt is not None and rt.is_active_session(session_id)


def _runtime():
    from streamlit.runtime import Runtime

    return Runtime.instance() if Runtime.exists() else None


def _make_room(session_id: str, file_id: str, mgr=None) -> None:
    """Drop the session's oldest uploads so that, with this one, it holds FILES_PER_SESSION."""
    if mgr is None:
        rt = _runtime()
        mgr = rt.uploaded_file_mgr if rt is not None else None
    stored = getattr(mgr, "file_storage", None)
    if stored is None:
        return
    held = [f for f in list(stored.get(session_id, {})) if f != file_id]
    for old in held[: max(0, len(held) - FILES_PER_SESSION + 1)]:
        mgr.remove_file(session_id, old)


_LANG_EN, _LANG_VI = b'<html lang="en">', b'<html lang="vi">'


def vietnamese_html(body: bytes) -> bytes:
    """The page declared Vietnamese: only the opening tag changes, byte length kept (Content-Length holds)."""
    return body.replace(_LANG_EN, _LANG_VI, 1) if _LANG_EN in body[:4096] else body


# --- the ASGI middleware ----------------------------------------------------------------------


def _is_clear_cache(frame: bytes) -> bool:
    from streamlit.proto.BackMsg_pb2 import BackMsg

    msg = BackMsg()
    try:
        msg.ParseFromString(frame)
    except Exception:  # not a BackMsg: Streamlit's own handler reports it
        return False
    return msg.WhichOneof("type") == "clear_cache"


class Guard:
    """Pure ASGI middleware (HTTP and websocket scopes); see the module docstring."""

    def __init__(self, app) -> None:
        self.app = app
        self.headers = [(k.lower().encode(), v.encode()) for k, v in headers().items()]

    @staticmethod
    def _path(scope) -> str:
        from streamlit import config

        base = "/" + (config.get_option("server.baseUrlPath") or "").strip("/")
        path = scope.get("path", "")
        return path[len(base) :] if base != "/" and path.startswith(base) else path

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            await self._http(scope, receive, send)
        elif scope["type"] == "websocket":
            await self.app(scope, self._without_clear_cache(receive), send)
        else:
            await self.app(scope, receive, send)

    async def _http(self, scope, receive, send) -> None:
        path = self._path(scope)
        html = False
        headers = scope.get("headers", [])
        if any(k == b"accept" and b"text/html" in v for k, v in headers):
            # a page request: its small HTML travels uncompressed so its language can be declared
            scope = {**scope, "headers": [(k, v) for k, v in headers if k != b"accept-encoding"]}

        async def send_with_headers(message) -> None:
            nonlocal html
            if message["type"] == "http.response.body" and html:
                message = {**message, "body": vietnamese_html(message.get("body", b""))}
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                html = any(
                    k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in message.get("headers", [])
                )
                message = {
                    **message,
                    "headers": [*message.get("headers", []), *[h for h in self.headers if h[0] not in names]],
                }
            await send(message)

        if path.rstrip("/") == "/_stcore/metrics":
            ops.count("stcore_metrics_refusals")
            return await self._refuse(send_with_headers, "metrics are not public")
        parts = path.split("/")
        if path.startswith("/_stcore/upload_file/") and scope.get("method") == "PUT" and len(parts) >= 5:
            session_id, file_id = parts[3], parts[4]
            if not may_upload(session_id):
                _LOG.warning("upload refused: session is not signed in as an editor")
                ops.count("upload_refusals")
                return await self._refuse(send_with_headers, "uploads need a signed-in editor")
            _make_room(session_id, file_id)
        await self.app(scope, receive, send_with_headers)

    @staticmethod
    async def _refuse(send, why: str) -> None:
        body = f"403 Forbidden: {why}\n".encode()
        await send(
            {
                "type": "http.response.start",
                "status": 403,
                "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    @staticmethod
    def _without_clear_cache(receive):
        async def guarded():
            while True:
                message = await receive()
                frame = message.get("bytes") if message.get("type") == "websocket.receive" else None
                if frame and _is_clear_cache(frame):
                    _LOG.warning("clear_cache message dropped")
                    ops.count("clear_cache_dropped")
                    continue
                return message

        return guarded
