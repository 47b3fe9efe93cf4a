"""Each check: a report that passes it, and a corrupted copy that makes it return the expected rows."""
from __future__ import annotations

import pytest

from gkreports.checks import load_checks, offending_rows, run_checks
from gkreports.warehouse import load_document
from renderers.common import FIGURES_DIR, load_figures
from renderers.text import render_text
from tests.test_warehouse import with_cell

CHECKS = {c.id: c for c in load_checks()}
PUBLISHER = "哈尔滨市呼兰区人民政府"


def load(con, *figs):
    for i, fig in enumerate(figs):
        assert load_document(con, render_text(fig), f"doc{i}.txt").status in ("ok", "partial")


def rows_of(con, check_id: str) -> list[tuple]:
    """(outcome, year, table, row, column) of each offending row."""
    return [(r[0], r[4], r[5], r[6], r[7]) for r in offending_rows(con, CHECKS[check_id])]


def firing(con) -> set[str]:
    return {cid for cid in CHECKS if offending_rows(con, CHECKS[cid])}


def test_the_check_files_declare_the_required_checks():
    assert {"T3-1", "T3-2", "T3-3", "T4-1", "T2-1", "X-1", "X-2", "Y-1", "N-1"} <= set(CHECKS)
    assert {CHECKS[c].severity for c in ("T3-1", "T3-2", "T3-3", "T4-1", "T2-1")} == {"error"}
    assert {CHECKS[c].severity for c in ("X-1", "X-2", "Y-1", "N-1")} == {"warn"}


def test_the_real_report_passes_every_hard_rule_and_n1_reports_79_vs_38(fresh_db, hulan_2023):
    load(fresh_db, hulan_2023)
    assert firing(fresh_db) == {"N-1"}
    (row,) = offending_rows(fresh_db, CHECKS["N-1"])
    assert row[0] == "warn" and row[3] == PUBLISHER
    assert row[8] == 'narrative says 79 ("收到依申请公开79件") but table 三 has 38 new applications (38 with carried over)' \
        or "79" in row[8] and "38" in row[8]


# (check, corrupted cell and its new printed text, the check's expected rows, every check that then fires)
CORRUPTIONS = [
    ("T3-1", ("t3", "carried_forward", "total", "2"),
     [("fail", 2023, "t3", None, "total")], {"T3-1", "T3-3", "N-1"}),
    ("T3-2", ("t3", "granted", "natural_person", "13"),
     [("fail", 2023, "t3", "total_handled", "natural_person")], {"T3-2", "T3-3", "N-1"}),
    ("T3-3", ("t3", "granted", "total", "14"),
     [("fail", 2023, "t3", "granted", "total")], {"T3-2", "T3-3", "N-1"}),
    ("T4-1", ("t4", "admin_review", "total", "5"),
     [("fail", 2023, "t4", "admin_review", "total")], {"T4-1", "N-1"}),
    ("T2-1", ("t2", "normative_document", "issued", "-4"),
     [("fail", 2023, "t2", "normative_document", "issued")], {"T2-1", "N-1"}),
    ("T2-1", ("t2", "administrative_penalty", "decisions", "548.5"),
     [("fail", 2023, "t2", "administrative_penalty", "decisions")], {"T2-1", "N-1"}),
]


@pytest.mark.parametrize("check_id,cell,expected,fired", CORRUPTIONS, ids=[c[0] + ":" + c[1][1] for c in CORRUPTIONS])
def test_one_corrupted_cell_is_caught(fresh_db, hulan_2023, check_id, cell, expected, fired):
    load(fresh_db, with_cell(hulan_2023, *cell))
    assert rows_of(fresh_db, check_id) == expected
    assert firing(fresh_db) == fired


def test_a_slash_operand_makes_the_rule_uncertain_not_passed(fresh_db, hulan_2023):
    load(fresh_db, with_cell(hulan_2023, "t3", "carried_over", "natural_person", "/"))
    assert rows_of(fresh_db, "T3-1") == [("uncertain", 2023, "t3", None, "natural_person")]
    assert rows_of(fresh_db, "T3-3") == [("uncertain", 2023, "t3", "carried_over", "total")]


def test_a_blank_total_beside_non_zero_parts_is_uncertain(fresh_db, hulan_2023):
    load(fresh_db, with_cell(hulan_2023, "t3", "granted", "total", ""))
    (row,) = offending_rows(fresh_db, CHECKS["T3-3"])
    assert row[0] == "uncertain" and row[6] == "granted" and row[8].startswith("total not printed")


def test_text_in_a_cell_is_uncertain_for_t2(fresh_db, hulan_2023):
    load(fresh_db, with_cell(hulan_2023, "t2", "administrative_penalty", "decisions", "若干"))
    assert rows_of(fresh_db, "T2-1") == [("uncertain", 2023, "t2", "administrative_penalty", "decisions")]


def test_x1_carry_over_across_years(fresh_db, hulan_2023):
    hulan_2022 = load_figures(FIGURES_DIR / "hulan-2022.json")
    load(fresh_db, hulan_2022, hulan_2023)
    assert rows_of(fresh_db, "X-1") == []
    fresh_db.execute("DELETE FROM reports")  # start over with a 2022 report that carried 3 forward
    for t in ("fact_active_disclosure", "fact_applications", "fact_review_litigation", "narrative_facts", "documents"):
        fresh_db.execute(f"DELETE FROM {t}")
    broken = with_cell(hulan_2022, "t3", "carried_forward", "legal_service_org", "3")
    load(fresh_db, broken, hulan_2023)
    assert ("warn", 2023, "t3", "carried_over", "legal_service_org") in rows_of(fresh_db, "X-1")
    assert len(rows_of(fresh_db, "X-1")) == 1


def test_run_checks_stores_every_row_with_the_run_time(fresh_db, hulan_2023):
    load(fresh_db, with_cell(hulan_2023, "t4", "admin_review", "total", "5"))
    run_id, summaries = run_checks(fresh_db)
    by_id = {s.id: s for s in summaries}
    assert (by_id["T4-1"].failed, by_id["N-1"].warned, by_id["T3-1"].rows) == (1, 1, 0)
    stored = fresh_db.execute("SELECT check_id, severity, outcome, run_at IS NOT NULL FROM check_results"
                              " WHERE run_id = ? ORDER BY check_id", [run_id]).fetchall()
    assert stored == [("N-1", "warn", "warn", True), ("T4-1", "error", "fail", True)]
    second, _ = run_checks(fresh_db)
    assert second == run_id + 1
    assert fresh_db.execute("SELECT count(*) FROM latest_check_results").fetchone() == (2,)
    assert fresh_db.execute("SELECT count(DISTINCT run_id) FROM check_runs").fetchone() == (2,)


def test_every_figures_file_passes_the_hard_rules_including_the_2019_form(fresh_db):
    from tests.conftest import ALL_FIGURES
    load(fresh_db, *ALL_FIGURES)
    assert any(f["template"] == "2019" for f in ALL_FIGURES)
    assert firing(fresh_db) == {"N-1"}  # 呼兰区 2023 (real) and 方正县 2023 (its narrative is off by six)
    assert sorted(r[3] for r in offending_rows(fresh_db, CHECKS["N-1"])) == ["哈尔滨市呼兰区人民政府", "哈尔滨市方正县人民政府"]


def test_x2_in_force_follows_last_year(fresh_db, hulan_2023):
    hulan_2022 = load_figures(FIGURES_DIR / "hulan-2022.json")
    load(fresh_db, hulan_2022, hulan_2023)
    assert rows_of(fresh_db, "X-2") == []
    fresh_db.execute("UPDATE fact_active_disclosure SET value = 90 WHERE year = 2023 AND row_name = 'normative_document'"
                     " AND column_name = 'in_force'")
    assert rows_of(fresh_db, "X-2") == [("warn", 2023, "t2", "normative_document", "in_force")]


def test_y1_flags_a_tenfold_jump(fresh_db, hulan_2023):
    hulan_2022 = load_figures(FIGURES_DIR / "hulan-2022.json")
    load(fresh_db, hulan_2022, with_cell(hulan_2023, "t2", "administrative_penalty", "decisions", "99999"))
    assert rows_of(fresh_db, "Y-1") == [("warn", 2023, "t2", "administrative_penalty", "decisions")]
