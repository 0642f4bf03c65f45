-- grain: one row per pillar × status, over EVERY result row judged against its year's target
--        (the heavy path: the benchmark's 10-million-row figure)
-- columns: pillar, status, n
-- params: $include_demo
-- The big table meets one small table keyed by (indicator, year) that already holds everything
-- the rule needs (pillar, kind, direction, target, near band): one hash join per row instead of
-- three, then the one status definition (vl_status).
with years as (
    select range::integer as year
    from range((select min(year) from results), (select max(year) from results) + 1)
),
rules as (
    select i.code as indicator_code, y.year, i.pillar, i.kind, i.direction, t.comparator, t.value as target,
           t.value_high, case when t.year is null then null else 'same' end as basis,
           coalesce(o.near_band, d.near_band) as near
    from indicators i
    cross join years y
    left join targets t on t.indicator_code = i.code and t.year = y.year and t.comparator is not null
    left join status_config o on o.indicator_code = i.code
    cross join (select near_band from status_config where indicator_code is null) d
)
select u.pillar,
       vl_status(u.kind, r.value, u.comparator, u.target, u.value_high, u.direction, u.basis, u.near) as status,
       count(*)::bigint as n
from results r
join rules u on u.indicator_code = r.indicator_code and u.year = r.year
where $include_demo or r.source <> 'demo'
group by all
order by u.pillar, status
