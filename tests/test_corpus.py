"""The corpus: every figures file in every layout, read back exactly; and the checks catch wrong cells."""
from __future__ import annotations

import json
from collections import Counter

import pytest

from bench.accuracy import format_measurement, measure
from gkreports.checks import load_checks, offending_rows
from gkreports.warehouse import load_document
from renderers.corpus import build_corpus, soffice
from tests.conftest import ALL_FIGURES


@pytest.fixture(scope="session")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus")
    written, notes = build_corpus(out)
    return out, written, notes


def test_every_cell_of_every_document_is_exact(corpus):
    folder, written, _ = corpus
    m = measure(folder)
    report = format_measurement(m)
    overall = m.overall
    assert overall.documents == len(written)
    assert (overall.wrong, overall.missing, overall.failed, overall.metadata_wrong) == (0, 0, 0, 0), report
    assert overall.exact == overall.expected == sum(len(json.loads(p.with_name(
        p.name[: -len(p.suffix)] + ".expected.json").read_text())["cells"]) for p in written)


def test_each_figures_file_comes_in_at_least_six_layouts_across_formats(corpus):
    _, written, _ = corpus
    per_figure = Counter(p.name.split(".")[0] for p in written)
    assert len(per_figure) == len(ALL_FIGURES) >= 5
    assert min(per_figure.values()) >= 6
    layouts = {p.name.split(".")[1] for p in written}
    assert {"text-flattened", "html-word", "html-gbk", "html-gbk_nometa", "pdf-ruled", "pdf-unruled"} <= layouts
    assert any(l.startswith("docx-") for l in layouts)
    assert any(f["template"] == "2019" for f in ALL_FIGURES)


@pytest.mark.skipif(soffice() is None, reason="LibreOffice (Debian package libreoffice-writer-nogui) is not "
                                              "installed: DOC/WPS and LibreOffice-printed PDF layouts not made")
def test_libreoffice_layouts_are_in_the_corpus(corpus):
    _, written, notes = corpus
    layouts = Counter(p.name.split(".")[1] for p in written)
    assert notes == []
    assert layouts["pdf-libreoffice"] == layouts["doc-libreoffice"] == layouts["wps-libreoffice"] == len(ALL_FIGURES)


ERROR_CHECKS = [c for c in load_checks() if c.severity == "error"]
FACT_TABLES = ("fact_applications", "fact_review_litigation")


def test_any_single_wrong_cell_in_tables_three_and_four_breaks_a_rule(fresh_db):
    """Load each report, then clone it once per template cell of 三 and 四 with that one cell off by one
    (the commonest misreading: a digit dropped or added shifts a count) and show every clone is caught."""
    from renderers.text import render_text
    for fig in ALL_FIGURES:
        assert load_document(fresh_db, render_text(fig), fig["slug"]).status == "ok"
    fresh_db.execute("CREATE TEMP TABLE victims AS SELECT f.document_id, f.table_name, f.row_name, f.column_name,"
                     " f.value, row_number() OVER (ORDER BY f.document_id, f.table_name, f.row_name, f.column_name) AS k FROM facts f WHERE f.table_name IN ('t3', 't4')")
    victims = fresh_db.execute("SELECT count(*) FROM victims").fetchone()[0]
    assert victims == sum(c["table"] in ("t3", "t4") for f in ALL_FIGURES for c in f["cells"])
    for table in FACT_TABLES:
        fresh_db.execute(f"""
            INSERT INTO {table}
            SELECT f.document_id || '#' || v.k, f.region_code, f.publisher || '#' || v.k, f.year, f.template,
                   f.table_name, f.row_name, f.column_name,
                   CASE WHEN f.row_name = v.row_name AND f.column_name = v.column_name
                        THEN coalesce(f.value, 0) + 1 ELSE f.value END,
                   f.raw, f.semantic, f.reads, f.source_page, f.source_line, f.source_table, f.source_row,
                   f.source_column
            FROM {table} f JOIN victims v ON v.document_id = f.document_id
            WHERE f.document_id NOT LIKE '%#%'""")
    caught = set()
    for check in ERROR_CHECKS:
        caught |= {row[1] for row in offending_rows(fresh_db, check)}
    clones = {r[0] for r in fresh_db.execute("SELECT document_id || '#' || k FROM victims").fetchall()}
    originals = {r[0] for r in fresh_db.execute("SELECT document_id FROM reports").fetchall()}
    assert caught & originals == set()  # the true reports pass
    assert clones - caught == set()     # every corrupted copy breaks at least one rule


def test_a_misread_fee_or_count_in_table_two_is_caught_only_when_impossible(fresh_db, hulan_2023):
    """Table 二 has no arithmetic: a count misread as another count passes every rule (documented gap);
    a count misread as a fraction or a negative number is caught by T2-1."""
    from renderers.text import render_text
    load_document(fresh_db, render_text(hulan_2023), "h.txt")
    t2_1 = next(c for c in ERROR_CHECKS if c.id == "T2-1")
    fresh_db.execute("UPDATE fact_active_disclosure SET value = 548.5 WHERE row_name = 'administrative_penalty'")
    assert [r[6] for r in offending_rows(fresh_db, t2_1)] == ["administrative_penalty"]
    fresh_db.execute("UPDATE fact_active_disclosure SET value = 549 WHERE row_name = 'administrative_penalty'")
    assert offending_rows(fresh_db, t2_1) == []
