"""``python -m vlboard explain`` and ``python -m vlboard unexplained``: commentary (giải trình) on a
figure, and the misses still without one, per agency or ward (issue 20).

``explain`` runs as a signed-in account (as ``import`` does: vlboard.cli.intake._user) and is
checked by vlboard.intake.commentary, the same layer the page «Việc của tôi» uses. Exit codes:
0 done, 1 refused, 2 bad input, 3 not signed in.
"""

from __future__ import annotations

import sys

from vlboard.board import commentary as frames
from vlboard.cli.intake import _user
from vlboard.intake import commentary
from vlboard.store import snapshots
from vlboard.store.source import Snapshot


def cmd_explain(args, data: snapshots.DataDir) -> int:
    kind, _, code = args.subject.partition(":")
    if kind not in commentary.SUBJECTS or not code:
        print(f"Đối tượng «{args.subject}» không hợp lệ: dùng agency:MÃ_CƠ_QUAN hoặc unit:MÃ_ĐỊA_BÀN.", file=sys.stderr)
        return 2
    user = _user(args)
    if user is None:
        return 3
    try:
        sid = commentary.explain(
            data, user, args.indicator, args.period, kind, code, args.cause, args.remedy, args.back_by or None
        )
    except (commentary.CommentaryRefused, snapshots.SnapshotError) as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"Đã ghi giải trình {args.indicator} kỳ {args.period} của {code}. Bản dữ liệu mới {sid}")
    return 0


def cmd_unexplained(args, data: snapshots.DataDir) -> int:
    try:
        src = Snapshot.current(data)
    except snapshots.SnapshotError as exc:
        print(exc, file=sys.stderr)
        return 2
    try:
        df = frames.missing(src, args.period or "", args.demo)
    finally:
        src.con.close()
    if args.subject:
        df = df[df.subject_code == args.subject]
    print(
        f"{len(df)} chỉ tiêu chưa đạt hoặc gần đạt chưa có giải trình"
        + (" (kể cả số liệu minh họa)" if args.demo else "")
    )
    for (name, code), group in df.groupby(["subject_name", "subject_code"], sort=True):
        print(f"{name} ({code}): {len(group)}")
        for r in group.itertuples(index=False):
            print(f"    {r.period_label} · {r.indicator_code} {r.indicator_name} · {r.status_label}")
    return 0


def add_commands(sub, run) -> None:
    """Register ``explain`` and ``unexplained``; ``run(fn)`` wraps a command taking (args, data)."""
    e = sub.add_parser("explain", help="ghi giải trình (nguyên nhân, giải pháp, dự kiến đạt) cho một số liệu")
    e.add_argument("--indicator", required=True, help="mã chỉ tiêu")
    e.add_argument("--period", required=True, help="kỳ báo cáo, ví dụ 2025-Q3 hoặc 2025")
    e.add_argument("--subject", required=True, help="agency:MÃ_CƠ_QUAN hoặc unit:MÃ_ĐỊA_BÀN")
    e.add_argument("--cause", help="nguyên nhân chưa đạt")
    e.add_argument("--remedy", help="giải pháp khắc phục")
    e.add_argument("--back-by", dest="back_by", help="dự kiến đạt, dd/mm/yyyy")
    e.add_argument("--user", required=True, help="tài khoản (mật khẩu: $VLBOARD_PASSWORD hoặc nhập khi hỏi)")
    e.set_defaults(func=run(cmd_explain))
    u = sub.add_parser("unexplained", help="danh sách chỉ tiêu chưa đạt, gần đạt chưa có giải trình, theo đơn vị")
    u.add_argument("--period", help="chỉ kỳ này, ví dụ 2025-Q3")
    u.add_argument("--subject", help="chỉ cơ quan / địa bàn có mã này")
    u.add_argument("--demo", action="store_true", help="tính cả số liệu minh họa (chỉ để xem)")
    u.set_defaults(func=run(cmd_unexplained))
