-- vl_series_all(): one row per indicator × period × source kind: the headline value (the whole
-- province/city figure if any, else the units combined by kind: ratio of summed parts, sum of
-- counts, median otherwise; else the one agency's figure). Feeds trends and small multiples.
-- A snapshot written since the series file exists keeps these rows in series.parquet, written
-- with it (vlboard.store.series); its connection then reads them from there (macros/stored/).
create or replace macro vl_series_all() as table
with r as (
    -- the whole province's or city's units as a set (a small hash table), not a join of every
    -- result to the units: a join's sides can be swapped, building a table of the results
    select r.*, i.kind,
           case when r.agency_code is not null then 'agency'
                when r.unit_code is null
                  or r.unit_code in (select unit_code from units where level in ('tinh', 'thanh_pho')) then 'headline'
                else 'unit' end as level
    from results r
    join indicators i on i.code = r.indicator_code
    where r.value is not null
),
per as (
    select indicator_code, period, any_value(period_end) as period_end, source, any_value(kind) as kind,
           -- conflicting headline figures of one period: the newest, then the lowest precedence
           -- (the plan's monitoring table first), then result_id, as vl_status_rows picks them
           arg_min(value, (date '9999-12-31' - coalesce(as_of, period_end), coalesce(precedence, 2147483647),
                           result_id)) filter (where level = 'headline') as v_head,
           count(*) filter (where level = 'unit') as n_units,
           sum(value) filter (where level = 'unit') as v_sum,
           sum(numerator) filter (where level = 'unit') / nullif(sum(denominator) filter (where level = 'unit'), 0)
               as v_ratio,
           count(numerator) filter (where level = 'unit') = count(*) filter (where level = 'unit') as all_parts,
           median(value) filter (where level = 'unit') as v_median,
           max(value) filter (where level = 'agency') as v_agency,
           count(*) filter (where level = 'agency') as n_agency
    from r
    group by indicator_code, period, source
)
select indicator_code, period, period_end, source,
       case when v_head is not null then v_head
            when n_units > 0 and kind = 'count' then v_sum
            when n_units > 0 and all_parts and v_ratio is not null
                then v_ratio * case when kind = 'percent' then 100 else 1 end
            when n_units > 0 then v_median
            when n_agency = 1 then v_agency end as value,
       case when v_head is not null then 'headline'
            when n_units > 0 and kind = 'count' then 'sum'
            when n_units > 0 and all_parts and v_ratio is not null then 'ratio_of_sums'
            when n_units > 0 then 'median'
            when n_agency = 1 then 'agency' end as aggregation,
       n_units::integer as n_units
from per
where v_head is not null or n_units > 0 or n_agency = 1;

-- vl_series(p_demo): vl_series_all() without the demo rows unless p_demo (a source kind is a group of
-- its own, so leaving out its rows leaves out its groups and changes no other)
create or replace macro vl_series(p_demo) as table
select indicator_code, period, period_end, source, value, aggregation, n_units
from vl_series_all()
where p_demo or source <> 'demo'
order by indicator_code, period_end, source;
