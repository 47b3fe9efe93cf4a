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
