-- check: C-1
-- severity: warn
-- description: two documents of one report (an article and its attachment) read a cell the same way
-- Both documents are the current version of their own URL; the report is loaded from the more complete one.
WITH current_documents AS (
    SELECT d.document_id, d.source, d.region_code, d.publisher, d.year
    FROM documents d
    JOIN source_documents s ON s.url = d.source AND s.sha256 = d.document_id
    WHERE d.status IN ('ok', 'partial', 'superseded', 'alternate')
)
SELECT 'warn' AS outcome, a.document_id, a.region_code, a.publisher, a.year,
       fa.table_name, fa.row_name, fa.column_name,
       format('{} prints "{}" but {} prints "{}"', a.source, fa.raw, b.source, fb.raw) AS detail
FROM current_documents a
JOIN current_documents b
  ON a.region_code IS NOT DISTINCT FROM b.region_code AND a.publisher = b.publisher AND a.year = b.year
 AND a.document_id < b.document_id
JOIN document_facts fa ON fa.document_id = a.document_id
JOIN document_facts fb ON fb.document_id = b.document_id AND fb.table_name = fa.table_name
                      AND fb.row_name = fa.row_name AND fb.column_name = fa.column_name
WHERE fa.value IS DISTINCT FROM fb.value
