"""Theo cơ quan: agency league and heat table (lead or partner), drill-down, who has not reported."""

import streamlit as st

from vlboard import charts, ui
from vlboard.board import breakdowns, overview, screens
from vlboard.domain import formatting, rollups
from vlboard.ui import briefing
from vlboard.ui.report_button import report_download

page = ui.start("Theo cơ quan")
live, f, card = page.live, page.f, page.card()
if card is None:
    st.info("Chưa có kỳ nào có số liệu để đánh giá.")
    st.stop()
role = st.radio(
    "Vai trò",
    ["lead", "partner"],
    horizontal=True,
    key="agency_role",
    format_func={"lead": "Chủ trì", "partner": "Phối hợp"}.get,
)
rows = screens.agency_rows(live, f, card)  # every actor the plans assign, collectives included
league = screens.agency_league(live, f, card, role)  # the wall's and the meeting pack's ranking
if league.empty:
    page.no_data(
        "cơ quan nào có chỉ tiêu có số liệu (các phòng, ban của TP Vĩnh Long hoạt động đến 30/6/2025)",
        judged=screens.agencies_judged(live, f, role),
    )
else:
    who = "chủ trì" if role == "lead" else "phối hợp"
    shown = league.head(25)
    ui.chart(
        charts.league(shown, title=f"Xếp hạng cơ quan ({who}) — {page.period}", data_date=page.date, note=page.note),
        f"xep hang co quan {page.period}",
        on_click=lambda d: ui.set_filter("agency", d),
        caption=f"{len(shown)}/{len(league)} cơ quan có chỉ tiêu có số liệu. Thanh: % chỉ tiêu đạt trong số "
        "chỉ tiêu có số liệu (cùng cách tính với đồng hồ Tổng quan). Bấm vào một thanh để xem các chỉ "
        "tiêu của cơ quan đó.",
    )
    ui.chart(
        charts.count_heatmap(
            breakdowns.heat_counts(league.head(30)),
            row_col="name",
            code_col="agency_code",
            title=f"Số chỉ tiêu theo tình trạng và cơ quan — {page.period}",
            data_date=page.date,
            note=page.note,
        ),
        f"co quan tinh trang {page.period}",
        on_click=lambda d: ui.set_filter("agency", d),
        caption="Mỗi ô: số chỉ tiêu của cơ quan ở tình trạng đó; tình trạng của chỉ tiêu là số liệu riêng của "
        "cơ quan nếu có, nếu không là số liệu chung của chỉ tiêu. "
        + rollups.INDICATOR_RULE.capitalize()
        + ". Bấm vào một ô để xem các chỉ tiêu của cơ quan đó.",
    )
    agency = f.agency or league.agency_code.iloc[0]
    st.subheader(f"Chỉ tiêu của {formatting.md_escape(page.options.agencies.get(agency, agency))} — {page.period}")
    mine = breakdowns.drill_down(rows, card, agency, role)
    briefing.with_outlook(
        page, card, mine, "chi tieu cua co quan", "Cơ quan này không có chỉ tiêu với vai trò và bộ lọc đang chọn."
    )
if f.agency:  # the drafted official report of the selected agency (with or without judged figures)
    report_download(live, f, agency=f.agency)
no_lead = live.q("indicators_without_lead")
with st.expander(f"Chỉ tiêu chưa giao cơ quan chủ trì: {len(no_lead)}"):
    ui.table(overview.no_lead_table(no_lead), "chi tieu chua giao chu tri", links=ui.indicator_links(f))
st.subheader(f"Tình hình báo cáo — {page.period}")
ui.table(
    screens.completeness(live, f, "agency"),
    "tinh hinh bao cao co quan",
    empty="Không cơ quan nào phải báo cáo kỳ này theo quy định báo cáo của các kế hoạch.",
)
