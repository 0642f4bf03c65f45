-- Status rows for one period, shared by the scorecard queries (vlboard/sql/status_*.sql).
--
-- vl_status_rows(p_year, p_end, p_demo): one row per indicator × subject, where a subject is a
-- (unit_code, agency_code) pair that has reported the indicator on or before p_end. Its value is
-- the newest one inside year p_year (so 2025-Q3 uses Q3 reports, and a yearly 2025 figure counts
-- once the year is closed). Indicators nobody reported get one headline row with value NULL.
-- The target is that year's; failing that the next later one (basis 'next': not due yet), failing
-- that the last earlier one (basis 'previous').
create or replace macro vl_status_rows(p_year, p_end, p_demo) as table
with res as (
    select * from results
    where (p_demo or source <> 'demo') and period_end <= p_end
),
subjects as (
    select distinct indicator_code, unit_code, agency_code from res
),
in_year as (  -- this year's values, each with the newest period end of its subject
    select *, max(period_end) over (partition by indicator_code, unit_code, agency_code) as last_end
    from res
    where year = p_year and value is not null
),
latest as (
    select indicator_code, unit_code, agency_code, period, period_end, value, value_text, numerator,
           denominator, as_of, source, result_id
    from in_year
    qualify row_number() over (partition by indicator_code, unit_code, agency_code
                               order by period_end desc, as_of desc, result_id) = 1
),
n_values as (  -- conflicting document figures are kept; say how many there were
    select indicator_code, unit_code, agency_code, count(distinct value) as n_distinct
    from in_year
    where period_end = last_end
    group by all
),
usable as (
    select * from targets where comparator is not null
),
pick as (
    select indicator_code,
           coalesce(max(year) filter (where year = p_year),
                    min(year) filter (where year > p_year),
                    max(year)) as target_year
    from usable
    group by indicator_code
),
tgt as (
    select u.indicator_code, u.year as target_year, u.comparator, u.value as target,
           u.value_high as target_high, u.raw as target_raw,
           case when u.year = p_year then 'same' when u.year > p_year then 'next' else 'previous' end as basis
    from usable u join pick p on p.indicator_code = u.indicator_code and p.target_year = u.year
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
                 nr.near_band) as status
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
left join tgt t on t.indicator_code = i.code;

-- vl_status_indicators(p_year, p_end, p_demo): one row per indicator, its headline value for the
-- period and the status of that value. The headline is, in order: a figure for the whole
-- province/city; else the units' figures aggregated by what kind of number they are (rates with
-- numerator/denominator re-computed from summed parts, counts summed, other percentages NOT
-- averaged: the median is shown with the spread and aggregation = 'median'); else the figure of
-- the one agency the plan is about (plans of a single office).
create or replace macro vl_status_indicators(p_year, p_end, p_demo) as table
with r as (
    select * from vl_status_rows(p_year, p_end, p_demo)
),
head as (
    select indicator_code, value, period, as_of, source, n_distinct_values
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
           max(period) as period, max(as_of) as as_of, string_agg(distinct source, ',') as source
    from r where level = 'unit'
    group by indicator_code
),
single_agency as (
    select indicator_code, any_value(value) as value, any_value(period) as period,
           any_value(as_of) as as_of, any_value(source) as source
    from r where level = 'agency' and value is not null
    group by indicator_code having count(*) = 1
),
meta as (
    select indicator_code, any_value(plan) as plan, any_value(pillar) as pillar, any_value(kind) as kind,
           any_value(measure_unit) as measure_unit, any_value(direction) as direction,
           any_value(name_vi) as name_vi, any_value(target_year) as target_year,
           any_value(comparator) as comparator, any_value(target) as target,
           any_value(target_high) as target_high, any_value(target_raw) as target_raw,
           any_value(basis) as basis, any_value(near_band) as near_band
    from r group by indicator_code
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
           coalesce(h.n_distinct_values, 0) as n_distinct_values
    from meta m
    left join head h using (indicator_code)
    left join units u using (indicator_code)
    left join single_agency a using (indicator_code)
)
select *,
       vl_attainment(value, comparator, target, target_high, direction) as attainment,
       vl_status(kind, value, comparator, target, target_high, direction, basis, near_band) as status
from combined;
