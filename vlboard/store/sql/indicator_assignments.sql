-- grain: one row per agency assigned to one indicator, leads first
-- columns: role, agency_code, name_vi, short_name, kind, raw
-- params: $code
select a.role, a.agency_code, g.name_vi, g.short_name, g.kind, a.raw
from assignments a
join agencies g on g.code = a.agency_code
where a.indicator_code = $code
order by a.role = 'partner', g.name_vi
