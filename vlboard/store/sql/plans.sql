-- grain: one row per plan document
-- columns: code, short_name, number, date, date_raw, issuer, level, title, period_start, period_end, document_file
-- params: none
select code, short_name, number, date, date_raw, issuer, level, title, period_start, period_end, document_file
from plans
order by period_start, coalesce(date, make_date(period_start, 1, 1)), code
