"""``python -m vlboard report --period 2025-Q3 --agency CODE | --unit CODE [--out FILE] [--include-demo]``:
the drafted «Báo cáo kết quả thực hiện» of one agency or ward/commune as an editable .docx."""

from __future__ import annotations

import sys
from pathlib import Path

from vlboard.store import snapshots


def cmd_report(args, data: snapshots.DataDir) -> int:
    from vlboard.board import report, screens
    from vlboard.domain.periods import label_vi, parse_period
    from vlboard.export import report_docx
    from vlboard.store.source import Snapshot

    if not args.period or bool(args.agency) == bool(args.unit):
        print(
            "Lỗi: cần --period và đúng một trong hai --agency (mã cơ quan) hoặc --unit (mã phường, xã), "
            "ví dụ: python -m vlboard report --period 2025-Q3 --agency S-KHCN",
            file=sys.stderr,
        )
        return 2
    try:
        src = Snapshot.current(data)
    except snapshots.SnapshotError as exc:
        print(exc, file=sys.stderr)
        return 1
    try:
        parse_period(args.period)
    except ValueError as exc:
        print(f"Lỗi: {exc}.", file=sys.stderr)
        return 2
    known = src.q("periods_available", include_demo=True).period.tolist()
    if args.period not in known:
        shown = ", ".join(f"{p} ({label_vi(p)})" for p in known[:12])
        print(f"Lỗi: bản dữ liệu không có kỳ «{args.period}». Các kỳ có số liệu: {shown}.", file=sys.stderr)
        return 2
    try:
        made = screens.report_frame(src, args.period, args.include_demo, agency=args.agency, unit=args.unit)
    except LookupError as exc:
        print(f"Lỗi: {exc.args[0]}", file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else Path(report.file_name(made))
    if out.suffix.lower() != ".docx":
        print(f"Lỗi: tệp ra phải có đuôi .docx: «{out}».", file=sys.stderr)
        return 2
    try:
        report_docx.write(made, out)
    except OSError as exc:
        print(f"Lỗi: không ghi được tệp «{out}» ({exc.strerror or exc}).", file=sys.stderr)
        return 1
    n = len(made.rows.drop_duplicates("indicator_code"))
    what = f"{n} chỉ tiêu" if n else report.NO_DATA.lower()
    demo = f", {int(made.rows.demo.sum())} số liệu minh họa" if made.has_demo else ""
    print(f"Đã ghi dự thảo báo cáo {out} ({made.subject.issuer}, {made.period_phrase}: {what}{demo})")
    return 0


def add_commands(sub, with_data) -> None:
    rp = sub.add_parser("report", help="soạn dự thảo báo cáo kết quả thực hiện (.docx) của một cơ quan hoặc phường, xã")
    rp.add_argument("--period", help="kỳ báo cáo, ví dụ 2025-Q3 hoặc 2025 (bắt buộc)")
    rp.add_argument("--agency", help="mã cơ quan (chủ trì, phối hợp); hoặc --unit")
    rp.add_argument("--unit", help="mã phường, xã; hoặc --agency")
    rp.add_argument("--out", help="tệp .docx (mặc định: tên theo kỳ và cơ quan, không dấu)")
    rp.add_argument("--include-demo", action="store_true", help="gồm số liệu minh họa (ghi rõ trong báo cáo)")
    rp.set_defaults(func=with_data(cmd_report))
