-- check: O-1
-- severity: warn
-- description: cells read by OCR without certainty (uncertain, or ink without readable text): a person confirms them against the picture
SELECT 'uncertain' AS outcome, f.document_id, f.region_code, f.publisher, f.year, f.table_name, f.row_name,
       f.column_name,
       format('{}: reads {}', f.semantic, coalesce(array_to_string(r.reads, ' | '), '(none)')) AS detail
FROM facts f
JOIN (SELECT document_id, table_name, row_name, column_name, reads FROM fact_active_disclosure
      UNION ALL SELECT document_id, table_name, row_name, column_name, reads FROM fact_applications
      UNION ALL SELECT document_id, table_name, row_name, column_name, reads FROM fact_review_litigation) r
  USING (document_id, table_name, row_name, column_name)
WHERE f.semantic IN ('uncertain', 'unreadable')
