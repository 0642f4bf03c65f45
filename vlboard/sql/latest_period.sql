-- grain: one row per period that has both a result and a target for its year, newest first
-- columns: period, period_type, period_end, n_results, n_indicators
-- params: $include_demo
select r.period, r.period_type, r.period_end,
       count(*)::integer as n_results,
       count(distinct r.indicator_code)::integer as n_indicators
from results r
join targets t on t.indicator_code = r.indicator_code and t.year = r.year
where r.value is not null and ($include_demo or r.source <> 'demo')
group by all
order by r.period_end desc, r.period_type
