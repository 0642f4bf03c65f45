"""Health of the data folder (vlboard.store.health) and its Prometheus text: a good folder is
healthy with its data age, a damaged, missing or too old one is not and says why in Vietnamese,
the last import comes from the history, and the CLI's exit code follows the verdict."""

from __future__ import annotations

import datetime as dt
import json
import re

from tests.support.intake import ADMIN, filled, run
from vlboard.cli import main
from vlboard.domain import formatting
from vlboard.domain.vocab import VN_TZ
from vlboard.intake import imports
from vlboard.store import health, snapshots

LINE = re.compile(r"^(# HELP [a-z_]+ .+|# TYPE [a-z_]+ (gauge|counter)|[a-z_]+ -?[0-9.e+]+)$")


def at(day: str) -> float:
    """Noon of a Vietnamese day, as a unix time."""
    return dt.datetime.fromisoformat(day).replace(hour=12, tzinfo=VN_TZ).timestamp()


def damage(data: snapshots.DataDir) -> None:
    sid = snapshots.current_id(data)
    assert sid
    with (data.snapshots / sid / "results.parquet").open("r+b") as fh:
        fh.seek(40)
        fh.write(b"\0\0\0\0")


def test_a_good_folder_is_healthy_with_its_data_age(tiny_data):
    sid = snapshots.current_id(tiny_data)
    h = health.check(tiny_data)
    assert h.verifies and h.healthy and h.snapshot == sid and h.reason == ""
    assert h.data_date is not None
    day = dt.date.fromisoformat(h.data_date)
    later = health.check(tiny_data, now=at((day + dt.timedelta(days=10)).isoformat()))
    assert later.data_age_days == 10
    assert later.last_write == tiny_data.current_file.stat().st_mtime
    assert h.summary().startswith(
        f"TỐT: bản dữ liệu {sid} kiểm tra đúng, số liệu đến ngày {formatting.date(h.data_date)}"
    )
    assert json.loads(json.dumps(h.as_json()))["healthy"] is True


def test_a_damaged_live_snapshot_is_not_healthy_and_says_why(tiny_data):
    damage(tiny_data)
    h = health.check(tiny_data)
    assert not h.verifies and not h.healthy
    assert "results" in h.reason and "hỏng" in h.reason
    assert h.summary() == f"LỖI: {h.reason}"
    text = health.prometheus(health.health_samples(h))
    assert "vlboard_data_verifies 0\n" in text and "vlboard_healthy 0\n" in text


def test_no_data_at_all_is_not_healthy(tmp_path):
    h = health.check(snapshots.DataDir(tmp_path / "none"))
    assert not h.healthy and h.snapshot is None and "python -m vlboard build" in h.reason
    assert h.last_write is None and h.data_age_days is None


def test_too_old_data_fails_only_when_a_limit_is_given(tiny_data):
    h = health.check(tiny_data)
    assert h.data_date is not None
    late = at((dt.date.fromisoformat(h.data_date) + dt.timedelta(days=100)).isoformat())
    assert health.check(tiny_data, now=late).healthy
    old = health.check(tiny_data, now=late, max_age_days=90)
    assert old.verifies and not old.healthy and "quá cũ" in old.reason and "100 ngày" in old.reason
    assert health.check(tiny_data, now=late, max_age_days=100).healthy


def test_the_last_import_comes_from_the_history(data):
    assert health.check(data).last_import_at is None
    pv = run(data, filled(data, {"C-01": {"value": 64}}))
    assert pv.ok, pv.problems
    imports.commit(data, ADMIN, pv)
    h = health.check(data)
    assert h.healthy and h.last_import_user == ADMIN.username and h.last_import_at
    assert "nhập lần cuối" in h.summary()
    assert h.seconds_since_write is not None and h.seconds_since_write < 60


def test_the_prometheus_text_parses_line_by_line(tiny_data):
    text = health.prometheus(health.health_samples(health.check(tiny_data)))
    assert text.endswith("\n")
    names = set()
    for line in text.splitlines():
        assert LINE.match(line), line
        if not line.startswith("#"):
            name, value = line.split(" ")
            float(value)
            names.add(name)
    assert {"vlboard_data_verifies", "vlboard_data_age_days", "vlboard_last_write_timestamp_seconds"} <= names
    # an unknown value leaves its line out, never a made-up 0
    assert "vlboard_last_import_timestamp_seconds" not in names


def test_the_cli_exit_code_follows_the_verdict(tiny_data, capsys):
    root = str(tiny_data.root)
    assert main(["--data", root, "health"]) == 0
    assert capsys.readouterr().out.startswith("TỐT:")
    assert main(["--data", root, "health", "--json", "--max-age-days", "0"]) == 1
    assert json.loads(capsys.readouterr().out)["healthy"] is False
    damage(tiny_data)
    assert main(["--data", root, "health"]) == 1
    assert capsys.readouterr().out.startswith("LỖI:")


def test_the_server_counts_errors_and_only_loopback_clients_read_the_metrics(tiny_data):
    import logging

    from starlette.requests import Request

    from vlboard.ui import ops

    ops.install()
    ops.install()  # once only: a second call adds no second handler
    before = ops.COUNTS["errors"]
    logging.getLogger("vlboard.tests").error("hỏng")
    logging.getLogger("vlboard.tests").warning("chỉ cảnh báo")
    assert ops.COUNTS["errors"] == before + 1

    def request(peer: str, **headers: str) -> Request:
        raw = [(k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()]
        return Request({"type": "http", "client": (peer, 1234), "headers": raw})

    assert ops.is_loopback(request("127.0.0.1")) and ops.is_loopback(request("::1"))
    assert ops.is_loopback(request("::ffff:127.0.0.1"))  # an IPv4 client of a server listening on ::
    assert not ops.is_loopback(request("192.0.2.5")) and not ops.is_loopback(request("::ffff:192.0.2.5"))
    assert not ops.is_loopback(request("127.0.0.1", x_forwarded_for="203.0.113.7, 127.0.0.1"))
    assert not ops.is_loopback(request("127.0.0.1", x_real_ip="203.0.113.7"))
    assert ops.is_loopback(request("127.0.0.1", x_forwarded_for="127.0.0.1"))

    text = ops.metrics_text(health.check(tiny_data), sessions=3)
    assert "vlboard_sessions 3\n" in text and f"vlboard_errors_total {ops.COUNTS['errors']}\n" in text
    assert all(LINE.match(line) for line in text.splitlines())
