-- grain: one row per issued directive (vl_directives), with the names of its target and owner
-- columns: directive_id, issued_at, issued_by, target_type, target_code, target_name, owner_agency, owner_name, deadline, meeting, text, base_snapshot, value_at_issue, status_at_issue, state, done_at, done_by, done_reason, n_notes, last_event_at
-- params: none
select d.directive_id, d.issued_at, d.issued_by, d.target_type, d.target_code,
       coalesce(case d.target_type when 'indicator' then i.name_vi when 'agency' then ta.short_name
                                   when 'unit' then u.name_vi end, d.target_code) as target_name,
       d.owner_agency, coalesce(o.short_name, d.owner_agency) as owner_name,
       d.deadline, d.meeting, d.text, d.base_snapshot, d.value_at_issue, d.status_at_issue, d.state,
       d.done_at, d.done_by, d.done_reason, d.n_notes, d.last_event_at
from vl_directives() d
left join indicators i on d.target_type = 'indicator' and i.code = d.target_code
left join agencies ta on d.target_type = 'agency' and ta.code = d.target_code
left join units u on d.target_type = 'unit' and u.unit_code = d.target_code
left join agencies o on o.code = d.owner_agency
order by d.deadline, d.directive_id
