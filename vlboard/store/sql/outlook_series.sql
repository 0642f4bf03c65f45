-- grain: one row per indicator × period: the headline value (vl_series), a real figure before a demo one
-- columns: indicator_code, kind, measure_unit, direction, period, period_end, value, source
-- params: $include_demo
select s.indicator_code, i.kind, i.unit as measure_unit, i.direction, s.period, s.period_end, s.value, s.source
from vl_series($include_demo) s
join indicators i on i.code = s.indicator_code
qualify row_number() over (partition by s.indicator_code, s.period order by s.source = 'demo') = 1
order by s.indicator_code, s.period_end
