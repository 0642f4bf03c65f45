"""Theo phường/xã: map of the 124 units of 2025, heat table, ranking, reporting, 2025 crosswalk."""

import streamlit as st

from vlboard import charts, ui
from vlboard.board import narrative, screens
from vlboard.domain import formatting, links, rollups
from vlboard.ui.report_button import report_download

page = ui.start("Theo phường, xã")
live, f, card = page.live, page.f, page.card()
if card is None:
    st.info("Chưa có kỳ nào có số liệu để đánh giá.")
    st.stop()
counts = screens.unit_counts(live, f, card)
if f.unit:
    name = page.options.units.get(f.unit, f.unit)
    st.markdown(
        f"Đang xem **{formatting.md_escape(name)}** · [Xem tất cả phường, xã]({links.href(links.UNITS, f, unit=None)})"
    )
    report_download(live, f, unit=f.unit)  # the drafted official report of the selected ward/commune
if counts.status.isin(("achieved", "near", "not_achieved")).any():
    fig = ui.unit_map(
        live, f, f"Tỷ lệ chỉ tiêu đạt theo phường, xã (đơn vị 2025) — {page.period}", page.date, page.note
    )
    if fig is None:
        st.warning("Không đọc được ranh giới hành chính: hiển thị dạng bảng.")
        ui.table(screens.unit_ranking(live, f, card), "xep hang phuong xa bang", links=ui.unit_links(f))
    else:
        ui.chart(
            fig,
            f"ban do phuong xa {page.period}",
            on_click=lambda d: ui.set_filter("unit", d),
            caption=f"Màu mỗi phường, xã: {rollups.SHARE_RULE} (cùng quy tắc với đồng hồ Tổng quan). "
            "11 phường của TP Vĩnh Long (2023) không có ranh giới riêng: trên bản đồ chúng hiện qua "
            "phường năm 2025 mà chúng sáp nhập vào. Bấm vào một phường, xã để xem riêng.",
            alt=narrative.alt_map(screens.unit_map_frame(live, f, card)),
        )
    heat = screens.unit_heat(live, f, card)
    ui.chart(
        charts.status_matrix(
            heat,
            row_col="row",
            col_col="col",
            title=f"Chỉ tiêu × phường/xã — {page.period}",
            data_date=page.date,
            note=page.note,
            clickable=True,
        ),
        f"chi tieu phuong xa {page.period}",
        on_click=lambda d: ui.open_indicator(d, f),
        caption=rollups.INDICATOR_RULE.capitalize() + ". Bấm vào một ô để xem chi tiết chỉ tiêu.",
        alt=narrative.alt_heat(heat),
    )
    st.subheader(f"Xếp hạng phường, xã — {page.period}")
    ui.table(screens.unit_ranking(live, f, card), "xep hang phuong xa", links=ui.unit_links(f))
else:
    page.no_data("phường, xã nào có chỉ tiêu có số liệu để so với mục tiêu", judged=screens.units_judged(live, f))
st.subheader(f"Tình hình báo cáo — {page.period}")
ui.table(
    screens.completeness(live, f, "unit"),
    "tinh hinh bao cao phuong xa",
    empty="Không phường, xã nào phải báo cáo kỳ này theo quy định báo cáo của các kế hoạch.",
)
with st.expander("Phường cũ → phường mới (sắp xếp 2024, 2025)"):
    ui.table(live.q("unit_crosswalk"), "phuong cu phuong moi")
