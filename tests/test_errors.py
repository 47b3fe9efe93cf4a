"""Bad input gets a clear error naming the file and what is missing; never a traceback, never wrong numbers."""
from __future__ import annotations

import subprocess
import sys

import pytest

from extractors import ExtractionError, extract
from renderers.text import render_text
from tests.conftest import ROOT


def test_empty_file():
    with pytest.raises(ExtractionError) as err:
        extract(b"", "empty.txt")
    assert err.value.reason == "empty"
    assert "empty.txt" in str(err.value)


def test_whitespace_only_file_is_empty():
    with pytest.raises(ExtractionError) as err:
        extract(b"  \n\t\n", "blank.txt")
    assert err.value.reason == "empty"


def test_text_that_is_not_a_report():
    with pytest.raises(ExtractionError) as err:
        extract("今天天气很好。\n我们去公园散步。\n".encode(), "diary.txt")
    assert err.value.reason == "not_a_report"


def test_report_text_without_its_tables():
    text = "呼兰区2023年政府信息公开工作年度报告\n一、总体情况\n本年度政府信息公开工作有序开展。\n"
    with pytest.raises(ExtractionError) as err:
        extract(text.encode(), "no-tables.txt")
    assert err.value.reason == "table_not_found"


def _truncated(fig: dict) -> bytes:
    """The report cut off inside table 三, after the row （四）3.补正后申请内容仍不明确."""
    text = render_text(fig, "flattened").decode()
    cut = text.index("3.补正后申请内容仍不明确")
    end = text.index("\n\n", cut)
    return text[:end].encode()


def test_truncated_table_gives_a_partial_report_listing_missing_cells(hulan_2023):
    report = extract(_truncated(hulan_2023), "cut.txt")
    assert report.status == "partial"
    # the 10 rows of 三 after the cut (（五）×5, （六）×3, 总计, 结转) and all 15 cells of 四
    missing_t3 = [m for m in report.missing if m.startswith("t3.")]
    assert len(missing_t3) == 10 * 7
    assert "t3.total_handled.total" in report.missing
    assert "t4.admin_review.total" in report.missing
    present = {(c.table, c.row, c.column): c.value for c in report.cells}
    assert present[("t3", "unavailable_not_held", "total")] == 9  # what was printed is still exact
    assert ("t3", "total_handled", "total") not in present


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gkreports.cli", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


def test_cli_reports_errors_without_traceback(tmp_path):
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    done = _cli("extract", str(empty))
    assert done.returncode == 2
    assert done.stderr.strip() == f"gkreports: {empty}: empty: the file is empty"
    assert "Traceback" not in done.stderr


def test_cli_flags_a_partial_report(tmp_path, hulan_2023):
    cut = tmp_path / "cut.txt"
    cut.write_bytes(_truncated(hulan_2023))
    done = _cli("extract", str(cut))
    assert done.returncode == 1
    assert "partial report, 85 template cells missing" in done.stderr
    assert '"status": "partial"' in done.stdout


def test_cli_missing_file(tmp_path):
    done = _cli("extract", str(tmp_path / "nope.txt"))
    assert done.returncode == 2
    assert "cannot read" in done.stderr and "Traceback" not in done.stderr


def test_cli_load_and_check(tmp_path):
    from renderers.samples import SAMPLES_DIR
    db = tmp_path / "w.duckdb"
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.7\n garbage")
    done = _cli("load", str(SAMPLES_DIR), str(bad), "--db", str(db))
    assert done.returncode == 1  # one file failed; the rest loaded
    assert "7 files: 6 loaded, 0 unchanged, 1 failed" in done.stdout
    assert f"failed    {bad}: corrupt:" in done.stdout
    assert "Traceback" not in done.stderr
    done = _cli("check", "--db", str(db))
    assert done.returncode == 0
    assert [line.split()[:3] for line in done.stdout.splitlines() if line.startswith("N-1")] == [["N-1", "warn", "2"]]


def test_the_error_names_the_file_even_when_a_reader_raised_it():
    with pytest.raises(ExtractionError) as err:
        extract(b"%PDF-1.4\n broken", "annual-report.pdf")
    assert err.value.reason == "corrupt"
    assert str(err.value).startswith("annual-report.pdf: ")


def test_an_article_whose_tables_are_pictures_says_so():
    page = ("<html><head><meta charset='utf-8'><title>呼兰区杨林乡2021年政府信息公开工作年度报告</title></head><body>"
            "<div class='TRS_Editor'><p>呼兰区杨林乡2021年政府信息公开工作年度报告</p><p>一、总体情况</p>"
            "<p>本年度政府信息公开工作有序开展。</p><p>二、主动公开政府信息情况</p><p><img src='W020220115.png'></p>"
            "<p>三、收到和处理政府信息公开申请情况</p><p><img src='W020220116.png'></p></div></body></html>")
    with pytest.raises(ExtractionError) as err:
        extract(page.encode(), "c01_186001.shtml")
    assert err.value.reason == "needs_ocr"
    assert "2 image(s)" in err.value.message and "OCR" in err.value.message
