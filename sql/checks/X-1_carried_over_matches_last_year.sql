-- check: X-1
-- severity: warn
-- description: this year's 上年结转 equals last year's 结转下年度, same publisher, per applicant column
SELECT 'warn' AS outcome, this.document_id, this.region_code, this.publisher, this.year,
       't3' AS table_name, 'carried_over' AS row_name, this.column_name,
       format('carried_over {} but {} carried_forward {}', this.raw, last.year, last.raw) AS detail
FROM fact_applications this
JOIN fact_applications last
  ON last.publisher = this.publisher
 AND last.region_code IS NOT DISTINCT FROM this.region_code
 AND last.year = this.year - 1
 AND last.column_name = this.column_name
 AND last.row_name = 'carried_forward'
WHERE this.row_name = 'carried_over'
  AND this.value IS DISTINCT FROM last.value
