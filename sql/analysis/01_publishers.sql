-- Every publisher ever seen, with its kind: the crawl's word for it where a portal listed the document, else
-- read from the name the way the crawler reads list titles (…镇人民政府 township, …人民政府 government).
CREATE OR REPLACE VIEW publishers AS
WITH seen AS (
    SELECT d.region_code, d.publisher, min(d.year) AS first_year, max(d.year) AS last_year,
           count(DISTINCT d.year) AS years_seen, mode(s.publisher_kind) AS crawled_kind
    FROM documents d
    LEFT JOIN source_documents s ON s.url = d.source
    WHERE d.publisher IS NOT NULL AND d.year IS NOT NULL AND d.status <> 'failed'
    GROUP BY d.region_code, d.publisher
)
SELECT s.region_code, g.name AS region_name, s.publisher,
       coalesce(s.crawled_kind, CASE
           WHEN regexp_matches(s.publisher, '(乡|镇|街道|街道办事处|民族乡|苏木|农场|林场)(人民政府)?$') THEN 'township'
           WHEN regexp_matches(s.publisher, '(人民政府|政府|管委会|管理委员会)(办公室|办公厅)?$') THEN 'government'
           ELSE 'department' END) AS publisher_kind,
       s.first_year, s.last_year, s.years_seen
FROM seen s
LEFT JOIN regions g ON g.region_code = s.region_code;
