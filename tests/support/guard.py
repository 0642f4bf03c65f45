"""Helpers of the tests against the served app (tests/browser/test_guard.py, test_proxy.py and
tools/guessrate.py): the test password, the sign-in form over Streamlit's websocket protocol, and
every page or a framing attempt in Chromium."""

from __future__ import annotations

import asyncio
import time

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

from tests.support.served import browser_page
from tests.support.wsclient import ProtocolError, Run, Session

PASSWORD = "mat-khau-thu-nghiem"
PAGES = [
    "",
    "chinh-quyen-so",
    "co-quan",
    "phuong-xa",
    "chi-tiet",
    "kinh-phi",
    "nhiem-vu",
    "ioc",
    "nhap-so-lieu",
    "lich-su-du-lieu",
]


async def finish(s: Session) -> Run:
    """The run's end, past any st.rerun() (FINISHED_EARLY_FOR_RERUN)."""
    for _ in range(5):
        try:
            return await asyncio.wait_for(s._collect(time.monotonic(), full=True), s.timeout)
        except ProtocolError as exc:
            if "EARLY_FOR_RERUN" not in str(exc):
                raise
    raise ProtocolError("no end of run")


async def submit_login(s: Session, page: Run, username: str, password: str) -> Run:
    name, pw = page.widget("text_input", "Tên đăng nhập"), page.widget("text_input", "Mật khẩu")
    button = next(e for e in page.of("button") if e.proto.label == "Đăng nhập")
    s.widgets[name.proto.id] = WidgetState(id=name.proto.id, string_value=username)
    s.widgets[pw.proto.id] = WidgetState(id=pw.proto.id, string_value=password)
    s.widgets[button.proto.id] = WidgetState(id=button.proto.id, trigger_value=True)
    msg = BackMsg()
    msg.rerun_script.page_script_hash = s.page_hash
    msg.rerun_script.widget_states.widgets.extend(s.widgets.values())
    await s.ws.send(msg.SerializeToString())
    s.widgets.pop(button.proto.id, None)  # a trigger fires once
    return await finish(s)


def sidebar_errors(r: Run) -> list[str]:
    return [e.proto.body for e in r.of("alert") if e.sidebar]


def open_drawn(page, url: str) -> None:
    """Open a page and wait until it is drawn from the server's messages (so the websocket works),
    then assert that no exception box is shown."""
    page.goto(url)
    page.wait_for_selector(
        "[data-testid=stMain] :is([data-testid=stHeading], [data-testid=stMarkdown], [data-testid=stPlotlyChart])",
        timeout=60_000,
        state="attached",
    )
    page.wait_for_timeout(1500)
    assert page.locator("[data-testid=stException]").count() == 0, url


def load_pages(url: str, pages=PAGES, refused: list | None = None) -> list[str]:
    """Every page in Chromium; returns the console messages about a Content Security Policy.
    ``refused`` collects the URLs answered 429/503 (a proxy's rate limit)."""
    with browser_page(ignore_https_errors=True) as page:
        msgs: list[str] = []
        page.on("console", lambda m: msgs.append(m.text))
        page.on("response", lambda r: refused.append(r.url) if refused is not None and r.status in (429, 503) else None)
        for p in pages:
            open_drawn(page, f"{url}/{p}")
        return [m for m in msgs if "Content Security Policy" in m]


def framed(url: str) -> bool:
    """Does a page of another origin manage to show the app in an iframe?"""
    with browser_page(ignore_https_errors=True) as page:
        other = url.replace("127.0.0.1", "localhost")  # another origin
        page.goto(f"{other}/_stcore/health")
        page.set_content(f'<iframe src="{url}/lich-su-du-lieu" width="1200" height="800"></iframe>')
        page.wait_for_timeout(6000)
        return any(f.locator("[data-testid=stApp]").count() for f in page.frames[1:])
