"""The checks of annotations.csv: events that explain a series (a merger of units, a method change,
a campaign), marked on the indicator's trend chart. Each row names a known indicator, pillar and
unit (or none: all of them), a known kind, a date and a text; its quote is checked with the other
tables' (``checks._plan_and_quote``). Every problem names row and column, in Vietnamese."""

from __future__ import annotations

import pyarrow as pa

from vlboard.domain import vocab
from vlboard.store.catalogue import Problem

FILE = "annotations.csv"


def problems(tables: dict[str, pa.Table], codes: set, units: set) -> list[Problem]:
    """Unknown indicator, pillar, unit or kind, a missing date or text, a repeated id, an indicator
    set with another pillar than its own."""
    out: list[Problem] = []
    pillars = {r["code"]: r["pillar"] for r in tables["indicators"].to_pylist()}
    seen: set = set()
    for i, r in enumerate(tables["annotations"].to_pylist()):

        def bad(column: str, message: str, row: int = i + 2) -> None:
            out.append(Problem(FILE, row, column, message))

        if not r["annotation_id"]:
            bad("annotation_id", "thiếu mã sự kiện")
        elif r["annotation_id"] in seen:
            bad("annotation_id", f"mã sự kiện trùng: {r['annotation_id']}")
        seen.add(r["annotation_id"])
        if r["date"] is None:
            bad("date", "thiếu ngày xảy ra (yyyy-mm-dd)")
        code, pillar = r["indicator_code"], r["pillar"]
        if code and code not in codes:
            bad("indicator_code", f"mã chỉ tiêu không có: {code}")
        if pillar and pillar not in vocab.PILLARS:
            bad("pillar", f"trụ cột không hợp lệ: {pillar} (chỉ nhận {', '.join(vocab.PILLARS)})")
        elif pillar and code in pillars and pillars[code] != pillar:
            bad("pillar", f"chỉ tiêu {code} thuộc trụ cột {pillars[code]}, không phải {pillar}")
        if r["unit_code"] and r["unit_code"] not in units:
            bad("unit_code", f"đơn vị không có: {r['unit_code']}")
        if r["kind"] not in vocab.ANNOTATION_KINDS:
            bad(
                "kind", f"loại sự kiện không hợp lệ: «{r['kind'] or ''}» (chỉ nhận {', '.join(vocab.ANNOTATION_KINDS)})"
            )
        if not (r["text"] or "").strip():
            bad("text", "thiếu nội dung sự kiện")
    return out
