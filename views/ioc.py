"""IOC: the chrome-free wall screen for the operations room (/ioc?rotate=20&plan=…&slides=…).

A one-second fragment draws the clock and the current slide; the playlist and the dwell times
come from vlboard.board.wall (what needs attention first and longer). A new snapshot in data/CURRENT
shows within a second; if reading fails, the last good data stays up with its age."""

import time

import streamlit as st

from vlboard.board import wall
from vlboard.ui import wall as ui_wall

st.markdown(ui_wall.CSS, unsafe_allow_html=True)  # static style sheet, no data in it
params = {k: st.query_params.get(k) for k in st.query_params}
base = wall.clamp_dwell(params.get("rotate"))
only = wall.parse_only(params.get("slides"))
include_demo = params.get("source") != "real"
state = st.session_state.setdefault("wall", {})


@st.fragment(run_every=1.0)
def screen() -> None:
    live, warning = ui_wall.read_live()
    if live is None:
        st.markdown(f"## Chưa có dữ liệu để trình chiếu — {warning}")
        return
    plans = dict(zip(live.q("plans").code, live.q("plans").short_name))
    plan = params.get("plan") if params.get("plan") in plans else None
    data = ui_wall.wall_data(live, plan, include_demo)
    slides = wall.playlist(data.facts, base, only)
    pos = wall.advance(state.get("pos"), slides, time.monotonic())
    state["pos"] = pos
    slide = slides[pos.index]
    ui_wall.header(data, plans.get(plan, "tất cả kế hoạch"), slide, pos.index, len(slides), warning)
    ui_wall.draw(slide, data)


screen()
