-- grain: one row per result a subject already has for one period (what an import would replace or
--        collide with): its own reports and demo rows, and document figures for its area
-- columns: indicator_code, result_id, value, numerator, denominator, source, reported_by, quote
-- params: $period, $subject_type, $subject_code, $area_unit
select indicator_code, result_id, value, numerator, denominator, source, reported_by, quote
from results
where period = $period
  and ((source <> 'document'
        and (($subject_type = 'unit' and unit_code = $subject_code and agency_code is null)
          or ($subject_type = 'agency' and agency_code = $subject_code)))
    or (source = 'document'
        and (($subject_type = 'unit' and unit_code = $subject_code)
          or ($subject_type = 'agency' and (agency_code = $subject_code
                                            or (agency_code is null and unit_code = $area_unit))))))
order by indicator_code, source
