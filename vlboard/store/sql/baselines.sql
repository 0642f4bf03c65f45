-- grain: one row per indicator: its earliest real (document or report) value, the pace baseline;
-- of conflicting figures of one date the one of lowest precedence (README "Conflicting figures")
-- columns: indicator_code, period_end, value, source
-- params: none
select indicator_code, period_end, value, source
from results
where source <> 'demo' and value is not null and isfinite(value)
qualify row_number() over (partition by indicator_code order by period_end, as_of, precedence nulls last, result_id) = 1
order by indicator_code
