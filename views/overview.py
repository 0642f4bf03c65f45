"""Tổng quan: one gauge per pillar, status counts, what is off track and what moved."""

import streamlit as st

from vlboard import charts, ui
from vlboard.board import commentary, narrative, overview
from vlboard.domain import rollups
from vlboard.domain.vocab import MAIN_PILLARS, PILLARS
from vlboard.ui import briefing

page = ui.start("Tổng quan chuyển đổi số")
live, f, card = page.live, page.f, page.card()

if card is None:
    st.info("Chưa có kỳ nào có số liệu để đánh giá với bộ lọc này.")
else:
    judged = page.judged(card)
    before = overview.previous_period(list(page.options.periods), f.period)
    before_card = page.card(before) if judged and before else None
    briefing.summary(page, card, before_card, before)
    if judged:
        for col, pillar in zip(st.columns(3), MAIN_PILLARS):
            with col:
                ui.chart(
                    charts.card_gauge(card, pillar, data_date=page.date, note=page.note),
                    f"{PILLARS[pillar]} {page.period}",
                    alt=narrative.alt_gauge(card, pillar),
                )
        st.caption(
            f"{page.period}. Số lớn: % chỉ tiêu đạt; vòng cung: đạt (xanh), gần đạt (cam), chưa đạt (đỏ) "
            f"trong số chỉ tiêu có số liệu; vạch đen: mốc 80%. Màu kim: {rollups.SHARE_RULE}."
        )
    else:
        page.no_data()
        figures = overview.unjudged_figures(card)
        if len(figures):
            st.subheader(f"Số liệu đã có, chưa đến kỳ đánh giá — {page.period}")
            ui.table(figures, "so lieu chua den ky", links=ui.indicator_links(f))
    bars = dict(
        group_col="pillar",
        group_labels=PILLARS,
        title=f"Tình trạng chỉ tiêu theo trụ cột — {page.period}",
        data_date=page.date,
        note=page.note,
    )
    ui.chart(
        charts.status_bars(overview.pillar_counts(card), **bars),
        f"tinh trang theo tru cot {page.period}",
        on_click=lambda d: ui.open_pillar(d, f),
        caption="Bấm vào một đoạn để xem các chỉ tiêu của trụ cột ở tình trạng đó.",
        alt=narrative.alt_status_bars(overview.pillar_counts(card)),
        phone=charts.status_bars(overview.pillar_counts(card), **bars),
    )
    if judged:
        st.subheader(f"Chỉ tiêu chậm nhất — {page.period}")
        ui.table(
            overview.off_track(card, explained=commentary.by_indicator(live, f.period)),
            "chi tieu cham nhat",
            links=ui.indicator_links(f),
            empty="Không có chỉ tiêu chưa đạt hoặc gần đạt trong kỳ này.",
        )
        if before:
            st.subheader(f"Thay đổi lớn nhất so với {overview.period_label(before)}")
            ui.table(
                overview.movers(card, before_card),
                "thay doi lon nhat",
                links=ui.indicator_links(f),
                empty="Không chỉ tiêu nào có số liệu ở cả hai kỳ với giá trị thay đổi.",
            )
    briefing.at_risk(page, card)  # outlook: đạt now, under 50% likely to meet the next target

with st.expander("Danh mục chỉ tiêu, văn bản nguồn và số liệu trong văn bản"):
    ui.table(
        overview.pivot_counts(live.q("indicator_counts", include_demo=f.include_demo)), "so chi tieu theo ke hoach"
    )
    ui.table(overview.plans_table(live.q("plans")), "van ban nguon")
    ui.table(
        overview.no_lead_table(live.q("indicators_without_lead")), "chua giao chu tri", links=ui.indicator_links(f)
    )
    ui.table(overview.figures_table(live.q("document_figures")), "so lieu trong van ban")
