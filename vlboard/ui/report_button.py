"""The «Tải dự thảo báo cáo (.docx)» button of the agency and ward/commune pages: the drafted
«Báo cáo kết quả thực hiện» of the selected agency or unit for the filters' period, made only
when clicked (board.screens.report_frame, export.report_docx), as ``python -m vlboard report``."""

from __future__ import annotations

import streamlit as st

from vlboard.domain import filters

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def report_download(src, f: filters.Filters, *, agency: str | None = None, unit: str | None = None) -> None:
    from vlboard.board import report, screens
    from vlboard.export import report_docx

    if f.period is None or bool(agency) == bool(unit):
        return
    try:
        subject = screens.report_subject(src, agency, unit, f.period)
    except LookupError:
        return
    period, include_demo = f.period, f.include_demo

    def build() -> bytes:
        return report_docx.render(screens.report_frame(src, period, include_demo, agency=agency, unit=unit))

    st.download_button(
        "Tải dự thảo báo cáo (.docx)",
        data=build,
        file_name=report.file_name_for(period, subject),
        mime=DOCX,
        key=f"report-docx-{subject.kind}-{subject.code}-{period}",
        icon=":material/description:",
        help=f"Dự thảo «Báo cáo kết quả thực hiện» của {subject.issuer} theo mẫu Nghị định 30/2020/NĐ-CP, "
        "từ số liệu đang xem"
        + (" (gồm số liệu minh họa, ghi rõ trong báo cáo)" if include_demo else "")
        + "; cơ quan sửa, bổ sung mục IV rồi ký ban hành.",
    )
