-- Reports whose published numbers changed after we first read them: one row per changed cell.
--
-- Two documents are compared when they are consecutive versions of one URL (document_versions, as the crawl
-- saw them), or, for documents the crawl never saw (loaded from files), consecutive documents of one report
-- (region, publisher, year) in load order. A cell that only one of the two gives counts as changed; a pair
-- where either document gave no cells at all (it failed) is left out.
CREATE OR REPLACE VIEW revisions AS
WITH versions AS (
    SELECT url, sha256 AS new_id, first_seen AS new_seen,
           lag(sha256) OVER w AS old_id, lag(first_seen) OVER w AS old_seen
    FROM document_versions
    WINDOW w AS (PARTITION BY url ORDER BY first_seen, last_seen)
), uncrawled AS (
    SELECT d.document_id AS new_id, d.source AS new_source, d.loaded_at AS new_seen,
           lag(d.document_id) OVER w AS old_id, lag(d.source) OVER w AS old_source, lag(d.loaded_at) OVER w AS old_seen
    FROM documents d
    WHERE d.status IN ('ok', 'partial', 'superseded') AND d.publisher IS NOT NULL AND d.year IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM document_versions v WHERE v.url = d.source)
    WINDOW w AS (PARTITION BY d.region_code, d.publisher, d.year ORDER BY d.loaded_at, d.document_id)
), pairs AS (
    SELECT 'new_version' AS revision_kind, url AS old_source, url AS new_source, old_id, new_id, old_seen, new_seen
    FROM versions WHERE old_id IS NOT NULL
    UNION ALL
    SELECT 'replaced', old_source, new_source, old_id, new_id, old_seen, new_seen
    FROM uncrawled WHERE old_id IS NOT NULL
), comparable AS (
    SELECT p.* FROM pairs p
    WHERE EXISTS (SELECT 1 FROM document_facts f WHERE f.document_id = p.old_id)
      AND EXISTS (SELECT 1 FROM document_facts f WHERE f.document_id = p.new_id)
), cells AS (
    SELECT DISTINCT p.old_id, p.new_id, f.table_name, f.row_name, f.column_name
    FROM comparable p JOIN document_facts f ON f.document_id IN (p.old_id, p.new_id)
)
SELECT p.revision_kind, n.region_code, n.publisher, n.year, c.table_name, c.row_name, c.column_name,
       o.value AS old_value, v.value AS new_value, o.raw AS old_raw, v.raw AS new_raw,
       p.old_seen AS old_first_seen, p.new_seen AS new_first_seen,
       od.published AS old_published, n.published AS new_published,
       p.old_source, p.new_source, p.old_id AS old_document_id, p.new_id AS new_document_id
FROM comparable p
JOIN cells c ON c.old_id = p.old_id AND c.new_id = p.new_id
JOIN documents n ON n.document_id = p.new_id
JOIN documents od ON od.document_id = p.old_id
LEFT JOIN document_facts o ON o.document_id = p.old_id AND o.table_name = c.table_name AND o.row_name = c.row_name
                          AND o.column_name = c.column_name
LEFT JOIN document_facts v ON v.document_id = p.new_id AND v.table_name = c.table_name AND v.row_name = c.row_name
                          AND v.column_name = c.column_name
WHERE o.value IS DISTINCT FROM v.value OR o.semantic IS DISTINCT FROM v.semantic;
