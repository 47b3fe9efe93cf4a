"""The analysts' views (sql/analysis/) on a warehouse of fixture reports: exact, hand-computed values."""
from __future__ import annotations

import pytest

from tests.analysis_warehouse import DAOLI_2021_URL, DAOLI_2023_URL, HULAN_2023_URL, build

HULAN, DAOLI, FANGZHENG = "哈尔滨市呼兰区人民政府", "哈尔滨市道里区人民政府", "哈尔滨市方正县人民政府"
HEALTH = "呼兰区卫生健康局"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    con = build(tmp_path_factory.mktemp("analysis") / "warehouse.duckdb")
    yield con
    con.close()


def rows(con, sql, params=()):
    return con.execute(sql, list(params)).fetchall()


# ---------------------------------------------------------------- year over year
def test_year_over_year_spans_the_2019_form(db):
    got = rows(db, "SELECT year, template, mapping, value, prev_year, prev_value, change, relative_change, across_forms"
                   " FROM year_over_year WHERE publisher = ? AND table_name = 't3' AND row_name = 'new_received'"
                   " AND column_name = 'total' ORDER BY year", [HULAN])
    assert got == [
        (2020, "2019", "2019_same_as_2021", 95.0, None, None, None, None, None),
        (2022, "2021", "2021", 66.0, 2020, 95.0, -29.0, -29 / 95, True),
        (2023, "2021", "2021", 38.0, 2022, 66.0, -28.0, -28 / 66, False),
    ]


def test_year_over_year_keeps_2019_only_cells_apart(db):
    # 2019's 新制作数量 has no 2021 counterpart; 2022's 本年制发件数 does not take it as its previous year
    assert rows(db, "SELECT year, mapping, value, prev_year FROM year_over_year WHERE publisher = ? AND"
                    " row_name = 'normative_document' AND column_name IN ('newly_made', 'issued') ORDER BY year",
                [HULAN]) == [(2020, "2019_only", 29.0, None), (2022, "2021", 4.0, None), (2023, "2021", 4.0, 2022)]
    # licence decisions mean the same on both forms
    assert rows(db, "SELECT year, mapping, prev_value, change FROM year_over_year WHERE publisher = ? AND"
                    " row_name = 'administrative_license' AND column_name = 'decisions' ORDER BY year", [HULAN]) == \
        [(2020, "2019_same_as_2021", None, None), (2022, "2021", 134.0, 27682.0), (2023, "2021", 27816.0, 2231.0)]


def test_cell_mapping_counts(db):
    assert dict(rows(db, "SELECT mapping, count(*) FROM cell_mapping GROUP BY ALL")) == \
        {"2021": 10 + 26 * 7 + 15,                # t2; t3's 25 rows and other_handling; t4
         "2019_same_as_2021": 3 + 23 * 7 + 15,    # licence/penalty/coercion decisions; all of t3 and t4
         "2019_only": 22 - 3}                      # the rest of the trial form's table 二


# ---------------------------------------------------------------- indicators
def test_indicators_of_one_report(db):
    got = dict(rows(db, "SELECT indicator, value FROM indicators WHERE publisher = ? AND year = 2023", [HULAN]))
    assert got["applications_received"] == 38  # 38 new + 0 carried over
    assert got["applications_handled"] == 37
    assert got["granted"] == 13  # the revised version is the current one
    assert got["granted_share"] == 13 / 37
    assert got["partially_granted_share"] == 13 / 37
    assert got["denied"] == 3 and got["denied_share"] == 3 / 37
    assert got["denied_third_party_rights"] == 1 and got["denied_administrative_query"] == 2
    assert got["not_held"] == 9 and got["not_held_share"] == 9 / 37
    assert got["carried_forward"] == 1
    assert (got["admin_reviews"], got["lawsuits"]) == (4, 2)
    assert got["admin_review_corrected_share"] == 0 and got["corrected_share"] == 0
    assert (got["licence_decisions"], got["penalty_decisions"], got["coercion_decisions"]) == (30047, 548, 330)
    assert got["fees_10k_yuan"] == 4591.36
    assert len(got) == 30


def test_shares_are_null_never_divided_by_zero(db):
    # the health bureau had no lawsuit: 0 decided; its review shares are 3 corrected of 2 + 3 + 2 decided
    assert rows(db, "SELECT lawsuits, lawsuit_corrected_share, admin_review_corrected_share, corrected_share"
                    " FROM report_indicators WHERE publisher = ?", [HEALTH]) == [(0, None, 3 / 7, 3 / 7)]


def test_indicators_of_a_2019_form_report(db):
    got = dict(rows(db, "SELECT indicator, value FROM indicators WHERE publisher = ? AND year = 2020", [HULAN]))
    assert (got["applications_received"], got["granted_share"], got["denied"]) == (96, 32 / 94, 8)
    assert got["fees_10k_yuan"] is None  # the trial form counts fee items, not amounts
    assert got["lawsuit_corrected_share"] == 0  # 1 decided (other), 3 pending


def test_rankings_under_harbin(db):
    assert rows(db, "SELECT rank, ranked, region_code, value FROM indicator_rankings WHERE parent_code = '230100'"
                    " AND year = 2023 AND indicator = 'applications_received' AND publisher_kind = 'government'"
                    " ORDER BY rank") == [(1, 3, "230124", 392.0), (2, 3, "230102", 137.0), (3, 3, "230111", 38.0)]


# ---------------------------------------------------------------- coverage and timeliness
def test_coverage_lists_missing_and_failed_years(db):
    got = {(r[0], r[1], r[2]): r[3:] for r in rows(
        db, "SELECT region_code, publisher, year, status, error_reason, source FROM coverage")}
    assert len(got) == 5 * 4  # 4 publishers and 1 portal never seen, 2020–2023
    assert got[("230111", HULAN, 2021)] == ("missing", None, None)
    assert got[("230111", HULAN, 2020)][0] == "loaded"
    assert got[("230102", DAOLI, 2021)] == ("failed", "not_a_report", DAOLI_2021_URL)
    assert got[("230127", None, 2023)] == ("missing", None, None)
    assert rows(db, "SELECT year, status FROM coverage WHERE publisher = ? ORDER BY year", [HEALTH]) == \
        [(2020, "missing"), (2021, "missing"), (2022, "missing"), (2023, "loaded")]
    assert rows(db, "SELECT DISTINCT registered_portal FROM coverage WHERE region_code = '230124'") == [(False,)]


def test_timeliness_flags_late_reports_only(db):
    got = {(r[0], r[1]): r[2:] for r in rows(
        db, "SELECT publisher, year, timeliness, deadline::VARCHAR, published::VARCHAR, days_late FROM timeliness")}
    assert got[(HULAN, 2023)] == ("on_time", "2024-03-31", "2024-03-20", -11)
    assert got[(DAOLI, 2023)] == ("late", "2024-03-31", "2024-04-15", 15)
    assert got[(HEALTH, 2023)] == ("late", "2024-01-31", "2024-02-05", 5)  # a department: 31 January
    assert got[(HULAN, 2021)] == ("missing", "2022-03-31", None, None)
    assert got[(HULAN, 2022)] == ("date_unknown", "2023-03-31", None, None)
    assert rows(db, "SELECT publishers, on_time, late, date_unknown, missing FROM timeliness_summary"
                    " WHERE region_code = '230111' AND year = 2023") == [(2, 1, 1, 0, 0)]


# ---------------------------------------------------------------- revisions, copies, checks
def test_revisions_list_exactly_the_changed_cells(db):
    got = rows(db, "SELECT revision_kind, publisher, year, table_name, row_name, column_name, old_value, new_value,"
                   " old_first_seen::VARCHAR, new_first_seen::VARCHAR, new_source FROM revisions ORDER BY ALL")
    assert got == [
        ("new_version", HULAN, 2023, "t3", "granted", "natural_person", 12.0, 13.0, "2024-03-21 02:30:00",
         "2024-05-02 02:30:00", HULAN_2023_URL),
        ("new_version", HULAN, 2023, "t3", "granted", "total", 12.0, 13.0, "2024-03-21 02:30:00",
         "2024-05-02 02:30:00", HULAN_2023_URL),
    ]


def test_copied_narrative_separates_a_near_copy_from_an_unrelated_report(db):
    got = {r[0]: r[1:] for r in rows(db, "SELECT publisher, other_publisher_similarity, most_similar_publisher,"
                                         " boilerplate FROM copied_narrative WHERE year = 2023")}
    similarity, closest, boilerplate = got[DAOLI]
    assert similarity >= 0.7 and closest == HULAN and boilerplate
    assert got[HULAN][1] == DAOLI
    similarity, _, boilerplate = got[FANGZHENG]
    assert similarity < 0.5 and not boilerplate


def test_narrative_signature_estimates_the_shingle_jaccard():
    from gkreports.narrative import shingles, signature
    a = "今年全面推进决策、执行、管理、服务、结果公开，共办理申请12件。"
    b = "今年 全面推进决策执行管理服务结果公开，共办理申请345件"
    assert shingles(a) == shingles(b)  # digits masked, punctuation dropped
    assert signature(a)[2] == signature(b)[2]
    assert signature("")[1] == 0


def test_check_findings_lead_to_the_cell_and_the_source(db):
    got = rows(db, "SELECT check_id, outcome, row_label, column_name, value, raw, source_line, document_source"
                   " FROM check_findings WHERE check_id = 'T3-3'")
    assert len(got) == 1
    check_id, outcome, label, column, value, raw, line, source = got[0]
    assert (check_id, outcome, column, value, raw, source) == ("T3-3", "fail", "total", 87.0, "87",
                                                               "fixtures/daoli-2022.txt")
    assert "予以公开" in label and line > 0
    assert rows(db, "SELECT DISTINCT document_source FROM check_findings WHERE check_id = 'X-1'") == [(DAOLI_2023_URL,)]
