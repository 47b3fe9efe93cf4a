-- Tables the analysis layer fills: the portal registry as crawled, and the MinHash signature of each document's prose.

-- Every portal the registry has named to a crawl (gkreports.analysis.record_portals): coverage expects a report
-- of the region's government for every year from each of them, whether or not anything was ever found there.
CREATE TABLE IF NOT EXISTS portals (
    region_code   VARCHAR PRIMARY KEY,           -- the registry row's region (6-digit GB/T 2260 code)
    region_name   VARCHAR NOT NULL,
    base_url      VARCHAR NOT NULL,
    family        VARCHAR,                       -- CMS family, null: detected from the pages
    verified      BOOLEAN NOT NULL,              -- checked against the live site by a person
    first_recorded TIMESTAMP NOT NULL,
    last_recorded  TIMESTAMP NOT NULL            -- the last crawl that had this portal in its registry
);

-- The prose of a document (一、总体情况 and 五、六, tables left out) as a MinHash signature over character
-- shingles (gkreports.narrative): what copied_narrative compares.
CREATE TABLE IF NOT EXISTS narrative_signatures (
    document_id  VARCHAR PRIMARY KEY,
    characters   INTEGER NOT NULL,               -- characters of normalized prose
    shingles     INTEGER NOT NULL,               -- distinct shingles; 0: no prose to compare
    signature    UBIGINT[] NOT NULL,
    computed_at  TIMESTAMP NOT NULL
);
