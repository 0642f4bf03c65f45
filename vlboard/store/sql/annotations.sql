-- grain: one event that explains a series (annotations.csv) applying to one indicator: its own, its pillar's or every indicator's
-- columns: annotation_id, date, kind, text, unit_name, plan_name, quote
-- params: $code
select a.annotation_id, a.date, a.kind, a.text, u.name_vi as unit_name, p.short_name as plan_name, a.quote
from annotations a
left join units u on u.unit_code = a.unit_code
left join plans p on p.code = a.plan
where (a.indicator_code is null or a.indicator_code = $code)
  and (a.pillar is null or a.pillar = (select i.pillar from indicators i where i.code = $code))
order by a.date, a.annotation_id
