-- grain: one row per reported value (results) matching the data API's filters (a NULL filter:
--        any), one page in a stable order, with the number of matching rows (n_total) on every
--        row. Provenance: a document figure's section and quote (results_documents), an import's
--        account, time and file (imports), its approval (macros/06_approval.sql); demo rows only
--        when $include_demo. A row repeated
--        exactly (the demo generator writes some merged-ward rows twice) is served once, and the
--        order is total, so pages join without duplicates.
-- columns: result_id, indicator_code, plan, pillar, period, period_type, period_end, as_of, unit_code, agency_code, value, value_text, numerator, denominator, measure_unit, source, reported_by, reported_at, source_ref, section, quote, evidence_url, note, year_status, imported_by, imported_at, import_file, approval, n_total
-- params: $plan, $pillar, $agency, $unit, $period, $include_demo, $limit, $offset
with matching as (
select distinct r.result_id, r.indicator_code, r.plan, i.pillar, r.period, r.period_type, r.period_end, r.as_of,
       r.unit_code, r.agency_code, r.value, r.value_text, r.numerator, r.denominator, i.unit as measure_unit,
       r.source, r.reported_by, r.reported_at, r.source_ref, d.section, r.quote, r.evidence_url, r.note,
       r.year_status, m.username as imported_by, m.imported_at, m.file_name as import_file,
       vl_approval(r.source, c.state) as approval
from results r
join indicators i on i.code = r.indicator_code
left join results_documents d on r.source = 'document' and d.result_id = r.source_ref
left join imports m on r.source = 'report' and m.import_id = r.source_ref
left join vl_cycle_state() c on r.source = 'report' and c.period = r.period
 and c.subject_type = vl_subject_type(r.agency_code) and c.subject_code = coalesce(r.agency_code, r.unit_code)
where ($include_demo or r.source <> 'demo')
  and ($plan::varchar is null or r.plan = $plan)
  and ($pillar::varchar is null or i.pillar = $pillar)
  and ($agency::varchar is null or r.agency_code = $agency)
  and ($unit::varchar is null or r.unit_code = $unit)
  and ($period::varchar is null or r.period = $period)
)
select *, count(*) over () as n_total
from matching
order by period_end desc, indicator_code, result_id, unit_code nulls first, agency_code nulls first, source,
         value nulls first, value_text nulls first, reported_at nulls first
limit $limit offset $offset
