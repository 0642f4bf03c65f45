-- grain: one row per assignment (indicator × agency × role)
-- columns: indicator_code, agency_code, role
-- params: none
select indicator_code, agency_code, role from assignments order by indicator_code, role, agency_code
