"""PDF documents: our renderings (ruled, header repeated, unruled) and LibreOffice's print of our DOCX read back
cell for cell; table 三 across a page break; the PDF reader's grids, text and errors."""
from __future__ import annotations

import copy
import io
import re
import shutil

import pdfplumber
import pytest

from extractors import extract
from extractors.cells import normalize_label
from extractors.model import ExtractionError, Grid, Paragraph
from extractors.pdf import PDF_MEDIA_TYPE, _sensible_title, read_pdf
from extractors.report import match_row
from extractors.template import T3_2021, OTHER_HANDLING
from renderers.common import printed, printed_rows, section_title, table_def
from renderers.pdf import (BODY_SIZE, MARGIN_X, PAGE_W, VARIANTS, Pages, metadata_title, render_encrypted_pdf,
                           render_image_only_pdf, render_pdf)
from renderers.prose import closing_sections, intro_paragraphs
from tests.conftest import ALL_FIGURES, FIGURE_IDS, assert_report_matches

BY_TEMPLATE = {fig["template"]: fig for fig in reversed(ALL_FIGURES)}  # the first figures file of each template
HULAN = next(fig for fig in ALL_FIGURES if fig["slug"] == "hulan-2023")


@pytest.fixture(scope="module")
def rendered() -> dict[tuple[str, str], bytes]:
    return {(fig["slug"], variant): render_pdf(fig, variant) for fig in ALL_FIGURES for variant in VARIANTS}


@pytest.fixture(scope="module")
def layouts(rendered):
    return {key: read_pdf(data) for key, data in rendered.items()}


def assert_report_is(report, fig: dict) -> None:
    """assert_report_matches, and the raw texts (a note may wrap inside its box), title and narrative."""
    assert_report_matches(report, fig)
    assert [c.raw.replace("\n", "") for c in report.cells] == \
        [printed(fig, c.table, c.row, c.column) for c in report.cells]
    assert (report.title, report.region_name, report.media_type) == (fig["title"], fig["region_name"],
                                                                     PDF_MEDIA_TYPE)
    received = fig.get("narrative", {}).get("applications_received")
    if received is not None:
        assert [(n.fact, n.value) for n in report.narrative] == [("applications_received", received)]


# ------------------------------------------------------------------ every figures file, every variant
@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("fig", ALL_FIGURES, ids=FIGURE_IDS)
def test_pdf_comes_back_cell_for_cell(fig, variant, rendered):
    report = extract(rendered[fig["slug"], variant], f"{fig['slug']}-{variant}.pdf")
    assert_report_is(report, fig)
    assert report.notes == []


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("fig", ALL_FIGURES, ids=FIGURE_IDS)
def test_paragraphs_are_the_documents_sentences_in_order(fig, variant, layouts):
    """Lines wrapped on the page come back joined, CID-font text as real Chinese, page numbers dropped."""
    layout = layouts[fig["slug"], variant]
    paragraphs = [b.text for b in layout.blocks if isinstance(b, Paragraph)]
    headings = [section_title(t) for t in ("t2", "t3", "t4")]
    assert paragraphs == [fig["title"], *intro_paragraphs(fig), *headings, *closing_sections(fig),
                          fig["publisher"]]
    assert layout.title == fig["title"]
    assert layout.media_type == PDF_MEDIA_TYPE


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("fig", ALL_FIGURES, ids=FIGURE_IDS)
def test_every_grid_is_a_full_rectangle_with_each_cell_once(fig, variant, layouts):
    for grid in (b for b in layouts[fig["slug"], variant].blocks if isinstance(b, Grid)):
        width = len(grid.rows[0])
        owner = [[None] * width for _ in grid.rows]
        for r, row in enumerate(grid.rows):
            assert len(row) == width
            for c, cell in enumerate(row):
                if cell is None:
                    continue
                assert cell.loc == {"page": grid.loc["page"], "table": grid.loc["table"], "row": r, "col": c}
                for rr in range(r, r + cell.rowspan):
                    for cc in range(c, c + cell.colspan):
                        assert owner[rr][cc] is None, f"({rr}, {cc}) covered twice"
                        owner[rr][cc] = (r, c)
                        assert (rr, cc) == (r, c) or grid.rows[rr][cc] is None
        assert all(all(o is not None for o in row) for row in owner), "a position no cell covers"


# ------------------------------------------------------------------ table 三 across the page break
def _section_grids(layout, name: str) -> list[Grid]:
    start, stop = section_title(name), {"t2": section_title("t3"), "t3": section_title("t4"),
                                        "t4": "五、存在的主要问题及改进情况"}[name]
    inside, out = False, []
    for block in layout.blocks:
        if isinstance(block, Paragraph):
            if block.text == start:
                inside = True
            elif block.text == stop:
                inside = False
        elif inside:
            out.append(block)
    return out


def _t3_rows(grids: list[Grid]) -> list[tuple[str, list[str]]]:
    """(template row, its seven value texts) of every row of table 三 printed in these grids."""
    out = []
    for grid in grids:
        for row in grid.rows:
            own = [c.text for c in row if c is not None]
            label = normalize_label("".join(own[:-7]))
            values_like = all(re.search(r"\d", t) or t in ("", "/") for t in own[-7:])
            template_row = match_row(label, T3_2021.rows + (OTHER_HANDLING,)) if label else None
            if len(own) > 7 and values_like and template_row is not None:
                out.append((template_row.name, own[-7:]))
    return out


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("fig", ALL_FIGURES, ids=FIGURE_IDS)
def test_table_three_continues_on_the_next_page_with_every_row(fig, variant, layouts):
    grids = _section_grids(layouts[fig["slug"], variant], "t3")
    assert len({g.loc["page"] for g in grids}) >= 2, "table 三 should run onto a second page"
    expected = printed_rows(fig, "t3")
    assert _t3_rows(grids) == [(p.row.name, [text for _, text in p.cells]) for p in expected]
    header_again = "申请人情况" in "".join(c.text for row in grids[-1].rows[:2] for c in row if c is not None)
    assert header_again == (variant == "ruled_repeat")


@pytest.mark.parametrize("fig", ALL_FIGURES, ids=FIGURE_IDS)
def test_merged_boxes_come_back_once_with_their_spans(fig, layouts):
    grids = _section_grids(layouts[fig["slug"], "ruled"], "t3")
    outcome_rows = [p for p in printed_rows(fig, "t3") if p.row.role in ("outcome", "total_handled")]
    results = [(g, r, c, cell) for g in grids for r, row in enumerate(g.rows) for c, cell in enumerate(row)
               if cell is not None and normalize_label(cell.text) == "三、本年度办理结果"]
    assert len(results) == 1
    grid, r, c, cell = results[0]
    # the box runs to the page's last row, and on into the next page as an empty box of the same column
    assert (c, r + cell.rowspan) == (0, len(grid.rows))
    following = grids[grids.index(grid) + 1]
    first = next(i for i, row in enumerate(following.rows) if row[0] is not None and row[0].text == "")
    assert cell.rowspan + following.rows[first][0].rowspan == len(outcome_rows)
    denied = [cell for g in grids for row in g.rows for cell in row
              if cell is not None and normalize_label(cell.text) == normalize_label("（三）不予公开")]
    assert [(d.rowspan, d.colspan) for d in denied] == [(8, 1)]


@pytest.mark.parametrize("variant", ("ruled", "ruled_repeat"))
@pytest.mark.parametrize("fig", ALL_FIGURES, ids=FIGURE_IDS)
def test_table_four_is_fifteen_numbers_under_a_three_row_header(fig, variant, layouts):
    [grid] = _section_grids(layouts[fig["slug"], variant], "t4")
    assert (len(grid.rows), len(grid.rows[0])) == (4, 15)
    review = grid.rows[0][0]
    assert (review.text, review.rowspan, review.colspan) == ("行政复议", 2, 5)
    assert [c.text for c in grid.rows[3]] == [text for p in printed_rows(fig, "t4") for _, text in p.cells]


@pytest.mark.parametrize("fig", ALL_FIGURES, ids=FIGURE_IDS)
def test_table_two_follows_the_template_of_the_figures(fig, layouts):
    [grid] = _section_grids(layouts[fig["slug"], "ruled"], "t2")
    labels = [normalize_label(row[0].text) for row in grid.rows if row[0] is not None]
    for row in table_def(fig, "t2").rows:
        assert normalize_label(row.label) in labels
    captions = [c.text for row in grid.rows for c in row if c is not None and c.text.startswith("第二十条")]
    assert len(captions) == (5 if fig["template"] == "2019" else 4)


def test_unruled_pages_have_no_table_rules_and_are_read_by_position(rendered, layouts):
    data = rendered[HULAN["slug"], "unruled"]
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert all(page.find_tables() == [] for page in pdf.pages)
        assert all(page.lines == [] and page.rects == [] for page in pdf.pages)
    grids = [b for b in layouts[HULAN["slug"], "unruled"].blocks if isinstance(b, Grid)]
    assert grids and all(g.loc.get("ruled") is False for g in grids)


# ------------------------------------------------------------------ cells that are harder to read
def _with_raw(fig: dict, changes: dict[tuple[str, str, str], str]) -> dict:
    fig = copy.deepcopy(fig)
    for key, raw in changes.items():
        fig["_index"][key]["raw"] = raw
    return fig


@pytest.mark.parametrize("variant", VARIANTS)
def test_notes_wrapping_inside_a_value_box_are_read_with_their_number(variant):
    fig = _with_raw(HULAN, {("t3", "granted", "natural_person"): "12（含转办1件）",
                            ("t2", "normative_document", "issued"): "4（其中修订1件）"})
    report = extract(render_pdf(fig, variant), "notes.pdf")
    assert_report_matches(report, fig)
    assert report.value("t3", "granted", "natural_person") == 12


@pytest.mark.parametrize("variant", ("ruled", "unruled"))
def test_a_column_left_blank_on_every_row_keeps_its_place(variant):
    """Unruled: a column with no number anywhere is found from its header, and on the continuation page
    (no header there) from the columns of the page before."""
    fig = _with_raw(HULAN, {("t3", r.name, "commercial_enterprise"): "" for r in table_def(HULAN, "t3").rows})
    for r in table_def(HULAN, "t3").rows:
        fig["_index"]["t3", r.name, "commercial_enterprise"]["value"] = 0
    report = extract(render_pdf(fig, variant), "blank-column.pdf")
    assert_report_matches(report, fig)
    assert {c.semantic for c in report.cells if c.column == "commercial_enterprise" and c.table == "t3"} == {"blank"}


# ------------------------------------------------------------------ titles, dates, encodings
@pytest.mark.parametrize("variant", VARIANTS)
def test_title_from_metadata_when_sensible_else_from_the_page(variant, layouts):
    layout = layouts[HULAN["slug"], variant]
    stated = metadata_title(HULAN, variant)
    assert layout.meta.get("title", "untitled") == (stated or "untitled")
    assert layout.title == HULAN["title"]


@pytest.mark.parametrize("title, sensible", [
    ("呼兰区2023年政府信息公开工作年度报告", "呼兰区2023年政府信息公开工作年度报告"),
    ("Microsoft Word - 呼兰区2023年政府信息公开工作年度报告.docx", "呼兰区2023年政府信息公开工作年度报告"),
    ("untitled", None), ("Document1", None), ("P020240115382295081505.pdf", None), ("", None), (None, None)])
def test_metadata_titles_that_are_placeholders_are_ignored(title, sensible):
    assert _sensible_title(title) == sensible


def test_publication_date_stated_on_the_page_is_read():
    out = io.BytesIO()
    pages = Pages(out, None, "某区人民政府")
    pages.text_line("某区2023年政府信息公开工作年度报告", PAGE_W / 2, BODY_SIZE, centred=True)
    pages.text_line("发布日期：2024年1月20日", MARGIN_X, BODY_SIZE)
    pages.paragraph("正文。")
    pages.finish()
    layout = read_pdf(out.getvalue())
    assert layout.published == "2024-01-20"
    assert layout.title == "某区2023年政府信息公开工作年度报告"  # no metadata title: the first centred line


def test_permissions_only_encryption_still_reads_with_its_chinese_text():
    """No password needed to open (only copying/printing restricted). reportlab writes this file's CID font
    system info undecryptable, so the reader maps the font's Adobe-GB1 CIDs itself."""
    report = extract(render_encrypted_pdf(HULAN, user_password=""), "locked.pdf")
    assert_report_is(report, HULAN)


# ------------------------------------------------------------------ LibreOffice's PDF of our DOCX
needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None,
                                   reason="LibreOffice (soffice) is not installed; it prints the DOCX to PDF")


@needs_soffice
@pytest.mark.parametrize("template", sorted(BY_TEMPLATE))
def test_pdf_printed_by_libreoffice_from_docx_comes_back_cell_for_cell(template):
    docx = pytest.importorskip("renderers.docx", reason="the DOCX renderer is not there yet")
    ole = pytest.importorskip("extractors.ole", reason="the LibreOffice converter is not there yet")
    fig = BY_TEMPLATE[template]
    variants = list(docx.VARIANTS)
    variant = variants[0] if template == "2021" else variants[-1]  # two conversions: LibreOffice is slow
    pdf = ole.convert_with_libreoffice(docx.render_docx(fig, variant), "docx", "pdf")
    report = extract(pdf, f"{fig['slug']}-{variant}-libreoffice.pdf")
    assert_report_is(report, fig)
    grids = _section_grids(read_pdf(pdf), "t3")
    assert [name for name, _ in _t3_rows(grids)] == [r.name for r in table_def(fig, "t3").rows]
    assert len({g.loc["page"] for g in grids}) >= 2


# ------------------------------------------------------------------ errors
@pytest.mark.parametrize("data, reason", [
    (b"%PDF-1.7\n" + b"\x00garbage " * 50 + b"\n%%EOF\n", "corrupt"),
    (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF", "corrupt"),
])
def test_corrupt_pdf_is_a_clear_error(data, reason):
    with pytest.raises(ExtractionError) as err:
        extract(data, "broken.pdf")
    assert err.value.reason == reason
    assert "PDF" in err.value.message and "Traceback" not in err.value.message


def test_bytes_that_are_no_pdf_are_refused_by_the_reader():
    with pytest.raises(ExtractionError) as err:
        read_pdf(b"<html><body>404 Not Found</body></html>")
    assert (err.value.reason, err.value.message) == ("corrupt", "not a PDF file (no %PDF header)")


@pytest.mark.parametrize("cut", [0.3, 0.9])
def test_truncated_pdf_is_corrupt(cut, rendered):
    data = rendered[HULAN["slug"], "ruled"]
    with pytest.raises(ExtractionError) as err:
        extract(data[:int(len(data) * cut)], "truncated.pdf")
    assert err.value.reason == "corrupt"
    assert "truncated" in err.value.message


def test_encrypted_pdf_asks_for_its_password():
    with pytest.raises(ExtractionError) as err:
        extract(render_encrypted_pdf(HULAN), "secret.pdf")
    assert err.value.reason == "encrypted"
    assert "password" in err.value.message


def test_image_only_pdf_needs_ocr():
    data = render_image_only_pdf()
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert pdf.pages[0].images and pdf.pages[0].chars == []
    with pytest.raises(ExtractionError) as err:
        extract(data, "scan.pdf")
    # with the OCR extra the page is rendered and read: this one has no text at all
    assert err.value.reason == "no_text_layer" and err.value.message.startswith("no text layer")
