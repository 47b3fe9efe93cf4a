"""One report published twice on a portal (an article and its PDF attachment): both documents kept, the report
loaded from the more complete one, and check C-1 listing the cells the two read differently."""
from __future__ import annotations

import copy

from crawler.store import CrawlStore, FoundDocument
from gkreports.checks import load_checks, offending_rows
from gkreports.warehouse import document_id, load_document
from renderers.html import render_html
from renderers.pdf import render_pdf

ARTICLE = "http://www.hulan.gov.cn/hebhlq/c110920/202401/c01_963507.shtml"
ATTACHMENT = "http://www.hulan.gov.cn/hebhlq/c110920/202401/P020240115123456.pdf"
C1 = {c.id: c for c in load_checks()}["C-1"]


def _found(con, url: str, data: bytes, kind: str):
    store = CrawlStore(con)
    store.found(FoundDocument(url, "230111", kind, document_id(data), ARTICLE if kind == "attachment" else None,
                                        "http://www.hulan.gov.cn/hebhlq/c110920/zfxxgklby_nb.shtml",
                                        "哈尔滨市呼兰区2023年政府信息公开工作年度报告", 2023, "government", "2024-01-15",
                                        "2301110001"))
    store.flush()  # the store buffers its rows


def _with_t2(fig: dict, row: str, column: str, value) -> dict:
    fig = copy.deepcopy(fig)
    cell = fig["_index"][("t2", row, column)]
    cell["value"] = value
    cell.pop("raw", None)
    return fig


def test_two_documents_that_disagree_are_both_kept_and_flagged(fresh_db, hulan_2023):
    article = render_html(hulan_2023, "word")
    pdf = render_pdf(_with_t2(hulan_2023, "administrative_license", "decisions", 30074), "ruled")
    _found(fresh_db, ARTICLE, article, "article")
    _found(fresh_db, ATTACHMENT, pdf, "attachment")
    first = load_document(fresh_db, article, ARTICLE)
    second = load_document(fresh_db, pdf, ATTACHMENT)
    assert (first.status, second.status) == ("ok", "ok")  # equally complete: the later one is current
    assert fresh_db.execute("SELECT source, status FROM documents ORDER BY source").fetchall() == [
        (ATTACHMENT, "ok"), (ARTICLE, "superseded")]
    rows = offending_rows(fresh_db, C1)
    assert [(r[5], r[6], r[7]) for r in rows] == [("t2", "administrative_license", "decisions")]
    printed = hulan_2023["_index"][("t2", "administrative_license", "decisions")]
    assert "30074" in rows[0][8] and str(printed.get("raw", printed["value"])) in rows[0][8]


def test_a_less_complete_document_stays_alternate(fresh_db, hulan_2023):
    article = render_html(hulan_2023, "word")
    cut = article.split("四、政府信息公开行政复议".encode())[0] + b"</div></body></html>"  # table 四 lost
    _found(fresh_db, ARTICLE, cut, "article")
    _found(fresh_db, ATTACHMENT, article, "attachment")
    full = load_document(fresh_db, article, ATTACHMENT)
    partial = load_document(fresh_db, cut, ARTICLE)
    assert full.status == "ok" and partial.status == "alternate"
    assert "another document of this report reads more cells" in partial.message
    assert fresh_db.execute("SELECT d.source FROM reports r JOIN documents d USING (document_id)").fetchall() == \
        [(ATTACHMENT,)]
    # Where both read a cell, they agree: nothing to flag.
    assert offending_rows(fresh_db, C1) == []
    assert fresh_db.execute("SELECT count(*) FROM fact_review_litigation").fetchone()[0] == 15
