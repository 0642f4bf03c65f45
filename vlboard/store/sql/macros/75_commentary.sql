-- Commentary (giải trình) on the figures (vlboard.intake.commentary, vlboard.domain.commentary),
-- one definition for the indicator page, the «Chưa giải trình» lists, the submit rule of the
-- reporting cycle (vlboard.intake.cycle) and, later, the wall and the meeting pack.
--
-- vl_commentary(): the current commentary of each key (indicator_code, period, subject_type,
-- subject_code): its latest event (the writer keeps `at` strictly increasing per key). A key whose
-- latest event has no cause holds no explanation (explained = false).
create or replace macro vl_commentary() as table
select indicator_code, period, subject_type, subject_code, cause, remedy, back_by, "at", username, role,
       source, import_id, cause is not null as explained
from commentary_events
qualify row_number() over (partition by indicator_code, period, subject_type, subject_code
                           order by "at" desc, event_id desc) = 1;

-- vl_result_subject(): every result with the reporting subject its commentary belongs to.
--   * a report or a demo row: the agency when agency_code is set, else the ward/commune (unit_code),
--     as the reporting cycle reads it (vl_subject_type, 06_approval.sql);
--   * a document figure printed for an agency: that agency;
--   * a document figure of the province or the city (no agency, a unit that does not report itself:
--     the real data's figures are all of this kind): nobody «reports» it, yet somebody must explain
--     a miss — it is attributed to the indicator's lead agency (assignments.role = 'lead'; of
--     several, a single agency before a collective such as «Các sở, ban, ngành», then by code).
--     An indicator without a lead keeps the figure on its unit.
create or replace macro vl_result_subject() as table
with lead as (
    select s.indicator_code, arg_min(s.agency_code, (coalesce(g.kind, '') = 'collective', s.agency_code)) as agency_code
    from assignments s
    left join agencies g on g.code = s.agency_code
    where s.role = 'lead'
    group by s.indicator_code
)
select r.*,
       case when r.agency_code is not null then 'agency'
            when r.source = 'document' and coalesce(u.level, '') not in ('phuong', 'xa') and l.agency_code is not null
                then 'agency'
            else 'unit' end as subject_type,
       case when r.agency_code is not null then r.agency_code
            when r.source = 'document' and coalesce(u.level, '') not in ('phuong', 'xa') and l.agency_code is not null
                then l.agency_code
            else r.unit_code end as subject_code
from results r
left join units u on u.unit_code = r.unit_code
left join lead l on l.indicator_code = r.indicator_code;

-- vl_commentary_misses(include_demo): one row per key whose figure is a miss (year_status 'near'
-- or 'not_achieved': «Gần đạt», «Chưa đạt»; vlboard.domain.commentary.REQUIRED says the same in
-- Python), with its current commentary when there is one. Demo rows only when include_demo; of
-- several figures of one key the one that counts: a report, then a document (lowest precedence),
-- then a demo row.
create or replace macro vl_commentary_misses(include_demo) as table
with figures as (
    select * from vl_result_subject()
    where (source <> 'demo' or include_demo)
    qualify row_number() over (
        partition by indicator_code, period, subject_type, subject_code
        order by case source when 'report' then 0 when 'document' then 1 else 2 end,
                 coalesce(precedence, 0), result_id) = 1
)
select f.indicator_code, f.period, f.period_end, f.subject_type, f.subject_code, f.value, f.source,
       f.year_status, c.cause, c.remedy, c.back_by, c."at" as explained_at, c.username as explained_by,
       coalesce(c.explained, false) as explained
from figures f
left join vl_commentary() c
  on c.indicator_code = f.indicator_code and c.period = f.period
 and c.subject_type = f.subject_type and c.subject_code = f.subject_code
where f.year_status in ('near', 'not_achieved');
