-- grain: one row per period that has a value, newest first; how many of its values were judged
-- against an applicable target (their year's or the path's: results.year_status, one rule with
-- the scorecard) and how many have a numeric target at all (judged or not due yet)
-- columns: period, period_type, period_end, n_results, n_indicators, n_judged, n_with_target
-- params: $include_demo
-- needs: results_summary
-- (results_summary: the results counted per group, made once per connection: vlboard.store.summary)
with per as (
    select period, period_type, period_end, indicator_code,
           sum(n) as n,
           coalesce(sum(n) filter (where year_status in ('achieved', 'near', 'not_achieved')), 0) as judged,
           coalesce(sum(n) filter (where year_status in ('achieved', 'near', 'not_achieved', 'not_due')), 0)
               as with_target
    from results_summary
    where has_value and ($include_demo or source <> 'demo')
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
