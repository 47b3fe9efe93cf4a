"""Batches change the cost of a load, never its result: the batched flow (extraction side by side in worker
processes) and the same flow on a Dask cluster leave a warehouse identical, table by table and row by row, to
loading the documents one after another."""
from __future__ import annotations

import shutil

import duckdb
import pytest

import flows  # noqa: F401  (offline Prefect settings)
from flows.batches import Span, orchestration_share
from flows.pipeline import SAMPLES, build_warehouse
from gkreports.checks import run_checks
from gkreports.publish import refresh_and_publish
from gkreports.warehouse import connect, load_files
from renderers.docx import render_docx
from renderers.html import render_html
from renderers.pdf import render_pdf
from renderers.common import FIGURES_DIR, load_figures
from renderers.hostile import corrupt_pdf
from tests.test_two_documents import _with_t2


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The samples, plus documents whose order matters: one report three times (an article, an equally complete
    PDF that supersedes it, a cut copy that stays alternate), a DOCX, a corrupt PDF, and the same bytes twice."""
    folder = tmp_path_factory.mktemp("batching")
    for path in SAMPLES.iterdir():
        shutil.copy(path, folder / path.name)
    hulan = load_figures(FIGURES_DIR / "hulan-2023.json")
    article = render_html(hulan, "word")
    (folder / "hulan-2023-a.html").write_bytes(article)
    (folder / "hulan-2023-b.pdf").write_bytes(
        render_pdf(_with_t2(hulan, "administrative_license", "decisions", 30074), "ruled"))
    (folder / "hulan-2023-c.html").write_bytes(
        article.split("四、政府信息公开行政复议".encode())[0] + b"</div></body></html>")
    (folder / "hulan-health-2023.docx").write_bytes(render_docx(load_figures(FIGURES_DIR / "hulan-health-2023.json"), "merged"))
    (folder / "broken.pdf").write_bytes(corrupt_pdf())
    shutil.copy(SAMPLES / "mulan-2022.html", folder / "mulan-2022-copy.html")
    return folder


def dump(db) -> dict[str, list[tuple]]:
    """Every table, every row, sorted; timestamps left out (they say when, not what)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {}
        tables = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables"
                                            " WHERE table_type = 'BASE TABLE' ORDER BY table_name").fetchall()]
        for table in tables:
            columns = [r[0] for r in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ?"
                " AND data_type NOT LIKE 'TIMESTAMP%' ORDER BY ordinal_position", [table]).fetchall()]
            listed = ", ".join(f'"{c}"' for c in columns)
            out[table] = con.execute(f"SELECT {listed} FROM {table} ORDER BY ALL").fetchall()
        return out
    finally:
        con.close()


@pytest.fixture(scope="module")
def sequential(corpus, tmp_path_factory):
    """The reference: each document extracted and written on its own, in order, then the flow's checks."""
    db = tmp_path_factory.mktemp("sequential") / "warehouse.duckdb"
    con = connect(db)
    results = load_files(con, [corpus])
    run_checks(con)
    refresh_and_publish(con, db)
    con.close()
    return db, results


def test_the_reference_load_exercises_the_order_rules(sequential):
    _, results = sequential
    by_name = {r.source.rsplit("/", 1)[-1]: r.status for r in results}
    assert by_name["hulan-2023-b.pdf"] == "ok" and by_name["hulan-2023-c.html"] == "alternate"
    assert by_name["broken.pdf"] == "failed" and by_name["mulan-2022.html"] == "unchanged"  # its copy sorts first
    assert sum(r.replaced is not None for r in results) == 2  # the .txt by the article, the article by the PDF


def test_narrative_signatures_come_with_the_load_and_equal_a_second_reading(corpus, tmp_path):
    """The prose's signature is made where the document is read: nothing after extraction reads it again, and
    the signature is the one reading the bytes again gives."""
    from pathlib import Path
    from gkreports.narrative import narrative_text, refresh_signatures, signature
    con = connect(tmp_path / "warehouse.duckdb")
    try:
        load_files(con, [corpus])
        rows = con.execute("SELECT d.source, s.characters, s.shingles, s.signature FROM narrative_signatures s"
                           " JOIN documents d USING (document_id) ORDER BY d.source").fetchall()
        current = con.execute("SELECT count(*) FROM reports").fetchone()[0]
        reads = []
        assert refresh_signatures(con, read=lambda doc_id, source: reads.append(source)) == 0 and not reads
    finally:
        con.close()
    assert len(rows) >= current == 7  # every current report's document, and the alternate and superseded ones
    for source, characters, shingles, values in rows:
        assert (characters, shingles, values) == signature(narrative_text(Path(source).read_bytes(), source)), source
    assert any(characters > 300 for _, characters, _, _ in rows)  # real prose, not empty signatures


def test_batched_flow_gives_the_same_warehouse(corpus, sequential, tmp_path, prefect_harness):
    db = tmp_path / "warehouse.duckdb"
    out = build_warehouse(corpus, db, batch=3)
    reference = dump(sequential[0])
    assert dump(db) == reference
    assert sum(len(rows) for rows in reference.values()) > 2000  # not two empty warehouses
    assert {s.stage for s in out.spans} >= {"plan", "extract", "load", "check"}
    assert len([s for s in out.spans if s.stage == "extract"]) == 4  # 11 distinct documents, 3 a batch


def test_dask_flow_gives_the_same_warehouse(corpus, sequential, tmp_path, prefect_harness):
    pytest.importorskip("prefect_dask", reason="prefect-dask is not installed")
    db = tmp_path / "warehouse.duckdb"
    out = build_warehouse(corpus, db, dask="local:2", batch=4)
    assert dump(db) == dump(sequential[0])
    assert len([s for s in out.spans if s.stage == "extract"]) == 3


def test_orchestration_share_counts_time_no_work_covers():
    spans = [Span("a", 1.0, 3.0), Span("b", 2.0, 4.0), Span("c", 6.0, 7.0)]  # overlapping spans count once
    assert orchestration_share(spans, 0.0, 10.0) == pytest.approx(0.6)
    assert orchestration_share([Span("a", -1.0, 11.0)], 0.0, 10.0) == 0.0
