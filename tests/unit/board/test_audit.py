"""The cross-plan audit's flag rules, table-driven (vlboard/board/audit.py), and the shipped
catalogue's concepts read through the snapshot."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from vlboard.board import audit, screens
from vlboard.store.source import Snapshot

OLD, NEW = dt.date(2020, 12, 31), dt.date(2024, 12, 27)


def target(
    code, plan_date, year, comparator, value, value_high=None, *, direction="higher", unit="%", scope="province"
):
    return dict(
        concept_code="k",
        label_vi="Khái niệm",
        concept_pillar="xa_hoi_so",
        judged_by="B",
        judged_by_reason="Văn bản mới nhất",
        concept_note=None,
        indicator_code=code,
        member_note=None,
        plan=f"p-{code}",
        plan_name=f"Kế hoạch {code}",
        plan_date=pd.Timestamp(plan_date),
        plan_level="tinh",
        scope=scope,
        unit=unit,
        kind="percent",
        direction=direction,
        name_vi="x",
        quote=f"trích dẫn {code}",
        year=year,
        comparator=comparator,
        value=value,
        value_high=value_high,
        raw=None,
    )


CASES = [
    # (earlier document's target, later document's target, flags expected)
    ("same target, same year", (2025, ">=", 80), (2025, ">=", 80), "higher", set()),
    ("later plan lower, same year", (2025, ">=", 80), (2025, ">=", 70), "higher", {audit.DIFFERENT, audit.SOFTER}),
    ("later plan higher, same year", (2025, ">=", 70), (2025, ">=", 80), "higher", {audit.DIFFERENT}),
    ("«ít nhất 50%» after «trên 50%»", (2025, ">", 50), (2025, ">=", 50), "higher", {audit.DIFFERENT, audit.SOFTER}),
    ("«trên 50%» after «ít nhất 50%»", (2025, ">=", 50), (2025, ">", 50), "higher", {audit.DIFFERENT}),
    ("later plan lower for a later year", (2025, ">=", 80), (2026, ">=", 70), "higher", {audit.SOFTER, audit.YEARS}),
    ("later plan lower for an earlier year", (2030, ">=", 80), (2025, ">=", 70), "higher", {audit.YEARS}),
    ("roadmap: later year higher", (2025, ">=", 80), (2030, ">=", 100), "higher", {audit.YEARS}),
    ("range vs its lower bound", (2030, "range", 15, 20), (2030, ">=", 15), "higher", {audit.DIFFERENT}),
    ("range lowered", (2030, "range", 15, 20), (2030, ">=", 12), "higher", {audit.DIFFERENT, audit.SOFTER}),
    # lower is better: a higher ceiling is softer
    ("ceiling raised later", (2025, "<=", 10), (2025, "<=", 15), "lower", {audit.DIFFERENT, audit.SOFTER}),
    ("ceiling lowered later", (2025, "<=", 15), (2025, "<=", 10), "lower", {audit.DIFFERENT}),
    ("«≤ 10» after «< 10»", (2025, "<", 10), (2025, "<=", 10), "lower", {audit.DIFFERENT, audit.SOFTER}),
    ("ceiling raised for a later year", (2025, "<=", 10), (2030, "<=", 12), "lower", {audit.SOFTER, audit.YEARS}),
    ("range ceiling raised", (2025, "range", 5, 10), (2025, "range", 5, 12), "lower", {audit.DIFFERENT, audit.SOFTER}),
    ("qualitative beside a number", (2030, "done", None), (2030, ">=", 90), "higher", set()),
]


@pytest.mark.parametrize(("name", "early", "late", "direction", "want"), CASES, ids=[c[0] for c in CASES])
def test_flag_rules(name, early, late, direction, want):
    rows = pd.DataFrame([target("A", OLD, *early, direction=direction), target("B", NEW, *late, direction=direction)])
    got = {flag for flag, _ in audit.findings(rows)}
    assert got == want, name


def test_the_same_document_never_counts_as_later():
    rows = pd.DataFrame([target("A", NEW, 2026, ">", 80), target("B", NEW, 2026, ">=", 80)])
    assert [f for f, _ in audit.findings(rows)] == [audit.DIFFERENT]


@pytest.mark.parametrize(
    ("other", "why"),
    [
        (dict(scope="city+ward"), "a city target is not a conflict with a province target"),
        (dict(scope="agency"), "an agency's own target is not the province's"),
        (dict(unit="điện thoại/hộ"), "another unit"),
        (dict(direction="lower"), "another direction"),
    ],
)
def test_targets_of_different_subjects_or_measures_are_not_compared(other, why):
    b = target("B", NEW, 2025, "<=" if other.get("direction") == "lower" else ">=", 50)
    rows = pd.DataFrame([target("A", OLD, 2025, ">", 80), {**b, **other}])
    assert audit.findings(rows) == [], why


def test_percent_bases_compare_and_sentences_quote_the_printed_cells():
    a = {**target("A", OLD, 2025, ">", 50, unit="% dân số"), "raw": "trên 50%"}
    b = {**target("B", NEW, 2025, ">=", 50, unit="% người dân"), "raw": "Ít nhất 50%"}
    found = dict(audit.findings(pd.DataFrame([a, b])))
    assert found[audit.DIFFERENT] == "Năm 2025: A ghi «trên 50%»; B ghi «Ít nhất 50%»."
    assert found[audit.SOFTER] == "B, ban hành sau, ghi «Ít nhất 50%» (năm 2025): nhẹ hơn A «trên 50%» (năm 2025)."


def test_concepts_members_and_appendix():
    rows = pd.DataFrame([target("A", OLD, 2025, ">", 50), target("B", NEW, 2025, ">=", 50)])
    (c,) = audit.concepts(rows)
    assert c.conflict and c.flags == (audit.DIFFERENT, audit.SOFTER) and c.plans == ("p-A", "p-B")
    assert list(c.members["Đánh giá theo"]) == ["", "✔"] and list(c.members["Trích dẫn"]) == [
        "trích dẫn A",
        "trích dẫn B",
    ]
    assert not c.members.isna().any().any()
    table = audit.appendix_table([c])
    assert list(table["Cờ"]) == [audit.DIFFERENT, audit.SOFTER] and set(table["Đánh giá theo"]) == {"B"}
    assert audit.select([c], flag=audit.SOFTER) == [c] and audit.select([c], flag=audit.YEARS) == []
    assert audit.select([c], pillar="kinh_te_so") == [] and audit.select([c], plan="p-X") == []


def test_shipped_concepts_find_the_known_conflicts(shipped_data):
    items = screens.target_audit(Snapshot.current(shipped_data))
    by_code = {c.code: c for c in items}
    assert 10 <= len(items) <= 40
    # KH 67 (2020) «trên 50%» then QĐ 2702 (2024) «Ít nhất 50%» for 2025: the later plan is softer
    assert audit.SOFTER in by_code["tai-khoan-thanh-toan-dien-tu"].flags
    assert by_code["kinh-te-so-grdp"].flags == (audit.DIFFERENT, audit.YEARS)  # 15–20% vs 15% for 2030
    # households with fibre: both plans print «trên 80%» for 2025; the city's 100% is not compared
    assert not by_code["cap-quang-ho-gia-dinh"].conflict
    for c in items:
        assert c.judged_by in set(c.members["Mã"]), c.code
        assert not c.members.drop(columns=["Ghi chú", "Đánh giá theo"]).eq("").any().any(), c.code
        assert "None" not in " ".join(t for _, t in c.findings) and "nan" not in " ".join(t for _, t in c.findings)
    assert [c.conflict for c in items] == sorted((c.conflict for c in items), reverse=True)
