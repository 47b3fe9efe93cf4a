-- check: T3-2
-- severity: error
-- description: per applicant column, （七）总计 = the sum of the outcome rows （一）…（六）
WITH printed AS (
    -- which form of （六）其他处理 the report prints: one row (other_handling) or its three sub-rows
    SELECT document_id, any_value(template) AS template, bool_or(row_name = 'other_handling') AS other_as_one_row
    FROM fact_applications
    GROUP BY document_id
), expected AS (
    SELECT p.document_id, t.column_name, count(*) AS outcome_rows
    FROM printed p
    JOIN template_cells t ON t.template = p.template AND t.table_name = 't3' AND t.role = 'outcome'
    WHERE CASE WHEN p.other_as_one_row THEN t.row_group IS DISTINCT FROM '（六）其他处理'
               ELSE t.row_name <> 'other_handling' END
    GROUP BY ALL
), per_column AS (
    SELECT f.document_id, f.region_code, f.publisher, f.year, f.column_name,
           sum(f.value) FILTER (WHERE t.role = 'outcome') AS outcomes,
           max(f.value) FILTER (WHERE t.role = 'total_handled') AS total_handled,
           count(f.value) FILTER (WHERE t.role = 'outcome') AS outcome_numbers,
           count(f.value) FILTER (WHERE t.role = 'total_handled') AS total_numbers,
           bool_or(t.role = 'total_handled' AND f.semantic = 'blank') AS total_blank
    FROM fact_applications f
    JOIN template_cells t USING (template, table_name, row_name, column_name)
    WHERE t.role IN ('outcome', 'total_handled')
    GROUP BY ALL
)
SELECT CASE WHEN c.outcome_numbers < e.outcome_rows OR c.total_numbers < 1 OR (c.total_blank AND c.outcomes <> 0)
            THEN 'uncertain' ELSE 'fail' END AS outcome,
       c.document_id, c.region_code, c.publisher, c.year, 't3' AS table_name, 'total_handled' AS row_name,
       c.column_name,
       CASE WHEN c.outcome_numbers < e.outcome_rows OR c.total_numbers < 1
                THEN format('{} of {} outcome rows and {} total are numbers', c.outcome_numbers, e.outcome_rows,
                            c.total_numbers)
            WHEN c.total_blank THEN format('total not printed: outcome rows sum to {}', c.outcomes)
            ELSE format('total_handled = {} but the outcome rows sum to {}', c.total_handled, c.outcomes)
       END AS detail
FROM per_column c
JOIN expected e USING (document_id, column_name)
WHERE c.outcome_numbers < e.outcome_rows OR c.total_numbers < 1 OR c.total_handled <> c.outcomes
