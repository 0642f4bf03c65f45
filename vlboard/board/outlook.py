"""The outlook to the deadline of every indicator of a scorecard (``domain.outlook``), as the
indicator page, the pillar and agency tables, the overview and the wall show it: one row per
indicator with the projection, its 80% range, the probability of meeting the next dated target,
the required pace and the texts (a refusal says why). Pure: frames in, frames out."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from vlboard.domain import formatting, outlook, status

NO_OUTLOOK = "—"
COLUMNS = [
    "indicator_code",
    "ok",
    "met",
    "probability",
    "projected",
    "low",
    "high",
    "pace_year",
    "pace_quarter",
    "threshold",
    "last_date",
    "last_value",
    "target_year",
    "target_date",
    "reason",
    "method",
    "group",
    "n_points",
    "demo",
    "cell",
    "line",
]

FLOATS = ("probability", "projected", "low", "high", "pace_year", "pace_quarter", "threshold", "last_value")


def _bounds(kind, unit) -> outlook.Bounds:
    return outlook.bounds_for(kind if isinstance(kind, str) else None, unit if isinstance(unit, str) else None)


def _points(series: pd.DataFrame) -> dict[str, pd.DataFrame]:
    s = series.dropna(subset=["value"]).sort_values(["indicator_code", "period_end"], kind="stable")
    return dict(list(s.groupby("indicator_code", sort=False)))


def calibration_errors(series: pd.DataFrame, skip: str | None = None) -> list[float]:
    """The re-forecast errors of every series of ≥ 3 points (``series``: the query outlook_series,
    with kind and measure_unit), but ``skip``'s (the backtest leaves the series it tests out)."""
    errors: list[float] = []
    for code, g in _points(series).items():
        if len(g) >= 3 and code != skip:
            dates = [pd.Timestamp(d).date() for d in g.period_end]
            bounds = _bounds(g.kind.iloc[0], g.measure_unit.iloc[0])
            errors += outlook.residuals(dates, g.value.astype(float).tolist(), bounds)
    return errors


def calibration(series: pd.DataFrame) -> outlook.Calibration:
    """The interval scale pooled from re-forecasting every series of the snapshot (its own
    history): one calibration for all indicators of the screen."""
    return outlook.calibrate(calibration_errors(series))


def next_target(targets: pd.DataFrame, after: dt.date) -> outlook.Target | None:
    """The earliest dated numeric target whose year ends after ``after``; else the last one."""
    return _next(_target_rows(targets), after)


def _target_rows(targets: pd.DataFrame) -> list[outlook.Target]:
    dated = targets[targets.year.notna() & targets.value.notna()].sort_values("year")
    return [
        outlook.Target(str(c), float(v), None if pd.isna(h) else float(h), int(y))
        for c, v, h, y in zip(dated.comparator, dated.value, dated.value_high, dated.year)
    ]


def _targets_by_indicator(targets: pd.DataFrame) -> dict[str, list[outlook.Target]]:
    """``_target_rows`` of every indicator in one pass over the frame (not a filter per indicator)."""
    dated = targets[targets.year.notna() & targets.value.notna()].sort_values(["indicator_code", "year"], kind="stable")
    out: dict[str, list[outlook.Target]] = {}
    for code, c, v, h, y in zip(dated.indicator_code, dated.comparator, dated.value, dated.value_high, dated.year):
        out.setdefault(code, []).append(outlook.Target(str(c), float(v), None if pd.isna(h) else float(h), int(y)))
    return out


def _next(rows: list[outlook.Target], after: dt.date) -> outlook.Target | None:
    later = [t for t in rows if t.date is not None and t.date > after]
    return later[0] if later else (rows[-1] if rows else None)


def _unit_word(unit) -> str:
    if isinstance(unit, str) and unit.startswith("%"):
        return "điểm %"
    return unit if isinstance(unit, str) and unit else "đơn vị"


def pace_text(o: outlook.Outlook, unit) -> str:
    """'cần tăng 3,4 điểm %/năm' ('' without a pace)."""
    if o.pace_year is None or o.met:
        return ""
    verb = "tăng" if o.pace_year >= 0 else "giảm"
    return f"cần {verb} {formatting.number(abs(o.pace_year))} {_unit_word(unit)}/năm"


def cell_text(o: outlook.Outlook) -> str:
    """'72%' ('< 1%', '> 99%' at the ends: a forecast is never certain); '—' without one."""
    if not o.ok or o.probability is None:
        return NO_OUTLOOK
    if o.met:
        return "100%"
    p = 100 * o.probability
    return "< 1%" if p < 1 else "> 99%" if p > 99 else formatting.percent(p, 0)


def line_text(o: outlook.Outlook, unit, target_year) -> str:
    """The sentence under the trend chart: 'Khả năng đạt mục tiêu 2025: 72% · cần tăng 3,4 điểm
    %/năm · dự báo 31/12/2025: 78,2% (khoảng 80%: 70,1% – 84%)', or the refusal."""
    year = f" mục tiêu {target_year}" if target_year else ""
    if not o.ok:
        pace = pace_text(o, unit)
        head = f"Mục tiêu {target_year} — " if target_year else ""
        return f"{head}{o.reason}" + (f" Để đạt, {pace}." if pace else "")
    if o.met:
        return f"Khả năng đạt{year}: 100% · đã đạt mục tiêu ({status.value_text(o.last_value, unit)})."
    parts = [f"Khả năng đạt{year}: {cell_text(o)}", pace_text(o, unit)]
    parts.append(
        f"dự báo {formatting.date(o.target_date)}: {status.value_text(o.projected, unit)} "
        f"(khoảng 80%: {status.value_text(o.low, unit)} – {status.value_text(o.high, unit)})"
    )
    return " · ".join(p for p in parts if p)


def frame(
    card: pd.DataFrame,
    series: pd.DataFrame,
    targets: pd.DataFrame,
    as_of: dt.date,
    cal: outlook.Calibration | None = None,
) -> pd.DataFrame:
    """One row per indicator of ``card`` (needs indicator_code, kind, measure_unit, direction):
    the outlook to its next dated target after ``as_of``. ``series``: indicator_code, period_end,
    value, source (real before demo per period); ``targets``: the numeric targets."""
    cal = cal or calibration(series)
    # what was known at the screen's date: a later figure is not used to forecast an earlier period
    known = series[pd.to_datetime(series.period_end) <= pd.Timestamp(as_of)]
    points = {
        code: (
            [pd.Timestamp(d).date() for d in g.period_end],
            g.value.astype(float).tolist(),
            bool(g.source.eq("demo").any()),
        )
        for code, g in _points(known).items()
    }
    by_code = _targets_by_indicator(targets)
    rows = []
    for r in card[["indicator_code", "kind", "measure_unit", "direction"]].itertuples(index=False):
        dates, values, demo = points.get(r.indicator_code, ([], [], False))
        last = dates[-1] if dates else as_of
        target = _next(by_code.get(r.indicator_code, []), max(as_of, last))
        if r.kind == "qualitative":
            o = outlook.refuse("Chỉ tiêu định tính: không dự báo bằng số.", "qualitative")
        elif target is None:
            o = outlook.refuse("Chỉ tiêu không có mục tiêu số ghi năm: không dự báo.", "no_target")
        else:
            o = outlook.forecast(
                dates,
                values,
                target,
                direction=r.direction,
                bounds=_bounds(r.kind, r.measure_unit),
                as_of=as_of,
                calibration=cal,
            )
        year = None if target is None else target.year
        rows.append(
            {
                "indicator_code": r.indicator_code,
                "ok": o.ok,
                "met": o.met,
                "probability": o.probability,
                "projected": o.projected,
                "low": o.low,
                "high": o.high,
                "pace_year": o.pace_year,
                "pace_quarter": o.pace_quarter,
                "threshold": o.threshold,
                "last_date": o.last_date,
                "last_value": o.last_value,
                "target_year": year,
                "target_date": o.target_date,
                "reason": o.reason,
                "method": o.method,
                "group": "met" if o.met else "forecast" if o.ok else outlook.REFUSALS.get(o.refusal, "na"),
                "n_points": len(dates),
                "demo": demo,
                "cell": cell_text(o),
                "line": line_text(o, r.measure_unit, year),
            }
        )
    out = pd.DataFrame(rows, columns=COLUMNS)
    return out.astype(dict.fromkeys(FLOATS, "float64"))  # the same dtypes whichever rows the card holds


def at_risk(card: pd.DataFrame, frame_: pd.DataFrame) -> pd.DataFrame:
    """Indicators currently on track (đạt) whose probability of meeting the next target is below
    50%: code, name, status, probability, why (the outlook line)."""
    m = card[["indicator_code", "name_vi", "status"]].merge(frame_, on="indicator_code")
    m = m[(m.status == "achieved") & m.ok & ~m.met & (m.probability.astype(float) < 0.5)]
    m = m.sort_values(["probability", "indicator_code"])
    return pd.DataFrame(
        {
            "Mã": m.indicator_code,
            "Chỉ tiêu": m.name_vi,
            "Tình trạng": m.status.map(status.label),
            "Khả năng đạt": m.cell,
            "Triển vọng": [ln + (" (có số liệu minh họa)" if d else "") for ln, d in zip(m.line, m.demo)],
        }
    )


def summary(frame_: pd.DataFrame) -> str:
    """What the outlook covers, in counts: 'Dự báo được 12/410 chỉ tiêu; đã đạt: 25; chưa đủ số
    liệu để dự báo (158 chỉ tiêu); không áp dụng (215 chỉ tiêu: định tính, không có mục tiêu số
    ghi năm hoặc đã qua hạn).'"""
    n = frame_.group.value_counts()
    parts = [f"Dự báo được {int(n.get('forecast', 0))}/{len(frame_)} chỉ tiêu"]
    if n.get("met", 0):
        parts.append(f"đã đạt mục tiêu: {int(n['met'])}")
    if n.get("short", 0):
        parts.append(f"chưa đủ số liệu để dự báo ({int(n['short'])} chỉ tiêu)")
    if n.get("na", 0):
        parts.append(
            f"không áp dụng ({int(n['na'])} chỉ tiêu: định tính, không có mục tiêu số ghi năm hoặc đã qua hạn)"
        )
    return "; ".join(parts) + "."


def column(frame_: pd.DataFrame, codes: pd.Series) -> tuple[list[str], list[str]]:
    """The 'Khả năng đạt' cells of ``codes`` (a percentage or '—') and their help texts."""
    by = frame_.set_index("indicator_code")
    cells = [str(by.cell[c]) if c in by.index else NO_OUTLOOK for c in codes]
    helps = [str(by.line[c]) if c in by.index else "Không có trong bảng dự báo." for c in codes]
    return cells, helps


PROBABILITY = "Khả năng đạt"
WHY = "Triển vọng đến hạn"


def with_column(table: pd.DataFrame, frame_: pd.DataFrame, code_col: str = "Mã") -> pd.DataFrame:
    """A table of indicators (codes in ``code_col``) with 'Khả năng đạt' after its status column
    (a percentage or '—') and 'Triển vọng đến hạn' at the end (the projection or why there is none)."""
    cells, helps = column(frame_, table[code_col])
    out = table.copy()
    at = list(out.columns).index("Tình trạng") + 1 if "Tình trạng" in out.columns else len(out.columns)
    out.insert(at, PROBABILITY, cells)
    out[WHY] = helps
    return out


def risk_text(card: pd.DataFrame, frame_: pd.DataFrame) -> str:
    """One line for the wall and the overview: how many indicators are at risk (đạt now, < 50%
    likely to meet the next target), or why none can be said to be."""
    risky = at_risk(card, frame_)
    n_fc = int((frame_.group == "forecast").sum())
    n_short = int((frame_.group == "short").sum())
    if len(risky):
        codes = ", ".join(risky["Mã"].head(5)) + ("…" if len(risky) > 5 else "")
        return f"Có nguy cơ không đạt: {len(risky)} chỉ tiêu đang đạt nhưng khả năng đạt mục tiêu dưới 50% ({codes})."
    if n_fc:
        return f"Có nguy cơ không đạt: không chỉ tiêu nào (trong {n_fc} chỉ tiêu dự báo được)."
    return f"Có nguy cơ không đạt: chưa dự báo được chỉ tiêu nào — chưa đủ số liệu để dự báo ({n_short} chỉ tiêu)."
