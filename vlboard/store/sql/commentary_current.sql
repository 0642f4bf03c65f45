-- grain: one row per key (indicator × period × reporting subject) with a current explanation
--        (vl_commentary, macros/75_commentary.sql), with the names of its indicator and subject;
--        only ``$period``'s when it is not empty
-- columns: indicator_code, indicator_name, period, subject_type, subject_code, subject_name, cause, remedy, back_by, at, username, source
-- params: $period
select c.indicator_code, coalesce(i.name_vi, c.indicator_code) as indicator_name, c.period, c.subject_type,
       c.subject_code,
       coalesce(case c.subject_type when 'agency' then g.short_name else u.name_vi end, c.subject_code) as subject_name,
       c.cause, c.remedy, c.back_by, c."at", c.username, c.source
from vl_commentary() c
left join indicators i on i.code = c.indicator_code
left join agencies g on c.subject_type = 'agency' and g.code = c.subject_code
left join units u on c.subject_type = 'unit' and u.unit_code = c.subject_code
where c.explained and ($period = '' or c.period = $period)
order by c.period, c.indicator_code, c.subject_type, c.subject_code
