-- vl_indicator_results(p_code): every result of one indicator (all units, agencies and sources)
-- with its unit's and agency's names, its document section and its approval (06_approval.sql):
-- what sql/indicator_results.sql (oldest first, every one) and sql/indicator_results_newest.sql
-- (the newest ones, what the indicator page lists) return
create or replace macro vl_indicator_results(p_code) as table
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
where r.indicator_code = p_code;
