-- grain: one row per milestone / task with a deadline
-- columns: code, plan, group, task_vi, lead_raw, partner_raw, deadline_raw, due_date, recurrence, product, indicator_code, section, quote
-- params: none
select code, plan, "group", task_vi, lead_raw, partner_raw, deadline_raw, due_date, recurrence, product,
       indicator_code, section, quote
from milestones order by due_date nulls last, code
