-- grain: one row per indicator that no document assigns a lead agency (chủ trì)
-- columns: code, plan_name, pillar, kind, name_vi
-- params: none
select i.code, p.short_name as plan_name, i.pillar, i.kind, i.name_vi
from indicators i
join plans p on p.code = i.plan
where i.kind <> 'referenced'
  and not exists (select 1 from assignments a where a.indicator_code = i.code and a.role = 'lead')
order by coalesce(p.date, make_date(p.period_start, 1, 1)), i.code
