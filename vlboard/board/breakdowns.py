"""Frames for the agency and ward/commune screens: the pages, the wall and the pack (pure: query
frames in, display frames out; screens.py calls them with the query frames)."""

from __future__ import annotations

import pandas as pd

from vlboard.domain import approval, formatting, rollups, status


def league_frame(agencies: pd.DataFrame, role: str) -> pd.DataFrame:
    """Agencies ranked by % đạt among their indicators with data, with n/N (agencies none of whose
    indicators has data are left out of the ranking)."""
    counts = rollups.by_agency(agencies, role=role)
    counts = counts[counts.n_with_data > 0]
    return counts.rename(columns={"agency_short": "name"})[
        ["agency_code", "name", "pct_achieved", "n_of", *status.STATUSES, "n_total"]
    ]


def heat_counts(league: pd.DataFrame) -> pd.DataFrame:
    return league[["name", "agency_code", *status.STATUSES]]


def drill_down(agencies: pd.DataFrame, card: pd.DataFrame, agency: str, role: str) -> pd.DataFrame:
    """One agency's indicators with the status that counts for it and the explanation line."""
    mine = agencies[(agencies.agency_code == agency) & (agencies.role == role)]
    rows = mine.merge(card[["indicator_code", "name_vi", "explanation"]], on="indicator_code", how="inner")
    rank = {c: i for i, c in enumerate(status.STATUSES)}
    rows = rows.assign(rank=rows.status.map(rank)).sort_values(["rank", "indicator_code"])
    table = pd.DataFrame(
        {
            "Mã": rows.indicator_code,
            "Tình trạng": rows.status.map(status.label),
            "Số liệu riêng của cơ quan": rows.own_figure.map({True: "có", False: "không"}),
            "Chỉ tiêu": rows.name_vi,
            "Vì sao": rows.explanation,
        }
    )
    return approval.with_column(table, rows if "n_unapproved" in rows else None)  # the status's own values


def completeness_table(c: pd.DataFrame) -> pd.DataFrame:
    """Who has not reported for the period: lowest received share first."""
    s = rollups.completeness_summary(c).sort_values(["pct_received", "subject_name"])
    out = pd.DataFrame(
        {
            "Đơn vị/cơ quan": s.subject_name,
            "Phải báo cáo": s.expected,
            "Đã nhận": s.received,
            "Đúng hạn": s.on_time,
            "% đã nhận": s.pct_received.map(lambda v: formatting.percent(v, 0)),
            "Chỉ tiêu chưa báo cáo": s.missing.fillna(""),
        }
    )
    if "received_demo" in s and s.received_demo.gt(0).any():  # demo values counted on request: say so
        out.insert(3, "Trong đó minh họa", s.received_demo)
    return out


HEAT_INDICATORS, HEAT_UNITS = 25, 30  # the heat table's size: readable on a page, a slide and the wall


def heat_indicators(card: pd.DataFrame, max_indicators: int = HEAT_INDICATORS) -> list[str]:
    """The heat table's rows: the scorecard's slowest indicators."""
    return card.sort_values("attainment").indicator_code.head(max_indicators).tolist()


def heat_units(counts: pd.DataFrame, max_units: int = HEAT_UNITS) -> list[str]:
    """The heat table's columns from ``status_unit_counts`` over its indicators: every unit or, at
    national size, the ``max_units`` with the smallest share of achieved cells (ties by code)."""
    per_unit = counts.groupby("unit_code").n.sum()
    if len(per_unit) <= max_units:
        return per_unit.index.tolist()
    achieved = counts[counts.status == "achieved"].groupby("unit_code").n.sum().reindex(per_unit.index, fill_value=0)
    share = (achieved / per_unit).sort_values(kind="stable")
    return share.index[:max_units].tolist()


def unit_matrix(cells: pd.DataFrame, card: pd.DataFrame) -> pd.DataFrame:
    """indicator × unit statuses for the heat table, from the rows (``status_unit_cells``) of the
    chosen indicators (heat_indicators) and units (heat_units)."""
    unit_of = dict(zip(card.indicator_code, card.measure_unit))
    return pd.DataFrame(
        {
            "row": cells.indicator_code,
            "col": cells.unit_name,
            "status": cells.status,
            "value_text": [status.value_text(v, unit_of.get(c)) for v, c in zip(cells.value, cells.indicator_code)],
        }
    )


def unit_ranking(counts: pd.DataFrame) -> pd.DataFrame:
    """The ward/commune ranking table from ``status_unit_counts``."""
    r = rollups.by_unit(counts)
    return pd.DataFrame(
        {
            "Phường/xã": r.unit_name,
            "Mã đơn vị": r.unit_code,
            "% đạt (có số liệu)": [formatting.percent(p, 0) if not pd.isna(p) else "–" for p in r.pct_achieved],
            "n/N": r.n_of,
            **{status.label(c): r[c] for c in ("achieved", "near", "not_achieved", "no_data")},
        }
    )


def map_frame(counts: pd.DataFrame, unit_list: pd.DataFrame, crosswalk: pd.DataFrame) -> pd.DataFrame:
    """One row per 2025 unit for the map, from ``status_unit_counts`` (unit × status counts). Its
    colour follows the gauges' rule (rollups.share_band): the share of the unit's indicators with
    data that are đạt. The 2023 wards of TP Vĩnh Long report through the 2025 phường they went
    into (crosswalk)."""
    to_2025 = dict(zip(crosswalk.old_unit_code, crosswalk.new_unit_code))
    u = counts.assign(target=counts.unit_code.map(lambda c: to_2025.get(c, c)))
    u = u[u.target.str.startswith("x2025-")]
    if u.empty:
        return pd.DataFrame(columns=["official_code", "unit_code", "name", "status", "value_text", "pct_achieved"])
    judged = u[u.status.isin(status.WITH_DATA)]
    n = judged.groupby("target").n.sum().reindex(sorted(u.target.unique()), fill_value=0).astype(int)
    k = judged[judged.status == "achieved"].groupby("target").n.sum().reindex(n.index, fill_value=0).astype(int)
    pct = (100 * k / n.where(n > 0)).to_numpy(float)
    text = [
        f"{formatting.percent(p, 0)} chỉ tiêu đạt ({kk}/{nn})" if nn else "chưa có chỉ tiêu có số liệu"
        for p, kk, nn in zip(pct, k, n)
    ]
    meta = unit_list.set_index("unit_code").reindex(n.index)
    return pd.DataFrame(
        {
            "official_code": meta.official_code.to_numpy(),
            "unit_code": n.index.to_numpy(),
            "name": meta.name_vi.to_numpy(),
            "status": [rollups.share_band(p) for p in pct],
            "value_text": text,
            "pct_achieved": pct,
        }
    )
