-- The target a figure of a given date is judged against (one rule for the scorecard, the stored
-- per-result judgement and the indicator page's pace line; vlboard.domain.roadmap.applicable_target is the
-- same rule in Python and a test checks them against each other on every shipped indicator):
--   'same'      the target printed for the date's year;
--   'path'      no target printed for that year: the straight path (lộ trình) between the two
--               points around the date, by days. The points are every dated numeric target at the
--               end of its year and, before the first of them, the indicator's baseline (its
--               earliest real value). Being behind the path counts as much as being ahead of it;
--   'next'      no path can be drawn (nothing before the date to start from): a later target,
--               not due yet;
--   'previous'  after the last target: the last one, kept after its year.
-- Reads results_stored (the results as written), so it can judge while a snapshot is written.

-- every numeric target that has a year, as a point at the end of that year
create or replace macro vl_dated_targets() as table
select indicator_code, year, make_date(year, 12, 31) as point_date, comparator, value, value_high, raw
from targets
where comparator in ('>=', '>', '<=', '<', 'range') and value is not null and year is not null;

-- the segments of each indicator's path: baseline → first target → next target → …
create or replace macro vl_path_segments() as table
with dated as (
    select * from vl_dated_targets()
),
firsts as (
    select indicator_code, min(point_date) as first_date from dated group by indicator_code
),
first_real as (  -- the date of the earliest real value before the first target: a hash aggregate
    select r.indicator_code, min(r.period_end) as point_date
    from results_stored r
    join firsts f on f.indicator_code = r.indicator_code and r.period_end < f.first_date
    where r.source <> 'demo' and r.value is not null and isfinite(r.value)
    group by r.indicator_code
),
baseline as (  -- its value (the order of sql/baselines.sql: period end, as of, precedence, result id)
    select r.indicator_code, r.period_end as point_date,
           arg_min(r.value, (coalesce(r.as_of, date '9999-12-31'), coalesce(r.precedence, 2147483647),
                             r.result_id)) as value
    from results_stored r
    join first_real b on b.indicator_code = r.indicator_code and b.point_date = r.period_end
    where r.source <> 'demo' and r.value is not null and isfinite(r.value)
    group by r.indicator_code, r.period_end
),
points as (
    select indicator_code, point_date, value, coalesce(value_high, value) as high, comparator, year, raw
    from dated
    union all
    select indicator_code, point_date, value, value, null, null, null
    from baseline
),
ordered as (
    select *,
           lag(point_date) over w as seg_start, lag(value) over w as start_value,
           lag(high) over w as start_high
    from points
    window w as (partition by indicator_code order by point_date)
)
select indicator_code, seg_start, point_date as seg_end, start_value, value as end_value,
       start_high, high as end_high, comparator, year as end_year, raw as end_raw
from ordered
where seg_start is not null;

-- The path segments of the snapshot a connection reads, kept once by vlboard.store.db.fill_status: each
-- period filled reads them through vl_targets_at(…, p_segments_ready := true) instead of scanning every
-- result again for the baselines (~0.8 s a period at 100 M results). The columns of vl_path_segments.
create table if not exists status_path_segments (
    indicator_code varchar, seg_start date, seg_end date, start_value double, end_value double,
    start_high double, end_high double, comparator varchar, end_year integer, end_raw varchar
);

-- a value on the straight line from (t0, a) to (t1, b) at date d (t0 < d <= t1)
create or replace macro vl_path_value(a, b, t0, t1, d) as
    a + (b - a) * date_diff('day', t0, d) / greatest(1, date_diff('day', t0, t1));

-- vl_targets_at(p_from, p_to): the applicable target of every indicator that has a dated numeric
-- target, at every period end of results_stored between p_from and p_to (none when p_from = p_to)
-- and at p_to itself. Columns: indicator_code, at_date, basis, target_year, comparator, target,
-- target_high, target_raw (as printed; for 'path' the raw cell of the target the path leads to).
-- p_segments_ready (a literal): the segments are read from status_path_segments, filled by the caller.
create or replace macro vl_targets_at(p_from, p_to, p_segments_ready := false) as table
with dates as (
    select distinct period_end as at_date from results_stored
    where p_from < p_to and period_end between p_from and p_to
    union
    select p_to::date
),
dated as (
    select * from vl_dated_targets()
),
keys as (
    select c.indicator_code, d.at_date
    from (select distinct indicator_code from dated) c cross join dates d
),
same as (
    select k.indicator_code, k.at_date, t.year, t.comparator, t.value, t.value_high, t.raw
    from keys k join dated t on t.indicator_code = k.indicator_code and t.year = year(k.at_date)
),
seg as (
    select k.indicator_code, k.at_date, s.*
    from keys k join (
        select * from vl_path_segments() where not p_segments_ready
        union all
        select * from status_path_segments where p_segments_ready
    ) s
      on s.indicator_code = k.indicator_code and s.seg_start < k.at_date and k.at_date <= s.seg_end
),
around as (
    select k.indicator_code, k.at_date,
           min(t.year) filter (where t.year > year(k.at_date)) as next_year,
           max(t.year) filter (where t.year < year(k.at_date)) as previous_year
    from keys k join dated t on t.indicator_code = k.indicator_code
    group by k.indicator_code, k.at_date
),
other as (
    select a.indicator_code, a.at_date,
           case when a.next_year is not null then 'next' else 'previous' end as basis, t.year,
           t.comparator, t.value, t.value_high, t.raw
    from around a
    join dated t on t.indicator_code = a.indicator_code and t.year = coalesce(a.next_year, a.previous_year)
)
select k.indicator_code, k.at_date,
       case when sm.year is not null then 'same' when sg.seg_end is not null then 'path' else o.basis end as basis,
       coalesce(sm.year, sg.end_year, o.year) as target_year,
       coalesce(sm.comparator, sg.comparator, o.comparator) as comparator,
       case when sm.year is not null then sm.value
            when sg.seg_end is not null then vl_path_value(sg.start_value, sg.end_value, sg.seg_start, sg.seg_end, k.at_date)
            else o.value end as target,
       case when sm.year is not null then sm.value_high
            when sg.seg_end is not null then
                 case when sg.comparator = 'range'
                      then vl_path_value(sg.start_high, sg.end_high, sg.seg_start, sg.seg_end, k.at_date) end
            else o.value_high end as target_high,
       coalesce(sm.raw, sg.end_raw, o.raw) as target_raw
from keys k
left join same sm on sm.indicator_code = k.indicator_code and sm.at_date = k.at_date
left join seg sg on sg.indicator_code = k.indicator_code and sg.at_date = k.at_date
left join other o on o.indicator_code = k.indicator_code and o.at_date = k.at_date;
