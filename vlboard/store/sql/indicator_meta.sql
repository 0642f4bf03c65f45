-- grain: one row: the catalogue entry of one indicator with its plan
-- columns: code, name_vi, plan, plan_name, plan_number, plan_title, pillar, kind, unit, direction, scope, section, quote, see_also, note, document_file
-- params: $code
select i.code, i.name_vi, i.plan, p.short_name as plan_name, p.number as plan_number, p.title as plan_title,
       i.pillar, i.kind, i.unit, i.direction, i.scope, i.section, i.quote, i.see_also, i.note, p.document_file
from indicators i join plans p on p.code = i.plan
where i.code = $code
