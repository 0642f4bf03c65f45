"""IOC: the chrome-free wall screen for the operations room (/ioc?rotate=20&plan=…&slides=…&night=22-6).

A one-second fragment draws the whole composition: the three pillars and the counts that need
action always on screen, one detail panel rotating under them (order and dwell times from
vlboard.board.wall: what needs attention first and longer). A new snapshot in data/CURRENT shows
within a second; if reading fails, the last good data stays up with its age. During the night
window the screen is dark and says when it resumes."""

import datetime as dt
import time

import streamlit as st

from vlboard.board import wall
from vlboard.domain.vocab import VN_TZ
from vlboard.ui import wall as ui_wall
from vlboard.ui import wall_panels

st.markdown(ui_wall.CSS, unsafe_allow_html=True)  # static style sheet, no data in it
st.markdown(wall_panels.CSS, unsafe_allow_html=True)  # the trend lines' and the map panel's styles
params = {k: st.query_params.get(k) for k in st.query_params}
base = wall.clamp_dwell(params.get("rotate"))
only = wall.parse_only(params.get("slides"))
night = wall.parse_night(params.get("night"))
include_demo = params.get("source") != "real"
state = st.session_state.setdefault("wall", {})


@st.fragment(run_every=1.0)
def screen() -> None:
    now = dt.datetime.now(VN_TZ)
    if night is not None and wall.is_night(night, now.hour):
        st.markdown(ui_wall.night_screen(night[1], now), unsafe_allow_html=True)
        return
    live, warning = ui_wall.read_live()
    if live is None:
        st.markdown(f"## Chưa có dữ liệu để trình chiếu — {warning}")
        return
    plans = dict(zip(live.q("plans").code, live.q("plans").short_name))
    plan = params.get("plan") if params.get("plan") in plans else None
    data = ui_wall.with_directives(ui_wall.wall_data(live, plan, include_demo), live, include_demo, now.date())
    slides = wall.playlist(data.facts, base, only)
    pos = wall.advance(state.get("pos"), slides, time.monotonic())
    state["pos"] = pos
    slide = slides[pos.index % len(slides)]
    html = ui_wall.screen(data, plans.get(plan, "tất cả kế hoạch"), slide, pos.index, len(slides), warning, now)
    st.markdown(html, unsafe_allow_html=True)


screen()
