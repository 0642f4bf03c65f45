"""What the first page shows, computed from query frames (pandas in, pandas/dicts out; ``gauge``
builds the figure the overview, the wall and the pack draw)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from vlboard.domain import approval, formatting, roadmap, rollups, status
from vlboard.domain.periods import label_vi, parse_period
from vlboard.domain.vocab import PILLARS


@dataclass(frozen=True)
class DataDates:
    real: str  # dd/mm/yyyy of the newest real (document/report) figure, or '–'
    demo: str | None  # same for demo figures, None when there are none


def pivot_counts(counts: pd.DataFrame) -> pd.DataFrame:
    """plan × pillar counts → one row per plan, one column per pillar, plus a total (Vietnamese)."""
    if counts.empty:
        return pd.DataFrame(columns=["Kế hoạch", *PILLARS.values(), "Tổng"])
    order = list(dict.fromkeys(counts.plan))
    counts = counts.assign(plan_name=counts.plan_name.fillna(counts.plan))
    table = counts.pivot_table(
        index=["plan", "plan_name"], columns="pillar", values="n_indicators", aggfunc="sum", fill_value=0
    )
    table = table.reindex(columns=list(PILLARS), fill_value=0)
    table.columns = [PILLARS[c] for c in table.columns]
    table["Tổng"] = table.sum(axis=1)
    table = table.reset_index()
    table = table.set_index("plan").loc[order].reset_index()  # the query's order: oldest plan first
    table.insert(0, "Kế hoạch", table.plan_name)
    table = table.drop(columns=["plan", "plan_name"])
    total = {"Kế hoạch": "Tổng cộng", **{c: int(table[c].sum()) for c in table.columns[1:]}}
    return pd.concat([table, pd.DataFrame([total])], ignore_index=True).astype(
        dict.fromkeys(table.columns[1:], "int64")
    )


def data_dates(by_source: pd.DataFrame) -> DataDates:
    real = by_source[by_source.source != "demo"]["last_as_of"].dropna()
    demo = by_source[by_source.source == "demo"]["last_as_of"].dropna()
    return DataDates(
        formatting.date(real.max()) if len(real) else "–", formatting.date(demo.max()) if len(demo) else None
    )


def default_period(periods: pd.DataFrame) -> str | None:
    """The period a screen opens on: the latest with a value judged against its applicable target
    (its year's, or the path between the targets around it); failing that the latest with a value
    that has a numeric target (not due yet); failing that the latest with any value. A quarter
    comes before the year that ends with it. ``periods``: the query latest_period."""
    if periods.empty:
        return None
    ordered = periods.assign(rank=periods.period_type.map({"month": 0, "quarter": 1, "year": 2}).fillna(3))
    ordered = ordered.sort_values(["period_end", "rank"], ascending=[False, True])
    for column in ("n_judged", "n_with_target"):
        if column in ordered:
            hit = ordered[ordered[column].fillna(0) > 0]
            if not hit.empty:
                return hit.iloc[0]["period"]
    return ordered.iloc[0]["period"]


def plans_table(plans: pd.DataFrame) -> pd.DataFrame:
    """The source documents as shown to users: Vietnamese headers, dates as printed when unknown."""
    shown = plans.assign(
        date=[formatting.date(d) if not pd.isna(d) else (raw or "–") for d, raw in zip(plans.date, plans.date_raw)],
        number=plans.number.fillna("(không ghi số)"),
        short_name=plans.short_name.fillna(plans.code),
        issuer=plans.issuer.fillna("–"),
    )
    return shown.rename(
        columns={
            "short_name": "Văn bản",
            "number": "Số hiệu",
            "date": "Ngày ban hành",
            "issuer": "Cơ quan ban hành",
            "title": "Tên văn bản",
            "period_start": "Từ năm",
            "period_end": "Đến năm",
        }
    )[["Văn bản", "Số hiệu", "Ngày ban hành", "Cơ quan ban hành", "Tên văn bản", "Từ năm", "Đến năm"]]


def no_lead_table(df: pd.DataFrame) -> pd.DataFrame:
    return df.assign(pillar=df.pillar.map(formatting.pillar)).rename(
        columns={"code": "Mã", "plan_name": "Kế hoạch", "pillar": "Trụ cột", "kind": "Loại", "name_vi": "Chỉ tiêu"}
    )[["Mã", "Kế hoạch", "Trụ cột", "Chỉ tiêu"]]


def figures_table(df: pd.DataFrame) -> pd.DataFrame:
    """Document figures with their provenance; status sentences show '–' as value."""
    return df.assign(
        value=df.value.map(formatting.number),
        as_of=df.as_of.map(formatting.date),
        indicator_codes=df.indicator_codes.fillna("–"),
    ).rename(
        columns={
            "plan_name": "Văn bản",
            "name_vi": "Nội dung",
            "value": "Giá trị",
            "unit": "Đơn vị",
            "as_of": "Thời điểm",
            "section": "Mục",
            "quote": "Trích dẫn",
            "indicator_codes": "Chỉ tiêu liên quan",
        }
    )[["Văn bản", "Mục", "Nội dung", "Giá trị", "Đơn vị", "Thời điểm", "Trích dẫn", "Chỉ tiêu liên quan"]]


def scorecard(
    indicators: pd.DataFrame, targets: pd.DataFrame, baselines: pd.DataFrame, period_end: dt.date
) -> pd.DataFrame:
    """status_indicators + pace + the explanation line and the labelled status of every row."""
    out = roadmap.add_pace(indicators, targets, baselines, period_end)
    return out.assign(
        status_label=out.status.map(status.label), explanation=[status.explain(r) for r in out.to_dict("records")]
    )


def pillar_counts(card: pd.DataFrame) -> pd.DataFrame:
    """Status counts per pillar in the order of the programme (chính quyền, kinh tế, xã hội, nền tảng)."""
    counts = rollups.by_pillar(card)
    order = {p: i for i, p in enumerate(PILLARS)}
    return counts.assign(_o=counts.pillar.map(order)).sort_values("_o").drop(columns="_o")


def pillar_status_table(card: pd.DataFrame) -> pd.DataFrame:
    """One row per pillar: a column per status (icon + label) and '% đạt (n/N)' of those with data."""
    counts = rollups.by_pillar(card)
    counts["pillar"] = pd.Categorical(counts.pillar, categories=list(PILLARS), ordered=True)
    counts = counts.sort_values("pillar")
    shown = counts[["pillar"]].assign(pillar=counts.pillar.map(formatting.pillar).astype(str))
    for code in ("achieved", "near", "not_achieved", "no_data", "not_due", "qualitative"):
        shown[status.label(code)] = counts[code].astype(int)
    shown["% đạt (có số liệu)"] = [
        f"{formatting.percent(p, 0)} ({n})" if not pd.isna(p) else f"– ({n})"
        for p, n in zip(counts.pct_achieved, counts.n_of)
    ]
    return shown.rename(columns={"pillar": "Trụ cột"})


UNEXPLAINED = "Chưa giải trình"


def off_track(card: pd.DataFrame, limit: int = 10, explained: dict[str, str] | None = None) -> pd.DataFrame:
    """Worst first: 'chưa đạt' before 'gần đạt', then the lowest attainment. ``explained``
    (board.commentary.by_indicator): adds «Giải trình», «Chưa giải trình» where there is none."""
    rank = {code: i for i, code in enumerate(status.STATUSES)}
    rows = card[card.status.isin(["not_achieved", "near"])]
    rows = rows.assign(rank=rows.status.map(rank))  # from rows: on an empty frame a longer Series would add rows
    rows = rows.sort_values(["rank", "attainment", "indicator_code"]).head(limit)
    shown = rows.rename(
        columns={"indicator_code": "Mã", "name_vi": "Chỉ tiêu", "status_label": "Tình trạng", "explanation": "Vì sao"}
    )[["Mã", "Tình trạng", "Chỉ tiêu", "Vì sao"]]
    if explained is not None:  # before «Vì sao», whose long sentence would push it out of a page's view
        shown.insert(3, "Giải trình", [explained.get(c, UNEXPLAINED) for c in shown["Mã"]])
    return approval.with_column(shown, card)  # «Duyệt»: only when a report value behind it is unapproved


def previous_period(periods: list[str], current: str | None) -> str | None:
    """The period before ``current`` of the same kind (quarter before quarter, year before year)."""
    if current is None:
        return None
    now = parse_period(current)
    same = sorted((parse_period(p) for p in periods), reverse=True)
    earlier = [p for p in same if p.kind == now.kind and p.end < now.end]
    return earlier[0].code if earlier else None


def moves(now: pd.DataFrame, before: pd.DataFrame) -> pd.DataFrame:
    """Every indicator whose headline value changed between two scorecards, largest change first
    (value, value_before, delta in the indicator's own unit): the frame behind ``movers`` and the
    summary sentences about it."""
    cols = ["indicator_code", "name_vi", "value", "measure_unit", "status_label"]
    m = now[cols].merge(before[["indicator_code", "value"]], on="indicator_code", suffixes=("", "_before"))
    m = m.dropna(subset=["value", "value_before"]).assign(delta=lambda d: d.value - d.value_before)
    m = m[m.delta != 0]  # filtered before sorting: reindexing by the unfiltered index brought back empty rows
    return m.reindex(m.delta.abs().sort_values(ascending=False).index)


def movers(now: pd.DataFrame, before: pd.DataFrame, limit: int = 8) -> pd.DataFrame:
    """Indicators whose headline value moved most since the previous period (in their own unit)."""
    m = moves(now, before).head(limit)
    table = pd.DataFrame(
        {
            "Mã": m.indicator_code,
            "Chỉ tiêu": m.name_vi,
            "Kỳ trước": [status.value_text(v, u) for v, u in zip(m.value_before, m.measure_unit)],
            "Kỳ này": [status.value_text(v, u) for v, u in zip(m.value, m.measure_unit)],
            "Thay đổi": [("▲ +" if d > 0 else "▼ −") + formatting.number(abs(d)) for d in m.delta],
            "Tình trạng": m.status_label,
        }
    )
    return approval.with_column(table, now)


def status_list(card: pd.DataFrame) -> pd.DataFrame:
    """Every indicator of a scorecard, worst first, with value, target and the explanation line."""
    rank = {code: i for i, code in enumerate(status.STATUSES)}
    rows = card.assign(rank=card.status.map(rank)).sort_values(["rank", "attainment", "indicator_code"])
    table = pd.DataFrame(
        {
            "Mã": rows.indicator_code,
            "Tình trạng": rows.status_label,
            "Chỉ tiêu": rows.name_vi,
            "Thực hiện": [status.value_text(v, u) for v, u in zip(rows.value, rows.measure_unit)],
            "Mục tiêu": [
                status.judged_against(b, y, c, t, h, u)
                for b, y, c, t, h, u in zip(
                    rows.basis, rows.target_year, rows.comparator, rows.target, rows.target_high, rows.measure_unit
                )
            ],
            "Vì sao": rows.explanation,
        }
    )
    return approval.with_column(table, card)


def status_changes(now: pd.DataFrame, before: pd.DataFrame) -> pd.DataFrame:
    """Indicators whose status differs between two scorecards of the same period (e.g. the live
    snapshot and its parent): worsened first."""
    rank = {code: i for i, code in enumerate(status.STATUSES)}
    m = now[["indicator_code", "name_vi", "status"]].merge(
        before[["indicator_code", "status"]], on="indicator_code", suffixes=("", "_before")
    )
    m = m[m.status != m.status_before]
    m = m.assign(worse=m.status.map(rank) < m.status_before.map(rank)).sort_values(
        ["worse", "indicator_code"], ascending=[False, True]
    )
    return pd.DataFrame(
        {
            "Mã": m.indicator_code,
            "Chỉ tiêu": m.name_vi,
            "Trước": m.status_before.map(status.label),
            "Nay": m.status.map(status.label),
            "Chiều": ["▼ xấu đi" if w else "▲ tốt lên" for w in m.worse],
        }
    )


def unjudged_reason(card: pd.DataFrame | None) -> str:
    """Why nothing in a scorecard is judged, in numbers: the indicators whose figure is not due yet
    (a later target with nothing earlier to draw the path from) and those due without a figure;
    '' for an empty card."""
    if card is None or card.empty:
        return ""
    n_not_due = int(((card.status == "not_due") & card.value.notna()).sum())
    n_no_data = int((card.status == "no_data").sum())
    parts = []
    if n_not_due:
        parts.append(
            f"{n_not_due} chỉ tiêu có số liệu nhưng chưa đến kỳ đánh giá (mục tiêu ở năm sau, "
            "chưa có số liệu trước đó để vẽ lộ trình)"
        )
    if n_no_data:
        parts.append(f"{n_no_data} chỉ tiêu đã đến kỳ nhưng chưa có số liệu")
    return "; ".join(parts)


def unjudged_figures(card: pd.DataFrame) -> pd.DataFrame:
    """The figures of a period that are not judged yet (a later target, no path to it), newest
    target first: what the leader can still read when no gauge can be drawn."""
    rows = card[(card.status == "not_due") & card.value.notna()]
    return status_list(rows.sort_values(["target_year", "indicator_code"]))


def period_label(code: str | None) -> str:
    return label_vi(code) if code else "–"
