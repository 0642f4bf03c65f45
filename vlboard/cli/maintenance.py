"""``python -m vlboard migrate | vacuum``: the data folder's format and its retention (issue 23)."""

from __future__ import annotations

import argparse
import sys

from vlboard.store import snapshots


def cmd_migrate(args, data: snapshots.DataDir) -> int:
    from vlboard.store import migration

    try:
        sid = migration.migrate(data)
    except snapshots.SnapshotError as exc:
        print(exc, file=sys.stderr)
        return 2
    if sid is None:
        print(f"Thư mục dữ liệu đã ở định dạng {snapshots.FORMAT_DELTA}; không cần chuyển.")
        return 0
    print(f"Đã chuyển sang định dạng {snapshots.FORMAT_DELTA}: bản hiện hành {sid}; các bản cũ vẫn đọc được.")
    return 0


def cmd_vacuum(args, data: snapshots.DataDir) -> int:
    from vlboard.store import retention

    try:
        done = retention.vacuum(data, dry_run=args.dry_run)
    except snapshots.SnapshotError as exc:
        print(exc, file=sys.stderr)
        return 2
    print("\n".join(done.lines()))
    if args.dry_run:
        print("Chạy thử: chưa xóa gì (bỏ --dry-run để xóa).")
    return 0


def add_commands(sub, with_data, data_help: str) -> None:
    mp = sub.add_parser("migrate", help="chuyển thư mục dữ liệu sang định dạng 5 (bảng Delta Lake)")
    mp.add_argument("--data", default=argparse.SUPPRESS, help=data_help)
    mp.set_defaults(func=with_data(cmd_migrate))
    vp = sub.add_parser("vacuum", help="xóa bản dữ liệu và tệp cũ theo chính sách lưu giữ (VLBOARD_KEEP_DAYS)")
    vp.add_argument("--dry-run", action="store_true", help="chỉ liệt kê, không xóa")
    vp.add_argument("--data", default=argparse.SUPPRESS, help=data_help)
    vp.set_defaults(func=with_data(cmd_vacuum))
