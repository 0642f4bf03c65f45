-- grain: one row per target year of one indicator
-- columns: indicator_code, year, comparator, value, value_high, raw
-- params: $code
select indicator_code, year, comparator, value, value_high, raw
from targets
where indicator_code = $code
order by year
