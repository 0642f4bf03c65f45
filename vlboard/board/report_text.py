"""The words of the drafted «Báo cáo kết quả thực hiện» (board/report.py): section I's counts,
section III's shortcomings, section IV's marked place for the agency's own proposals. Every number
comes from the report's rows (pure)."""

from __future__ import annotations

import pandas as pd

from vlboard.board.report import DEMO_MARK, GROUPS, NO_DATA, Report
from vlboard.domain import formatting
from vlboard.domain.vocab import WITH_DATA

# section IV is the agency's to write: the draft holds this marked instruction in its place
PROPOSALS = (
    "[Phần do cơ quan, đơn vị soạn: nêu các đề xuất, kiến nghị với cấp trên (cơ chế, kinh phí, nhân lực, "
    "hạ tầng…) để hoàn thành các chỉ tiêu chưa đạt nêu tại mục III; xóa đoạn hướng dẫn này trước khi ban hành.]"
)
# status order of the counts in section I (the document reads best from done to not done)
COUNT_ORDER = ("achieved", "near", "not_achieved", "no_data", "not_due", "qualitative", "no_target")


COUNT_WORDS = {
    "achieved": "đạt",
    "near": "gần đạt",
    "not_achieved": "chưa đạt",
    "no_data": "chưa có số liệu",
    "not_due": "chưa đến kỳ đánh giá",
    "qualitative": "định tính (không đánh giá bằng số)",
    "no_target": "chưa có mục tiêu số",
}


def count_sentence(rows: pd.DataFrame) -> str:
    """'3 chỉ tiêu đạt, 1 chỉ tiêu gần đạt, 12 chỉ tiêu chưa có số liệu' (the statuses that occur)."""
    counts = rows.status.value_counts()
    return ", ".join(f"{int(counts[s])} chỉ tiêu {COUNT_WORDS[s]}" for s in COUNT_ORDER if counts.get(s, 0))


def summary(report: Report) -> list[str]:
    """Section I, Kết quả chung: one paragraph per group of rows, from the counts."""
    name = report.subject.issuer
    basis = (
        f"Căn cứ số liệu trên Bảng điều hành chuyển đổi số tỉnh Vĩnh Long (số liệu đến ngày {report.data_date}"
        + (f", bản dữ liệu {report.snapshot_id}" if report.snapshot_id else "")
        + f"), {name} báo cáo kết quả thực hiện các chỉ tiêu chuyển đổi số {report.period_phrase} như sau:"
    )
    out = [basis]
    if report.rows.empty:
        out.append(f"{NO_DATA}: trong kỳ, {name} chưa có chỉ tiêu nào có số liệu trên bảng điều hành.")
        return out
    for role in GROUPS:
        rows = report.group(role)
        if rows.empty:
            continue
        judged = rows[rows.status.isin(WITH_DATA)]
        what = {
            "lead": f"{name} chủ trì {len(rows)} chỉ tiêu",
            "partner": f"{name} phối hợp thực hiện {len(rows)} chỉ tiêu",
            "unit": f"{name} có số liệu của {len(rows)} chỉ tiêu",
        }[role]
        line = f"- {what}, gồm: {count_sentence(rows)}."
        if len(judged):
            n_ok = int((judged.status == "achieved").sum())
            line += (
                f" Tỷ lệ đạt trong số chỉ tiêu đã đánh giá: {n_ok}/{len(judged)} "
                f"({formatting.percent(100 * n_ok / len(judged))})."
            )
        out.append(line)
    if report.has_demo:
        out.append(
            f"Lưu ý: {int(report.rows.demo.sum())} số liệu ghi «{DEMO_MARK}» là số liệu minh họa của bảng điều "
            "hành, không phải số liệu báo cáo; cần thay bằng số liệu thực tế trước khi ban hành."
        )
    return out


def shortcomings(report: Report, limit: int = 15) -> list[str]:
    """Section III, Tồn tại, hạn chế: the indicators not met, then those without a figure."""
    rows = report.rows.drop_duplicates("indicator_code")
    out = []
    rank = {s: i for i, s in enumerate(("not_achieved", "near"))}
    weak = rows[rows.status.isin(rank)]
    weak = weak.assign(_r=weak.status.map(rank), _a=weak.attainment.astype(float)).sort_values(["_r", "_a"])
    for r in weak.head(limit).itertuples():
        out.append(
            f"- {r.indicator_code} ({r.status_text.lower()}): {r.name_vi} — thực hiện {r.result_text}; "
            f"{r.plan_text[0].lower()}{r.plan_text[1:]}" + (f"; {r.gap_text}." if r.gap_text else ".")
        )
    if len(weak) > limit:
        out.append(f"- Và {len(weak) - limit} chỉ tiêu chưa đạt, gần đạt khác (xem bảng tại mục II).")
    no_data = rows[rows.status == "no_data"].indicator_code.tolist()
    missing = [c for c in report.missing if c not in set(no_data)]
    if no_data:
        out.append(f"- {len(no_data)} chỉ tiêu đã đến kỳ đánh giá nhưng chưa có số liệu: {_codes(no_data)}.")
    if missing:
        out.append(f"- {len(missing)} chỉ tiêu phải báo cáo trong kỳ nhưng chưa gửi số liệu: {_codes(missing)}.")
    if not out:
        out.append(
            "- Không có chỉ tiêu nào chưa đạt hoặc gần đạt trong số các chỉ tiêu đã đánh giá."
            if not rows.empty
            else f"- {NO_DATA}."
        )
    return out


def _codes(codes: list[str], limit: int = 25) -> str:
    shown = ", ".join(codes[:limit])
    return shown + (f" và {len(codes) - limit} chỉ tiêu khác" if len(codes) > limit else "")
