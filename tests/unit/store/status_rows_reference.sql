-- The status rows macro as it was before the fill by parts (commit 65afe8c, sql/macros/20_scorecard.sql),
-- kept as the reference tests/unit/store/test_status_rows.py compares the new one with: same rows.
-- vl_status_rows(p_year, p_end, p_demo, p_approved): one row per indicator × subject, where a subject is a
-- (unit_code, agency_code) pair that reported the indicator in p_year or the year before (up to
-- p_end) and still existed when p_year began. Its value is
-- the newest one inside year p_year (so 2025-Q3 uses Q3 reports, and a yearly 2025 figure counts
-- once the year is closed). Indicators nobody reported get one headline row with value NULL.
-- The target is the one applicable at p_end (sql/macros/12_path.sql): that year's ('same'); failing
-- that the straight path between the targets around p_end ('path'); failing that the next later
-- one with no path to it ('next': not due yet); failing that the last earlier one ('previous').
-- approval: the value's approval (06_approval.sql), NULL without a value. p_approved (the filter
-- «Chỉ số liệu đã duyệt»): reports count only once approved; pass it as a literal (vlboard.store.db
-- .prepare_status does), so that when false the second branch of res is planned away.
create or replace macro vl_status_rows_reference(p_year, p_end, p_demo, p_approved := false) as table
with res as not materialized (  -- this year and the one before (results are sorted by year, so this
    -- prunes row groups); only the columns used, and not materialized: each use reads what it needs.
    -- With p_approved, reports come from the second branch only, when their subject × period is
    -- approved; without it that branch is constant-false and planned away.
    select indicator_code, unit_code, agency_code, period, period_end, year, value, value_text, numerator,
           denominator, as_of, source, result_id, precedence
    from results
    where (p_demo or source <> 'demo') and period_end <= p_end and year between p_year - 1 and p_year
      and (not p_approved or source <> 'report')
    union all
    select r0.indicator_code, r0.unit_code, r0.agency_code, r0.period, r0.period_end, r0.year, r0.value,
           r0.value_text, r0.numerator, r0.denominator, r0.as_of, r0.source, r0.result_id, r0.precedence
    from results r0
    join vl_cycle_state() c on c.state = 'da_duyet' and c.period = r0.period
     and c.subject_type = vl_subject_type(r0.agency_code) and c.subject_code = coalesce(r0.agency_code, r0.unit_code)
    where p_approved and r0.source = 'report' and r0.period_end <= p_end and r0.year between p_year - 1 and p_year
),
subjects as (  -- who reported this year or last, unless dissolved before this year began
    select distinct r.indicator_code, r.unit_code, r.agency_code
    from res r
    left join units u on u.unit_code = r.unit_code
    left join agencies g on g.code = r.agency_code
    where coalesce(u.valid_to, date '9999-12-31') >= make_date(p_year, 1, 1)
      and coalesce(g.valid_to, date '9999-12-31') >= make_date(p_year, 1, 1)
),
in_year as not materialized (
    select * from res where year = p_year and value is not null
),
last_end as (  -- the newest period end of each subject this year (a hash aggregate, no window)
    select indicator_code, unit_code, agency_code, max(period_end) as last_end
    from in_year group by all
),
at_last as (  -- the subject's rows at that date: usually one, several when documents conflict
    select r.*
    from in_year r
    join last_end l on l.indicator_code = r.indicator_code and l.last_end = r.period_end
     and l.unit_code is not distinct from r.unit_code and l.agency_code is not distinct from r.agency_code
),
latest as (
    select indicator_code, unit_code, agency_code, period, period_end, value, value_text, numerator,
           denominator, as_of, source, result_id
    from at_last
    qualify row_number() over (partition by indicator_code, unit_code, agency_code
                               order by as_of desc, precedence nulls last, result_id) = 1
),
n_values as (  -- conflicting document figures are kept; say how many there were
    select indicator_code, unit_code, agency_code, count(distinct value) as n_distinct
    from at_last
    group by all
),
tgt as (  -- the applicable target at the period's end (12_path.sql)
    select indicator_code, target_year, comparator, target, target_high, target_raw, basis
    from vl_targets_at(p_end, p_end)
),
grid as (
    select indicator_code, unit_code, agency_code from subjects
    union all
    select code, null, null from indicators
    where code not in (select indicator_code from subjects)
),
near as (
    select i.code as indicator_code,
           coalesce(o.near_band, d.near_band) as near_band
    from indicators i
    cross join (select near_band from status_config where indicator_code is null) d
    left join status_config o on o.indicator_code = i.code
)
select i.code as indicator_code, i.plan, i.pillar, i.kind, i.unit as measure_unit, i.direction,
       i.name_vi, g.unit_code, g.agency_code,
       case when g.agency_code is not null then 'agency'
            when g.unit_code is null or un.level in ('tinh', 'thanh_pho') then 'headline'
            else 'unit' end as level,
       l.period, l.period_end, l.value, l.value_text, l.numerator, l.denominator, l.as_of, l.source,
       coalesce(nv.n_distinct, 0) as n_distinct_values,
       t.target_year, t.comparator, t.target, t.target_high, t.target_raw, t.basis, nr.near_band,
       vl_attainment(l.value, t.comparator, t.target, t.target_high, i.direction) as attainment,
       vl_status(i.kind, l.value, t.comparator, t.target, t.target_high, i.direction, t.basis,
                 nr.near_band) as status,
       vl_approval(l.source, cs.state) as approval
from grid g
join indicators i on i.code = g.indicator_code
join near nr on nr.indicator_code = i.code
left join units un on un.unit_code = g.unit_code
left join latest l on l.indicator_code = g.indicator_code
                  and l.unit_code is not distinct from g.unit_code
                  and l.agency_code is not distinct from g.agency_code
left join n_values nv on nv.indicator_code = g.indicator_code
                     and nv.unit_code is not distinct from g.unit_code
                     and nv.agency_code is not distinct from g.agency_code
left join tgt t on t.indicator_code = i.code
left join vl_cycle_state() cs on l.source = 'report' and cs.period = l.period
 and cs.subject_type = vl_subject_type(l.agency_code) and cs.subject_code = coalesce(l.agency_code, l.unit_code);
