-- Year over year, per (region, publisher, template cell).
--
-- How a cell of the 2019 trial form (report years 2019 and 2020) relates to the 2021 form. The 2021 form kept
-- the canonical name wherever the meaning stayed (all of tables 三 and 四, and table 二's licence, penalty and
-- coercion decisions); cells only the trial form has (新制作/新公开/对外公开总数, items counts, procurement) have
-- no 2021 counterpart and are compared only with other 2019-form years.
CREATE OR REPLACE VIEW cell_mapping AS
SELECT t.template, t.table_name, t.row_name, t.column_name, t.row_label, t.column_label,
       CASE WHEN t.template = '2021' THEN '2021'
            WHEN n.row_name IS NOT NULL THEN '2019_same_as_2021'
            ELSE '2019_only' END AS mapping
FROM template_cells t
LEFT JOIN template_cells n
       ON n.template = '2021' AND n.table_name = t.table_name AND n.row_name = t.row_name
      AND n.column_name = t.column_name AND t.template = '2019';

-- One row per current report's cell, beside the same cell of the publisher's previous report.
CREATE OR REPLACE VIEW year_over_year AS
WITH cells AS (
    SELECT f.region_code, f.publisher, f.table_name, f.row_name, f.column_name, f.row_label, f.column_label,
           f.year, f.template, m.mapping, f.value, f.raw, f.semantic, f.document_id
    FROM facts f
    JOIN cell_mapping m USING (template, table_name, row_name, column_name)
)
SELECT region_code, publisher, table_name, row_name, column_name, row_label, column_label, year, template,
       mapping, value, raw, semantic,
       lag(year) OVER w AS prev_year,
       lag(template) OVER w AS prev_template,
       lag(value) OVER w AS prev_value,
       value - lag(value) OVER w AS change,
       (value - lag(value) OVER w) / nullif(lag(value) OVER w, 0) AS relative_change,
       lag(template) OVER w <> template AS across_forms,
       document_id,
       lag(document_id) OVER w AS prev_document_id
FROM cells
WINDOW w AS (PARTITION BY region_code, publisher, table_name, row_name, column_name ORDER BY year);
