-- Who has published what: every registered portal and every publisher ever seen, every year.

-- The report years the warehouse covers: from the first year of the 2019 form or later that any document or
-- portal listing names, to the latest.
CREATE OR REPLACE VIEW coverage_years AS
WITH years AS (
    SELECT year FROM documents WHERE year >= 2019 AND status <> 'failed'
    UNION ALL
    SELECT title_year FROM source_documents WHERE title_year >= 2019
)
SELECT unnest(range(min(year), max(year) + 1)) AS year FROM years HAVING count(*) > 0;

-- One row per (region, publisher, year): `loaded` / `partial` (a report is in the fact tables), `failed` (a
-- document was found for it but could not be read: error_reason and error say why) or `missing` (nothing).
-- A registered portal whose government was never seen has one row per year with publisher null. A failed
-- document is placed on the government of its portal's region when the portal lists it as the government's,
-- on a department whose name its list title contains, else on a row of its own with publisher null.
CREATE OR REPLACE VIEW coverage AS
WITH subjects AS (
    SELECT region_code, publisher, publisher_kind FROM publishers
    UNION ALL
    SELECT p.region_code, NULL, 'government' FROM portals p
    WHERE NOT EXISTS (SELECT 1 FROM publishers q WHERE q.region_code = p.region_code AND q.publisher_kind = 'government')
), grid AS (
    SELECT s.region_code, s.publisher, s.publisher_kind, y.year, r.document_id, d.status AS document_status,
           d.source, d.missing_cells
    FROM subjects s
    CROSS JOIN coverage_years y
    LEFT JOIN reports r ON r.region_code IS NOT DISTINCT FROM s.region_code AND r.publisher = s.publisher AND r.year = y.year
    LEFT JOIN documents d ON d.document_id = r.document_id
), failed AS (
    SELECT d.document_id, d.source, d.error_reason, d.error, s.region_code, s.title_year AS year, s.publisher_kind,
           s.list_title
    FROM documents d
    JOIN source_documents s ON s.url = d.source
    WHERE d.status = 'failed' AND s.title_year IS NOT NULL
), placed_failures AS (
    SELECT g.region_code, g.publisher, g.year, f.document_id, f.source, f.error_reason, f.error,
           count(*) OVER (PARTITION BY g.region_code, g.publisher, g.year) AS failed_documents
    FROM grid g
    JOIN failed f ON f.region_code = g.region_code AND f.year = g.year AND f.publisher_kind = g.publisher_kind
                 AND (g.publisher_kind = 'government' OR strpos(f.list_title, g.publisher) > 0)
    WHERE g.document_id IS NULL
    QUALIFY row_number() OVER (PARTITION BY g.region_code, g.publisher, g.year ORDER BY f.source) = 1
), unplaced_failures AS (
    SELECT f.* FROM failed f
    WHERE NOT EXISTS (SELECT 1 FROM grid g
                      WHERE g.region_code = f.region_code AND g.year = f.year AND g.publisher_kind = f.publisher_kind
                        AND (g.publisher_kind = 'government' OR strpos(f.list_title, g.publisher) > 0))
)
SELECT g.region_code, coalesce(rg.name, po.region_name) AS region_name, g.publisher, g.publisher_kind, g.year,
       CASE WHEN g.document_id IS NOT NULL THEN (CASE WHEN g.document_status = 'partial' THEN 'partial' ELSE 'loaded' END)
            WHEN pf.document_id IS NOT NULL THEN 'failed'
            ELSE 'missing' END AS status,
       coalesce(g.document_id, pf.document_id) AS document_id,
       coalesce(g.source, pf.source) AS source,
       len(g.missing_cells) AS missing_cells,
       pf.error_reason, pf.error, coalesce(pf.failed_documents, 0) AS failed_documents,
       EXISTS (SELECT 1 FROM portals p WHERE p.region_code = g.region_code) AS registered_portal
FROM grid g
LEFT JOIN placed_failures pf ON pf.region_code = g.region_code AND pf.publisher IS NOT DISTINCT FROM g.publisher AND pf.year = g.year
LEFT JOIN regions rg ON rg.region_code = g.region_code
LEFT JOIN portals po ON po.region_code = g.region_code
UNION ALL
SELECT u.region_code, coalesce(rg.name, po.region_name), NULL, u.publisher_kind, u.year, 'failed', u.document_id, u.source, NULL,
       u.error_reason, u.error, 1, EXISTS (SELECT 1 FROM portals p WHERE p.region_code = u.region_code)
FROM unplaced_failures u
LEFT JOIN regions rg ON rg.region_code = u.region_code
LEFT JOIN portals po ON po.region_code = u.region_code;
