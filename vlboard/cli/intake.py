"""Command line for data intake: template, import, history, rollback, hash-password.

Writes run as a signed-in account from the secrets file (``$VLBOARD_SECRETS`` or
.streamlit/secrets.toml), password from ``$VLBOARD_PASSWORD`` or a prompt: the CLI enforces the
same roles and scopes as the web page.
"""

from __future__ import annotations

import datetime as dt
import getpass
import sys
from pathlib import Path

import pandas as pd

from vlboard import settings as environment
from vlboard.cli import ahead
from vlboard.domain import formatting, vocab
from vlboard.domain.periods import label_vi
from vlboard.intake import auth, history, imports, restore, template
from vlboard.store import snapshots
from vlboard.store.source import Snapshot


def _user(args) -> auth.User | None:
    path = auth.default_secrets_path()
    try:
        settings = auth.settings(auth.load_secrets_file(path))
    except auth.AuthConfigError as exc:
        print(exc, file=sys.stderr)
        return None
    if not settings.accounts:
        print(f"Chưa có tài khoản nào trong {path}; tạo bằng «python -m vlboard hash-password».", file=sys.stderr)
        return None
    password = environment.get("VLBOARD_PASSWORD")
    if password is None:
        try:
            password = getpass.getpass(f"Mật khẩu của {args.user}: ")
        except EOFError:
            print("Cần mật khẩu: nhập khi được hỏi hoặc đặt biến VLBOARD_PASSWORD.", file=sys.stderr)
            return None
    user = auth.authenticate(settings, args.user, password)
    if user is None:
        print(f"Sai tên đăng nhập hoặc mật khẩu ({args.user}).", file=sys.stderr)
    return user


def cmd_template(args, data: snapshots.DataDir) -> int:
    src = Snapshot.current(data)
    subjects = template.subjects(src, args.period)
    match = subjects[(subjects.subject_type == args.kind) & (subjects.subject_code == args.code)]
    if match.empty:
        periods, _ = template.offered(src, dt.datetime.now(imports.VN).date(), lambda t, c: True)
        due = [
            p
            for p in periods
            if ((s := template.subjects(src, p)).subject_type.eq(args.kind) & s.subject_code.eq(args.code)).any()
        ]
        where = (
            ("; các kỳ phải báo cáo: " + ", ".join(f"{label_vi(p)} ({p})" for p in due))
            if due
            else "; không có kỳ nào phải báo cáo trong các kỳ đang nhận báo cáo"
        )
        print(
            f"{template.SUBJECT_KINDS[args.kind].capitalize()} «{args.code}» không phải báo cáo kỳ {args.period}"
            f"{where}.",
            file=sys.stderr,
        )
        return 2
    subject = template.Subject(args.kind, args.code, match.subject_name.iloc[0])
    out = Path(args.out or template.file_name(subject, args.period))
    out.write_bytes(
        template.write(subject, args.period, template.rows(src, subject, args.period), snapshot_id=src.snapshot_id)
    )
    print(f"Đã ghi mẫu {out} ({int(match.n_indicators.iloc[0])} chỉ tiêu)")
    return 0


def cmd_import(args, data: snapshots.DataDir) -> int:
    user = _user(args)
    if user is None:
        return 3
    path = Path(args.file)
    try:
        content = path.read_bytes()
    except OSError as exc:
        print(f"Không đọc được tệp {path}: {exc.strerror}", file=sys.stderr)
        return 2
    pv = imports.preview(data, user, path.name, content)
    for p, r in zip(pv.problems, pv.problem_rows().itertuples(index=False)):
        which = (
            f" [{r.indicator_code} – {r.indicator_name}]"
            if r.indicator_name
            else (f" [{r.indicator_code}]" if r.indicator_code else "")
        )
        print(f"- {p}{which}", file=sys.stderr)
    if pv.problems:
        print(f"Tệp có {len(pv.problems)} lỗi; chưa ghi gì.", file=sys.stderr)
        return 2
    for r in pv.changes.itertuples(index=False):
        print(f"  {change_line(r)}")
    print(pv.summary())
    if pv.unexplained:  # commentary (giải trình, issue 20)
        print(pv.unexplained_text() + ".")
    if args.dry_run:
        print("Chạy thử (--dry-run): chưa ghi gì.")
        return 0
    try:
        sid = imports.commit(data, user, pv)
    except (imports.ImportRefused, snapshots.SnapshotError) as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"Đã nhập: bản dữ liệu mới {sid}")
    ahead.prepare(data, sid)
    return 0


def change_line(r) -> str:
    """One previewed value: state, indicator, subject, period, old → new in Vietnamese numbers."""
    old = (
        ""
        if r.old_value is None or pd.isna(r.old_value)
        else f"{formatting.number(r.old_value, 2)} ({vocab.SOURCES.get(r.old_source, r.old_source)}) → "
    )
    new = formatting.number(r.new_value, 2) + (" (tính từ tử số / mẫu số)" if r.computed else "")
    return f"{imports.STATES[r.state]:<10} {r.indicator_code:<18} {r.scope_code} {r.period}: {old}{new}"


def cmd_history(args, data: snapshots.DataDir) -> int:
    for r in history.table(data).itertuples(index=False):
        mark = "*" if r.live else " "
        print(
            f"{mark} {r.snapshot_id}  {ui_time(r.created_at)}  {r.action:<22} {r.author or '':<12} "
            f"{formatting.number(r.results, 0)} kết quả  {r.note or ''}"
        )
    return 0


def ui_time(iso) -> str:
    """A snapshot's ISO time as dd/mm/yyyy HH:MM in Vietnam time."""
    return history.local_time(iso)


def cmd_rollback(args, data: snapshots.DataDir) -> int:
    user = _user(args)
    if user is None:
        return 3
    try:
        auth.require_admin(user, "khôi phục bản dữ liệu cũ")
        plan = restore.plan(data, args.snapshot)
    except (auth.AccessDenied, snapshots.SnapshotError) as exc:
        print(exc, file=sys.stderr)
        return 2
    print(plan.text(), flush=True)
    snapshots.drill("confirm")  # tests: widen the window between what was shown and the commit
    if not args.yes:
        print("Khôi phục? Gõ «co» để xác nhận: ", end="", flush=True)
        if sys.stdin.readline().strip().lower() not in ("co", "có"):
            print(
                "\nChưa xác nhận (gõ «co», hoặc chạy với --yes sau khi đã đọc những gì sẽ bị gỡ); chưa thay đổi gì.",
                file=sys.stderr,
            )
            return 1
    try:
        restore.run(data, user, args.snapshot, base=plan.base, reason=args.reason or "")
    except (auth.AccessDenied, snapshots.SnapshotError) as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"Đã khôi phục: CURRENT = {args.snapshot}")
    return 0


def cmd_hash_password(args, data: snapshots.DataDir) -> int:
    password = environment.get("VLBOARD_PASSWORD") or getpass.getpass("Mật khẩu mới: ")
    try:
        hashed = auth.hash_password(password)
        print(
            auth.account_snippet(
                args.username,
                args.role,
                hashed,
                name=args.name or "",
                agency=args.agency,
                unit=args.unit,
                plan=args.plan,
            )
        )
    except auth.AuthConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    return 0


def add_commands(sub, run) -> None:
    """Register the intake sub-commands; ``run(fn)`` wraps a command taking (args, data)."""
    t = sub.add_parser("template", help="tải mẫu Excel báo cáo của một cơ quan hoặc phường/xã")
    t.add_argument("--kind", choices=["agency", "unit"], required=True)
    t.add_argument("--code", required=True)
    t.add_argument("--period", required=True)
    t.add_argument("--out")
    t.set_defaults(func=run(cmd_template))
    i = sub.add_parser("import", help="nhập tệp báo cáo (.xlsx hoặc .csv) thành bản dữ liệu mới")
    i.add_argument("file")
    i.add_argument("--user", required=True, help="tài khoản (mật khẩu: $VLBOARD_PASSWORD hoặc nhập khi hỏi)")
    i.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra và xem trước, không ghi")
    i.set_defaults(func=run(cmd_import))
    sub.add_parser("history", help="các bản dữ liệu, mới nhất trước").set_defaults(func=run(cmd_history))
    r = sub.add_parser("rollback", help="khôi phục một bản dữ liệu cũ (quản trị viên)")
    r.add_argument("snapshot")
    r.add_argument("--user", required=True)
    r.add_argument("--reason")
    r.add_argument("--yes", action="store_true", help="không hỏi lại (sau khi đã đọc những gì sẽ bị gỡ)")
    r.set_defaults(func=run(cmd_rollback))
    h = sub.add_parser("hash-password", help="tạo mục tài khoản (mật khẩu băm argon2id) cho secrets.toml")
    h.add_argument("username")
    h.add_argument("--role", choices=list(auth.ROLES), required=True)
    h.add_argument("--name")
    h.add_argument("--agency")
    h.add_argument("--unit")
    h.add_argument("--plan", help="mã kế hoạch mà cán bộ thẩm định (reviewer) duyệt; bỏ trống: mọi kế hoạch")
    h.set_defaults(func=run(cmd_hash_password))
