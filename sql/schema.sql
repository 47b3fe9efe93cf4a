-- The gkreports warehouse. Canonical names (table/row/column) as in extractors/template.py.
-- Facts hold the current report of each (region, publisher, year); documents keep every file ever seen.

CREATE TABLE IF NOT EXISTS regions (
    region_code  VARCHAR PRIMARY KEY,          -- 6-digit GB/T 2260 code
    name         VARCHAR NOT NULL,
    level        VARCHAR NOT NULL CHECK (level IN ('province', 'prefecture', 'county')),
    parent_code  VARCHAR
);

-- Every (template, table, row, column) the template defines: the accepted values of the fact tables.
CREATE TABLE IF NOT EXISTS template_cells (
    template      VARCHAR NOT NULL,
    table_name    VARCHAR NOT NULL,
    row_name      VARCHAR NOT NULL,
    column_name   VARCHAR NOT NULL,
    row_label     VARCHAR NOT NULL,
    column_label  VARCHAR NOT NULL,
    row_group     VARCHAR,
    role          VARCHAR,                      -- t3: input | outcome | total_handled | carried_forward
    kind          VARCHAR NOT NULL,             -- count | decimal | signed
    row_order     INTEGER NOT NULL,
    column_order  INTEGER NOT NULL,
    PRIMARY KEY (template, table_name, row_name, column_name)
);

CREATE TABLE IF NOT EXISTS documents (
    document_id    VARCHAR PRIMARY KEY,         -- sha256 of the bytes
    source         VARCHAR NOT NULL,            -- path or URL it was read from
    media_type     VARCHAR,
    size_bytes     BIGINT NOT NULL,
    title          VARCHAR,
    publisher      VARCHAR,
    region_code    VARCHAR,
    year           INTEGER,
    template       VARCHAR,
    published      DATE,
    status         VARCHAR NOT NULL CHECK (status IN ('ok', 'partial', 'failed', 'superseded', 'alternate')),
    error_reason   VARCHAR,                     -- stable code: empty, not_a_report, table_not_found, ...
    error          VARCHAR,                     -- the message a person reads
    missing_cells  VARCHAR[],                   -- template cells a partial report lacks
    notes          VARCHAR[],
    loaded_at      TIMESTAMP NOT NULL
);

-- The current document of each report. A corrected document replaces the row (and the facts).
CREATE TABLE IF NOT EXISTS reports (
    report_key   VARCHAR PRIMARY KEY,           -- region_code|publisher|year
    region_code  VARCHAR,
    publisher    VARCHAR NOT NULL,
    year         INTEGER NOT NULL,
    template     VARCHAR NOT NULL,
    document_id  VARCHAR NOT NULL,
    loaded_at    TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS fact_active_disclosure (     -- table 二
    document_id    VARCHAR NOT NULL,
    region_code    VARCHAR,
    publisher      VARCHAR NOT NULL,
    year           INTEGER NOT NULL,
    template       VARCHAR NOT NULL,
    table_name     VARCHAR NOT NULL DEFAULT 't2' CHECK (table_name = 't2'),
    row_name       VARCHAR NOT NULL,
    column_name    VARCHAR NOT NULL,
    value          DECIMAL(18, 4),
    raw            VARCHAR NOT NULL,
    semantic       VARCHAR NOT NULL CHECK (semantic IN ('number', 'zero', 'blank', 'not_applicable', 'text',
                                                    'uncertain', 'unreadable')),
    reads          VARCHAR[],                   -- OCR: the cell's independent reads (null for text layers)
    source_page    INTEGER,
    source_line    INTEGER,
    source_table   INTEGER,
    source_row     INTEGER,
    source_column  INTEGER,
    PRIMARY KEY (document_id, row_name, column_name),
    FOREIGN KEY (template, table_name, row_name, column_name) REFERENCES template_cells (template, table_name, row_name, column_name)
);

CREATE TABLE IF NOT EXISTS fact_applications (          -- table 三: outcome row × applicant column
    document_id    VARCHAR NOT NULL,
    region_code    VARCHAR,
    publisher      VARCHAR NOT NULL,
    year           INTEGER NOT NULL,
    template       VARCHAR NOT NULL,
    table_name     VARCHAR NOT NULL DEFAULT 't3' CHECK (table_name = 't3'),
    row_name       VARCHAR NOT NULL,
    column_name    VARCHAR NOT NULL,
    value          BIGINT,
    raw            VARCHAR NOT NULL,
    semantic       VARCHAR NOT NULL CHECK (semantic IN ('number', 'zero', 'blank', 'not_applicable', 'text',
                                                    'uncertain', 'unreadable')),
    reads          VARCHAR[],                   -- OCR: the cell's independent reads (null for text layers)
    source_page    INTEGER,
    source_line    INTEGER,
    source_table   INTEGER,
    source_row     INTEGER,
    source_column  INTEGER,
    PRIMARY KEY (document_id, row_name, column_name),
    FOREIGN KEY (template, table_name, row_name, column_name) REFERENCES template_cells (template, table_name, row_name, column_name)
);

CREATE TABLE IF NOT EXISTS fact_review_litigation (     -- table 四
    document_id    VARCHAR NOT NULL,
    region_code    VARCHAR,
    publisher      VARCHAR NOT NULL,
    year           INTEGER NOT NULL,
    template       VARCHAR NOT NULL,
    table_name     VARCHAR NOT NULL DEFAULT 't4' CHECK (table_name = 't4'),
    row_name       VARCHAR NOT NULL,
    column_name    VARCHAR NOT NULL,
    value          BIGINT,
    raw            VARCHAR NOT NULL,
    semantic       VARCHAR NOT NULL CHECK (semantic IN ('number', 'zero', 'blank', 'not_applicable', 'text',
                                                    'uncertain', 'unreadable')),
    reads          VARCHAR[],                   -- OCR: the cell's independent reads (null for text layers)
    source_page    INTEGER,
    source_line    INTEGER,
    source_table   INTEGER,
    source_row     INTEGER,
    source_column  INTEGER,
    PRIMARY KEY (document_id, row_name, column_name),
    FOREIGN KEY (template, table_name, row_name, column_name) REFERENCES template_cells (template, table_name, row_name, column_name)
);

-- Numbers the report's own prose states (一、总体情况), for the narrative-vs-table check.
CREATE TABLE IF NOT EXISTS narrative_facts (
    document_id  VARCHAR NOT NULL,
    region_code  VARCHAR,
    publisher    VARCHAR NOT NULL,
    year         INTEGER NOT NULL,
    fact         VARCHAR NOT NULL,               -- applications_received
    value        BIGINT NOT NULL,
    text         VARCHAR NOT NULL,
    source_page  INTEGER,
    source_line  INTEGER
);

CREATE SEQUENCE IF NOT EXISTS check_run_seq;

CREATE TABLE IF NOT EXISTS check_runs (
    run_id     INTEGER NOT NULL,
    run_at     TIMESTAMP NOT NULL,
    check_id   VARCHAR NOT NULL,
    severity   VARCHAR NOT NULL CHECK (severity IN ('error', 'warn')),
    rows       INTEGER NOT NULL,
    PRIMARY KEY (run_id, check_id)
);

CREATE TABLE IF NOT EXISTS check_results (
    run_id       INTEGER NOT NULL,
    run_at       TIMESTAMP NOT NULL,
    check_id     VARCHAR NOT NULL,
    severity     VARCHAR NOT NULL,
    outcome      VARCHAR NOT NULL CHECK (outcome IN ('fail', 'uncertain', 'warn')),
    document_id  VARCHAR,
    region_code  VARCHAR,
    publisher    VARCHAR,
    year         INTEGER,
    table_name   VARCHAR,
    row_name     VARCHAR,
    column_name  VARCHAR,
    detail       VARCHAR NOT NULL
);

-- ---------------------------------------------------------------- the crawl
-- One row per crawl (a nightly run or `gkreports crawl`).
CREATE SEQUENCE IF NOT EXISTS crawl_run_seq;

CREATE TABLE IF NOT EXISTS crawl_runs (
    run_id       INTEGER PRIMARY KEY,
    started_at   TIMESTAMP NOT NULL,
    finished_at  TIMESTAMP,                     -- null: the run did not finish (crashed or still running)
    registry     VARCHAR NOT NULL,              -- the registry file it read
    portals      INTEGER NOT NULL
);

-- Every request the crawler made or refused to make, with its outcome. Append-only.
CREATE TABLE IF NOT EXISTS crawl_log (
    run_id         INTEGER NOT NULL,
    region_code    VARCHAR NOT NULL,            -- the portal's registry row
    url            VARCHAR NOT NULL,            -- as requested
    final_url      VARCHAR,                     -- after redirects
    referrer       VARCHAR,                     -- the page that linked it
    purpose        VARCHAR NOT NULL CHECK (purpose IN ('robots', 'list', 'article', 'attachment', 'image', 'redirect')),
    outcome        VARCHAR NOT NULL CHECK (outcome IN ('fetched', 'not_modified', 'error', 'blocked', 'disallowed', 'refused')),
    status         INTEGER,                     -- HTTP status of the last attempt
    bytes          BIGINT,
    sha256         VARCHAR,                     -- the archived bytes (data/raw/ab/abcd…)
    content_type   VARCHAR,
    etag           VARCHAR,
    last_modified  VARCHAR,
    attempts       INTEGER NOT NULL,
    seconds        DOUBLE NOT NULL,             -- wall time, waiting included
    waited         DOUBLE NOT NULL,             -- of which waiting on the rate limit and Retry-After
    fetched_at     TIMESTAMP NOT NULL,
    error          VARCHAR
);

-- Every report document found on a portal: an article page or an attachment, by URL.
CREATE TABLE IF NOT EXISTS source_documents (
    url             VARCHAR PRIMARY KEY,
    region_code     VARCHAR NOT NULL,           -- the portal's registry row
    kind            VARCHAR NOT NULL CHECK (kind IN ('article', 'attachment')),
    article_url     VARCHAR,                    -- the article an attachment hangs on
    referrer        VARCHAR,                    -- the list page (or article) that linked it
    list_title      VARCHAR,                    -- the full title the list gives
    title_year      INTEGER,                    -- the year in that title
    publisher_kind  VARCHAR NOT NULL CHECK (publisher_kind IN ('government', 'department', 'township')),
    published       DATE,                       -- the date the page states (PubDate meta, 发布日期 line, list date)
    site_id_code    VARCHAR,                    -- the page's SiteIDCode meta (6-digit division code + serial)
    sha256          VARCHAR NOT NULL,           -- the current version's bytes
    first_seen      TIMESTAMP NOT NULL,
    last_seen       TIMESTAMP NOT NULL
);

-- Each version of a source document's bytes, with when it was first and last seen.
CREATE TABLE IF NOT EXISTS document_versions (
    url         VARCHAR NOT NULL,
    sha256      VARCHAR NOT NULL,
    first_seen  TIMESTAMP NOT NULL,
    last_seen   TIMESTAMP NOT NULL,
    PRIMARY KEY (url, sha256)
);

-- Every cell of every document ever read (current or not), so that two documents of one report, or two
-- versions of one URL, can be compared cell by cell. The fact tables hold only the current reports.
CREATE TABLE IF NOT EXISTS document_facts (
    document_id  VARCHAR NOT NULL,
    table_name   VARCHAR NOT NULL,
    row_name     VARCHAR NOT NULL,
    column_name  VARCHAR NOT NULL,
    value        DOUBLE,
    raw          VARCHAR NOT NULL,
    semantic     VARCHAR NOT NULL,
    reads        VARCHAR[],                     -- OCR: the cell's independent reads
    PRIMARY KEY (document_id, table_name, row_name, column_name)
);

-- The pictures of an article whose tables are images, archived with it so that OCR can read them later.
CREATE TABLE IF NOT EXISTS document_images (
    url        VARCHAR NOT NULL,                -- the article (source_documents.url)
    src        VARCHAR NOT NULL,                -- the <img src> as the page writes it
    image_url  VARCHAR NOT NULL,                -- resolved against the article's URL
    sha256     VARCHAR NOT NULL,                -- the archived image bytes
    PRIMARY KEY (url, src)
);
