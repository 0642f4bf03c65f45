-- grain: one row per old → new unit link (2023 wards → merged 2024 ward → 2025 phường)
-- columns: old_unit_code, old_name, new_unit_code, new_name, effective
-- params: none
select c.old_unit_code, o.name_vi as old_name, c.new_unit_code, n.name_vi as new_name, c.effective
from unit_crosswalk c join units o on o.unit_code = c.old_unit_code join units n on n.unit_code = c.new_unit_code
order by c.effective, o.name_vi
