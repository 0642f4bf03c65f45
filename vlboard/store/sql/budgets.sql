-- grain: one row per budget line of the plans (total, agency, task)
-- columns: budget_id, plan, level, stt, agency_raw, item, total, su_nghiep_2025, dau_tu_2025, su_nghiep_2026_2030, dau_tu_2026_2030, amount_column_unclear, note
-- params: none
select budget_id, plan, level, stt, agency_raw, item, total, su_nghiep_2025, dau_tu_2025, su_nghiep_2026_2030,
       dau_tu_2026_2030, amount_column_unclear, note
from budgets order by budget_id
