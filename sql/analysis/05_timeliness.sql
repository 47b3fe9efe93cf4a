-- Publication against the legal deadline (政府信息公开条例 art. 50): a department's (and a township's) report for
-- year Y by 31 January of Y+1, the government's own report by 31 March of Y+1.
--
-- The date is the one the portal states (the page's PubDate / 发布日期, or the list's date; for an attachment,
-- its article's), else the one the document itself states. `timeliness`: on_time, late, date_unknown (published,
-- no date stated anywhere), missing (deadline passed, nothing found), not_due (nothing yet, deadline ahead).
CREATE OR REPLACE VIEW timeliness AS
WITH dated AS (
    SELECT c.*,
           CASE WHEN c.publisher_kind = 'government' THEN make_date(c.year + 1, 3, 31)
                ELSE make_date(c.year + 1, 1, 31) END AS deadline,
           coalesce(s.published, a.published, d.published) AS published,
           CASE WHEN s.published IS NOT NULL THEN 'portal'
                WHEN a.published IS NOT NULL THEN 'article'
                WHEN d.published IS NOT NULL THEN 'document' END AS published_from,
           s.first_seen
    FROM coverage c
    LEFT JOIN documents d ON d.document_id = c.document_id
    LEFT JOIN source_documents s ON s.url = c.source
    LEFT JOIN source_documents a ON a.url = s.article_url
)
SELECT region_code, region_name, publisher, publisher_kind, year, status, deadline, published, published_from,
       date_diff('day', deadline, published) AS days_late,
       CASE WHEN status = 'missing' THEN (CASE WHEN current_date > deadline THEN 'missing' ELSE 'not_due' END)
            WHEN published IS NULL THEN 'date_unknown'
            WHEN published <= deadline THEN 'on_time'
            ELSE 'late' END AS timeliness,
       first_seen, document_id, source, error_reason
FROM dated;

-- Per region and year: how many publishers were on time, late, missing.
CREATE OR REPLACE VIEW timeliness_summary AS
SELECT region_code, region_name, year,
       count(*) AS publishers,
       count(*) FILTER (WHERE timeliness = 'on_time')      AS on_time,
       count(*) FILTER (WHERE timeliness = 'late')         AS late,
       count(*) FILTER (WHERE timeliness = 'date_unknown') AS date_unknown,
       count(*) FILTER (WHERE timeliness = 'missing')      AS missing,
       count(*) FILTER (WHERE timeliness = 'not_due')      AS not_due,
       max(days_late) AS most_days_late
FROM timeliness
GROUP BY region_code, region_name, year;
