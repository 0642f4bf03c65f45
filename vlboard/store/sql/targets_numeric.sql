-- grain: one row per numeric target (indicator × year); the input of the pace computation
-- columns: indicator_code, year, comparator, value, value_high
-- params: none
select indicator_code, year, comparator, value, value_high
from targets
where comparator in ('>=', '>', '<=', '<', 'range') and value is not null
order by indicator_code, year
