-- check: C-2
-- severity: warn
-- description: a crawled page's SiteIDCode names the division its registry row says
-- (the first six digits of SiteIDCode are the portal's division code; a disagreement is reported, not settled)
SELECT 'warn' AS outcome, s.sha256 AS document_id, s.region_code, d.publisher, d.year,
       NULL AS table_name, NULL AS row_name, NULL AS column_name,
       format('{}: SiteIDCode {} names division {}, the registry row says {}',
              s.url, s.site_id_code, left(s.site_id_code, 6), s.region_code) AS detail
FROM source_documents s
LEFT JOIN documents d ON d.document_id = s.sha256
WHERE regexp_full_match(coalesce(s.site_id_code, ''), '\d{6}.*')
  AND left(s.site_id_code, 6) <> s.region_code
