-- check: T3-2
-- severity: error
-- description: per applicant column, （七）总计 = the sum of the outcome rows （一）…（六）
WITH cells AS (
    SELECT f.*, t.role
    FROM fact_applications f
    JOIN template_cells t USING (template, table_name, row_name, column_name)
    WHERE t.role IN ('outcome', 'total_handled')
), per_column AS (
    SELECT document_id, region_code, publisher, year, column_name,
           sum(value) FILTER (WHERE role = 'outcome') AS outcomes,
           max(value) FILTER (WHERE role = 'total_handled') AS total_handled,
           count(value) FILTER (WHERE role = 'outcome') AS outcome_numbers,
           count(value) FILTER (WHERE role = 'total_handled') AS total_numbers,
           -- 21 outcome rows, or 20 where （六）其他处理 is printed as one row
           CASE WHEN bool_or(row_name = 'other_handling') THEN 20 ELSE 21 END AS outcome_rows,
           bool_or(role = 'total_handled' AND semantic = 'blank') AS total_blank
    FROM cells
    GROUP BY ALL
)
SELECT CASE WHEN outcome_numbers < outcome_rows OR total_numbers < 1 OR (total_blank AND outcomes <> 0)
            THEN 'uncertain' ELSE 'fail' END AS outcome,
       document_id, region_code, publisher, year, 't3' AS table_name, 'total_handled' AS row_name, column_name,
       CASE WHEN outcome_numbers < outcome_rows OR total_numbers < 1
                THEN format('{} of {} outcome rows and {} total are numbers', outcome_numbers, outcome_rows, total_numbers)
            WHEN total_blank THEN format('total not printed: outcome rows sum to {}', outcomes)
            ELSE format('total_handled = {} but the outcome rows sum to {}', total_handled, outcomes)
       END AS detail
FROM per_column
WHERE outcome_numbers < outcome_rows OR total_numbers < 1 OR total_handled <> outcomes
