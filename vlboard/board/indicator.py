"""What the indicator page shows, computed from query frames (pure: no streamlit)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from vlboard.domain import approval, formatting, roadmap, status
from vlboard.domain.periods import parse_period
from vlboard.domain.progress import ProgressMeasure, progress_measure
from vlboard.domain.vocab import SOURCES

KIND_VI = {
    "percent": "Tỷ lệ (%)",
    "count": "Số lượng",
    "ratio": "Tỷ số",
    "qualitative": "Định tính",
    "referenced": "Dẫn chiếu (không có trong văn bản)",
}
SCOPE_VI = {
    "province": "Tỉnh",
    "province+commune": "Tỉnh và cấp xã",
    "city": "Thành phố",
    "ward": "Phường",
    "city+ward": "Thành phố và phường",
    "agency": "Cơ quan",
}


def picker_label(row: dict) -> str:
    name = row["name_vi"] if len(row["name_vi"]) <= 90 else row["name_vi"][:89] + "…"
    return f"{row['code']} — {name}"


def metadata_table(meta: dict, assignments: pd.DataFrame) -> pd.DataFrame:
    """The catalogue entry as label/value rows, with the exact quote and who answers for it."""
    leads = assignments[assignments.role == "lead"].name_vi.tolist()
    partners = assignments[assignments.role == "partner"].name_vi.tolist()
    rows = [
        ("Kế hoạch", f"{meta['plan_name']} — {meta['plan_title']}"),
        ("Trụ cột", formatting.pillar(meta["pillar"])),
        ("Loại", KIND_VI.get(meta["kind"], meta["kind"])),
        ("Đơn vị tính", meta["unit"] or "–"),
        ("Chiều tốt", "Càng thấp càng tốt" if meta["direction"] == "lower" else "Càng cao càng tốt"),
        ("Phạm vi", SCOPE_VI.get(meta["scope"], meta["scope"])),
        ("Mục trong văn bản", meta["section"] or "–"),
        ("Trích dẫn nguyên văn", f"«{meta['quote']}»"),
        ("Cơ quan chủ trì", "; ".join(leads) or "Chưa giao"),
        ("Cơ quan phối hợp", "; ".join(partners) or "–"),
        ("Cùng chỉ tiêu ở kế hoạch khác", meta["see_also"] or "–"),
        ("Ghi chú", meta["note"] or "–"),
    ]
    return pd.DataFrame(rows, columns=["Mục", "Nội dung"])


NO_YEAR = "Không nêu năm"  # a goal printed for the whole programme


def targets_table(targets: pd.DataFrame, unit: str | None) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Năm": [NO_YEAR if pd.isna(y) else str(int(y)) for y in targets.year],
            "Mục tiêu": [
                status.target_text(c, v, h, unit) if c not in (None, "done") and not pd.isna(v) else "–"
                for c, v, h in zip(targets.comparator, targets.value, targets.value_high)
            ],
            "Ô in trong văn bản": targets.raw.fillna(""),
        }
    )


def explanation(row, targets: pd.DataFrame) -> str:
    """The scorecard's "why" line; for an indicator whose only numeric goal has no year it says so
    instead of "no numeric target" (the status is not judged per period against a yearless goal)."""
    dated, undated = roadmap.dated_and_undated(targets)
    if row["status"] == "no_target" and len(undated) and dated.empty:
        raw = "; ".join(undated.raw.fillna("").astype(str).str.strip().replace("", pd.NA).dropna())
        return f"Mục tiêu không ghi năm ({raw or 'không rõ'}): không đánh giá theo từng kỳ"
    return row["explanation"]


def pace_frame(targets: pd.DataFrame, baselines: pd.DataFrame, code: str) -> pd.DataFrame | None:
    """The points of the path (lộ trình) for the trend chart: the baseline, then every dated numeric
    target at its year end; the same points the status judges a year without a target against
    (``roadmap.applicable_target``). None when there are fewer than two."""
    row = baselines[baselines.indicator_code == code]
    base = (pd.Timestamp(row.period_end.iloc[0]).date(), float(row.value.iloc[0])) if len(row) else None
    points = roadmap.path_points(targets, base)
    if len(points) < 2:
        return None
    return pd.DataFrame({"period_end": [p.when for p in points], "value": [p.value for p in points]})


def baseline_of(results: pd.DataFrame) -> tuple | None:
    """The earliest real (document/report) value: where the path (lộ trình) starts."""
    real = results[(results.source != "demo") & results.value.notna()]
    real = real[np.isfinite(real.value.astype(float))]
    if real.empty:
        return None
    order = [c for c in ("period_end", "as_of", "precedence", "result_id") if c in real]
    first = real.sort_values(order, kind="stable", na_position="last").iloc[0]
    return pd.Timestamp(first.period_end).date(), float(first.value)


def applicable_text(points: list, when, unit: str | None) -> str:
    """What a value of date ``when`` is judged against, as shown: '≥ 90%' (its year's target),
    'lộ trình 2030: ≥ 83%' (the path), 'mục tiêu 2025 (chưa đến kỳ): ≥ 80%'; '–' without one.
    ``points``: the indicator's path points (``roadmap.path_points``), computed once."""
    if when is None or pd.isna(when):
        return "–"
    a = roadmap.applicable_at(points, pd.Timestamp(when).date())
    if a is None:
        return "–"
    text = status.target_text(a.comparator, a.target, a.target_high, unit)
    return {
        "same": text,
        "path": f"lộ trình {a.target_year}: {text}",
        "next": f"mục tiêu {a.target_year} (chưa đến kỳ): {text}",
        "previous": f"mục tiêu {a.target_year} (đã qua): {text}",
    }[a.basis]


def results_table(
    results: pd.DataFrame, unit: str | None, targets: pd.DataFrame | None = None, notes: list[str] | None = None
) -> pd.DataFrame:
    """Every value with its provenance (source kind, where, when, the document's words), the
    target it is judged against next to it (its year's, or the path's for a year without one) and
    how the value stands against it (stored with the result when the snapshot was written:
    results.year_status), its explanation (column «Giải trình», ``notes``: board.commentary.for_results,
    "" where there is none) and whether it is approved (column «Duyệt», domain.approval)."""
    points = [] if targets is None else roadmap.path_points(targets, baseline_of(results))
    # one text per period end (an indicator at national size has thousands of values, few dates)
    shown = {d: applicable_text(points, d, unit) for d in results.period_end.drop_duplicates()}
    where = results.unit_name.fillna("")
    where = where.where(results.agency_name.isna(), results.agency_name.fillna("") + " (cơ quan)")
    return pd.DataFrame(
        {
            "Kỳ": results.period,
            "Đơn vị/cơ quan": where.replace("", "–"),
            "Giá trị": [
                status.value_text(v, unit) if not pd.isna(v) else (t or "–")
                for v, t in zip(results.value, results.value_text)
            ],
            "Mục tiêu áp dụng": results.period_end.map(shown),
            "Đánh giá": [
                status.label(s) if s in status.WITH_DATA else (status.label(s) if s == "not_due" else "–")
                for s in results.year_status
            ],
            "Giải trình": [""] * len(results) if notes is None else list(notes),
            "Nguồn": results.source.map(lambda s: SOURCES.get(s, s)),
            approval.COLUMN: results.approval.map(approval.label),  # a report: its cycle state
            "Thời điểm số liệu": results.as_of.map(formatting.date),
            "Mục": results.section.fillna(""),
            "Trích dẫn / ghi chú": results.quote.fillna(results.note).fillna(""),
            "Người báo cáo": results.reported_by.where(results.source == "report").fillna(""),
            "Minh chứng": results.evidence_url.fillna(""),
        }
    )


def judgement_period(default: str | None, years: pd.DataFrame) -> str | None:
    """The period to judge the indicator in: the dashboard's default when the indicator has a value
    in that year, else the latest year in which it has one (documents report the state before the
    target year), else the default. ``years``: sql/indicator_years.sql (year, n_values)."""
    with_value = [int(y) for y in years.loc[years.n_values > 0, "year"]]
    if not with_value:
        return default
    if default is not None and parse_period(default).year in with_value:
        return default
    return str(max(with_value))


def newest_first(results: pd.DataFrame, include_demo: bool) -> pd.DataFrame:
    """An indicator's results (sql/indicator_results.sql) as the page lists them: newest period
    first (the order of sql/indicator_results_newest.sql), demo values only when shown."""
    shown = results if include_demo else results[results.source != "demo"]
    return shown.sort_values("period_end", ascending=False, kind="stable")


def yearly_values(series: pd.DataFrame) -> dict[int, float]:
    """One value per year for the long-term trend: the last period of each year, a real figure
    (document/report) before a demo one at the same date."""
    if series.empty:
        return {}
    s = series.dropna(subset=["value"]).assign(
        year=lambda d: pd.to_datetime(d.period_end).dt.year, demo=lambda d: d.source == "demo"
    )
    s = s.sort_values(["year", "period_end", "demo"], ascending=[True, False, True])
    return {int(y): float(g.value.iloc[0]) for y, g in s.groupby("year")}


def long_term(yearly: dict[int, float], targets: pd.DataFrame, direction: str) -> ProgressMeasure:
    """Open SDG progress of the yearly headline series towards the final numeric target (a goal
    printed without a year has no target year: the measure then runs without a target)."""
    numeric, _ = roadmap.dated_and_undated(targets)
    final = numeric.sort_values("year").iloc[-1] if not numeric.empty else None
    years = sorted(yearly)
    return progress_measure(
        yearly,
        target=None if final is None else float(final.value),
        target_year=2030 if final is None else int(final.year),
        base_year=years[0] if years else 2015,
        direction="negative"
        if status.lower_is_better(direction, None if final is None else final.comparator)
        else "positive",
    )


def long_term_text(m: ProgressMeasure, n_years: int) -> str:
    if m.status == "not_available":
        return f"Chưa đủ dữ liệu để đánh giá xu hướng ({n_years} năm có số liệu; cần ít nhất 2)."
    score = "" if m.score is None else f" · điểm {formatting.number(m.score, 2)} trên thang −5…5"
    return (
        f"{m.label_vi}{score} · từ {m.base_year} ({formatting.number(m.base_value)}) "
        f"đến {m.current_year} ({formatting.number(m.current_value)})"
    )


def multiples_titles(card: pd.DataFrame, series: pd.DataFrame, limit: int = 9) -> dict[str, str]:
    """The slowest indicators of a scorecard that have at least two points to draw: code → name."""
    counts = series.dropna(subset=["value"]).groupby("indicator_code").size()
    drawable = set(counts[counts >= 2].index)
    rows = card[card.indicator_code.isin(drawable)].sort_values(["attainment", "indicator_code"]).head(limit)
    return dict(zip(rows.indicator_code, rows.indicator_code + " " + rows.name_vi))


def outlook_row(frame: pd.DataFrame) -> dict | None:
    """The one row of ``screens.outlook`` for the page's indicator, as the trend chart takes it."""
    return None if frame.empty else frame.iloc[0].to_dict()


def outlook_text(row: dict | None) -> str:
    """The line under the trend chart: 'Khả năng đạt mục tiêu 2025: 72% · cần tăng 3,4 điểm %/năm · …'
    or why there is no forecast (demo points said)."""
    if row is None:
        return "chưa có kỳ nào có số liệu để dự báo."
    demo = " (dự báo dựa trên số liệu minh họa)" if row["demo"] and row["ok"] and not row["met"] else ""
    return f"{row['line']}{demo}"
