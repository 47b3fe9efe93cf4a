-- How much of a report's prose repeats its own previous year's report and other publishers' reports of the same
-- or the previous year: the MinHash estimate of the Jaccard similarity of their character shingles
-- (narrative_signatures, filled by gkreports.narrative after each load; digits are masked, so a text copied with
-- only its numbers changed still scores 1).

-- One row per compared pair of current reports.
CREATE OR REPLACE VIEW narrative_similarity AS
WITH signed AS (
    SELECT r.region_code, r.publisher, r.year, r.document_id, s.signature
    FROM reports r JOIN narrative_signatures s USING (document_id)
    WHERE s.shingles > 0
)
SELECT a.region_code, a.publisher, a.year, a.document_id,
       CASE WHEN a.publisher = b.publisher AND a.region_code IS NOT DISTINCT FROM b.region_code
            THEN 'own_previous_year' ELSE 'other_publisher' END AS relation,
       b.region_code AS other_region_code, b.publisher AS other_publisher, b.year AS other_year,
       b.document_id AS other_document_id,
       len(list_filter(list_zip(a.signature, b.signature), lambda x: x[1] = x[2])) / len(a.signature) AS similarity
FROM signed a
JOIN signed b
  ON a.document_id <> b.document_id AND len(a.signature) = len(b.signature)
 AND CASE WHEN a.publisher = b.publisher AND a.region_code IS NOT DISTINCT FROM b.region_code
          THEN b.year = a.year - 1
          ELSE b.year BETWEEN a.year - 1 AND a.year END;

-- One row per current report: its highest similarity to its own previous year and to anyone else, and
-- `boilerplate` when either reaches 0.7.
CREATE OR REPLACE VIEW copied_narrative AS
SELECT r.region_code, g.name AS region_name, r.publisher, r.year,
       s.characters AS prose_characters,
       max(n.similarity) FILTER (WHERE n.relation = 'own_previous_year') AS own_previous_year_similarity,
       max(n.similarity) FILTER (WHERE n.relation = 'other_publisher') AS other_publisher_similarity,
       arg_max(n.other_publisher, n.similarity) FILTER (WHERE n.relation = 'other_publisher') AS most_similar_publisher,
       arg_max(n.other_year, n.similarity) FILTER (WHERE n.relation = 'other_publisher') AS most_similar_year,
       coalesce(max(n.similarity) >= 0.7, false) AS boilerplate,
       r.document_id
FROM reports r
JOIN narrative_signatures s USING (document_id)
LEFT JOIN narrative_similarity n ON n.document_id = r.document_id
LEFT JOIN regions g ON g.region_code = r.region_code
GROUP BY r.region_code, g.name, r.publisher, r.year, s.characters, r.document_id;
