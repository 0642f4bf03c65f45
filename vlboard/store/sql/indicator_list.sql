-- grain: one row per indicator, for pickers (oldest plan first)
-- columns: code, name_vi, plan, plan_name, pillar, kind
-- params: none
select i.code, i.name_vi, i.plan, p.short_name as plan_name, i.pillar, i.kind
from indicators i join plans p on p.code = i.plan
order by coalesce(p.date, make_date(p.period_start, 1, 1)), i.code
