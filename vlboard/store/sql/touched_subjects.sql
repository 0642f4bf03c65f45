-- grain: one row per reporting-cycle subject (unit or agency) × period with an event one version
--        has and the other not (views removed_events and added_events, made by vlboard.store.touched)
-- columns: subject_type, subject_code, period
-- params: none
-- needs: removed_events, added_events
select distinct subject_type, subject_code, period
from (
    (select * from removed_events except all select * from added_events)
    union all
    (select * from added_events except all select * from removed_events)
)
order by subject_type, subject_code, period
