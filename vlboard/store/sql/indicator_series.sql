-- grain: one row per period × source kind of one indicator: its headline value (vl_series)
-- columns: period, period_end, source, value, aggregation, n_units
-- params: $code, $include_demo
select period, period_end, source, value, aggregation, n_units
from vl_series($include_demo)
where indicator_code = $code
order by period_end, source
