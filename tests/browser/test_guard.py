"""Issue 17, anonymous clients: each attack tried against the served app as deployed (serve.py)
and, as a control that the probe is real, against ``streamlit run app.py`` without the guard.

Attacks: public /_stcore/metrics, uploads into server memory by a client that is not a signed-in
editor, the ``clear_cache`` back message, framing (clickjacking), the tables' own CSV export
(formula injection), and password guessing across sessions and addresses.
"""

from __future__ import annotations

import asyncio
import os
import urllib.error
import urllib.request
import uuid
from http.cookiejar import CookieJar

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg

from tests.support.guard import PASSWORD, framed, load_pages, sidebar_errors, submit_login
from tests.support.served import CHROMIUM, browser_page, served_process
from tests.support.wsclient import Run, Session
from vlboard.intake import auth
from vlboard.ui import guard

EDITOR = "Cán bộ Long Châu (Cán bộ nhập liệu, địa bàn x2025-29551)"
needs_chromium = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium not installed (make setup)")


@pytest.fixture(scope="module")
def guarded(shipped_data, secrets_env):
    with served_process(shipped_data.root, env=secrets_env) as (url, proc):
        yield url


@pytest.fixture(scope="module")
def unguarded(shipped_data, secrets_env):
    """The control: Streamlit's defaults (app.py served directly, tables' export on)."""
    env = {**secrets_env, "STREAMLIT_CLIENT_DISABLE_DATA_EXPORT": "false"}
    with served_process(shipped_data.root, env=env, script="app.py") as (url, proc):
        yield url


# --- protocol helpers ------------------------------------------------------------------------


def run(coro):
    return asyncio.run(coro)


def who(r: Run) -> str:
    """The account box's line for a signed-in user, else "Khách" when it offers the sign-in form."""
    line = next((e.proto.body for e in r.of("text") if e.sidebar), "")
    return line or ("Khách" if any(e.proto.label == "Đăng nhập" for e in r.of("button")) else "")


def request(method: str, url: str, body: bytes | None = None, headers: dict | None = None, opener=None):
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with (opener or urllib.request.build_opener()).open(req, timeout=30) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def put_file(url: str, session_id: str, size: int = 1024, name: str = "x.xlsx") -> int:
    """What the frontend's file_uploader does: XSRF cookie from /_stcore/health, then a multipart PUT."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    request("GET", f"{url}/_stcore/health", opener=opener)
    token = next((c.value for c in jar if c.name == "_streamlit_xsrf"), "")
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + b"\0" * size
        + f"\r\n--{boundary}--\r\n".encode()
    )
    status, _, _ = request(
        "PUT",
        f"{url}/_stcore/upload_file/{session_id}/{uuid.uuid4().hex}",
        body,
        {"Content-Type": f"multipart/form-data; boundary={boundary}", "X-Xsrftoken": token},
        opener=opener,
    )
    return status


# --- metrics, headers ------------------------------------------------------------------------


def test_metrics_are_not_public(guarded, unguarded):
    assert request("GET", f"{unguarded}/_stcore/metrics")[0] == 200  # the probe is real
    status, _, body = request("GET", f"{guarded}/_stcore/metrics")
    assert status == 403 and b"session" not in body
    assert request("GET", f"{guarded}/_stcore/metrics?families=session_events")[0] == 403
    assert request("GET", f"{guarded}/_stcore/health")[2] == b"ok"


@pytest.mark.parametrize("path", ["/", "/lich-su-du-lieu", "/_stcore/health", "/favicon.png"])
def test_security_headers_on_every_response(guarded, path):
    status, headers, _ = request("GET", guarded + path)
    h = {k.lower(): v for k, v in headers.items()}
    assert status == 200
    for name, value in guard.headers().items():
        assert h.get(name.lower()) == value
    assert "frame-ancestors 'none'" in h["content-security-policy"] and h["x-frame-options"] == "DENY"


def test_csp_allows_exactly_the_inline_script_of_streamlits_index():
    policy = guard.content_security_policy()
    assert "'unsafe-eval'" not in policy and "script-src 'self' 'sha256-" in policy
    assert len(guard._inline_script_hashes()) == 1


# --- uploads ----------------------------------------------------------------------------------


def test_uploads_only_for_a_signed_in_editor(guarded, unguarded):
    async def attack(url: str) -> tuple[int, int, int]:
        async with Session(url) as s:
            page = await s.open()
            anonymous = put_file(url, s.session_id)
            forged = put_file(url, "not-a-session")
            assert who(await submit_login(s, page, "ed", PASSWORD)) == EDITOR
            editor = put_file(url, s.session_id)
            return anonymous, forged, editor

    assert run(attack(unguarded))[0] == 204  # without the guard, anyone stores files in memory
    anonymous, forged, editor = run(attack(guarded))
    assert anonymous == 403 and forged == 403
    assert editor == 204


def test_an_editor_session_holds_at_most_a_few_files():
    from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
    from streamlit.runtime.uploaded_file_manager import UploadedFileRec

    mgr = MemoryUploadedFileManager("/_stcore/upload_file")
    for i in range(10):
        guard._make_room("s1", f"f{i}", mgr)
        mgr.add_file("s1", UploadedFileRec(f"f{i}", "x.xlsx", "application/octet-stream", b"x" * 1000))
    assert list(mgr.file_storage["s1"]) == ["f7", "f8", "f9"]
    guard._make_room("s1", "f9", mgr)  # a re-upload of a held file keeps the others
    assert len(mgr.file_storage["s1"]) == guard.FILES_PER_SESSION


# --- clear_cache ------------------------------------------------------------------------------


def test_clear_cache_message_has_no_effect(guarded, unguarded):
    async def attack(url: str) -> str:
        async with Session(url) as s:
            page = await s.open()
            signed = await submit_login(s, page, "ed", PASSWORD)
            assert who(signed) == EDITOR
            msg = BackMsg()
            msg.clear_cache = True
            await s.ws.send(msg.SerializeToString())
            await asyncio.sleep(0.5)
            return who(await s.goto(""))

    # Streamlit's handler empties st.cache_data/st.cache_resource for everyone and this session's state
    assert run(attack(unguarded)) == "Khách"
    assert run(attack(guarded)) == EDITOR


# --- password guessing ------------------------------------------------------------------------


def test_lockout_spans_sessions_and_proxied_addresses(guarded):
    async def guess(i: int, password: str) -> list[str]:
        async with Session(guarded, headers={"X-Forwarded-For": f"198.51.100.{i}"}) as s:
            return sidebar_errors(await submit_login(s, await s.open(), "ed", password))

    async def attack() -> list[list[str]]:
        return [await guess(i, "sai-mat-khau") for i in range(auth.ACCOUNT_FAILURES)] + [await guess(99, PASSWORD)]

    answers = run(attack())
    assert answers[:-1] == [["Sai tên đăng nhập hoặc mật khẩu."]] * auth.ACCOUNT_FAILURES
    assert len(answers[-1]) == 1 and answers[-1][0].startswith("Đăng nhập sai quá nhiều lần")


# --- Chromium: CSP, framing, the tables' export -----------------------------------------------


def table_download_buttons(url: str) -> tuple[int, int]:
    """(toolbar buttons, of which "Download as CSV") over the first table of the history page."""
    with browser_page() as page:
        page.goto(f"{url}/lich-su-du-lieu")
        grid = page.locator("[data-testid=stDataFrame]").first
        grid.wait_for(timeout=60_000)
        page.wait_for_timeout(1000)
        grid.hover()
        page.wait_for_timeout(800)
        buttons = page.locator("[data-testid=stElementToolbar] button")
        names = [(b.get_attribute("aria-label") or b.get_attribute("title") or "") for b in buttons.all()]
        return len(names), sum("download" in n.lower() for n in names)


@needs_chromium
def test_pages_load_under_the_csp_without_a_violation(guarded):
    assert load_pages(guarded) == []


@needs_chromium
def test_framing_is_refused(guarded, unguarded):
    assert framed(unguarded)  # the probe is real: without headers the rollback page can be framed
    assert not framed(guarded)


@needs_chromium
def test_tables_offer_no_csv_export_of_their_own(guarded, unguarded):
    shown, downloads = table_download_buttons(unguarded)
    assert downloads >= 1  # the probe finds Streamlit's "Download as CSV" when it is on
    shown, downloads = table_download_buttons(guarded)
    assert shown >= 1 and downloads == 0  # the toolbar is there (search, fullscreen), its export is not


@needs_chromium
def test_pages_declare_vietnamese_and_load_nothing_from_outside(guarded, unguarded):
    """The whole page list in Vietnamese; lang="vi" for screen readers (Streamlit's index says "en"); the icon is served by the app itself,
    since an emoji icon is fetched from a public CDN that an offline government network cannot reach."""

    def visit(url: str) -> tuple[str, list[str], list[str]]:
        with browser_page() as page:
            requests: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto(url + "/tong-quan?source=real")
            page.wait_for_selector("[data-testid='stMainBlockContainer'] h1, [data-testid='stHeading']")
            lang = page.evaluate("document.documentElement.lang")
            icons = page.evaluate("[...document.querySelectorAll('link[rel*=icon]')].map(l => l.href)")
            nav = page.locator("[data-testid='stSidebarNav']").inner_text()
            return lang, icons, [u for u in requests if not u.startswith(url)], nav

    assert visit(unguarded)[0] == "en"  # the probe is real: Streamlit alone declares English
    lang, icons, outside, nav = visit(guarded)
    assert lang == "vi"
    assert "Đối chiếu chỉ tiêu" in nav and "Lịch sử dữ liệu" in nav  # every page listed, no English "View n more"
    assert "View" not in nav and "more" not in nav
    assert icons and all(i.startswith(guarded) for i in icons)
    assert outside == []


def test_only_the_html_tag_changes_and_the_length_is_kept():
    page = b'<!doctype html><html lang="en"><head><title>x</title></head><body lang="en"></body></html>'
    out = guard.vietnamese_html(page)
    assert out.startswith(b'<!doctype html><html lang="vi">') and b'<body lang="en">' in out
    assert len(out) == len(page)
    assert guard.vietnamese_html(b"\x1f\x8b compressed") == b"\x1f\x8b compressed"
