-- check: N-1
-- severity: warn
-- description: the number of applications the narrative says were received agrees with table 三
-- (new applications, or new plus carried over: reports use 收到 for both; anything else is reported)
WITH received AS (
    SELECT document_id,
           max(value) FILTER (WHERE row_name = 'new_received') AS new_received,
           max(value) FILTER (WHERE row_name = 'carried_over') AS carried_over
    FROM fact_applications
    WHERE column_name = 'total'
    GROUP BY document_id
)
SELECT 'warn' AS outcome, n.document_id, n.region_code, n.publisher, n.year,
       't3' AS table_name, 'new_received' AS row_name, 'total' AS column_name,
       format('narrative says {} ("{}") but table 三 has {} new applications ({} with carried over)',
              n.value, n.text, r.new_received, r.new_received + r.carried_over) AS detail
FROM narrative_facts n
JOIN received r USING (document_id)
WHERE n.fact = 'applications_received'
  AND n.value IS DISTINCT FROM r.new_received
  AND n.value IS DISTINCT FROM r.new_received + r.carried_over
