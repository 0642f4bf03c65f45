-- grain: one row per result of one indicator (all units, agencies and sources), oldest first, with
--        its approval (macros/06_approval.sql)
-- columns: indicator_code, period, period_end, unit_code, unit_name, agency_code, agency_name, value, value_text, numerator, denominator, as_of, source, quote, section, note, evidence_url, reported_by, year_status, approval
-- params: $code
select * from vl_indicator_results($code)
order by period_end, source, unit_name, agency_name
