"""Chi tiết chỉ tiêu: status and why, trend with targets, long-term trend, every value's provenance."""

import streamlit as st

from vlboard import charts, ui
from vlboard.board import annotations, indicator, narrative, overview
from vlboard.domain import approval, formatting

page = ui.start("Chi tiết chỉ tiêu")
live, f = page.live, page.f
catalogue = live.q("indicator_list")
labels = {r["code"]: indicator.picker_label(r) for r in catalogue.to_dict("records")}
codes = list(labels)
wanted = st.query_params.get("code")
if wanted is not None and wanted not in labels:
    st.warning(
        f"Không có chỉ tiêu «{formatting.md_escape(wanted[:60])}» trong danh mục; đang hiển thị chỉ tiêu đầu tiên."
    )
code = st.selectbox("Chỉ tiêu", codes, index=codes.index(wanted) if wanted in labels else 0, format_func=labels.get)
st.query_params["code"] = code

meta = live.q("indicator_meta", code=code).iloc[0].to_dict()
years = live.q("indicator_years", code=code, include_demo=f.include_demo)  # counted, not read: ~1 M at 100 M
targets = live.q("indicator_targets", code=code)
st.subheader(formatting.md_escape(meta["name_vi"]))  # names come from the data: shown as text, never markup
st.caption(formatting.md_escape(f"{code} · {meta['plan_name']}"))

period = indicator.judgement_period(f.period, years)
ahead = None  # the outlook to the next dated target (fan on the chart, line under it)
if period is not None:
    card = ui.full_scorecard(live, period, f.include_demo, f.approved_only)  # cached per snapshot and period
    row = card[card.indicator_code == code].iloc[0]
    unapproved = f" · ⚠ {approval.mark(row.n_unapproved)}" if row.n_unapproved else ""  # issue 19
    st.markdown(f"**{row.status_label}**{unapproved} — {overview.period_label(period)}")
    st.markdown(formatting.md_escape(indicator.explanation(row, targets)))  # holds catalogue text
    ahead = indicator.outlook_row(ui.outlook(live, f.with_(period=period), card[card.indicator_code == code]))

series = live.q("indicator_series", code=code, include_demo=f.include_demo)
date = page.date
pace = indicator.pace_frame(targets, live.q("baselines"), code)
trend = dict(
    title=f"{code}: thực hiện, mục tiêu và lộ trình",
    unit=meta["unit"],
    data_date=date,
    note="Có số liệu minh họa" if "demo" in set(series.source) else None,
    pace=pace,
    outlook=ahead,
)
wide = charts.trend(series, targets, **trend)
events = annotations.for_indicator(live.q("annotations", code=code), charts.x_range(wide))  # issue 20
ui.chart(
    charts.mark_events(wide, events),
    f"{code} xu huong",
    phone=charts.mark_events(charts.trend(series, targets, **trend), events),
    alt=narrative.alt_trend(series, meta["unit"]),
)
st.markdown("**Triển vọng đến hạn**: " + formatting.md_escape(indicator.outlook_text(ahead)))
yearly = indicator.yearly_values(series)
trend = indicator.long_term(yearly, targets, meta["direction"])
st.markdown(f"**Xu hướng dài hạn** (phương pháp Open SDG): {indicator.long_term_text(trend, len(yearly))}")
if len(events):
    st.markdown(f"**{annotations.TITLE}**")
    ui.table(annotations.table(events), "su kien anh huong so lieu", title=annotations.TITLE)

st.markdown("**Mục tiêu theo năm**")
ui.table(indicator.targets_table(targets, meta["unit"]), "muc tieu theo nam")
ui.results_list(live, f, code, meta["unit"], targets, int(years.n_results.sum()))
st.markdown("**Thông tin chỉ tiêu**")
ui.table(indicator.metadata_table(meta, live.q("indicator_assignments", code=code)), "thong tin chi tieu")
