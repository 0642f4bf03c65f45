"""Demo results: labelled, deterministic, realistic about unit validity, never over documents."""

from __future__ import annotations

import duckdb
import pytest

from vlboard.store import db, snapshots


@pytest.fixture(scope="module")
def con(shipped_data):
    _, path, _ = snapshots.current(shipped_data)
    return db.open_snapshot(path)


def q(con, sql, params=None):
    return con.cursor().execute(sql, params).fetchall()


def test_demo_rows_are_labelled(con):
    rows = q(con, "select distinct reported_by, quote is null from results where source = 'demo'")
    assert rows == [("demo (số liệu minh họa)", True)]


def test_demo_rows_are_unique(con):
    # the merged Phường 1 (2024) is both a phường and a successor: it was once generated twice
    dup = q(con, "select count(*) - count(distinct result_id) from results where source = 'demo'")[0][0]
    assert dup == 0
    assert q(con, "select count(*) from results where unit_code = 'p2024-29551'")[0][0] > 0


def test_demo_covers_2023q1_to_last_quarter_for_the_11_wards(con):
    first, last = q(con, "select min(period), max(period) from results where source='demo' and period_type='quarter'")[
        0
    ]
    assert (first, last) == ("2023-Q1", "2026-Q3")
    wards = q(
        con,
        """select count(distinct r.unit_code) from results r
                      where r.source='demo' and r.unit_code like 'p2023-%'""",
    )[0][0]
    assert wards == 11
    # the merged Phường 1 reports from 2024-Q4 until the 2025 reorganisation
    first, last = q(con, "select min(period), max(period) from results where unit_code='p2024-29551'")[0]
    assert (first, last) == ("2024-Q4", "2025-Q2")


def test_demo_respects_unit_validity(con):
    # Phường 1 and 2 merged from 01/11/2024: neither reports after 2024-Q3
    for old in ("p2023-29548", "p2023-29551"):
        last = q(con, "select max(period_end) from results where unit_code=$u", {"u": old})[0][0]
        assert str(last) <= "2024-09-30"
    # the 2025 phường report from 2025-Q3 on
    first_new = q(
        con,
        """select min(period_end) from results r join units u using (unit_code)
                          where u.level='xa' and r.period_type='quarter'""",
    )[0][0]
    assert str(first_new) >= "2025-07-01"


def test_yearly_commune_results_for_province_indicators(con):
    n_units = q(
        con,
        """select count(distinct r.unit_code) from results r join units u using (unit_code)
                       join indicators i on i.code = r.indicator_code
                       where u.level='xa' and r.period_type='year' and i.plan <> 'qd3100-2023-tpvl'""",
    )[0][0]
    assert 100 <= n_units <= 124  # some units do not report every indicator


def test_some_units_lag_and_some_do_not_report(con):
    (missing,) = q(
        con,
        """with expected as (
                             select indicator_code, count(distinct unit_code) n from results
                             where source='demo' and period='2025-Q1' group by 1)
                           select count(*) from expected where n < 11""",
    )[0]
    assert missing > 0
    rates = q(
        con,
        """select r.value / t.value from results r join targets t
                      on t.indicator_code=r.indicator_code and t.year=r.year
                      where r.source='demo' and t.comparator in ('>=','>') and t.value > 0
                      and r.period like '%-Q4'""",
    )
    ratios = sorted(x[0] for x in rates)  # at the end of each target year
    assert ratios[len(ratios) // 10] < 0.85 < 0.95 < ratios[len(ratios) // 2]


def test_percent_demo_values_are_consistent_with_parts(con):
    bad = q(
        con,
        """select count(*) from results where source='demo' and denominator is not null
                    and (value < 0 or value > 100 or abs(value - 100*numerator/denominator) > 0.01)""",
    )[0][0]
    assert bad == 0


def test_document_figures_are_never_overwritten(con):
    clashes = q(
        con,
        """select count(*) from results d join results m
                        on d.indicator_code=m.indicator_code and d.period=m.period
                        and coalesce(d.unit_code,'')=coalesce(m.unit_code,'')
                        and coalesce(d.agency_code,'')=coalesce(m.agency_code,'')
                        where d.source='document' and m.source='demo'""",
    )[0][0]
    assert clashes == 0
    # every linked document figure is in results, once per comparable linked indicator
    n_doc = q(con, "select count(*) from results where source='document'")[0][0]
    assert n_doc > 100
    mismatched = q(
        con,
        """select count(*) from results r join indicators i on i.code = r.indicator_code
                           join results_documents d on d.result_id = r.source_ref
                           where r.value is not null and i.kind in ('percent', 'count', 'ratio')
                             and (i.kind = 'percent') <> starts_with(coalesce(d.unit, ''), '%')""",
    )[0][0]
    assert mismatched == 0
    # 315 citizen opinions are context for "100% answered on time", not a result of 315%
    assert q(con, "select count(*) from results where indicator_code = 'VP-2026-17'")[0][0] == 0


def test_views_are_read_only_sql_over_parquet(con):
    with pytest.raises(duckdb.Error):
        con.cursor().execute("insert into results (result_id) values ('x')")


def test_agencies_report_only_while_they_exist(con):
    # city-level bodies ended with the district level (Công an TPVL already on 2025-02-28)
    late = q(
        con,
        """select count(*) from results r join agencies g on g.code = r.agency_code
                     where r.source='demo' and g.valid_to is not null and r.period_end > g.valid_to""",
    )[0][0]
    assert late == 0
    n_agencies = q(con, "select count(distinct agency_code) from results where source='demo'")[0][0]
    assert n_agencies >= 8
