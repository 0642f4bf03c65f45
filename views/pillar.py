"""Trụ cột: every indicator of one pillar against its target, grouped by status; small trends.

The three navigation entries (chính quyền số, kinh tế số, xã hội số) share this renderer; the
entry sets the pillar, the sidebar can still narrow by plan, agency and status."""

import streamlit as st

from vlboard import charts, ui
from vlboard.board import indicator, overview
from vlboard.domain.vocab import PILLARS
from vlboard.ui import briefing

pillar = ui.current_pillar() or "chinh_quyen_so"
page = ui.start(f"Trụ cột {PILLARS[pillar].lower()}", pillar=pillar)
card = page.card()
if card is None or card.empty:
    st.info("Chưa có chỉ tiêu nào với bộ lọc này.")
    st.stop()

ui.table(overview.pillar_status_table(card), "tinh trang tru cot")
drawn = card[card.attainment.notna()]
if page.judged(card):
    bullets = dict(
        title=f"{PILLARS[pillar]}: thực hiện so với mục tiêu — {page.period}",
        data_date=page.date,
        note=page.note,
        max_rows=len(drawn),
    )
    ui.chart(
        charts.progress_bullets(card, **bullets),
        f"{PILLARS[pillar]} tien do {page.period}",
        on_click=lambda d: ui.open_indicator(d, page.f),
        caption=f"Biểu đồ có {len(drawn)}/{len(card)} chỉ tiêu của trụ cột: những chỉ tiêu có số liệu so được "
        "với mục tiêu số; các chỉ tiêu còn lại (chưa đến kỳ, định tính, chưa có số liệu) ở bảng "
        "«Tất cả chỉ tiêu» bên dưới. Màu: tình trạng của từng chỉ tiêu. Bấm vào một thanh để xem "
        "chi tiết chỉ tiêu.",
        phone=charts.progress_bullets(card, **bullets, name_chars=0),  # codes only: bars keep the width
    )
else:
    page.no_data()
series = page.live.q("pillar_series", pillar=pillar, include_demo=page.f.include_demo)
titles = indicator.multiples_titles(card, series)
if titles and page.judged(card):
    multiples = dict(
        series=series[series.indicator_code.isin(titles)],
        targets=page.live.q("targets_numeric"),
        titles=titles,
        title=f"Xu hướng các chỉ tiêu chậm nhất — {PILLARS[pillar]}",
        data_date=page.date,
        note=page.note,
    )
    ui.chart(
        charts.small_multiples(**multiples),
        f"{PILLARS[pillar]} xu huong",
        phone=charts.small_multiples(**multiples, ncols=1),
    )
st.subheader(f"Tất cả chỉ tiêu của trụ cột ({len(card)}) — {page.period}")
briefing.with_outlook(page, card, overview.status_list(card), "chi tieu cua tru cot")
