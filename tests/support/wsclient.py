"""A Streamlit session over its own websocket protocol: what the browser sends, without the browser.

The load test drives many concurrent sessions of the served app with this: every session is a real
server-side session (its own websocket, script thread, session state, widget state and fragments)
getting the same protobuf deltas a browser gets, but the client side costs almost nothing, so on a
2-core machine the measured time is the server's, not a browser's rendering. (Rendering is covered
separately by the Chromium tests.)

``Session`` does what the frontend does on a page load (``open``), a sidebar link (``goto``), a widget
change (``choose``) and a ``run_every`` fragment's timer (``fragment``), and each call returns the
finished ``Run``: its elements, exceptions, alerts and how long the server took until
``script_finished``.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

FINISHED = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}


class ProtocolError(Exception):
    """The run did not finish as a browser would see it finish (closed socket, early stop, timeout)."""


@dataclass
class Element:
    kind: str  # the Element oneof: "selectbox", "markdown", "plotly_chart", …
    proto: object  # that oneof's message
    sidebar: bool  # delta_path starts in the sidebar container

    @property
    def text(self) -> str:
        p = self.proto
        return str(getattr(p, "body", "") or getattr(p, "label", "") or "")


@dataclass
class Run:
    seconds: float
    status: int
    elements: list[Element] = field(default_factory=list)
    auto_rerun: tuple[float, str] | None = None  # (interval s, fragment id) of a run_every fragment
    bytes: int = 0

    def of(self, kind: str) -> list[Element]:
        return [e for e in self.elements if e.kind == kind]

    def widget(self, kind: str, label: str) -> Element | None:
        return next((e for e in self.of(kind) if e.proto.label == label), None)

    @property
    def exceptions(self) -> list[str]:
        return [f"{e.proto.type}: {e.proto.message}"[:400] for e in self.of("exception")]

    @property
    def alerts(self) -> list[str]:
        return [e.proto.body for e in self.of("alert")]

    @property
    def headings(self) -> list[str]:
        return [e.proto.body for e in self.of("heading")]

    def markdown_starting(self, prefix: str) -> str | None:
        return next((e.proto.body for e in self.of("markdown") if e.proto.body.startswith(prefix)), None)


class Session:
    """One browser tab's worth of protocol. Use as ``async with Session(url) as s: await s.open(...)``."""

    def __init__(self, url: str, timeout: float = 30.0, headers: dict[str, str] | None = None, ssl=None) -> None:
        self.url, self.timeout, self.headers, self.ssl = url, timeout, headers or {}, ssl
        self.ws = None
        self.session_id = ""  # the server's id of this session (upload URLs carry it)
        self.pages: dict[str, str] = {}  # url path ("" for the default page) → page script hash
        self.page_hash = ""
        self.query = ""
        self.widgets: dict[str, WidgetState] = {}  # values this client set (the frontend sends them back)

    async def __aenter__(self) -> Session:
        ws_url = self.url.replace("http", "ws", 1) + "/_stcore/stream"  # http→ws, https→wss
        self.ws = await asyncio.wait_for(
            websockets.connect(
                ws_url,
                subprotocols=["streamlit"],
                origin=self.url,
                max_size=None,
                open_timeout=self.timeout,
                additional_headers=self.headers,
                **({"ssl": self.ssl} if self.ssl else {}),
            ),
            self.timeout,
        )
        return self

    async def __aexit__(self, *exc) -> None:
        if self.ws is not None:
            await self.ws.close()

    async def open(self, url_path: str = "", query: str = "") -> Run:
        """A page load of ``/url_path?query``: the first run of a session, or a reload."""
        self.query, self.widgets = query, {}
        return await self._rerun(page_name=url_path)

    async def goto(self, url_path: str) -> Run:
        """A click on a sidebar link: the page's script hash, no query string, widget states kept."""
        self.query = ""
        self.page_hash = self.pages[url_path]
        return await self._rerun()

    async def choose(self, selectbox: Element, option: str) -> Run:
        """Pick ``option`` (its shown label) in a selectbox."""
        if option not in selectbox.proto.options:
            raise ValueError(f"{option!r} is not offered in {selectbox.proto.label!r}")
        state = WidgetState(id=selectbox.proto.id, string_value=option)
        self.widgets[state.id] = state
        return await self._rerun()

    async def fragment(self, fragment_id: str) -> Run:
        """What a ``run_every`` fragment's timer sends."""
        return await self._rerun(fragment_id=fragment_id, auto=True)

    async def _rerun(self, page_name: str = "", fragment_id: str = "", auto: bool = False) -> Run:
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = self.query
        cs.page_script_hash = self.page_hash if not page_name else ""
        cs.page_name = page_name
        cs.fragment_id = fragment_id
        cs.is_auto_rerun = auto
        cs.widget_states.widgets.extend(self.widgets.values())
        t0 = time.monotonic()
        await self.ws.send(msg.SerializeToString())
        try:
            return await asyncio.wait_for(self._collect(t0, full=not fragment_id), self.timeout)
        except TimeoutError:
            raise ProtocolError(f"no script_finished after {self.timeout:.0f} s") from None
        except websockets.ConnectionClosed as exc:
            raise ProtocolError(f"websocket closed: {exc}") from None

    async def _collect(self, t0: float, full: bool) -> Run:
        run = Run(0.0, -1)
        while True:
            raw = await self.ws.recv()
            run.bytes += len(raw)
            fwd = ForwardMsg()
            fwd.ParseFromString(raw)
            kind = fwd.WhichOneof("type")
            if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                el = fwd.delta.new_element
                which = el.WhichOneof("type")
                path = list(fwd.metadata.delta_path)
                run.elements.append(Element(which, getattr(el, which), bool(path) and path[0] == 1))
            elif kind == "new_session":
                self.session_id = fwd.new_session.initialize.session_id
            elif kind == "navigation":
                self.pages = {p.url_pathname: p.page_script_hash for p in fwd.navigation.app_pages}
                self.page_hash = fwd.navigation.page_script_hash
            elif kind == "page_info_changed":
                self.query = fwd.page_info_changed.query_string
            elif kind == "auto_rerun":
                run.auto_rerun = (fwd.auto_rerun.interval, fwd.auto_rerun.fragment_id)
            elif kind == "script_finished":
                run.seconds, run.status = time.monotonic() - t0, fwd.script_finished
                if run.status not in FINISHED:
                    raise ProtocolError(
                        f"script finished with status {ForwardMsg.ScriptFinishedStatus.Name(run.status)}"
                    )
                if full:  # the frontend forgets the states of widgets that are no longer drawn
                    ids = {getattr(e.proto, "id", None) for e in run.elements}
                    self.widgets = {k: v for k, v in self.widgets.items() if k in ids}
                return run
