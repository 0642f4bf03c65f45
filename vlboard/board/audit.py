"""The cross-plan target audit (Đối chiếu chỉ tiêu): the targets the five plans set for one concept
(data/source/concepts.csv, indicator_concepts.csv) side by side, with flags computed from them.

Pure: the ``concept_targets`` frame in (one row per indicator × target year), display frames and
sentences out. Flags:

- «Khác nhau»: two members set different targets for the same year;
- «Kế hoạch sau thấp hơn»: a later document sets a softer target for the same or a later year
  than an earlier document (softer: a lower requirement for «càng cao càng tốt», a higher ceiling
  for «càng thấp càng tốt»; «trên 50%» asks more than «ít nhất 50%»; a range asks its lower bound,
  or for a ceiling its upper bound);
- «Khác năm»: the members set their targets for different years (information, not a conflict).

Two targets are compared only when they measure the same thing for the same subject: same unit,
same direction, numeric, and the same scope level (the province, TP Vĩnh Long, an agency's own
plan): a city target of 100% is not a conflict with a province target of 80%.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pandas as pd

from vlboard.board.indicator import SCOPE_VI
from vlboard.domain import formatting

DIFFERENT = "Khác nhau"
SOFTER = "Kế hoạch sau thấp hơn"
YEARS = "Khác năm"
FLAGS = (DIFFERENT, SOFTER, YEARS)
CONFLICTS = (DIFFERENT, SOFTER)
RULE = (
    "So sánh các mục tiêu cùng đơn vị tính, cùng chiều và cùng cấp (toàn tỉnh, TP Vĩnh Long, nội bộ một "
    "cơ quan). «Khác nhau»: cùng năm, mục tiêu khác. «Kế hoạch sau thấp hơn»: văn bản ban hành sau đặt "
    "mục tiêu nhẹ hơn cho cùng năm hoặc năm sau đó («trên 50%» cao hơn «ít nhất 50%»; khoảng tính theo "
    "cận dưới; chỉ tiêu càng thấp càng tốt thì mức trần cao hơn là nhẹ hơn). «Khác năm»: các văn bản "
    "đặt mốc ở những năm khác nhau."
)
_LEVEL = {"province": "tỉnh", "province+commune": "tỉnh", "city": "thành phố", "city+ward": "thành phố"}
_LEVEL |= {"ward": "phường", "agency": "cơ quan"}


def _s(value) -> str:
    """Text of a cell; "" for a missing one (NULL reads as NaN in pandas)."""
    return value if isinstance(value, str) else ""


def level(scope: str | None) -> str:
    """The subject a target is set for, coarse: tỉnh, thành phố, phường or cơ quan."""
    return _LEVEL.get(scope or "", scope or "")


def requirement(comparator: str | None, value, value_high, direction: str) -> tuple[float, int] | None:
    """How much a target asks, as a key that grows with strictness; None for a target that asks no
    number (qualitative, not printed) or a comparator against the indicator's direction."""
    if not isinstance(comparator, str) or pd.isna(value):
        return None
    v = float(value)
    if direction == "lower":
        if comparator == "range":
            return None if pd.isna(value_high) else (-float(value_high), 0)
        return {"<=": (-v, 0), "<": (-v, 1)}.get(comparator)
    return {">=": (v, 0), ">": (v, 1), "range": (v, 0)}.get(comparator)


def _comparable(a: dict, b: dict) -> bool:
    return (
        level(a["scope"]) == level(b["scope"])
        and _unit_key(a["unit"]) == _unit_key(b["unit"])
        and a["direction"] == b["direction"]
        and requirement(a["comparator"], a["value"], a["value_high"], a["direction"]) is not None
        and requirement(b["comparator"], b["value"], b["value_high"], b["direction"]) is not None
    )


def _unit_key(unit) -> str:
    """Percentages compare whatever their base is printed as («% dân số», «% người dân»)."""
    return "%" if _s(unit).startswith("%") else _s(unit)


def _same_target(a: dict, b: dict) -> bool:
    def key(r: dict) -> tuple:
        high = None if pd.isna(r["value_high"]) else float(r["value_high"])
        return r["comparator"], float(r["value"]), high

    return key(a) == key(b)


def _year(r: dict) -> int | None:
    return None if pd.isna(r["year"]) else int(r["year"])


def printed(r: dict, *, with_year: bool = True) -> str:
    """The target as the document prints it, with its year."""
    if r["comparator"] == "done":
        text = "hoàn thành (định tính)"
    elif _s(r.get("raw")):
        text = f"«{_s(r['raw'])}»"
    elif not _s(r["comparator"]) or pd.isna(r["value"]):
        text = "không ghi số"
    else:
        text = f"{r['comparator']} {formatting.number(r['value'])}"
    unit = _s(r["unit"])
    if unit and not unit.startswith("%") and unit not in text and r["comparator"] != "done":
        text = f"{text} {unit}"
    year = _year(r)
    if not with_year:
        return text
    return f"{text} ({'không ghi năm' if year is None else f'năm {year}'})"


def pair_findings(a: dict, b: dict) -> list[tuple[str, str]]:
    """(flag, sentence) for one pair of targets; empty when they do not conflict."""
    if a["indicator_code"] == b["indicator_code"] or not _comparable(a, b):
        return []
    out = []
    ya, yb = _year(a), _year(b)
    if ya is not None and ya == yb and not _same_target(a, b):
        out.append(
            (
                DIFFERENT,
                f"Năm {ya}: {_who(a)} ghi {printed(a, with_year=False)}; {_who(b)} ghi {printed(b, with_year=False)}.",
            )
        )
    if a["plan_date"] == b["plan_date"] or ya is None or yb is None:
        return out
    later, earlier = (a, b) if a["plan_date"] > b["plan_date"] else (b, a)
    req_later = requirement(later["comparator"], later["value"], later["value_high"], later["direction"])
    req_earlier = requirement(earlier["comparator"], earlier["value"], earlier["value_high"], earlier["direction"])
    assert req_later is not None and req_earlier is not None  # _comparable
    if _year(later) >= _year(earlier) and req_later < req_earlier:  # type: ignore[operator]
        out.append(
            (
                SOFTER,
                f"{_who(later)}, ban hành sau, ghi {printed(later)}: nhẹ hơn {_who(earlier)} {printed(earlier)}.",
            )
        )
    return out


def _who(r: dict) -> str:
    return str(r["indicator_code"])


def findings(rows: pd.DataFrame) -> list[tuple[str, str]]:
    """Every conflict among one concept's targets, then «Khác năm» when the years differ."""
    recs = rows.to_dict("records")
    out: list[tuple[str, str]] = []
    for a, b in itertools.combinations(recs, 2):
        for item in pair_findings(a, b):
            if item not in out:
                out.append(item)
    years = sorted({y for y in (_year(r) for r in recs) if y is not None})
    if len(years) > 1:
        out.append((YEARS, "Các mốc: " + ", ".join(str(y) for y in years) + "."))
    return out


@dataclass(frozen=True)
class Concept:
    code: str
    label: str
    pillar: str
    judged_by: str
    reason: str
    note: str
    flags: tuple[str, ...]
    findings: tuple[tuple[str, str], ...]
    members: pd.DataFrame  # display frame (members_table)
    plans: tuple[str, ...]  # plan codes of the members

    @property
    def conflict(self) -> bool:
        return any(f in CONFLICTS for f in self.flags)


def members_table(rows: pd.DataFrame, judged_by: str) -> pd.DataFrame:
    """One row per target: indicator, year, target as printed, judged-by mark, plan, scope, note,
    the quote (code, year and target first: what a phone shows without scrolling)."""
    return pd.DataFrame(
        {
            "Mã": rows.indicator_code,
            "Năm": ["không ghi" if pd.isna(y) else str(int(y)) for y in rows.year],
            "Mục tiêu (như in)": [printed(r, with_year=False) for r in rows.to_dict("records")],
            "Đánh giá theo": ["✔" if c == judged_by else "" for c in rows.indicator_code],
            "Kế hoạch": rows.plan_name,
            "Phạm vi": [SCOPE_VI.get(s, s) for s in rows.scope],
            "Ghi chú": [_s(n) for n in rows.member_note],
            "Trích dẫn": rows.quote,
        }
    ).reset_index(drop=True)


def quotes(members: pd.DataFrame) -> list[tuple[str, str, str]]:
    """(code, plan, quote) once per member indicator, in the table's order."""
    seen = members.drop_duplicates("Mã")
    return list(zip(seen["Mã"], seen["Kế hoạch"], seen["Trích dẫn"], strict=True))


def concepts(targets: pd.DataFrame) -> list[Concept]:
    """The concepts of the ``concept_targets`` frame, conflicts first, then by pillar and label."""
    out = []
    for code, rows in targets.groupby("concept_code", sort=False):
        first = rows.iloc[0]
        found = tuple(findings(rows))
        flags = tuple(f for f in FLAGS if any(x[0] == f for x in found))
        note = _s(first.concept_note)
        out.append(
            Concept(
                str(code),
                first.label_vi,
                first.concept_pillar,
                first.judged_by,
                first.judged_by_reason,
                note,
                flags,
                found,
                members_table(rows, first.judged_by),
                tuple(dict.fromkeys(rows.plan)),
            )
        )
    return sorted(out, key=lambda c: (not c.conflict, c.pillar, c.label))


def summary_line(items: list[Concept]) -> str:
    n = len(items)
    bad = sum(c.conflict for c in items)
    softer = sum(SOFTER in c.flags for c in items)
    return (
        f"{n} khái niệm được nhiều kế hoạch đặt mục tiêu; {bad} có mục tiêu không thống nhất"
        f" (trong đó {softer} có kế hoạch sau đặt mục tiêu thấp hơn)."
    )


ANY_CONFLICT = "Có mâu thuẫn"
FLAG_CHOICES = ("Tất cả", ANY_CONFLICT, *FLAGS)


def short_summary(items: list[Concept]) -> str:
    """One short line (the pack's appendix)."""
    bad = sum(c.conflict for c in items)
    softer = sum(SOFTER in c.flags for c in items)
    return f"Không thống nhất giữa các kế hoạch: {bad}/{len(items)} khái niệm ({softer} có kế hoạch sau thấp hơn)."


def select(
    items: list[Concept], *, pillar: str | None = None, flag: str | None = None, plan: str | None = None
) -> list[Concept]:
    """The concepts of one pillar, with one flag (or ANY_CONFLICT), with a member of one plan."""

    def has(c: Concept) -> bool:
        return flag in (None, "Tất cả") or (c.conflict if flag == ANY_CONFLICT else flag in c.flags)

    return [c for c in items if (pillar is None or c.pillar == pillar) and has(c) and (plan is None or plan in c.plans)]


def appendix_table(items: list[Concept]) -> pd.DataFrame:
    """The pack's compact appendix: one row per finding of the concepts with a conflict."""
    rows = []
    for c in items:
        if not c.conflict:
            continue
        for flag, text in c.findings:
            if flag in CONFLICTS:
                rows.append({"Khái niệm": c.label, "Cờ": flag, "Chi tiết": text, "Đánh giá theo": c.judged_by})
    return pd.DataFrame(rows, columns=["Khái niệm", "Cờ", "Chi tiết", "Đánh giá theo"])
