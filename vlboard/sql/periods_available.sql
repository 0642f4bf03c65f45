-- grain: one row per reporting period that has at least one value, newest first
-- columns: period, period_type, period_end, has_target
-- params: $include_demo
select r.period, any_value(r.period_type) as period_type, any_value(r.period_end) as period_end,
       bool_or(t.indicator_code is not null) as has_target
from results r
left join targets t on t.indicator_code = r.indicator_code and t.year = r.year and t.comparator is not null
where r.value is not null and ($include_demo or r.source <> 'demo')
group by r.period
order by any_value(r.period_end) desc, any_value(r.period_type) = 'year'
