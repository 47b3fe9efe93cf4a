-- The numbers people compare, one row per current report, and the same in long form for rankings and charts.

-- What each indicator means (the order is the order `gkreports compare` and the HTML report print them in).
CREATE OR REPLACE VIEW indicator_catalog AS
SELECT * FROM (VALUES
    (1,  'applications_received',    'count', '收到申请（新收+上年结转）', 't3 new_received + carried_over, total column'),
    (2,  'applications_new',         'count', '本年新收申请', 't3 new_received, total column'),
    (3,  'applications_carried_over','count', '上年结转申请', 't3 carried_over, total column'),
    (4,  'applications_handled',     'count', '办理结果总计', 't3 total_handled, total column'),
    (5,  'granted',                  'count', '予以公开', 't3 granted, total column'),
    (6,  'granted_share',            'share', '予以公开占比', 'granted / applications_handled; null when nothing was handled'),
    (7,  'partially_granted',        'count', '部分公开', 't3 partially_granted, total column'),
    (8,  'partially_granted_share',  'share', '部分公开占比', 'partially_granted / applications_handled'),
    (9,  'denied',                   'count', '不予公开', 'the eight t3 denied_* rows, total column; null if any is not a number'),
    (10, 'denied_share',             'share', '不予公开占比', 'denied / applications_handled'),
    (11, 'denied_state_secret',      'count', '不予公开：国家秘密', 't3 denied_state_secret'),
    (12, 'denied_prohibited_by_law', 'count', '不予公开：法律法规禁止', 't3 denied_prohibited_by_law'),
    (13, 'denied_security_stability','count', '不予公开：三安全一稳定', 't3 denied_security_stability'),
    (14, 'denied_third_party_rights','count', '不予公开：第三方合法权益', 't3 denied_third_party_rights'),
    (15, 'denied_internal_affairs',  'count', '不予公开：内部事务信息', 't3 denied_internal_affairs'),
    (16, 'denied_process_information','count','不予公开：过程性信息', 't3 denied_process_information'),
    (17, 'denied_enforcement_case_file','count','不予公开：行政执法案卷', 't3 denied_enforcement_case_file'),
    (18, 'denied_administrative_query','count','不予公开：行政查询事项', 't3 denied_administrative_query'),
    (19, 'not_held',                 'count', '本机关不掌握', 't3 unavailable_not_held, total column'),
    (20, 'not_held_share',           'share', '不掌握占比', 'not_held / applications_handled'),
    (21, 'carried_forward',          'count', '结转下年度', 't3 carried_forward, total column'),
    (22, 'admin_reviews',            'count', '行政复议', 't4 admin_review total'),
    (23, 'admin_review_corrected_share','share','复议结果纠正占比', 't4 admin_review corrected / (upheld + corrected + other): of the decided cases, pending left out'),
    (24, 'lawsuits',                 'count', '行政诉讼', 't4 litigation_direct + litigation_after_review, total'),
    (25, 'lawsuit_corrected_share',  'share', '诉讼结果纠正占比', 'corrected / decided over both litigation rows'),
    (26, 'corrected_share',          'share', '复议诉讼纠正占比', 'corrected / decided over review and litigation'),
    (27, 'licence_decisions',        'count', '行政许可处理决定', 't2 administrative_license decisions'),
    (28, 'penalty_decisions',        'count', '行政处罚处理决定', 't2 administrative_penalty decisions'),
    (29, 'coercion_decisions',       'count', '行政强制处理决定', 't2 administrative_coercion decisions'),
    (30, 'fees_10k_yuan',            'amount','行政事业性收费（万元）', 't2 administrative_fee amount_10k_yuan (2021 form only)')
) AS c(position, indicator, kind, label, definition);

CREATE OR REPLACE VIEW report_indicators AS
WITH t3 AS (
    SELECT document_id,
           max(value) FILTER (WHERE row_name = 'new_received')                 AS applications_new,
           max(value) FILTER (WHERE row_name = 'carried_over')                 AS applications_carried_over,
           max(value) FILTER (WHERE row_name = 'total_handled')                AS applications_handled,
           max(value) FILTER (WHERE row_name = 'granted')                      AS granted,
           max(value) FILTER (WHERE row_name = 'partially_granted')            AS partially_granted,
           CASE WHEN count(value) FILTER (WHERE row_name LIKE 'denied\_%' ESCAPE '\') = 8
                THEN CAST(sum(value) FILTER (WHERE row_name LIKE 'denied\_%' ESCAPE '\') AS BIGINT) END AS denied,
           max(value) FILTER (WHERE row_name = 'denied_state_secret')          AS denied_state_secret,
           max(value) FILTER (WHERE row_name = 'denied_prohibited_by_law')     AS denied_prohibited_by_law,
           max(value) FILTER (WHERE row_name = 'denied_security_stability')    AS denied_security_stability,
           max(value) FILTER (WHERE row_name = 'denied_third_party_rights')    AS denied_third_party_rights,
           max(value) FILTER (WHERE row_name = 'denied_internal_affairs')      AS denied_internal_affairs,
           max(value) FILTER (WHERE row_name = 'denied_process_information')   AS denied_process_information,
           max(value) FILTER (WHERE row_name = 'denied_enforcement_case_file') AS denied_enforcement_case_file,
           max(value) FILTER (WHERE row_name = 'denied_administrative_query')  AS denied_administrative_query,
           max(value) FILTER (WHERE row_name = 'unavailable_not_held')         AS not_held,
           max(value) FILTER (WHERE row_name = 'carried_forward')              AS carried_forward
    FROM fact_applications
    WHERE column_name = 'total'
    GROUP BY document_id
), t4 AS (
    SELECT document_id,
           max(value) FILTER (WHERE row_name = 'admin_review' AND column_name = 'total') AS admin_reviews,
           max(value) FILTER (WHERE row_name = 'admin_review' AND column_name = 'corrected') AS review_corrected,
           CASE WHEN count(value) FILTER (WHERE row_name = 'admin_review' AND column_name IN ('upheld', 'corrected', 'other')) = 3
                THEN sum(value) FILTER (WHERE row_name = 'admin_review' AND column_name IN ('upheld', 'corrected', 'other')) END
               AS review_decided,
           CASE WHEN count(value) FILTER (WHERE row_name <> 'admin_review' AND column_name = 'total') = 2
                THEN CAST(sum(value) FILTER (WHERE row_name <> 'admin_review' AND column_name = 'total') AS BIGINT) END AS lawsuits,
           CASE WHEN count(value) FILTER (WHERE row_name <> 'admin_review' AND column_name = 'corrected') = 2
                THEN sum(value) FILTER (WHERE row_name <> 'admin_review' AND column_name = 'corrected') END AS lawsuit_corrected,
           CASE WHEN count(value) FILTER (WHERE row_name <> 'admin_review' AND column_name IN ('upheld', 'corrected', 'other')) = 6
                THEN sum(value) FILTER (WHERE row_name <> 'admin_review' AND column_name IN ('upheld', 'corrected', 'other')) END
               AS lawsuit_decided
    FROM fact_review_litigation
    GROUP BY document_id
), t2 AS (
    SELECT document_id,
           max(value) FILTER (WHERE row_name = 'administrative_license' AND column_name = 'decisions')        AS licence_decisions,
           max(value) FILTER (WHERE row_name = 'administrative_penalty' AND column_name = 'decisions')        AS penalty_decisions,
           max(value) FILTER (WHERE row_name = 'administrative_coercion' AND column_name = 'decisions')       AS coercion_decisions,
           max(value) FILTER (WHERE row_name = 'administrative_fee' AND column_name = 'amount_10k_yuan')      AS fees_10k_yuan
    FROM fact_active_disclosure
    GROUP BY document_id
)
SELECT r.region_code, g.name AS region_name, g.parent_code, pg.name AS parent_name, r.publisher,
       coalesce(p.publisher_kind, 'government') AS publisher_kind, r.year, r.template,
       t3.applications_new + t3.applications_carried_over AS applications_received,
       t3.applications_new, t3.applications_carried_over, t3.applications_handled,
       t3.granted,
       t3.granted / nullif(t3.applications_handled, 0) AS granted_share,
       t3.partially_granted,
       t3.partially_granted / nullif(t3.applications_handled, 0) AS partially_granted_share,
       t3.denied,
       t3.denied / nullif(t3.applications_handled, 0) AS denied_share,
       t3.denied_state_secret, t3.denied_prohibited_by_law, t3.denied_security_stability,
       t3.denied_third_party_rights, t3.denied_internal_affairs, t3.denied_process_information,
       t3.denied_enforcement_case_file, t3.denied_administrative_query,
       t3.not_held,
       t3.not_held / nullif(t3.applications_handled, 0) AS not_held_share,
       t3.carried_forward,
       t4.admin_reviews,
       t4.review_corrected / nullif(t4.review_decided, 0) AS admin_review_corrected_share,
       t4.lawsuits,
       t4.lawsuit_corrected / nullif(t4.lawsuit_decided, 0) AS lawsuit_corrected_share,
       (t4.review_corrected + t4.lawsuit_corrected) / nullif(t4.review_decided + t4.lawsuit_decided, 0) AS corrected_share,
       CAST(t2.licence_decisions AS BIGINT) AS licence_decisions, CAST(t2.penalty_decisions AS BIGINT) AS penalty_decisions,
       CAST(t2.coercion_decisions AS BIGINT) AS coercion_decisions,
       CAST(t2.fees_10k_yuan AS DOUBLE) AS fees_10k_yuan,
       r.document_id
FROM reports r
LEFT JOIN regions g ON g.region_code = r.region_code
LEFT JOIN regions pg ON pg.region_code = g.parent_code
LEFT JOIN publishers p ON p.region_code IS NOT DISTINCT FROM r.region_code AND p.publisher = r.publisher
LEFT JOIN t3 USING (document_id)
LEFT JOIN t4 USING (document_id)
LEFT JOIN t2 USING (document_id);

-- The same, one row per (report, indicator); a null value is a number the report does not give.
CREATE OR REPLACE VIEW indicators AS
SELECT u.region_code, u.region_name, u.parent_code, u.parent_name, u.publisher, u.publisher_kind, u.year,
       u.template, u.indicator, c.kind, c.label, CAST(u.value AS DOUBLE) AS value, u.document_id
FROM (
    FROM report_indicators UNPIVOT INCLUDE NULLS (value FOR indicator IN (
        applications_received, applications_new, applications_carried_over, applications_handled, granted,
        granted_share, partially_granted, partially_granted_share, denied, denied_share, denied_state_secret,
        denied_prohibited_by_law, denied_security_stability, denied_third_party_rights, denied_internal_affairs,
        denied_process_information, denied_enforcement_case_file, denied_administrative_query, not_held,
        not_held_share, carried_forward, admin_reviews, admin_review_corrected_share, lawsuits,
        lawsuit_corrected_share, corrected_share, licence_decisions, penalty_decisions, coercion_decisions,
        fees_10k_yuan))
) u
JOIN indicator_catalog c USING (indicator);

-- Publishers of one kind under one parent region (all districts of 哈尔滨市: parent_code 230100), ranked per
-- year and indicator, largest first; reports without the number are left out.
CREATE OR REPLACE VIEW indicator_rankings AS
SELECT parent_code, parent_name, year, indicator, publisher_kind,
       rank() OVER w AS rank,
       count(*) OVER (PARTITION BY parent_code, year, indicator, publisher_kind) AS ranked,
       region_code, region_name, publisher, value, document_id
FROM indicators
WHERE value IS NOT NULL AND parent_code IS NOT NULL
WINDOW w AS (PARTITION BY parent_code, year, indicator, publisher_kind ORDER BY value DESC);
