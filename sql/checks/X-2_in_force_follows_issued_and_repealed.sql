-- check: X-2
-- severity: warn
-- description: 现行有效件数 ≈ last year's + 本年制发 − 本年废止 (revisions and expiry make this unreliable)
WITH t2 AS (
    SELECT publisher, region_code, year, document_id, row_name,
           CAST(max(value) FILTER (WHERE column_name = 'issued') AS BIGINT) AS issued,
           CAST(max(value) FILTER (WHERE column_name = 'repealed') AS BIGINT) AS repealed,
           CAST(max(value) FILTER (WHERE column_name = 'in_force') AS BIGINT) AS in_force
    FROM fact_active_disclosure
    WHERE row_name IN ('regulation', 'normative_document') AND template = '2021'
    GROUP BY ALL
)
SELECT 'warn' AS outcome, this.document_id, this.region_code, this.publisher, this.year,
       't2' AS table_name, this.row_name, 'in_force' AS column_name,
       format('in_force {} but {} in_force {} + issued {} − repealed {} = {}', this.in_force, last.year,
              last.in_force, this.issued, this.repealed, last.in_force + this.issued - this.repealed) AS detail
FROM t2 this
JOIN t2 last
  ON last.publisher = this.publisher
 AND last.region_code IS NOT DISTINCT FROM this.region_code
 AND last.year = this.year - 1
 AND last.row_name = this.row_name
WHERE this.in_force IS NOT NULL AND last.in_force IS NOT NULL AND this.issued IS NOT NULL
  AND this.repealed IS NOT NULL
  AND this.in_force <> last.in_force + this.issued - this.repealed
