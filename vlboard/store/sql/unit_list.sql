-- grain: one row per ward/commune-level unit (2023 wards of TP Vĩnh Long, then the 2025 units)
-- columns: unit_code, official_code, name_vi, level, valid_from, valid_to, former_province
-- params: none
select unit_code, official_code, name_vi, level, valid_from, valid_to, former_province
from units
where level in ('phuong', 'xa')
order by level = 'xa', name_vi
