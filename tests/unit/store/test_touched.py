"""Which periods' status rows a difference between two versions can reach (vlboard.store.touched):
a period reads the results of its year and the year before up to its end; the year before only
tells which subjects exist."""

from __future__ import annotations

import datetime as dt

from vlboard.store.touched import Change, Difference

D = dt.date
Q3 = (2025, "2025-09-30", False, False)


def _of(*changes: Change, events=(), key=Q3):
    return Difference(tuple(changes), tuple(events)).of(key)


def test_a_value_of_the_period_reaches_it_and_a_later_one_does_not():
    mine = Change("w1", None, 2025, D(2025, 9, 30), True, True, True)
    later = Change("w2", None, 2025, D(2025, 12, 31), True, True, True)
    assert _of(mine, later) == (["w1"], [], True)
    assert _of(later) == ([], [], False)
    assert _of(Change("w1", "so-a", 2026, D(2026, 3, 31), True, False, False)) == ([], [], False)


def test_the_year_before_reaches_the_period_only_when_a_subject_can_appear_or_go():
    replaced = Change("w1", None, 2024, D(2024, 12, 31), True, True, True)
    new_subject = Change("w2", "so-a", 2024, D(2024, 12, 31), True, False, False)
    assert _of(replaced) == ([], [], False)
    assert _of(new_subject) == (["w2"], ["so-a"], True)
    approved_only = (2025, "2025-09-30", False, True)  # the cycle decides which reports count
    assert _of(replaced, key=approved_only) == (["w1"], [], True)
    assert _of(Change("w3", None, 2023, D(2023, 12, 31), True, False, False)) == ([], [], False)  # two years back


def test_a_demo_value_replaced_by_a_report_makes_its_subject_appear_among_the_real_values():
    replaced = Change("w1", None, 2024, D(2024, 12, 31), True, True, False)
    assert _of(replaced, key=(2025, "2025-09-30", True, False)) == ([], [], False)  # with demo: the same subjects
    assert _of(replaced) == (["w1"], [], True)  # without demo values, w1 may be new


def test_demo_rows_reach_only_the_periods_that_show_demo_values():
    demo = Change("w1", None, 2025, D(2025, 6, 30), False, True, True)
    assert _of(demo) == ([], [], False)
    assert _of(demo, key=(2025, "2025-09-30", True, False)) == (["w1"], [], True)


def test_a_province_figure_reaches_the_period_without_naming_a_unit():
    assert _of(Change(None, None, 2025, D(2025, 3, 31), True, True, True)) == ([], [], True)
    assert _of(Change("w1", None, None, None, True, True, True)) == (["w1"], [], True)  # undated: counted


def test_a_cycle_event_reaches_the_periods_that_end_after_its_own():
    events = [("unit", "w1", "2025-Q3"), ("agency", "so-a", "2025-Q4"), ("unit", "w9", "không-phải-kỳ")]
    assert _of(events=events) == (["w1", "w9"], [], True)
    assert _of(events=events[1:2]) == ([], [], False)
    assert _of(events=events[1:2], key=(2025, "2025-12-31", False, False)) == ([], ["so-a"], True)
