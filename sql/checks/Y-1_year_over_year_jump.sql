-- check: Y-1
-- severity: warn
-- description: a headline number ten times larger or smaller than the publisher's previous year
WITH headline AS (
    SELECT document_id, region_code, publisher, year, table_name, row_name, column_name,
           CAST(value AS BIGINT) AS value
    FROM facts
    WHERE (table_name = 't3' AND row_name IN ('new_received', 'total_handled') AND column_name = 'total')
       OR (table_name = 't2' AND row_name IN ('administrative_license', 'administrative_penalty',
                                              'administrative_coercion') AND column_name = 'decisions')
)
SELECT 'warn' AS outcome, this.document_id, this.region_code, this.publisher, this.year,
       this.table_name, this.row_name, this.column_name,
       format('{} in {} against {} in {}', this.value, this.year, last.value, last.year) AS detail
FROM headline this
JOIN headline last
  ON last.publisher = this.publisher
 AND last.region_code IS NOT DISTINCT FROM this.region_code
 AND last.year = this.year - 1
 AND last.table_name = this.table_name AND last.row_name = this.row_name AND last.column_name = this.column_name
WHERE greatest(this.value, last.value) >= 10
  AND (this.value > 10 * last.value OR last.value > 10 * this.value)
