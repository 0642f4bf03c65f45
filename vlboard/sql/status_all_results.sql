-- grain: one row per pillar × status, over EVERY result row judged against its year's target
--        (the heavy path: the benchmark's 10-million-row figure)
-- columns: pillar, status, n
-- params: $include_demo
-- The big table meets one small table keyed by (indicator, year) that already holds everything
-- the rule needs (vl_year_rules), then the one status definition (vl_status).
select u.pillar,
       vl_status(u.kind, r.value, u.comparator, u.target, u.value_high, u.direction, u.basis, u.near) as status,
       count(*)::bigint as n
from results r
join vl_year_rules() u on u.indicator_code = r.indicator_code and u.year = r.year
where $include_demo or r.source <> 'demo'
group by all
order by u.pillar, status
