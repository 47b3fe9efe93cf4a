-- Views for analysts. Facts only ever hold current reports, so no filtering on status is needed.

-- Every template cell of every current report, one row each, with the template's printed labels.
CREATE OR REPLACE VIEW facts AS
WITH all_facts AS (
    SELECT document_id, region_code, publisher, year, template, table_name, row_name, column_name,
           CAST(value AS DOUBLE) AS value, raw, semantic, source_page, source_line, source_table, source_row,
           source_column
    FROM fact_active_disclosure
    UNION ALL
    SELECT document_id, region_code, publisher, year, template, table_name, row_name, column_name,
           CAST(value AS DOUBLE), raw, semantic, source_page, source_line, source_table, source_row, source_column
    FROM fact_applications
    UNION ALL
    SELECT document_id, region_code, publisher, year, template, table_name, row_name, column_name,
           CAST(value AS DOUBLE), raw, semantic, source_page, source_line, source_table, source_row, source_column
    FROM fact_review_litigation
)
SELECT f.*, t.row_label, t.column_label, t.role, d.source AS document_source
FROM all_facts f
JOIN template_cells t USING (template, table_name, row_name, column_name)
JOIN documents d USING (document_id);

-- Table 三 as analysts usually read it: one row per report and outcome, applicant types as columns.
CREATE OR REPLACE VIEW applications_wide AS
SELECT f.region_code, f.publisher, f.year, f.row_name, any_value(t.row_label) AS row_label,
       max(f.value) FILTER (WHERE f.column_name = 'natural_person')        AS natural_person,
       max(f.value) FILTER (WHERE f.column_name = 'commercial_enterprise') AS commercial_enterprise,
       max(f.value) FILTER (WHERE f.column_name = 'research_institution')  AS research_institution,
       max(f.value) FILTER (WHERE f.column_name = 'social_welfare_org')    AS social_welfare_org,
       max(f.value) FILTER (WHERE f.column_name = 'legal_service_org')     AS legal_service_org,
       max(f.value) FILTER (WHERE f.column_name = 'other_org')             AS other_org,
       max(f.value) FILTER (WHERE f.column_name = 'total')                 AS total,
       any_value(f.document_id) AS document_id, min(t.row_order) AS row_order
FROM fact_applications f
JOIN template_cells t USING (template, table_name, row_name, column_name)
GROUP BY f.region_code, f.publisher, f.year, f.row_name;

-- The latest result of every check: the rows of the most recent run.
CREATE OR REPLACE VIEW latest_check_results AS
SELECT * FROM check_results WHERE run_id = (SELECT max(run_id) FROM check_runs);

-- One line per current report: who, when, from which document, and its headline numbers.
CREATE OR REPLACE VIEW reports_overview AS
SELECT r.region_code, g.name AS region_name, r.publisher, r.year, r.template, d.status, d.media_type,
       d.source AS document_source, d.published,
       max(a.value) FILTER (WHERE a.row_name = 'new_received' AND a.column_name = 'total')  AS applications_new,
       max(a.value) FILTER (WHERE a.row_name = 'total_handled' AND a.column_name = 'total') AS applications_handled,
       max(a.value) FILTER (WHERE a.row_name = 'granted' AND a.column_name = 'total')       AS applications_granted,
       (SELECT sum(l.value) FROM fact_review_litigation l
         WHERE l.document_id = r.document_id AND l.row_name = 'admin_review' AND l.column_name = 'total') AS admin_reviews,
       (SELECT sum(l.value) FROM fact_review_litigation l
         WHERE l.document_id = r.document_id AND l.row_name <> 'admin_review' AND l.column_name = 'total') AS lawsuits,
       r.document_id
FROM reports r
JOIN documents d USING (document_id)
LEFT JOIN regions g ON g.region_code = r.region_code
LEFT JOIN fact_applications a ON a.document_id = r.document_id
GROUP BY ALL;
