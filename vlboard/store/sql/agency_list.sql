-- grain: one row per agency (single body) that the plans assign to at least one indicator
-- columns: code, name_vi, short_name, level, valid_to
-- params: none
select g.code, g.name_vi, g.short_name, g.level, g.valid_to
from agencies g
where g.kind = 'agency' and exists (select 1 from assignments a where a.agency_code = g.code)
order by case g.level when 'tinh' then 0 when 'thanh_pho' then 1 else 2 end, g.name_vi
