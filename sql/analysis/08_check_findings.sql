-- The latest check results, each with the cell and the document it points at: labels, printed text and position
-- in the source (page, line, table, row, column), and the source's path or URL (for an attachment, its article).
CREATE OR REPLACE VIEW check_findings AS
SELECT c.run_id, c.run_at, c.check_id, c.severity, c.outcome, c.region_code, g.name AS region_name, c.publisher,
       c.year, c.table_name, c.row_name, c.column_name,
       coalesce(f.row_label, t.row_label) AS row_label, f.column_label, f.value, f.raw, f.semantic,
       f.source_page, f.source_line, f.source_table, f.source_row, f.source_column,
       c.detail, c.document_id, d.source AS document_source, d.status AS document_status, s.article_url,
       d.media_type
FROM latest_check_results c
LEFT JOIN documents d ON d.document_id = c.document_id
LEFT JOIN regions g ON g.region_code = c.region_code
LEFT JOIN facts f ON f.document_id = c.document_id AND f.table_name = c.table_name AND f.row_name = c.row_name
                 AND f.column_name = c.column_name
LEFT JOIN (SELECT DISTINCT template, table_name, row_name, row_label FROM template_cells) t
       ON t.template = d.template AND t.table_name = c.table_name AND t.row_name = c.row_name
LEFT JOIN source_documents s ON s.url = d.source;
