-- check: T2-1
-- severity: error
-- description: every count is a non-negative integer and every amount a non-negative decimal (signed changes excepted)
WITH cells AS (
    SELECT f.document_id, f.region_code, f.publisher, f.year, f.table_name, f.row_name, f.column_name,
           CAST(f.value AS DOUBLE) AS value, f.raw, f.semantic, t.kind
    FROM facts f
    JOIN template_cells t USING (template, table_name, row_name, column_name)
)
SELECT CASE WHEN semantic = 'text' THEN 'uncertain' ELSE 'fail' END AS outcome,
       document_id, region_code, publisher, year, table_name, row_name, column_name,
       CASE WHEN semantic = 'text' THEN format('not a number: "{}"', raw)
            WHEN value < 0 THEN format('negative: {}', raw)
            ELSE format('not a whole number: {}', raw)
       END AS detail
FROM cells
WHERE semantic = 'text'
   OR (kind <> 'signed' AND value < 0)
   OR (kind IN ('count', 'signed') AND value <> floor(value))
