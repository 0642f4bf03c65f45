"""The commentary (giải trình) columns of an import (issue 20): each row's explanation checked with
the status its new value will have, how many misses of the file still lack one (the preview says
it), and the ``commentary_events`` rows the commit writes in the same snapshot as the results.
The rules: vlboard.domain.commentary. No streamlit."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa

from vlboard.domain import commentary as rules
from vlboard.domain.periods import parse_period
from vlboard.intake.upload import LABEL, Problem
from vlboard.store import db, schema, snapshots
from vlboard.store.source import Source


@dataclass(frozen=True)
class Row:
    """One file row's explanation, keyed like the commentary_events table."""

    number: int
    indicator_code: str
    period: str
    subject_type: str
    subject_code: str
    status: str | None
    explanation: rules.Explanation

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.indicator_code, self.period, self.subject_type, self.subject_code)


def statuses(path: Path, rows: pd.DataFrame) -> list[str | None]:
    """The status each row's value will have, judged by the writer's rule (db.judge_results) with the
    snapshot's targets. The path's baseline is taken from these rows only: a preview's estimate; the
    submit rule reads the status stored at the commit."""
    if rows.empty:
        return []
    catalogue = {t: snapshots.read_table(path, t) for t in ("indicators", "targets", "status_config")}
    recs = []
    for i, r in enumerate(rows.itertuples(index=False)):
        p = parse_period(r.period)
        agency = r.scope_code if r.scope_type == "agency" else None
        recs.append(
            dict(
                result_id=str(i),
                indicator_code=r.indicator_code,
                period=p.code,
                period_type=p.kind,
                year=p.year,
                period_end=p.end,
                unit_code=r.unit_code,
                agency_code=agency,
                value=None if pd.isna(r.value) else float(r.value),
                as_of=p.end,
                source="report",
            )
        )
    table = pa.Table.from_pylist(recs, schema=schema.arrow_schema("results", derived=False))
    judged = db.judge_results({**catalogue, "results": table})
    return judged.column("year_status").to_pylist()


def check(rows: pd.DataFrame, status: list[str | None], sheet: str) -> tuple[list[Row], list[Problem]]:
    """Every row's explanation (empty when the file has no commentary columns), and a Problem
    naming row and column for each bad one."""
    out, problems = [], []
    for (number, r), st in zip(rows.iterrows(), status):
        p = parse_period(r.period)
        try:
            e = rules.explanation(r.get("cause"), r.get("remedy"), r.get("back_by"), status=st, period_end=p.end)
        except rules.CommentaryError as exc:
            problems.append(Problem(sheet, int(number), LABEL[exc.field], str(exc)))
            continue
        out.append(Row(int(number), r.indicator_code, p.code, r.scope_type, r.scope_code, st, e))
    return out, problems


def _current(src: Source) -> dict[tuple[str, str, str, str], rules.Explanation]:
    cur = src.q("commentary_current", period="")
    return {
        (r.indicator_code, r.period, r.subject_type, r.subject_code): rules.Explanation(
            r.cause,
            None if pd.isna(r.remedy) else r.remedy,
            None if pd.isna(r.back_by) else pd.Timestamp(r.back_by).date(),
        )
        for r in cur.itertuples(index=False)
    }


def missing(src: Source, rows: list[Row]) -> list[Row]:
    """The file's misses with no explanation in the file nor already recorded: required before submitting."""
    have = _current(src)
    return [r for r in rows if rules.requires(r.status) and r.explanation.empty and r.key not in have]


def changed(src: Source, rows: list[Row]) -> int:
    """How many of the file's explanations are new or differ from the current ones."""
    have = _current(src)
    return sum(1 for r in rows if not r.explanation.empty and have.get(r.key) != r.explanation)


def events(src: Source, rows: list[Row], user, import_id: str, now: dt.datetime, base: str) -> list[dict]:
    """commentary_events rows for the explanations of the file that differ from the current ones;
    ``at`` after every earlier event of the key."""
    have = _current(src)
    hist = src.q("commentary_events")
    newest = hist.groupby(["indicator_code", "period", "subject_type", "subject_code"])["at"].max().to_dict()
    out = []
    for r in rows:
        if r.explanation.empty or have.get(r.key) == r.explanation:
            continue
        at = now.replace(tzinfo=None)
        last = newest.get(r.key)
        if last is not None and not pd.isna(last) and at <= pd.Timestamp(last).to_pydatetime():
            at = pd.Timestamp(last).to_pydatetime() + dt.timedelta(milliseconds=1)
        out.append(
            dict(
                event_id=f"gt-{at:%Y%m%dT%H%M%S%f}-{os.urandom(4).hex()}",
                at=at,
                username=user.username,
                role=user.role,
                source="import",
                import_id=import_id,
                indicator_code=r.indicator_code,
                period=r.period,
                subject_type=r.subject_type,
                subject_code=r.subject_code,
                cause=r.explanation.cause,
                remedy=r.explanation.remedy,
                back_by=r.explanation.back_by,
                base_snapshot=base,
            )
        )
    return out
