-- grain: one row per period that has both a result and a target for its year, newest first
-- columns: period, period_type, period_end, n_results, n_indicators
-- params: $include_demo
with per as (  -- aggregate the big table first, then join the small one
    select period, period_type, period_end, year, indicator_code, count(*) as n
    from results
    where value is not null and ($include_demo or source <> 'demo')
    group by all
)
select p.period, p.period_type, p.period_end,
       sum(p.n)::integer as n_results,
       count(distinct p.indicator_code)::integer as n_indicators
from per p
join targets t on t.indicator_code = p.indicator_code and t.year = p.year
group by p.period, p.period_type, p.period_end
order by p.period_end desc, p.period_type
