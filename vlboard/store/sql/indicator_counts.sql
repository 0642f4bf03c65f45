-- grain: one row per plan × pillar (every indicator of the catalogue, numeric or not)
-- columns: plan, plan_name, pillar, n_indicators, n_numeric, n_with_results
-- params: $include_demo
-- needs: results_summary
-- (results_summary: the results counted per group, made once per connection: vlboard.store.summary)
select i.plan,
       p.short_name as plan_name,
       i.pillar,
       count(*)::integer as n_indicators,
       count(*) filter (where i.kind in ('percent', 'count', 'ratio'))::integer as n_numeric,
       count(*) filter (where w.indicator_code is not null)::integer as n_with_results
from indicators i
join plans p on p.code = i.plan
left join (select distinct indicator_code from results_summary
           where has_value and ($include_demo or source <> 'demo')) w on w.indicator_code = i.code
group by all
order by min(coalesce(p.date, make_date(p.period_start, 1, 1))), i.plan, i.pillar
