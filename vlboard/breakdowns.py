"""Frames for the agency and ward/commune pages (pure: query frames in, display frames out)."""

from __future__ import annotations

import pandas as pd

from vlboard import formatting, rollups, status


def league_frame(agencies: pd.DataFrame, role: str) -> pd.DataFrame:
    """Agencies ranked by % đạt among their indicators with data, with n/N (agencies none of whose
    indicators has data are left out of the ranking; the page counts them)."""
    counts = rollups.by_agency(agencies, role=role)
    counts = counts[counts.n_with_data > 0]
    return counts.rename(columns={"agency_short": "name"})[["agency_code", "name", "pct_achieved", "n_of",
                                                            *status.STATUSES, "n_total"]]


def heat_counts(league: pd.DataFrame) -> pd.DataFrame:
    return league[["name", *status.STATUSES]]


def drill_down(agencies: pd.DataFrame, card: pd.DataFrame, agency: str, role: str) -> pd.DataFrame:
    """One agency's indicators with the status that counts for it and the explanation line."""
    mine = agencies[(agencies.agency_code == agency) & (agencies.role == role)]
    rows = mine.merge(card[["indicator_code", "name_vi", "explanation"]], on="indicator_code", how="inner")
    rank = {c: i for i, c in enumerate(status.STATUSES)}
    rows = rows.assign(rank=rows.status.map(rank)).sort_values(["rank", "indicator_code"])
    return pd.DataFrame({"Mã": rows.indicator_code, "Tình trạng": rows.status.map(status.label),
                         "Số liệu riêng của cơ quan": rows.own_figure.map({True: "có", False: "không"}),
                         "Chỉ tiêu": rows.name_vi, "Vì sao": rows.explanation})


def completeness_table(c: pd.DataFrame) -> pd.DataFrame:
    """Who has not reported for the period: lowest received share first."""
    s = rollups.completeness_summary(c).sort_values(["pct_received", "subject_name"])
    return pd.DataFrame({
        "Đơn vị/cơ quan": s.subject_name,
        "Phải báo cáo": s.expected, "Đã nhận": s.received, "Đúng hạn": s.on_time,
        "% đã nhận": s.pct_received.map(lambda v: formatting.percent(v, 0)),
        "Chỉ tiêu chưa báo cáo": s.missing.fillna("")})


def unit_matrix(units: pd.DataFrame, card: pd.DataFrame, max_indicators: int = 25) -> pd.DataFrame:
    """indicator × unit statuses for the heat table (the indicators in the scorecard, worst first)."""
    keep = card.sort_values("attainment").indicator_code.head(max_indicators)
    u = units[units.indicator_code.isin(keep)]
    return pd.DataFrame({"row": u.indicator_code, "col": u.unit_name, "status": u.status,
                         "value_text": [status.value_text(v, "%" if a is not None else None)
                                        for v, a in zip(u.value, u.attainment)]})


def unit_ranking(units: pd.DataFrame) -> pd.DataFrame:
    r = rollups.by_unit(units)
    return pd.DataFrame({"Phường/xã": r.unit_name,
                         "% đạt (có số liệu)": [formatting.percent(p, 0) if not pd.isna(p) else "–"
                                                for p in r.pct_achieved],
                         "n/N": r.n_of, **{status.label(c): r[c] for c in ("achieved", "near", "not_achieved",
                                                                           "no_data")}})


def map_frame(units: pd.DataFrame, unit_list: pd.DataFrame, crosswalk: pd.DataFrame,
              near: float = 0.9) -> pd.DataFrame:
    """One row per 2025 unit for the map. Its colour is the status of its *typical* indicator: the
    median attainment of its indicators with data, judged with the same rule (≥ 100% đạt, ≥ the
    near band gần đạt). The 2023 wards of TP Vĩnh Long report through the 2025 phường they went
    into (crosswalk)."""
    to_2025 = dict(zip(crosswalk.old_unit_code, crosswalk.new_unit_code))
    u = units.assign(target=units.unit_code.map(lambda c: to_2025.get(c, c)))
    u = u[u.target.str.startswith("x2025-")]
    if u.empty:
        return pd.DataFrame(columns=["official_code", "name", "status", "value_text"])
    meta = unit_list.set_index("unit_code")
    rows = []
    for unit, g in u.groupby("target"):
        judged = g[g.status.isin(status.WITH_DATA)]
        if judged.empty:
            state, text = "no_data", "chưa có số liệu"
        else:
            med = float(judged.attainment.median())
            state = "achieved" if med >= 1 else ("near" if med >= near else "not_achieved")
            k = int((judged.status == "achieved").sum())
            text = f"trung vị {formatting.percent(med * 100, 0)} mục tiêu · {k}/{len(judged)} chỉ tiêu đạt"
        rows.append(dict(official_code=meta.loc[unit, "official_code"], name=meta.loc[unit, "name_vi"],
                         status=state, value_text=text))
    return pd.DataFrame(rows)
