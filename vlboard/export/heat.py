"""The ward/commune heat table of the meeting pack, cut to slides a room can read: the slowest
indicators as rows, at most ``COLS`` wards or communes a slide (those with the fewest indicators
achieved first), the indicator labels repeated on every slide like a table's header row. The
indicators past the first ``ROWS`` are in the pack's appendix (every indicator under its status)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from vlboard import charts

ROWS = 12  # indicators a slide: each row ~45 px of a 760-px figure, cell text ≥ 14 pt projected
COLS = 8  # wards/communes a slide: a ~24-character name over each column
MAX_SLIDES = 4


def chunks(heat: pd.DataFrame, card: pd.DataFrame) -> list[pd.DataFrame]:
    """``heat`` (columns row, col, status, value_text: breakdowns.unit_matrix) as slide-sized
    pieces: its ``ROWS`` slowest indicators (lowest attainment in ``card``), the units ordered by
    their share achieved among those rows (then by name), at most ``COLS`` units a piece and as
    even as that allows, at most ``MAX_SLIDES`` pieces."""
    if heat.empty:
        return []
    judged = card[card.indicator_code.isin(heat.row)].sort_values(["attainment", "indicator_code"])
    keep = list(judged.indicator_code.head(ROWS))
    rows = heat[heat.row.isin(keep)]
    share = rows.assign(ok=rows.status == "achieved").groupby("col").ok.mean()
    units = sorted(share.index, key=lambda u: (share[u], str(u)))
    order = {c: i for i, c in enumerate(keep)}
    units = units[: COLS * MAX_SLIDES]
    per = -(-len(units) // -(-len(units) // COLS))  # as even as the slides allow: 10 units → 5 + 5
    out = []
    for start in range(0, len(units), per):
        part = rows[rows.col.isin(units[start : start + per])]
        part = part.assign(_r=part.row.map(order), _c=part.col.map({u: i for i, u in enumerate(units)}))
        out.append(part.sort_values(["_r", "_c"]).drop(columns=["_r", "_c"]))
    return out


def caption(pieces: list[pd.DataFrame], i: int, heat: pd.DataFrame) -> str:
    """What slide ``i`` of the pieces shows: how many indicators of the whole table, which units."""
    piece, shown, total = pieces[i], sum(p.col.nunique() for p in pieces), heat.col.nunique()
    first = sum(p.col.nunique() for p in pieces[:i]) + 1
    return (
        f"{piece.row.nunique()} chỉ tiêu chậm nhất (bảng ở trang Theo phường, xã có {heat.row.nunique()}; "
        f"mọi chỉ tiêu ở phụ lục); phường, xã thứ {first}–{first + piece.col.nunique() - 1}/{shown}"
        + (f" (trong {total})" if total > shown else "")
        + ", ít chỉ tiêu đạt nhất trước."
    )


def figure(piece: pd.DataFrame, data_date: str | None, note: str | None) -> go.Figure:
    """One slide's matrix: the units page's status matrix, drawn for the piece."""
    title = "Chỉ tiêu chậm nhất theo phường, xã"
    return charts.status_matrix(piece, row_col="row", col_col="col", title=title, data_date=data_date, note=note)
