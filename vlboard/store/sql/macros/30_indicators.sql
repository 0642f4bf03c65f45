-- vl_status_indicators(p_year, p_end, p_demo, p_approved) (after vlboard.store.db.prepare_status): one row per indicator, its headline value for the
-- period and the status of that value. The headline is, in order: a figure for the whole
-- province/city; else the units' figures aggregated by what kind of number they are (rates with
-- numerator/denominator re-computed from summed parts, counts summed, other percentages NOT
-- averaged: the median is shown with the spread and aggregation = 'median'); else the figure of
-- the one agency the plan is about (plans of a single office). n_unapproved: how many of the values
-- behind the headline are reports not approved in the reporting cycle (06_approval.sql).
--
-- Computed once per period with the status rows (vl_status_indicators_of, by vlboard.store.db
-- .fill_status, into status_indicators_store; kept with them by vlboard.store.status_kept): the
-- median over every unit's value took 1.4-2 s per period at 100 M results, and the wall asks for
-- six periods. vl_status_indicators reads that table.
create or replace macro vl_status_indicators_of(p_year, p_end, p_demo, p_approved) as table
with r as (  -- vl_status_rows, computed once per period by vlboard.store.db.prepare_status
    select * exclude (k_year, k_end, k_demo, k_approved) from status_rows_cache
    where k_year = p_year and k_end = p_end and k_demo = p_demo and k_approved = p_approved
),
head as (
    select indicator_code, value, period, as_of, source, n_distinct_values,
           (approval in ('draft', 'submitted', 'returned'))::integer as n_unapproved
    from r where level = 'headline' and value is not null
    qualify row_number() over (partition by indicator_code order by period_end desc, source, unit_code) = 1
),
units as (
    select indicator_code,
           count(*) as n_units,
           count(value) as n_reporting,
           case when any_value(kind) = 'count' then 'sum'
                when count(value) > 0 and count(numerator) = count(value) and count(denominator) = count(value)
                     and sum(denominator) > 0 then 'ratio_of_sums'
                when count(value) > 1 then 'median'
                else 'single' end as aggregation,
           sum(value) as v_sum,
           sum(numerator) / nullif(sum(denominator), 0)
               * case when any_value(kind) = 'percent' then 100 else 1 end as v_ratio,
           median(value) as v_median,
           min(value) as v_min, max(value) as v_max,
           max(period) as period, max(as_of) as as_of, string_agg(distinct source, ',' order by source) as source,
           count(*) filter (where value is not null and approval in ('draft', 'submitted', 'returned')) as n_unapproved
    from r where level = 'unit'
    group by indicator_code
),
single_agency as (
    select indicator_code, any_value(value) as value, any_value(period) as period,
           any_value(as_of) as as_of, any_value(source) as source,
           count(*) filter (where approval in ('draft', 'submitted', 'returned')) as n_unapproved
    from r where level = 'agency' and value is not null
    group by indicator_code having count(*) = 1
),
meta as (  -- one row per indicator (status_rows_meta, 25_status_cache.sql: every indicator has
    -- rows in r, its subjects' or its headline row); grouping r's 2.8 M rows for it took ~1 s at 100 M
    select indicator_code, plan, pillar, kind, measure_unit, direction, name_vi, target_year, comparator,
           target, target_high, target_raw, basis, near_band
    from status_rows_meta
    where k_year = p_year and k_end = p_end and k_demo = p_demo and k_approved = p_approved
),
combined as (
    select m.*,
           case when h.value is not null then h.value
                when u.n_reporting > 0 then case u.aggregation when 'sum' then u.v_sum
                                                                when 'ratio_of_sums' then u.v_ratio
                                                                else u.v_median end
                else a.value end as value,
           case when h.value is not null then 'headline'
                when u.n_reporting > 0 then u.aggregation
                when a.value is not null then 'agency' end as aggregation,
           coalesce(u.n_units, 0) as n_units, coalesce(u.n_reporting, 0) as n_units_reporting,
           u.v_min as value_min, u.v_max as value_max,
           coalesce(h.period, u.period, a.period) as period,
           coalesce(h.as_of, u.as_of, a.as_of) as as_of,
           coalesce(h.source, u.source, a.source) as source,
           coalesce(h.n_distinct_values, 0) as n_distinct_values,
           coalesce(case when h.value is not null then h.n_unapproved
                         when u.n_reporting > 0 then u.n_unapproved
                         else a.n_unapproved end, 0)::integer as n_unapproved
    from meta m
    left join head h using (indicator_code)
    left join units u using (indicator_code)
    left join single_agency a using (indicator_code)
)
select *,
       vl_attainment(value, comparator, target, target_high, direction) as attainment,
       vl_status(kind, value, comparator, target, target_high, direction, basis, near_band) as status
from combined;

create table status_indicators_store as
select 0::integer as k_year, date '1900-01-01' as k_end, false as k_demo, false as k_approved, *
from vl_status_indicators_of(0, date '1900-01-01', false, false)
limit 0;

-- the periods kept for the snapshot, read from their files (vlboard.store.status_files)
create view status_indicators_store_files as from status_indicators_store limit 0;

create or replace macro vl_status_indicators(p_year, p_end, p_demo, p_approved := false) as table
select * exclude (k_year, k_end, k_demo, k_approved)
from (select * from status_indicators_store union all select * from status_indicators_store_files)
where k_year = p_year and k_end = p_end and k_demo = p_demo and k_approved = p_approved;
