-- grain: one row per year (of the period end) in which one indicator has results: how many, and
--        how many with a value (the indicator page judges in the latest year with one, and counts
--        the results without reading them: at 100 M results one indicator has ~1 M)
-- columns: year, n_results, n_values
-- params: $code, $include_demo
-- needs: results_summary
-- (results_summary: the results counted per group, made once per connection: vlboard.store.summary)
select year(period_end)::integer as year, sum(n)::integer as n_results,
       coalesce(sum(n) filter (where has_value), 0)::integer as n_values
from results_summary
where indicator_code = $code and ($include_demo or source <> 'demo')
group by 1
order by 1
