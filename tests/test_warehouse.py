"""Loading into DuckDB: idempotent, replace-on-correction in one transaction, failures recorded."""
from __future__ import annotations

import copy
from decimal import Decimal

from gkreports.warehouse import load_document, load_files
from renderers.common import load_figures, FIGURES_DIR
from renderers.text import render_text

TABLES = ("documents", "reports", "regions", "fact_active_disclosure", "fact_applications",
          "fact_review_litigation", "narrative_facts")


def counts(con) -> dict:
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def snapshot(con) -> list:
    return con.execute("SELECT * FROM fact_applications ORDER BY ALL").fetchall()


def with_cell(fig: dict, table: str, row: str, column: str, raw: str) -> dict:
    out = copy.deepcopy(fig)
    for c in out["cells"]:
        if (c["table"], c["row"], c["column"]) == (table, row, column):
            c["raw"] = raw
    out["_index"] = {(c["table"], c["row"], c["column"]): c for c in out["cells"]}
    return out


def test_load_writes_every_cell_with_provenance(fresh_db, hulan_2023):
    result = load_document(fresh_db, render_text(hulan_2023), "hulan-2023.txt")
    assert result.status == "ok"
    assert counts(fresh_db) == {"documents": 1, "reports": 1, "regions": 3, "fact_active_disclosure": 10,
                                "fact_applications": 175, "fact_review_litigation": 15, "narrative_facts": 1}
    row = fresh_db.execute(
        "SELECT region_code, publisher, year, value, raw, semantic, source_line FROM fact_active_disclosure"
        " WHERE row_name = 'administrative_fee'").fetchone()
    assert row[:6] == ("230111", "哈尔滨市呼兰区人民政府", 2023, Decimal("4591.36"), "4591.36", "number")
    assert row[6] > 0
    assert fresh_db.execute("SELECT * FROM regions ORDER BY region_code").fetchall() == [
        ("230000", "黑龙江省", "province", None), ("230100", "哈尔滨市", "prefecture", "230000"),
        ("230111", "呼兰区", "county", "230100")]


def test_loading_the_same_file_twice_changes_nothing(fresh_db, hulan_2023):
    data = render_text(hulan_2023)
    load_document(fresh_db, data, "a.txt")
    before, rows = counts(fresh_db), snapshot(fresh_db)
    again = load_document(fresh_db, data, "a-copy.txt")
    assert again.status == "unchanged"
    assert counts(fresh_db) == before
    assert snapshot(fresh_db) == rows


def test_a_corrected_document_replaces_the_report(fresh_db, hulan_2023):
    first = load_document(fresh_db, render_text(hulan_2023), "v1.txt")
    corrected = with_cell(hulan_2023, "t3", "granted", "natural_person", "11")
    second = load_document(fresh_db, render_text(corrected), "v2.txt")
    assert second.status == "ok" and second.replaced == first.document_id
    c = counts(fresh_db)
    assert (c["documents"], c["reports"], c["fact_applications"], c["narrative_facts"]) == (2, 1, 175, 1)
    assert fresh_db.execute("SELECT value FROM fact_applications WHERE row_name='granted' AND "
                            "column_name='natural_person'").fetchone() == (11,)
    assert fresh_db.execute("SELECT document_id FROM reports").fetchone() == (second.document_id,)
    assert dict(fresh_db.execute("SELECT source, status FROM documents").fetchall()) == \
        {"v1.txt": "superseded", "v2.txt": "ok"}
    # the old version loaded again is recognised, not reinstated
    assert load_document(fresh_db, render_text(hulan_2023), "v1.txt").status == "unchanged"
    assert fresh_db.execute("SELECT document_id FROM reports").fetchone() == (second.document_id,)


def test_a_failure_is_recorded_and_the_others_still_load(fresh_db, tmp_path, hulan_2023):
    daoli = load_figures(FIGURES_DIR / "daoli-2023.json")
    files = {"a.txt": render_text(hulan_2023), "empty.pdf": b"", "notes.txt": "会议纪要\n今天开会。\n".encode(),
             "b.txt": render_text(daoli)}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    results = load_files(fresh_db, [tmp_path / n for n in files] + [tmp_path / "gone.txt"])
    assert [r.status for r in results] == ["ok", "failed", "failed", "ok", "failed"]
    failures = fresh_db.execute("SELECT source, status, error_reason FROM documents WHERE status = 'failed'"
                                " ORDER BY source").fetchall()
    assert failures == [(str(tmp_path / "empty.pdf"), "failed", "empty"),
                        (str(tmp_path / "notes.txt"), "failed", "not_a_report")]
    assert "unreadable" in results[4].message
    assert fresh_db.execute("SELECT count(*) FROM reports").fetchone() == (2,)


def test_a_partial_report_is_loaded_and_flagged(fresh_db, hulan_2023):
    text = render_text(hulan_2023).decode()
    cut = text[:text.index("\n\n", text.index("3.补正后申请内容仍不明确"))]
    result = load_document(fresh_db, cut.encode(), "cut.txt")
    assert result.status == "partial"
    status, missing = fresh_db.execute("SELECT status, missing_cells FROM documents").fetchone()
    assert status == "partial" and len(missing) == 85 and "t4.admin_review.total" in missing


def test_a_file_failing_again_the_same_way_changes_nothing(fresh_db):
    load_document(fresh_db, b"", "empty.pdf")
    before = fresh_db.execute("SELECT * FROM documents").fetchall()
    assert load_document(fresh_db, b"", "empty.pdf").status == "failed"
    assert fresh_db.execute("SELECT * FROM documents").fetchall() == before


def test_reports_overview(fresh_db, hulan_2023):
    load_document(fresh_db, render_text(hulan_2023), "h.txt")
    row = fresh_db.execute("SELECT region_code, region_name, publisher, year, status, applications_new,"
                           " applications_handled, applications_granted, admin_reviews, lawsuits"
                           " FROM reports_overview").fetchall()
    assert row == [("230111", "呼兰区", "哈尔滨市呼兰区人民政府", 2023, "ok", 38, 37, 12, 4, 2)]


def test_cells_left_behind_by_a_document_deleted_by_hand_are_replaced(fresh_db, hulan_2023):
    """The writer does not look for a new document's cells before inserting them (that would scan document_facts
    for every batch); cells a hand-deleted document row left behind still end up replaced, not duplicated."""
    data = render_text(hulan_2023)
    first = load_document(fresh_db, data, "a.txt")
    cells = fresh_db.execute("SELECT * FROM document_facts ORDER BY ALL").fetchall()
    assert len(cells) == 200
    for table in ("documents", "reports", "fact_active_disclosure", "fact_applications", "fact_review_litigation",
                  "narrative_facts"):
        fresh_db.execute(f"DELETE FROM {table} WHERE document_id = ?", [first.document_id])
    again = load_document(fresh_db, data, "a.txt")
    assert again.status == "ok"
    assert fresh_db.execute("SELECT * FROM document_facts ORDER BY ALL").fetchall() == cells
    assert counts(fresh_db)["fact_applications"] == 175
