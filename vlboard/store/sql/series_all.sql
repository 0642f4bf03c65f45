-- grain: one row per indicator × period × source kind: the headline value (vl_series_all), as the
--        snapshot's series file keeps it (vlboard.store.series)
-- columns: indicator_code, period, period_end, source, value, aggregation, n_units
-- params: none
select indicator_code, period, period_end, source, value, aggregation, n_units
from vl_series_all()
order by indicator_code, period_end, period, source
