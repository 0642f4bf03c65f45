-- grain: one row per pillar (benchmark only: status_all_results without the rule, to show where
--        the roll-up's time goes: the join to the rules table vs the per-row status rule)
-- columns: pillar, n
-- params: $include_demo
select u.pillar, count(r.value)::bigint as n
from results r
join vl_year_rules() u on u.indicator_code = r.indicator_code and u.year = r.year
where $include_demo or r.source <> 'demo'
group by all
order by u.pillar
