-- grain: one row per subject (ward/commune or lead agency) that must report in a period (vl_expected)
-- columns: subject_type, subject_code, subject_name, n_indicators, n_assumed, due_days
-- params: $period_type, $period_end
select subject_type, subject_code, subject_name, count(*)::integer as n_indicators,
       count(*) filter (where assumption)::integer as n_assumed, min(due_days)::integer as due_days
from vl_expected($period_type, $period_end)
group by all
order by subject_type, subject_name
