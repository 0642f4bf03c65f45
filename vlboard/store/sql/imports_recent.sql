-- grain: one row per accepted import file (audit table), newest first
-- columns: imported_at, username, scope_code, period, file_name, n_new, n_changed, n_unchanged
-- params: none
select imported_at, username, scope_code, period, file_name, n_new, n_changed, n_unchanged
from imports
order by imported_at desc
limit 200
