-- grain: one row per figure reported in a plan document (linked to indicators or not)
-- columns: result_id, plan_name, name_vi, value, unit, as_of, section, quote, indicator_codes
-- params: none
select d.result_id, p.short_name as plan_name, d.name_vi, d.value, d.unit, d.as_of, d.section, d.quote,
       d.indicator_codes
from results_documents d
join plans p on p.code = d.plan
order by coalesce(p.date, make_date(p.period_start, 1, 1)), d.result_id
