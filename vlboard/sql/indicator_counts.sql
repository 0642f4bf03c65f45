-- grain: one row per plan × pillar (every indicator of the catalogue, numeric or not)
-- columns: plan, plan_name, pillar, n_indicators, n_numeric, n_with_results
-- params: $include_demo
select i.plan,
       p.short_name as plan_name,
       i.pillar,
       count(*)::integer as n_indicators,
       count(*) filter (where i.kind in ('percent', 'count', 'ratio'))::integer as n_numeric,
       count(*) filter (where exists (
           select 1 from results r
           where r.indicator_code = i.code and r.value is not null
             and ($include_demo or r.source <> 'demo')))::integer as n_with_results
from indicators i
join plans p on p.code = i.plan
group by all
order by min(coalesce(p.date, make_date(p.period_start, 1, 1))), i.plan, i.pillar
