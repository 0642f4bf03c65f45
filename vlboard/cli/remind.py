"""``python -m vlboard remind [--period P] [--dry-run] [--now ISO]``: send the reporting reminders and
the cycle's event notifications that are due (vlboard.intake.reminders), made to run from cron or a
systemd timer: each message goes once (data/reminders.jsonl), failures are retried on the next run,
nothing is sent in the quiet hours. Exit 0 even when deliveries failed (they are reported); 1 only
for a configuration error (contacts, ladder, secrets), with its message."""

from __future__ import annotations

import datetime as dt
import importlib
import sys

import pandas as pd

from vlboard import settings
from vlboard.domain.periods import parse_period, recent
from vlboard.domain.vocab import VN_TZ
from vlboard.intake import auth, contacts, delivery, dispatch, ladder, reminders, sendlog
from vlboard.store import snapshots


class _ConfigError(Exception):
    pass


def _now(text: str | None) -> dt.datetime:
    """Vietnam local time, naive (like the cycle's event times)."""
    if not text:
        return dt.datetime.now(VN_TZ).replace(tzinfo=None)
    try:
        t = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise _ConfigError(f"--now «{text}» không phải thời điểm dạng ISO, ví dụ 2026-10-05T08:00") from exc
    return t.astimezone(VN_TZ).replace(tzinfo=None) if t.tzinfo else t


def _periods(arg: str | None, today: dt.date) -> list[str]:
    """--period, else the current and previous quarter and year (the ladder decides which are due)."""
    if arg:
        try:
            return [parse_period(arg).code]
        except ValueError as exc:
            raise _ConfigError(str(exc)) from exc
    return recent(today, n_quarters=2, n_years=2)


def _frames(data: snapshots.DataDir, periods: list[str]) -> tuple[pd.DataFrame, pd.DataFrame | None, dict[str, str]]:
    from vlboard.store.source import Snapshot

    try:  # the reporting cycle (board, events); imported here so this module loads without it
        cycle = importlib.import_module("vlboard.intake.cycle")
    except ImportError as exc:
        raise _ConfigError("bản cài đặt thiếu mô-đun chu trình báo cáo (vlboard.intake.cycle)") from exc

    src = Snapshot.current(data)
    boards = [b for p in periods if len(b := cycle.board(src, p))]
    evs = [e for p in periods if len(e := cycle.events(src, p))]
    names = dict(src.q("indicator_list")[["code", "name_vi"]].itertuples(index=False, name=None))
    return (pd.concat(boards, ignore_index=True) if boards else pd.DataFrame(), pd.concat(evs) if evs else None, names)


def _configuration(data: snapshots.DataDir, dry_run: bool):
    try:
        book = contacts.load_default(data.source)
        steps = ladder.load(data.source / "reminders.toml")
        secrets = auth.load_secrets_file(auth.default_secrets_path())
        smtp, hook = delivery.smtp_config(secrets), delivery.webhook_config(secrets)
    except (contacts.ContactsError, ladder.LadderError, auth.AuthConfigError, delivery.DeliveryConfigError) as exc:
        raise _ConfigError(str(exc)) from exc
    if not dry_run and smtp is None and hook is None:
        raise _ConfigError(
            f"Chưa cấu hình cách gửi: thêm mục [vlboard.smtp] (thư điện tử) hoặc [vlboard.webhook] vào tệp "
            f"{auth.default_secrets_path()} (xem README, mục «Nhắc báo cáo»), hoặc chạy thử với --dry-run."
        )
    return book, steps, smtp, hook


def cmd_remind(args, data: snapshots.DataDir) -> int:
    try:
        now = _now(args.now)
        periods = _periods(args.period, now.date())
        book, steps, smtp, hook = _configuration(data, args.dry_run)
        board, events, names = _frames(data, periods)
    except _ConfigError as exc:
        print(f"Lỗi cấu hình nhắc báo cáo: {exc}", file=sys.stderr)
        return 1
    except snapshots.SnapshotError as exc:
        print(f"Lỗi: không đọc được bản dữ liệu hiện hành: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:
        print(f"Lỗi: không lập được danh sách đơn vị phải báo cáo: {exc}", file=sys.stderr)
        return 1
    try:
        return _send(args, data, now, (book, steps, smtp, hook), (board, events, names))
    except Exception as exc:
        print(f"Lỗi: lần chạy nhắc báo cáo dừng giữa chừng: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


def _send(args, data: snapshots.DataDir, now: dt.datetime, config, frames) -> int:
    book, steps, smtp, hook = config
    board, events, names = frames
    log = sendlog.log_path(data.root)
    channels = tuple(c for c, on in (("email", smtp or args.dry_run), ("webhook", hook)) if on)
    quiet = steps.is_quiet(now)

    def planned() -> list[reminders.Message]:  # read the log under the run's lock: nothing twice
        state = sendlog.read(log)
        made = reminders.plan(
            board, book, steps, now, done=state.done, failed=state.failed, names=names,
            base_url=settings.get("VLBOARD_PUBLIC_URL") or "", events=events, channels=channels,
        )  # fmt: skip
        notices, lacking = _directive_notices(data, book, steps, now, state, channels)
        for note in made.no_contact + lacking:
            print(f"Lưu ý: {note}", file=sys.stderr)
        return made.messages + notices

    if args.dry_run:
        print(dispatch.dry_run_text(planned(), quiet))
        return 0
    try:
        with sendlog.run_lock(log):
            summary = dispatch.run(planned(), log, now, quiet=quiet, smtp=smtp, webhook=hook)
    except sendlog.LogBusy as exc:
        print(exc, file=sys.stderr)
        return 0
    except OSError as exc:
        print(f"Lỗi: không ghi được nhật ký gửi {log}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(summary.text())
    return 0


def _directive_notices(data, book, steps, now, state, channels):
    """The notices of leaders' directives issued lately (vlboard.intake.directive_notices)."""
    from vlboard.board import directives as frames
    from vlboard.intake import directive_notices
    from vlboard.store.source import Snapshot

    src = Snapshot.current(data)
    try:
        listing = frames.listing(src, now.date())
    finally:
        src.con.close()
    base = settings.get("VLBOARD_PUBLIC_URL") or ""
    return directive_notices.plan(
        listing, book, steps, now, done=state.done, failed=state.failed, base_url=base, channels=channels
    )


def add_commands(sub, with_data) -> None:
    rp = sub.add_parser(
        "remind", help="gửi nhắc báo cáo và thông báo nộp/trả lại/duyệt đến hạn (chạy từ cron hoặc systemd timer)"
    )
    rp.add_argument("--period", help="chỉ kỳ này, ví dụ 2026-Q3 hoặc 2026 (mặc định: quý và năm hiện tại, trước đó)")
    rp.add_argument("--dry-run", action="store_true", help="in đúng các tin sẽ gửi, không gửi, không ghi nhật ký")
    rp.add_argument("--now", help="thời điểm coi là hiện tại (ISO, giờ Việt Nam), để chạy thử")
    rp.set_defaults(func=with_data(cmd_remind))
