-- grain: one row per result of one indicator (all units, agencies and sources), the newest ones
--        first, at most $limit (what the page shows; its download reads indicator_results), with
--        its approval (macros/06_approval.sql)
-- columns: indicator_code, period, period_end, unit_code, unit_name, agency_code, agency_name, value, value_text, numerator, denominator, as_of, source, quote, section, note, evidence_url, reported_by, year_status, approval
-- params: $code, $include_demo, $limit
select * from vl_indicator_results($code)
where $include_demo or source <> 'demo'
order by period_end desc, source, unit_name, agency_name
limit $limit
