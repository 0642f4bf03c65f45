-- grain: one row per reporting period that has at least one value, newest first
-- columns: period, period_type, period_end, has_target
-- params: $include_demo
-- needs: results_summary
-- (results_summary: the results counted per group, made once per connection: vlboard.store.summary)
with per as (
    select period, period_type, period_end, year, indicator_code
    from results_summary
    where has_value and ($include_demo or source <> 'demo')
    group by all
)
select p.period, any_value(p.period_type) as period_type, any_value(p.period_end) as period_end,
       bool_or(t.indicator_code is not null) as has_target
from per p
left join targets t on t.indicator_code = p.indicator_code and t.year = p.year and t.comparator is not null
group by p.period
order by any_value(p.period_end) desc, any_value(p.period_type) = 'year'
