-- grain: one row per group of results with the same period, year, indicator, source, value or not,
--        stored status and as_of date: what every query over all results needs, a few thousand
--        rows at 100 M results (vlboard.store.summary keeps it per snapshot and carries it)
-- columns: period, period_type, period_end, year, indicator_code, source, has_value, year_status, as_of, n
-- params: none
select period, period_type, period_end, year, indicator_code, source, value is not null as has_value,
       year_status, as_of, count(*)::bigint as n
from results
group by all
