-- grain: one row per result of one indicator (all units, agencies and sources), the newest ones
--        first, at most $limit (what the page shows; its download reads indicator_results), with
--        its approval (macros/06_approval.sql)
-- columns: indicator_code, period, period_end, unit_code, unit_name, agency_code, agency_name, value, value_text, numerator, denominator, as_of, source, quote, section, note, evidence_url, reported_by, year_status, approval
-- params: $code, $include_demo, $limit
select r.indicator_code, r.period, r.period_end, r.unit_code, u.name_vi as unit_name, r.agency_code,
       g.short_name as agency_name, r.value, r.value_text, r.numerator, r.denominator, r.as_of, r.source,
       r.quote, d.section, r.note, r.evidence_url, r.reported_by, r.year_status,
       vl_approval(r.source, c.state) as approval
from results r
left join units u on u.unit_code = r.unit_code
left join agencies g on g.code = r.agency_code
left join results_documents d on d.result_id = r.source_ref
left join vl_cycle_state() c on r.source = 'report' and c.period = r.period
 and c.subject_type = vl_subject_type(r.agency_code) and c.subject_code = coalesce(r.agency_code, r.unit_code)
where r.indicator_code = $code and ($include_demo or r.source <> 'demo')
order by r.period_end desc, r.source, u.name_vi, g.short_name
limit $limit
