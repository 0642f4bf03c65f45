"""The synthetic cycle history of vlboard/bench/cycle.py: four events per subject and period, every
third subject of the benched year left awaiting review, times strictly increasing per subject."""

from __future__ import annotations

import pandas as pd

from vlboard.bench.cycle import PERIOD, synthetic_events


def test_synthetic_events_shape():
    subjects = pd.DataFrame({"subject_type": ["unit"] * 5 + ["agency"], "subject_code": list("abcdeF")})
    ev = synthetic_events(subjects, ["2025-Q4", PERIOD])
    assert len(ev) == 6 * 4 + 2 * 1 + 4 * 4  # subjects 0 and 3 stop after their first submission in PERIOD
    last = ev.sort_values("at").drop_duplicates(["subject_code", "period"], keep="last")
    year = last[last.period == PERIOD].set_index("subject_code").to_state
    assert year.to_dict() == {
        "a": "da_nop",
        "b": "da_duyet",
        "c": "da_duyet",
        "d": "da_nop",
        "e": "da_duyet",
        "F": "da_duyet",
    }
    assert ev.event_id.is_unique
    assert (ev.groupby(["subject_code", "period"]).at.apply(lambda s: s.is_monotonic_increasing)).all()
