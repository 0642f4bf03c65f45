"""Chi tiết chỉ tiêu: status and why, long-term trend, targets, every value with its provenance."""

import datetime as dt

import streamlit as st

from vlboard import indicator, overview, periods, ui

st.title("Chi tiết chỉ tiêu")
live = ui.live_snapshot()
if live is None:
    st.stop()

include_demo = st.toggle("Gồm số liệu minh họa", value=True, key="include_demo")
catalogue = live.q("indicator_list")
labels = {r["code"]: indicator.picker_label(r) for r in catalogue.to_dict("records")}
codes = list(labels)
wanted = st.query_params.get("code")
if wanted is not None and wanted not in labels:
    st.warning(f"Không có chỉ tiêu «{wanted[:60]}» trong danh mục; đang hiển thị chỉ tiêu đầu tiên.")
code = st.selectbox("Chỉ tiêu", codes, index=codes.index(wanted) if wanted in labels else 0,
                    format_func=labels.get)
st.query_params["code"] = code

meta = live.q("indicator_meta", code=code).iloc[0].to_dict()
results = live.q("indicator_results", code=code)
if not include_demo:
    results = results[results.source != "demo"]
targets = live.q("indicator_targets", code=code)
st.subheader(meta["name_vi"])
st.caption(f"{code} · {meta['plan_name']}")

period = indicator.judgement_period(overview.default_period(live.q("latest_period", include_demo=include_demo)),
                                    results)
if period is not None:
    p = periods.parse_period(period)
    head = live.q("indicator_headline", code=code, year=p.year, period_end=p.end, include_demo=include_demo)
    row = overview.scorecard(head, live.q("targets_numeric"), live.q("baselines"), p.end).iloc[0]
    st.markdown(f"**{row.status_label}** — {overview.period_label(period)}")
    st.write(row.explanation)

yearly = {}
for year in indicator.result_years(results):
    h = live.q("indicator_headline", code=code, year=year, period_end=dt.date(year, 12, 31),
               include_demo=include_demo)
    if h.value.notna().any():
        yearly[year] = float(h.value.iloc[0])
trend = indicator.long_term(yearly, targets, meta["direction"])
st.markdown(f"**Xu hướng dài hạn** (phương pháp Open SDG): {indicator.long_term_text(trend, len(yearly))}")

st.markdown("**Mục tiêu theo năm**")
st.dataframe(indicator.targets_table(targets, meta["unit"]), hide_index=True, width="stretch")
st.markdown(f"**Số liệu thực hiện** ({len(results)} giá trị, kèm nguồn)")
st.dataframe(indicator.results_table(results, meta["unit"]), hide_index=True, width="stretch")
st.markdown("**Thông tin chỉ tiêu**")
st.dataframe(indicator.metadata_table(meta, live.q("indicator_assignments", code=code)),
             hide_index=True, width="stretch")

