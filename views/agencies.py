"""Theo cơ quan: agency league and heat table (lead or partner), drill-down, who has not reported."""

import streamlit as st

from vlboard import breakdowns, charts, formatting, overview, ui

page = ui.start("Theo cơ quan")
live, f, card = page.live, page.f, page.card()
if card is None:
    st.info("Chưa có kỳ nào có số liệu để đánh giá.")
    st.stop()
role = st.radio("Vai trò", ["lead", "partner"], horizontal=True, key="agency_role",
                format_func={"lead": "Chủ trì", "partner": "Phối hợp"}.get)
p = ui.period_of(f)
rows = live.q("status_agencies", year=p.year, period_end=p.end, include_demo=f.include_demo)
rows = rows[rows.indicator_code.isin(card.indicator_code) & rows.agency_code.isin(page.options.agencies)]
league = breakdowns.league_frame(rows, role)
if league.empty:
    st.info("Chưa cơ quan nào có số liệu cho kỳ và bộ lọc này (các phòng, ban của TP Vĩnh Long hoạt động "
            "đến 30/6/2025).")
    st.stop()
who = "chủ trì" if role == "lead" else "phối hợp"
ui.chart(charts.league(league.head(25), title=f"Xếp hạng cơ quan ({who}) — {page.period}", data_date=page.date,
                       note=page.note), f"xep hang co quan {page.period}")
ui.chart(charts.count_heatmap(breakdowns.heat_counts(league.head(30)), row_col="name",
                              title=f"Số chỉ tiêu theo tình trạng và cơ quan — {page.period}", data_date=page.date,
                              note=page.note), f"co quan tinh trang {page.period}")
agency = f.agency or league.agency_code.iloc[0]
st.subheader(f"Chỉ tiêu của {formatting.md_escape(page.options.agencies.get(agency, agency))}")
ui.table(breakdowns.drill_down(rows, card, agency, role), "chi tieu cua co quan")
no_lead = live.q("indicators_without_lead")
with st.expander(f"Chỉ tiêu chưa giao cơ quan chủ trì: {len(no_lead)}"):
    ui.table(overview.no_lead_table(no_lead), "chi tieu chua giao chu tri")
st.subheader(f"Tình hình báo cáo — {page.period}")
c = live.q("completeness", period=f.period, period_type=p.kind, period_end=p.end, include_demo=f.include_demo)
ui.table(breakdowns.completeness_table(c[c.subject_type == "agency"]), "tinh hinh bao cao co quan")
