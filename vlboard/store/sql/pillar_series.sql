-- grain: one row per indicator × period of one pillar (sources combined: real before demo)
-- columns: indicator_code, period, period_end, value, source
-- params: $pillar, $include_demo
select s.indicator_code, s.period, s.period_end, s.value, s.source
from vl_series($include_demo) s
join indicators i on i.code = s.indicator_code
where i.pillar = $pillar
qualify row_number() over (partition by s.indicator_code, s.period order by s.source = 'demo') = 1
order by s.indicator_code, s.period_end
