"""The checks of the master data (``python -m vlboard check``, and every build): keys, references,
vocabularies, targets against their printed cells, quotes verbatim in their documents, sections and
dates. Every problem names file, spreadsheet row and column, in Vietnamese.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

import pyarrow as pa

from vlboard.domain import vocab
from vlboard.domain.periods import parse_period
from vlboard.domain.targets_text import parse_raw
from vlboard.domain.textnorm import collapse, is_quote_of
from vlboard.store import annotations as annotation_checks
from vlboard.store.catalogue import Problem
from vlboard.store.doctext import Document, locate


def _rows(table: pa.Table) -> list[dict]:
    return table.to_pylist()


def check(tables: dict[str, pa.Table], documents: dict[str, Document] | None = None) -> list[Problem]:
    """Integrity of the catalogue: keys, references, vocabularies, targets vs raw cells, quotes.

    ``documents`` maps plan code → its Document (``catalogue.load_documents``); when given, quotes
    and sections are verified.
    """
    problems: list[Problem] = []

    def dupes(table: str, keys: list[str]) -> set:
        seen, out = set(), set()
        for i, r in enumerate(_rows(tables[table])):
            k = tuple(r[c] for c in keys)
            if k in seen:
                problems.append(Problem(f"{table}.csv", i + 2, keys[0], f"khóa trùng {k}"))
                out.add(k)
            seen.add(k)
        return seen

    plans = {k[0] for k in dupes("plans", ["code"])}
    codes = {k[0] for k in dupes("indicators", ["code"])}
    agencies = {k[0] for k in dupes("agencies", ["code"])}
    units = {k[0] for k in dupes("units", ["unit_code"])}
    dupes("targets", ["indicator_code", "year"])
    dupes("milestones", ["code"])
    dupes("results_documents", ["result_id"])
    dupes("budgets", ["budget_id"])

    with_target = set()
    for i, r in enumerate(_rows(tables["indicators"])):
        f = "indicators.csv"
        if r["plan"] not in plans:
            problems.append(Problem(f, i + 2, "plan", f"kế hoạch không có: {r['plan']}"))
        if r["pillar"] not in vocab.PILLARS:
            problems.append(Problem(f, i + 2, "pillar", f"trụ cột không hợp lệ: {r['pillar']}"))
        if r["kind"] not in vocab.KINDS:
            problems.append(Problem(f, i + 2, "kind", f"loại chỉ tiêu không hợp lệ: {r['kind']}"))
        if r["kind"] in ("percent", "count", "ratio") and not r["unit"]:
            problems.append(Problem(f, i + 2, "unit", "chỉ tiêu định lượng thiếu đơn vị tính"))
        if r["direction"] not in ("higher", "lower"):
            problems.append(Problem(f, i + 2, "direction", "chỉ nhận higher hoặc lower"))
        if not r["quote"]:
            problems.append(Problem(f, i + 2, "quote", "thiếu trích dẫn văn bản"))
        elif documents and r["plan"] in documents and not is_quote_of(r["quote"], documents[r["plan"]]):
            problems.append(Problem(f, i + 2, "quote", "trích dẫn không khớp nguyên văn văn bản"))
        elif documents and r["plan"] in documents:
            problems += _located(r, f, i + 2, documents[r["plan"]])

    for i, r in enumerate(_rows(tables["targets"])):
        f = "targets.csv"
        if r["indicator_code"] not in codes:
            problems.append(Problem(f, i + 2, "indicator_code", f"mã chỉ tiêu không có: {r['indicator_code']}"))
        with_target.add(r["indicator_code"])
        comp = r["comparator"]
        if comp is None:
            if not r["note"]:
                problems.append(Problem(f, i + 2, "comparator", "thiếu phép so sánh (ghi lý do ở cột note nếu cố ý)"))
            continue
        if comp not in vocab.COMPARATORS:
            problems.append(Problem(f, i + 2, "comparator", f"phép so sánh không hợp lệ: {comp}"))
            continue
        if comp == "done":
            if r["value"] is not None:
                problems.append(Problem(f, i + 2, "value", "mục tiêu định tính (done) không có giá trị số"))
            continue
        if r["value"] is None:
            problems.append(Problem(f, i + 2, "value", "thiếu giá trị mục tiêu"))
            continue
        if comp == "range" and (r["value_high"] is None or r["value_high"] < r["value"]):
            problems.append(Problem(f, i + 2, "value_high", "khoảng mục tiêu cần value ≤ value_high"))
        if not r["raw"]:
            problems.append(Problem(f, i + 2, "raw", "mục tiêu định lượng cần ô in nguyên văn (raw)"))
            continue
        parsed = parse_raw(r["raw"])
        if parsed.comparator is not None and (parsed.comparator, parsed.value, parsed.value_high) != (
            comp,
            r["value"],
            r["value_high"],
        ):
            problems.append(Problem(f, i + 2, "raw", f"ô in «{r['raw']}» không khớp {comp} {r['value']}"))

    kinds = {r["code"]: r["kind"] for r in _rows(tables["indicators"])}
    directions = {r["code"]: r["direction"] for r in _rows(tables["indicators"])}
    for i, r in enumerate(_rows(tables["targets"])):
        if directions.get(r["indicator_code"]) == "lower" and r["comparator"] in (">=", ">"):
            problems.append(
                Problem(
                    "targets.csv",
                    i + 2,
                    "comparator",
                    "chỉ tiêu «càng thấp càng tốt» không thể có mục tiêu dạng ≥ hoặc >",
                )
            )
    milestone_codes = {r["indicator_code"] for r in _rows(tables["milestones"]) if r["indicator_code"]}
    for i, r in enumerate(_rows(tables["indicators"])):
        if r["code"] not in with_target and r["code"] not in milestone_codes and kinds[r["code"]] != "referenced":
            problems.append(Problem("indicators.csv", i + 2, "code", "chỉ tiêu không có mục tiêu nào"))

    for i, r in enumerate(_rows(tables["assignments"])):
        f = "assignments.csv"
        if r["indicator_code"] not in codes:
            problems.append(Problem(f, i + 2, "indicator_code", f"mã chỉ tiêu không có: {r['indicator_code']}"))
        if r["agency_code"] not in agencies:
            problems.append(Problem(f, i + 2, "agency_code", f"cơ quan không có: {r['agency_code']}"))
        if r["role"] not in ("lead", "partner"):
            problems.append(Problem(f, i + 2, "role", "chỉ nhận lead hoặc partner"))
    for table, col in (
        ("agency_aliases", "agency_code"),
        ("agency_members", "collective_code"),
        ("agency_members", "member_code"),
    ):
        for i, r in enumerate(_rows(tables[table])):
            if r[col] not in agencies:
                problems.append(Problem(f"{table}.csv", i + 2, col, f"cơ quan không có: {r[col]}"))
    for i, r in enumerate(_rows(tables["agencies"])):
        if r["successor_code"] and r["successor_code"] not in agencies:
            problems.append(
                Problem("agencies.csv", i + 2, "successor_code", f"cơ quan không có: {r['successor_code']}")
            )
    for i, r in enumerate(_rows(tables["units"])):
        if r["parent_code"] and r["parent_code"] not in units:
            problems.append(Problem("units.csv", i + 2, "parent_code", f"đơn vị không có: {r['parent_code']}"))
    for i, r in enumerate(_rows(tables["unit_crosswalk"])):
        for col in ("old_unit_code", "new_unit_code"):
            if r[col] not in units:
                problems.append(Problem("unit_crosswalk.csv", i + 2, col, f"đơn vị không có: {r[col]}"))
    for i, r in enumerate(_rows(tables["results_documents"])):
        for c in [x.strip() for x in (r["indicator_codes"] or "").split(";") if x.strip()]:
            if c not in codes:
                problems.append(
                    Problem("results_documents.csv", i + 2, "indicator_codes", f"mã chỉ tiêu không có: {c}")
                )
    for i, r in enumerate(_rows(tables["results_documents"])):
        problems += _dated_at_window_end(r, i + 2)
        if r["precedence"] is None or r["precedence"] < 1:
            problems.append(
                Problem(
                    "results_documents.csv",
                    i + 2,
                    "precedence",
                    "cần thứ tự ưu tiên (1 = bảng theo dõi của kế hoạch, 2 = phần lời văn)",
                )
            )
    for i, r in enumerate(_rows(tables["reporting_rules"])):
        if r["subject"] not in ("ward", "commune", "lead_agency"):
            problems.append(Problem("reporting_rules.csv", i + 2, "subject", "chỉ nhận ward, commune hoặc lead_agency"))
        if r["frequency"] not in ("quarter", "year", "month"):
            problems.append(Problem("reporting_rules.csv", i + 2, "frequency", "chỉ nhận quarter, year hoặc month"))
        if r["basis"] not in ("document", "assumption"):
            problems.append(Problem("reporting_rules.csv", i + 2, "basis", "chỉ nhận document hoặc assumption"))
    for table in ("results_documents", "reporting_rules", "milestones", "annotations"):
        problems += _plan_and_quote(tables[table], f"{table}.csv", plans, documents)
    dupes("concepts", ["code"])
    dupes("indicator_concepts", ["indicator_code"])
    problems += concept_problems(tables, codes) + annotation_checks.problems(tables, codes, units)
    return problems


def concept_problems(tables: dict[str, pa.Table], codes: set) -> list[Problem]:
    """The cross-plan concepts: every member a known indicator of a known concept, every concept
    with at least two members, judged by one of them, labelled, with a valid pillar and a reason."""
    out: list[Problem] = []
    concepts = _rows(tables["concepts"])
    known = {c["code"] for c in concepts}
    members: dict[str, set] = {}
    for i, r in enumerate(_rows(tables["indicator_concepts"])):
        f = "indicator_concepts.csv"
        if r["indicator_code"] not in codes:
            out.append(Problem(f, i + 2, "indicator_code", f"mã chỉ tiêu không có: {r['indicator_code']}"))
        if r["concept_code"] not in known:
            out.append(Problem(f, i + 2, "concept_code", f"khái niệm không có trong concepts.csv: {r['concept_code']}"))
        members.setdefault(r["concept_code"], set()).add(r["indicator_code"])
    for i, c in enumerate(concepts):
        f = "concepts.csv"
        n = len(members.get(c["code"], ()))
        if n < 2:
            out.append(
                Problem(f, i + 2, "code", f"khái niệm «{c['code']}» có {n} chỉ tiêu, cần ít nhất 2 để đối chiếu")
            )
        if c["judged_by"] not in members.get(c["code"], ()):
            out.append(
                Problem(
                    f, i + 2, "judged_by", f"chỉ tiêu dùng để đánh giá «{c['judged_by']}» không thuộc khái niệm này"
                )
            )
        if c["pillar"] not in vocab.PILLARS:
            out.append(Problem(f, i + 2, "pillar", f"trụ cột không hợp lệ: {c['pillar']}"))
        for col, what in (("label_vi", "tên khái niệm"), ("judged_by_reason", "lý do chọn chỉ tiêu đánh giá")):
            if not c[col]:
                out.append(Problem(f, i + 2, col, f"thiếu {what}"))
    return out


_WINDOW = re.compile(
    r"(?<![\d/])(\d{1,2}/\d{1,2}/\d{4}|\d{4})\s*[-–]\s*(\d{1,2}/\d{1,2}/\d{4}|\d{4})(?![\d/])"
    r"|\btừ\b.*\bđến\b",
    re.IGNORECASE,
)


def window_end(as_of_raw: str | None) -> tuple[dt.date, dt.date] | None:
    """For a figure reported over a window ("14/8/2023 - 30/6/2025", "2021-2025", "từ năm 2024 đến
    nay (tháng 8/2025)"): the first and last day of the window's end point, as precise as printed
    (a day, a month or a year). None when ``as_of_raw`` names no window."""
    text = collapse(as_of_raw or "")
    if not _WINDOW.search(text):
        return None
    points = []
    for d, m, y in re.findall(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4})(?![\d/])", text):
        day = dt.date(int(y), int(m), int(d))
        points.append((day, day))
    for m, y in re.findall(r"tháng (\d{1,2})/(\d{4})", text):
        first = dt.date(int(y), int(m), 1)
        points.append((first, dt.date(int(y), int(m), calendar.monthrange(int(y), int(m))[1])))
    for y in re.findall(r"(?<![\d/])(\d{4})(?![\d/])", text):
        points.append((dt.date(int(y), 1, 1), dt.date(int(y), 12, 31)))
    # the latest point, the most precise one when a day lies inside a later-printed year
    return max(points, key=lambda p: (p[0], -p[1].toordinal())) if points else None


def _dated_at_window_end(r: dict, row: int) -> list[Problem]:
    """A figure reported for a window is dated at the window's end, not its start."""
    end = window_end(r["as_of_raw"])
    if end is None or r["as_of"] is None:
        return []
    out = []
    lo, hi = end
    if not lo <= r["as_of"] <= hi:
        out.append(
            Problem(
                "results_documents.csv",
                row,
                "as_of",
                f"số liệu cho cả khoảng «{r['as_of_raw']}» phải ghi ngày cuối khoảng "
                f"({lo:%d/%m/%Y}{'' if lo == hi else f'–{hi:%d/%m/%Y}'}), không phải {r['as_of']:%d/%m/%Y}",
            )
        )
    try:
        period = parse_period(r["period"] or "")
    except ValueError:
        return out + [Problem("results_documents.csv", row, "period", f"kỳ không hợp lệ: «{r['period']}»")]
    if period.year != r["as_of"].year or period.end < r["as_of"]:
        out.append(
            Problem(
                "results_documents.csv",
                row,
                "period",
                f"kỳ «{r['period']}» không chứa ngày cuối khoảng {r['as_of']:%d/%m/%Y}",
            )
        )
    return out


def _plan_and_quote(table: pa.Table, file: str, plans: set, documents: dict[str, Document] | None) -> list[Problem]:
    """Every row names a known plan and quotes it verbatim."""
    out = []
    for i, r in enumerate(_rows(table)):
        if r["plan"] not in plans:
            out.append(Problem(file, i + 2, "plan", f"kế hoạch không có: {r['plan']}"))
        elif documents and r["plan"] in documents and not is_quote_of(r["quote"] or "", documents[r["plan"]]):
            out.append(Problem(file, i + 2, "quote", "trích dẫn không khớp nguyên văn văn bản"))
        elif documents and r["plan"] in documents:
            out += _located(r, file, i + 2, documents[r["plan"]], section_is_derived=file == "results_documents.csv")
    return out


def _located(r: dict, file: str, row: int, doc: str, *, section_is_derived: bool = False) -> list[Problem]:
    """The quote stands in one place: printed once, or after its anchor (quote_anchor); for a
    document figure, the section recorded is the one at that place."""
    at, why = locate(r["quote"] or "", doc, r.get("quote_anchor"))
    if at is None:
        return [Problem(file, row, "quote_anchor" if r.get("quote_anchor") else "quote", why or "")]
    if section_is_derived and isinstance(doc, Document) and (r["section"] or "") != doc.section_at(at):
        return [Problem(file, row, "section", f"trích dẫn nằm ở «{doc.section_at(at)}», không phải «{r['section']}»")]
    return []
