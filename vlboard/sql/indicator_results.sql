-- grain: one row per result of one indicator (all units, agencies and sources)
-- columns: indicator_code, period, period_end, unit_code, agency_code, value, value_text, numerator, denominator, as_of, source, quote
-- params: $code
select indicator_code, period, period_end, unit_code, agency_code, value, value_text,
       numerator, denominator, as_of, source, quote
from results
where indicator_code = $code
order by period_end, source, unit_code, agency_code
