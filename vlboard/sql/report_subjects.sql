-- grain: one row per subject (ward/commune or lead agency) that must report in a period (vl_expected)
-- columns: subject_type, subject_code, subject_name, n_indicators
-- params: $period_type, $period_end
select subject_type, subject_code, subject_name, count(*)::integer as n_indicators
from vl_expected($period_type, $period_end)
group by all
order by subject_type, subject_name
