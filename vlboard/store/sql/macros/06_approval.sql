-- The approval of a result (issue 19: unapproved figures are shown everywhere, with a mark). One
-- definition, used by the scorecard rows, the indicator page, the downloads and the data API:
--   'document'  printed in a plan document (official as printed)
--   'demo'      an illustration (minh họa)
--   a report (source 'report'), by the reporting-cycle state of its subject × period
--   (vl_cycle_state, 05_cycle.sql; the subject is the agency when agency_code is set, else the unit):
--   'approved' (da_duyet), 'submitted' (da_nop), 'returned' (tra_lai), 'draft' (no event yet, or
--   reopened: imported, not submitted). Labels: vlboard.domain.approval.
create or replace macro vl_approval(source, state) as
    case source
        when 'report' then case state when 'da_duyet' then 'approved'
                                      when 'da_nop' then 'submitted'
                                      when 'tra_lai' then 'returned'
                                      else 'draft' end
        when 'demo' then 'demo'
        when 'document' then 'document'
    end;

-- the reporting subject of a result row, joined to its cycle state (NULL: no event yet) as
--   left join vl_cycle_state() c on r.source = 'report' and c.period = r.period
--    and c.subject_type = vl_subject_type(r.agency_code) and c.subject_code = coalesce(r.agency_code, r.unit_code)
create or replace macro vl_subject_type(agency_code) as
    case when agency_code is not null then 'agency' else 'unit' end;
