-- grain: one row per plan document
-- columns: code, number, date, issuer, level, title, period_start, period_end, document_file
-- params: none
select code, number, date, issuer, level, title, period_start, period_end, document_file
from plans
order by period_start, code
