-- check: T4-1
-- severity: error
-- description: per row of table 四, 结果维持 + 结果纠正 + 其他结果 + 尚未审结 = 总计
WITH per_row AS (
    SELECT document_id, region_code, publisher, year, row_name,
           sum(value) FILTER (WHERE column_name <> 'total') AS parts,
           max(value) FILTER (WHERE column_name = 'total') AS total,
           count(value) FILTER (WHERE column_name <> 'total') AS part_numbers,
           count(value) FILTER (WHERE column_name = 'total') AS total_numbers,
           bool_or(column_name = 'total' AND semantic = 'blank') AS total_blank
    FROM fact_review_litigation
    GROUP BY ALL
)
SELECT CASE WHEN part_numbers < 4 OR total_numbers < 1 OR (total_blank AND parts <> 0)
            THEN 'uncertain' ELSE 'fail' END AS outcome,
       document_id, region_code, publisher, year, 't4' AS table_name, row_name, 'total' AS column_name,
       CASE WHEN part_numbers < 4 OR total_numbers < 1
                THEN format('{} of 4 results and {} total are numbers', part_numbers, total_numbers)
            WHEN total_blank THEN format('total not printed: results sum to {}', parts)
            ELSE format('total = {} but upheld + corrected + other + pending = {}', total, parts)
       END AS detail
FROM per_row
WHERE part_numbers < 4 OR total_numbers < 1 OR total <> parts
