"""The reporting cycle's rules, table-driven: every state × action, who may act, days late."""

from __future__ import annotations

import datetime as dt

import pytest

from vlboard.domain import cycle

# state × action → next state, or None when refused (every pair of the two lists)
TABLE = {
    "chua_nop": {"submit": "da_nop", "approve": None, "return": None, "reopen": None},
    "da_nop": {"submit": None, "approve": "da_duyet", "return": "tra_lai", "reopen": None},
    "tra_lai": {"submit": "da_nop", "approve": None, "return": None, "reopen": None},
    "da_duyet": {"submit": None, "approve": None, "return": None, "reopen": "mo_lai"},
    "mo_lai": {"submit": "da_nop", "approve": None, "return": None, "reopen": None},
}
CASES = [(s, a, nxt) for s, row in TABLE.items() for a, nxt in row.items()]


def test_the_table_covers_every_state_and_action():
    assert set(TABLE) == set(cycle.STATES)
    assert all(set(row) == set(cycle.ACTIONS) for row in TABLE.values())


@pytest.mark.parametrize(("state", "action", "expected"), CASES)
def test_transition(state, action, expected):
    if expected is None:
        with pytest.raises(cycle.TransitionError) as exc:
            cycle.transition(state, action)
        msg = str(exc.value)
        assert cycle.STATES[state] in msg and cycle.ACTIONS[action].lower() in msg
    else:
        assert cycle.transition(state, action) == expected


def test_refusal_says_what_is_possible():
    with pytest.raises(cycle.TransitionError, match="chỉ có thể duyệt hoặc trả lại"):
        cycle.transition("da_nop", "submit")


@pytest.mark.parametrize(("state", "action"), [("xyz", "submit"), ("chua_nop", "delete")])
def test_unknown_state_or_action(state, action):
    with pytest.raises(cycle.TransitionError, match="không hợp lệ"):
        cycle.transition(state, action)


# role, action, owns the subject, reviews the subject → allowed
MAY = [
    ("admin", "submit", False, False, True),
    ("admin", "approve", False, False, True),
    ("admin", "return", False, False, True),
    ("admin", "reopen", False, False, True),
    ("editor", "submit", True, False, True),
    ("editor", "submit", False, False, False),
    ("editor", "approve", True, True, False),
    ("editor", "reopen", True, True, False),
    ("reviewer", "approve", False, True, True),
    ("reviewer", "return", False, True, True),
    ("reviewer", "approve", False, False, False),
    ("reviewer", "submit", True, True, False),
    ("reviewer", "reopen", False, True, False),
    ("viewer", "submit", True, True, False),
    ("viewer", "approve", True, True, False),
]


@pytest.mark.parametrize(("role", "action", "owns", "reviews", "allowed"), MAY)
def test_who_may_act(role, action, owns, reviews, allowed):
    assert cycle.may(role, action, owns_subject=owns, reviews_subject=reviews) is allowed


def test_reason_needed_for_return_and_reopen_only():
    assert {"return", "reopen"} == cycle.NEEDS_REASON


@pytest.mark.parametrize(
    ("state", "today", "late"),
    [
        ("chua_nop", dt.date(2026, 10, 20), 10),
        ("chua_nop", dt.date(2026, 10, 5), 0),
        ("tra_lai", dt.date(2026, 10, 11), 1),
        ("mo_lai", dt.date(2026, 10, 12), 2),
        ("da_nop", dt.date(2026, 12, 1), 0),
        ("da_duyet", dt.date(2026, 12, 1), 0),
    ],
)
def test_days_late(state, today, late):
    assert cycle.days_late(state, dt.date(2026, 10, 10), today) == late


def test_locked_states_say_what_to_do():
    assert set(cycle.LOCKED) == {"da_nop", "da_duyet"}
    assert "trả lại" in cycle.LOCKED["da_nop"] and "mở lại" in cycle.LOCKED["da_duyet"]
