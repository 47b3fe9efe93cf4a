-- check: T3-3
-- severity: error
-- description: per row of table 三, 总计 = 自然人 + the five 法人或其他组织 columns
WITH per_row AS (
    SELECT document_id, region_code, publisher, year, row_name,
           sum(value) FILTER (WHERE column_name <> 'total') AS parts,
           max(value) FILTER (WHERE column_name = 'total') AS total,
           count(value) FILTER (WHERE column_name <> 'total') AS part_numbers,
           count(value) FILTER (WHERE column_name = 'total') AS total_numbers,
           bool_or(column_name = 'total' AND semantic = 'blank') AS total_blank
    FROM fact_applications
    GROUP BY ALL
)
SELECT CASE WHEN part_numbers < 6 OR total_numbers < 1 OR (total_blank AND parts <> 0)
            THEN 'uncertain' ELSE 'fail' END AS outcome,
       document_id, region_code, publisher, year, 't3' AS table_name, row_name, 'total' AS column_name,
       CASE WHEN part_numbers < 6 OR total_numbers < 1
                THEN format('{} of 6 applicant columns and {} total are numbers', part_numbers, total_numbers)
            WHEN total_blank THEN format('total not printed: applicant columns sum to {}', parts)
            ELSE format('total = {} but the applicant columns sum to {}', total, parts)
       END AS detail
FROM per_row
WHERE part_numbers < 6 OR total_numbers < 1 OR total <> parts
