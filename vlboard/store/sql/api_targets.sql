-- grain: one row per target (indicator × year) of the given indicators, as printed and as judged
-- columns: indicator_code, year, comparator, value, value_high, raw, note
-- params: $codes
select indicator_code, year, comparator, value, value_high, raw, note
from targets
where list_contains($codes::varchar[], indicator_code)
order by indicator_code, year
