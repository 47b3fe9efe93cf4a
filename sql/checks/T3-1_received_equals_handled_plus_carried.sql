-- check: T3-1
-- severity: error
-- description: per applicant column, 本年新收 + 上年结转 = （七）总计 + 结转下年度 (the rule printed on the form)
WITH cells AS (
    SELECT f.*, t.role
    FROM fact_applications f
    JOIN template_cells t USING (template, table_name, row_name, column_name)
    WHERE t.role IN ('input', 'total_handled', 'carried_forward')
), per_column AS (
    SELECT document_id, region_code, publisher, year, column_name,
           sum(value) FILTER (WHERE role = 'input') AS received,
           sum(value) FILTER (WHERE role IN ('total_handled', 'carried_forward')) AS handled,
           count(value) AS numbers,
           bool_or(role = 'total_handled' AND semantic = 'blank') AS total_blank
    FROM cells
    GROUP BY ALL
)
SELECT CASE WHEN numbers < 4 OR total_blank THEN 'uncertain' ELSE 'fail' END AS outcome,
       document_id, region_code, publisher, year, 't3' AS table_name, NULL AS row_name, column_name,
       CASE WHEN numbers < 4 THEN format('{} of 4 operands are numbers', numbers)
            WHEN total_blank THEN format('total not printed: received {} vs handled {}', received, handled)
            ELSE format('new_received + carried_over = {} but total_handled + carried_forward = {}', received, handled)
       END AS detail
FROM per_column
WHERE numbers < 4 OR received <> handled
