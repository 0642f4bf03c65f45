"""The small pure parts of the deadline-day benchmark (vlboard/bench/deadline.py): when clerks
arrive, whom they report for, the values they type, what a CLI run did, the counts and the tables."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from vlboard.bench import deadline


def test_schedule_is_seeded_sorted_and_inside_the_window():
    a = deadline.schedule(20, 150.0)
    assert a == deadline.schedule(20, 150.0) and a != deadline.schedule(20, 150.0, seed=24)
    assert len(a) == 20 and a == sorted(a) and a[0] >= 0 and a[-1] <= 150.0
    assert a[-1] - a[0] > 75  # spread over the window, not a burst at its start


def _subjects(n_agencies: int, n_units: int) -> pd.DataFrame:
    rows = [("agency", f"A{i:02d}", f"Sở {i}", 3) for i in range(n_agencies)]
    rows += [("unit", f"U{i:03d}", f"Xã {i}", 12) for i in range(n_units)]
    rows.append(("unit", "U999", "Xã không có chỉ tiêu", 0))
    return pd.DataFrame(rows, columns=["subject_type", "subject_code", "subject_name", "n_indicators"])


def test_pick_subjects_a_third_agencies_spread_and_distinct():
    picked = deadline.pick_subjects(_subjects(24, 124), 20)
    kinds = [k for k, _, _ in picked]
    assert kinds.count("agency") == 6 and kinds.count("unit") == 14
    codes = [c for _, c, _ in picked]
    assert len(set(codes)) == 20 and "U999" not in codes
    units = [c for k, c, _ in picked if k == "unit"]
    assert units[0] == "U000" and units[-1] >= "U110"  # spread over the list, not its first 14


def test_pick_subjects_refuses_when_too_few_report():
    with pytest.raises(ValueError, match="only 5 subjects"):
        deadline.pick_subjects(_subjects(2, 3), 20)


def test_fill_value_is_valid_for_its_kind():
    for k in range(200):
        assert 0 <= deadline.fill_value("percent", k) <= 100
        assert deadline.fill_value("count", k) >= 1
        assert 0 < deadline.fill_value("ratio", k) < 1


@pytest.mark.parametrize(
    ("rc", "stderr", "expected"),
    [
        (0, "", "landed"),
        (2, "Đang có một lần ghi dữ liệu khác (nhập số liệu, …); hãy thử lại sau ít phút.", "retry"),
        (
            2,
            "Dữ liệu đã được cập nhật bởi một lần ghi khác (…); hãy tải tệp lên lại để xem trước. Chưa ghi gì.",
            "retry",
        ),
        (2, "- dòng 6: 120 nằm ngoài 0–100\nTệp có 1 lỗi; chưa ghi gì.", "refused"),
        (3, "Sai tên đăng nhập hoặc mật khẩu (clerk01).", "refused"),
        (1, "Traceback (most recent call last): …", "refused"),
    ],
)
def test_outcome_of_a_cli_run(rc, stderr, expected):
    assert deadline.outcome(rc, stderr) == expected


def _clerk(outcomes: list[str], latency: float) -> dict:
    return {
        "user": "clerk01",
        "outcome": outcomes[-1],
        "latency_s": latency,
        "rows": 12,
        "attempts": [{"outcome": o, "seconds": 2.0, "why": "hãy thử lại" if o == "retry" else ""} for o in outcomes],
    }


def test_import_figures_count_retries_and_only_landed_latency():
    f = deadline.import_figures(
        [_clerk(["landed"], 5.0), _clerk(["retry", "retry", "landed"], 15.0), _clerk(["refused"], 1.0)]
    )
    assert (f["clerks"], f["landed"], f["retries"], f["clerks_retried"]) == (3, 2, 2, 1)
    assert f["latency_max_s"] == 15.0 and f["latency_p50_s"] == 10.0  # the refused one is not a latency
    assert f["retry_reasons"] == ["hãy thử lại"] and f["not_landed"] == ["clerk01: "]
    stale = _clerk(["retry", "landed"], 9.0)
    stale["attempts"][0]["why"] = "Dữ liệu đã được cập nhật (bản 2026A → 2026B) trong lúc xem trước"
    twice = _clerk(["retry", "landed"], 9.0)
    twice["attempts"][0]["why"] = "Dữ liệu đã được cập nhật (bản 2026B → 2026C) trong lúc xem trước"
    reasons = deadline.import_figures([stale, twice])["retry_reasons"]
    assert reasons == ["Dữ liệu đã được cập nhật (bản …) trong lúc xem trước"]  # one reason, not one per version
    assert math.isnan(deadline.pct([], 50)) and deadline.pct([3.0], 95) == 3.0


def _run(landed: int, errors: int, p95: float) -> dict:
    clerks = [_clerk(["landed"], 5.0)] * landed + [_clerk(["refused"], 1.0)] * (20 - landed)
    kind = {"count": 10, "p50_s": 0.2, "p95_s": p95, "max_s": p95}
    return {
        "period": "2026",
        "window_s": 150.0,
        "imports": deadline.import_figures(clerks),
        "readers": {
            "per_kind": {"open": kind, "wall_tick": kind},
            "viewer_actions": 10,
            "viewer_p50_s": 0.2,
            "viewer_p95_s": p95,
            "viewer_max_s": p95,
            "page_loads": 10,
            "page_load_p50_s": 0.2,
            "page_load_p95_s": p95,
            "wall_sessions": 5,
            "slide_changes": 40,
            "errors": errors,
            "error_messages": ["session 3, filter: slow"] if errors else [],
        },
        "server_tracebacks": 0,
        "server_peak_rss_mb": 512.4,
        "final": {
            "audit_imports": landed,
            "audit_clerks": landed,
            "imports_with_rows": landed,
            "history_imports": landed,
        },
    }


def test_render_states_each_goal_met_or_not():
    good = deadline.render(_run(20, 0, 0.8), "2 cores", "4.1", "5.0", "05/12/2026")
    assert good.startswith(deadline.SECTION + "\n") and "05/12/2026" in good and "4.1 before, 5.0 after" in good
    assert good.count("| yes |") == 4 and "| no |" not in good
    assert "| app peak RSS MB | 512 |" in good and "| open the overview (page load) | 10 |" in good
    bad = deadline.render(_run(19, 2, 1.5), "2 cores", "4.1", "5.0", "05/12/2026")
    assert bad.count("| no |") == 3  # an import lost, reader errors, p95 over the rerun goal
    assert "Errors: `session 3, filter: slow`" in bad
    assert "nan" not in good and "None" not in good


def test_beside_imports_splits_viewer_actions_by_what_the_clerks_did_meanwhile():
    clerks = [
        {
            "attempts": [
                {"start": 10.0, "seconds": 5.0, "outcome": "retry"},
                {"start": 20.0, "seconds": 5.0, "outcome": "landed"},
            ]
        }
    ]
    timeline = [
        (5.0, "open", 1.0),  # 4–5: nothing running
        (12.0, "pick", 1.0),  # 11–12: the first (refused) run
        (26.0, "filter", 2.0),  # 24–26: the version of 25 went live
        (27.0, "wall_tick", 9.0),  # the wall's reruns are not viewer actions
        (30.0, "agency", 0.5),
    ]
    split = deadline.beside_imports(timeline, clerks)
    assert {k: v["count"] for k, v in split.items()} == {
        "no import running": 2,
        "an import running": 1,
        "a new version went live": 1,
    }
    assert split["a new version went live"]["p95_s"] == 2.0 and split["no import running"]["p50_s"] == 0.75


def test_refusal_text_keeps_the_problem_line_not_only_the_count():
    err = "- Tệp «a.xlsx» cần hơn 30 giây để đọc; hệ thống dừng đọc\nTệp có 1 lỗi; chưa ghi gì.\n"
    assert (
        deadline.refusal_text(err)
        == "Tệp «a.xlsx» cần hơn 30 giây để đọc; hệ thống dừng đọc … Tệp có 1 lỗi; chưa ghi gì."
    )
    assert deadline.refusal_text("Đang có một lần ghi khác; hãy thử lại.\n") == "Đang có một lần ghi khác; hãy thử lại."
    assert deadline.refusal_text("") == ""


def test_server_errors_keep_each_logged_exception_with_its_traceback():
    log = [
        "2026-12-05 16:07:46.882 No runtime found\n",
        "2026-12-05 16:07:47.001 Uncaught app execution\n",
        "Traceback (most recent call last):\n",
        '  File "views/overview.py", line 3\n',
        "duckdb.IOException: boom\n",
    ]
    (block,) = deadline._error_blocks(log)
    assert block.startswith("2026-12-05 16:07:47.001 Uncaught app execution") and "duckdb.IOException: boom" in block
    assert deadline._error_blocks(log[:1]) == []
