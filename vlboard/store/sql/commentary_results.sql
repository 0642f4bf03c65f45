-- grain: one row per result of one indicator whose reporting subject (vl_result_subject,
--        macros/75_commentary.sql) holds a current explanation for its period
-- columns: period, source, unit_code, agency_code, cause, remedy, back_by
-- params: $code
select r.period, r.source, r.unit_code, r.agency_code, c.cause, c.remedy, c.back_by
from vl_result_subject() r
join vl_commentary() c
  on c.indicator_code = r.indicator_code and c.period = r.period
 and c.subject_type = r.subject_type and c.subject_code = r.subject_code
where r.indicator_code = $code and c.explained
