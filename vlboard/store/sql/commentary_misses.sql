-- grain: one row per miss (a figure «Gần đạt» or «Chưa đạt», vl_commentary_misses in
--        macros/75_commentary.sql) of ``$period`` (all periods when empty) and of one subject
--        (all when ``$subject_code`` is empty), with its explanation when it has one; demo rows
--        only when ``$include_demo``
-- columns: indicator_code, indicator_name, period, period_end, subject_type, subject_code, subject_name, value, unit, source, year_status, explained, cause, remedy, back_by, explained_at, explained_by
-- params: $period, $subject_type, $subject_code, $include_demo
select m.indicator_code, coalesce(i.name_vi, m.indicator_code) as indicator_name, m.period, m.period_end,
       m.subject_type, m.subject_code,
       coalesce(case m.subject_type when 'agency' then g.short_name else u.name_vi end, m.subject_code) as subject_name,
       m.value, i.unit, m.source, m.year_status, m.explained, m.cause, m.remedy, m.back_by, m.explained_at,
       m.explained_by
from vl_commentary_misses($include_demo) m
left join indicators i on i.code = m.indicator_code
left join agencies g on m.subject_type = 'agency' and g.code = m.subject_code
left join units u on m.subject_type = 'unit' and u.unit_code = m.subject_code
where ($period = '' or m.period = $period)
  and ($subject_code = '' or (m.subject_type = $subject_type and m.subject_code = $subject_code))
order by subject_name, m.subject_code, m.period_end, m.indicator_code
