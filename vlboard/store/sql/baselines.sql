-- grain: one row per indicator: its earliest real (document or report) value, the pace baseline;
-- of conflicting figures of one date the one of lowest precedence (README "Conflicting figures")
-- columns: indicator_code, period_end, value, source
-- params: none
-- One hash aggregate per indicator, not a window sorting every real row (all of them, on a
-- national deployment's reports): the order is period end, as of, precedence (a missing as of or
-- precedence last), result id.
with picked as (
    select indicator_code,
           arg_min(struct_pack(period_end := period_end, value := value, source := source),
                   (period_end, coalesce(as_of, date '9999-12-31'), coalesce(precedence, 2147483647), result_id)) as b
    from results
    where source <> 'demo' and value is not null and isfinite(value)
    group by indicator_code
)
select indicator_code, b.period_end as period_end, b.value as value, b.source as source
from picked
order by indicator_code
