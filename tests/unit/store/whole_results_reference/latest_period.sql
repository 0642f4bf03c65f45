-- grain: one row per period that has a value, newest first; how many of its values were judged
-- against an applicable target (their year's or the path's: results.year_status, one rule with
-- the scorecard) and how many have a numeric target at all (judged or not due yet)
-- columns: period, period_type, period_end, n_results, n_indicators, n_judged, n_with_target
-- params: $include_demo
with per as (  -- aggregate the big table first
    select period, period_type, period_end, indicator_code,
           count(*) as n,
           count(*) filter (where year_status in ('achieved', 'near', 'not_achieved')) as judged,
           count(*) filter (where year_status in ('achieved', 'near', 'not_achieved', 'not_due')) as with_target
    from results
    where value is not null and ($include_demo or source <> 'demo')
    group by all
)
select period, period_type, period_end,
       sum(n)::integer as n_results,
       count(distinct indicator_code)::integer as n_indicators,
       sum(judged)::integer as n_judged,
       sum(with_target)::integer as n_with_target
from per
group by period, period_type, period_end
order by period_end desc, period_type
