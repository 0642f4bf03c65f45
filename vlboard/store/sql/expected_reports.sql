-- grain: one row per subject × indicator due in a period (vl_expected): what an import may contain
-- columns: subject_type, subject_code, subject_name, indicator_code, unit_code, agency_code
-- params: $period_type, $period_end
select subject_type, subject_code, subject_name, indicator_code, unit_code, agency_code
from vl_expected($period_type, $period_end)
order by subject_type, subject_code, indicator_code
