-- vl_year_rules(): one row per indicator × year of the results, holding everything the status rule
-- needs for a result of that year (pillar, kind, direction, the year's target, near band). The
-- roll-up of every result meets this small table with one hash join instead of three.
create or replace macro vl_year_rules() as table
with years as (
    select range::integer as year
    from range((select min(year) from results), (select max(year) from results) + 1)
)
select i.code as indicator_code, y.year, i.pillar, i.kind, i.direction, t.comparator, t.value as target,
       t.value_high, case when t.year is null then null else 'same' end as basis,
       coalesce(o.near_band, d.near_band) as near
from indicators i
cross join years y
left join targets t on t.indicator_code = i.code and t.year = y.year and t.comparator is not null
left join status_config o on o.indicator_code = i.code
cross join (select near_band from status_config where indicator_code is null) d;
