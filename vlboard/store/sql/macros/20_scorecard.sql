-- Status rows for one period, shared by the scorecard queries (vlboard/sql/status_*.sql).
--
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
--
-- vl_status_rows_part(…, p_lo, p_hi, p_mode) is one part of it, the parts together being the whole:
-- p_mode 'range': the subjects whose unit_code is ≥ p_lo and < p_hi; 'from': ≥ p_lo; 'nulls': those
-- without a unit_code; 'touched': those without a unit_code and those whose unit_code is in the table
-- status_touched_units (between p_lo and p_hi, its least and greatest), in one scan: what a carried
-- period computes (vlboard.store.status_kept);
-- 'headlines': a headline row (no subject, no value) for every indicator, of which the
-- caller keeps the indicators no subject row has. Every row of a subject depends only on that
-- subject's results, so vlboard.store.db.prepare_status fills the cache a range of units at a time:
-- results are sorted by period end, then unit, so a range reads only its own row groups, and each
-- part's hash tables stay small (at 100 M results the whole two years in one hash aggregate spilled
-- gigabytes under the 1 GB limit). Pass p_mode as a literal, so that the other modes fold away.
create or replace macro vl_status_rows_part(p_year, p_end, p_demo, p_approved, p_lo, p_hi, p_mode,
                                           p_targets_ready := false) as table
with res as not materialized (  -- this year and the one before (results are partitioned by year, so
    -- this reads only those files), the part's subjects; only the columns used, and not
    -- materialized: each use reads what it needs.
    -- With p_approved, reports come from the second branch only, when their subject × period is
    -- approved; without it that branch is constant-false and planned away.
    select indicator_code, unit_code, agency_code, period, period_end, year, value, value_text, numerator,
           denominator, as_of, source, result_id, precedence
    from results
    where (p_demo or source <> 'demo') and period_end <= p_end and year between p_year - 1 and p_year
      and (not p_approved or source <> 'report')
      and case p_mode when 'range' then unit_code >= p_lo and unit_code < p_hi when 'from' then unit_code >= p_lo
                      when 'nulls' then unit_code is null
                      when 'touched' then unit_code is null
                                          or (unit_code between p_lo and p_hi
                                              and unit_code in (select unit_code from status_touched_units))
                      else false end
    union all
    select r0.indicator_code, r0.unit_code, r0.agency_code, r0.period, r0.period_end, r0.year, r0.value,
           r0.value_text, r0.numerator, r0.denominator, r0.as_of, r0.source, r0.result_id, r0.precedence
    from results r0
    join vl_cycle_state() c on c.state = 'da_duyet' and c.period = r0.period
     and c.subject_type = vl_subject_type(r0.agency_code) and c.subject_code = coalesce(r0.agency_code, r0.unit_code)
    where p_approved and r0.source = 'report' and r0.period_end <= p_end and r0.year between p_year - 1 and p_year
      and case p_mode when 'range' then r0.unit_code >= p_lo and r0.unit_code < p_hi
                      when 'from' then r0.unit_code >= p_lo when 'nulls' then r0.unit_code is null
                      when 'touched' then r0.unit_code is null
                                          or (r0.unit_code between p_lo and p_hi
                                              and r0.unit_code in (select unit_code from status_touched_units))
                      else false end
),
seen as (  -- every subject of the two years and its newest period end in p_year with a value: one
    -- hash aggregate over the rows; the dissolved subjects are dropped after it, once per subject
    select indicator_code, unit_code, agency_code,
           max(period_end) filter (where year = p_year and value is not null) as last_end
    from res
    group by all
),
alive_units as (  -- a unit (agency) listed more than once is alive when one of its rows is
    select unit_code, bool_or(coalesce(valid_to, date '9999-12-31') >= make_date(p_year, 1, 1)) as alive
    from units group by unit_code
),
alive_agencies as (
    select code, bool_or(coalesce(valid_to, date '9999-12-31') >= make_date(p_year, 1, 1)) as alive
    from agencies group by code
),
subjects as (  -- who reported this year or last, unless dissolved before this year began
    select s.indicator_code, s.unit_code, s.agency_code, s.last_end
    from seen s
    left join alive_units u on u.unit_code = s.unit_code
    left join alive_agencies g on g.code = s.agency_code
    where coalesce(u.alive, true) and coalesce(g.alive, true)
),
at_last as (  -- the subject's rows at its newest date: usually one, several when documents conflict
    select r.indicator_code, r.unit_code, r.agency_code, r.period, r.period_end, r.value, r.value_text,
           r.numerator, r.denominator, r.as_of, r.source, r.result_id, r.precedence
    from res r
    join subjects s on s.indicator_code = r.indicator_code and s.last_end = r.period_end
     and s.unit_code is not distinct from r.unit_code and s.agency_code is not distinct from r.agency_code
    where r.year = p_year and r.value is not null
),
latest as (  -- the one that counts, and how many values there were (conflicting document figures
    -- are kept; say how many)
    select struct_pack(period, period_end, value, value_text, numerator, denominator, as_of, source) as l,
           indicator_code, unit_code, agency_code, count(distinct value) over w as n_distinct
    from at_last
    window w as (partition by indicator_code, unit_code, agency_code)
    qualify row_number() over (partition by indicator_code, unit_code, agency_code
                               order by as_of desc, precedence nulls last, result_id) = 1
),
tgt as (  -- the applicable target at the period's end (12_path.sql); with p_targets_ready (a literal)
    -- the caller has put them in status_fill_targets (25_status_cache.sql) once for all the parts
    select indicator_code, target_year, comparator, target, target_high, target_raw, basis
    from status_fill_targets where p_targets_ready
    union all
    select indicator_code, target_year, comparator, target, target_high, target_raw, basis
    from vl_targets_at(p_end, p_end) where not p_targets_ready
),
grid as (  -- the part's subjects with their value (none: no value this year), or a headline row
    -- for every indicator
    select s.indicator_code, s.unit_code, s.agency_code, l.l, l.n_distinct
    from subjects s
    left join latest l on l.indicator_code = s.indicator_code
     and l.unit_code is not distinct from s.unit_code and l.agency_code is not distinct from s.agency_code
    union all
    select code, null, null, null, null from indicators
    where p_mode = 'headlines'
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
       g.l.period, g.l.period_end, g.l.value, g.l.value_text, g.l.numerator, g.l.denominator, g.l.as_of,
       g.l.source, coalesce(g.n_distinct, 0) as n_distinct_values,
       t.target_year, t.comparator, t.target, t.target_high, t.target_raw, t.basis, nr.near_band,
       vl_attainment(g.l.value, t.comparator, t.target, t.target_high, i.direction) as attainment,
       vl_status(i.kind, g.l.value, t.comparator, t.target, t.target_high, i.direction, t.basis,
                 nr.near_band) as status,
       vl_approval(g.l.source, cs.state) as approval
from grid g
join indicators i on i.code = g.indicator_code
join near nr on nr.indicator_code = i.code
left join units un on un.unit_code = g.unit_code
left join tgt t on t.indicator_code = i.code
left join vl_cycle_state() cs on g.l.source = 'report' and cs.period = g.l.period
 and cs.subject_type = vl_subject_type(g.agency_code) and cs.subject_code = coalesce(g.agency_code, g.unit_code);

-- the whole, in one statement (the parts above over every unit)
create or replace macro vl_status_rows(p_year, p_end, p_demo, p_approved := false) as table
with s as (
    select * from vl_status_rows_part(p_year, p_end, p_demo, p_approved, '', null, 'from')
    union all
    select * from vl_status_rows_part(p_year, p_end, p_demo, p_approved, null, null, 'nulls')
)
select * from s
union all
select * from vl_status_rows_part(p_year, p_end, p_demo, p_approved, null, null, 'headlines')
where indicator_code not in (select indicator_code from s);
