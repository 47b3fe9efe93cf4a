"""Word documents: our DOCX renderings (and DOC/WPS made from them by LibreOffice) read back cell for cell,
and the DOCX reader's grid rules (spans, document order, grid offsets, nested tables, damaged files)."""
from __future__ import annotations

import io
import shutil
import zipfile
from concurrent.futures import ThreadPoolExecutor

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement

from extractors import extract
from extractors.docx import DOCX_MEDIA_TYPE, ENCRYPTED_PACKAGE, read_docx
from extractors.model import ExtractionError, Grid, Paragraph
from extractors.ole import WORD_STREAM, convert_with_libreoffice, read_ole
from extractors.sniff import OLE_MAGIC
from extractors.template import (T3_2019, T3_2021, T3_APPLICANTS, T3_COLUMNS, T3_ORGANISATIONS, T3_RESULTS, T4,
                                 T4_LITIGATION)
from renderers.common import printed, printed_rows, section_title, table_def
from renderers.docx import VARIANTS, render_docx
from renderers.text import t2_blocks
from tests.conftest import ALL_FIGURES, FIGURE_IDS, assert_report_matches

BY_TEMPLATE = {fig["template"]: fig for fig in reversed(ALL_FIGURES)}  # the first figures file of each template
DENIED = T3_2021.row("denied_state_secret").group
needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None,
                                   reason="LibreOffice (soffice) is not installed; DOC/WPS need it to convert")


@pytest.fixture(scope="module")
def rendered() -> dict[tuple[str, str], bytes]:
    return {(fig["slug"], variant): render_docx(fig, variant) for fig in ALL_FIGURES for variant in VARIANTS}


def assert_report_is(report, fig: dict, media_type: str) -> None:
    """assert_report_matches, and the raw texts, title, narrative and media type a Word document carries."""
    assert_report_matches(report, fig)
    assert [c.raw for c in report.cells] == [printed(fig, c.table, c.row, c.column) for c in report.cells]
    assert (report.title, report.region_name) == (fig["title"], fig["region_name"])
    received = fig.get("narrative", {}).get("applications_received")
    if received is not None:
        assert [(n.fact, n.value) for n in report.narrative if n.fact == "applications_received"] == [
            ("applications_received", received)]
    assert report.media_type == media_type


# ------------------------------------------------------------------ every figures file, every variant

@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("fig", ALL_FIGURES, ids=FIGURE_IDS)
def test_docx_comes_back_cell_for_cell(fig, variant, rendered):
    report = extract(rendered[fig["slug"], variant], f"{fig['slug']}-{variant}.docx")
    assert_report_is(report, fig, DOCX_MEDIA_TYPE)


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("fig", ALL_FIGURES, ids=FIGURE_IDS)
def test_layout_title_and_section_order(fig, variant, rendered):
    layout = read_docx(rendered[fig["slug"], variant])
    assert layout.title == fig["title"]
    assert layout.meta["author"] == fig["publisher"]
    texts = [b.text for b in layout.blocks if isinstance(b, Paragraph)]
    assert texts[0] == fig["title"]
    headings = [texts.index(section_title(t)) for t in ("t2", "t3", "t4")]
    assert headings == sorted(headings)
    t2_grids = sum(1 for b in _between(layout, section_title("t2"), section_title("t3")) if isinstance(b, Grid))
    assert t2_grids == (1 if variant == "merged" else len(t2_blocks(fig)))


def _between(layout, start: str, stop: str):
    inside = False
    for block in layout.blocks:
        if isinstance(block, Paragraph) and block.text in (start, stop):
            inside = block.text == start
        elif inside:
            yield block


def _grid_after(layout, heading: str) -> Grid:
    return next(b for b in _between(layout, heading, "\0") if isinstance(b, Grid))


def _texts(row) -> list[str | None]:
    return [None if c is None else c.text for c in row]


@pytest.mark.parametrize("fig", ALL_FIGURES, ids=FIGURE_IDS)
def test_table_three_is_merged_as_on_the_form(fig, rendered):
    grid = _grid_after(read_docx(rendered[fig["slug"], "merged"]), section_title("t3"))
    rows = printed_rows(fig, "t3")
    assert (len(grid.rows), len(grid.rows[0])) == (3 + len(rows), 10)
    # three-level header: 申请人情况 over 7 columns, 法人或其他组织 over 5, 自然人 and 总计 two rows tall
    applicants, organisations = grid.rows[0][3], grid.rows[1][4]
    assert (applicants.text, applicants.colspan) == (T3_APPLICANTS, 7)
    assert (organisations.text, organisations.colspan) == (T3_ORGANISATIONS, 5)
    assert (grid.rows[1][3].text, grid.rows[1][3].rowspan) == (T3_COLUMNS[0].label, 2)
    assert (grid.rows[1][9].text, grid.rows[1][9].rowspan) == (T3_COLUMNS[-1].label, 2)
    assert grid.rows[2][3] is None and grid.rows[2][9] is None
    # 三、本年度办理结果 once, over every outcome row and （七）总计: 22 rows, or 20 with one （六）其他处理 row
    results = grid.rows[5][0]
    expected_height = 20 if table_def(fig, "t3") is T3_2019 else 22
    assert (results.text, results.rowspan, results.loc) == (T3_RESULTS, expected_height,
                                                            {"table": results.loc["table"], "row": 5, "col": 0})
    assert all(grid.rows[r][0] is None for r in range(6, 5 + expected_height))
    denied = grid.rows[7][1]
    assert (denied.text, denied.rowspan) == (DENIED, 8)
    for printed_row, grid_row in zip(rows, grid.rows[3:]):
        assert _texts(grid_row[3:]) == [text for _, text in printed_row.cells]


@pytest.mark.parametrize("fig", ALL_FIGURES, ids=FIGURE_IDS)
def test_simple_variant_has_no_vertical_merges(fig, rendered):
    layout = read_docx(rendered[fig["slug"], "simple"])
    grid = _grid_after(layout, section_title("t3"))
    assert all(c is None or c.rowspan == 1 for b in layout.blocks if isinstance(b, Grid) for row in b.rows for c in row)
    column = _texts(row[0] for row in grid.rows[5:-1])
    assert column == [T3_RESULTS] + [""] * (len(column) - 1)
    denied = [row[1].text for row in grid.rows[7:15]]
    assert denied == [DENIED] + [""] * 7


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("fig", ALL_FIGURES, ids=FIGURE_IDS)
def test_table_four_is_one_row_of_fifteen(fig, variant, rendered):
    grid = _grid_after(read_docx(rendered[fig["slug"], variant]), section_title("t4"))
    assert len(grid.rows) == 4 and len(grid.rows[0]) == 15
    assert _texts(grid.rows[3]) == [text for row in printed_rows(fig, "t4") for _, text in row.cells]
    assert [(c.text, c.colspan) for c in grid.rows[0] if c is not None] == [(T4.rows[0].label, 5), (T4_LITIGATION, 10)]


def test_table_three_2021_has_three_other_rows():
    fig = BY_TEMPLATE["2021"]
    if table_def(fig, "t3") is not T3_2021:
        pytest.skip("the first 2021 figures file prints （六）其他处理 as one row")
    grid = _grid_after(read_docx(render_docx(fig, "merged")), section_title("t3"))
    other = next(c for row in grid.rows for c in row if c is not None and c.text == T3_2021.row("other_other").group)
    assert other.rowspan == 3


# ------------------------------------------------------------------ the reader's grid rules

def _docx_bytes(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_merged_cell_text_appears_once_and_covered_positions_are_none():
    document = Document()
    table = document.add_table(rows=4, cols=3)
    table.cell(0, 0).merge(table.cell(1, 1)).text = "two by two"
    table.cell(2, 0).merge(table.cell(2, 1)).text = "wide"
    for r, text in enumerate("abc"):
        table.cell(r, 2).text = text
    for c, text in enumerate("pqr"):
        table.cell(3, c).text = text
    (grid,) = read_docx(_docx_bytes(document)).blocks
    assert [[None if c is None else (c.text, c.rowspan, c.colspan) for c in row] for row in grid.rows] == [
        [("two by two", 2, 2), None, ("a", 1, 1)],
        [None, None, ("b", 1, 1)],
        [("wide", 1, 2), None, ("c", 1, 1)],
        [("p", 1, 1), ("q", 1, 1), ("r", 1, 1)],
    ]
    assert grid.rows[2][2].loc == {"table": 0, "row": 2, "col": 2}


def test_paragraphs_and_tables_keep_document_order():
    document = Document()
    document.add_paragraph("first")
    document.add_table(rows=1, cols=1).cell(0, 0).text = "table one"
    document.add_paragraph("")
    document.add_paragraph("second")
    document.add_table(rows=1, cols=1).cell(0, 0).text = "table two"
    document.add_paragraph("third")
    blocks = read_docx(_docx_bytes(document)).blocks
    assert [b.text if isinstance(b, Paragraph) else b.rows[0][0].text for b in blocks] == [
        "first", "table one", "second", "table two", "third"]
    assert [b.loc for b in blocks] == [{"paragraph": 0}, {"table": 0}, {"paragraph": 2}, {"table": 1},
                                       {"paragraph": 3}]


def test_content_controls_are_looked_through():
    document = Document()
    paragraph = document.add_paragraph("inside a content control")._p
    sdt, content = OxmlElement("w:sdt"), OxmlElement("w:sdtContent")
    paragraph.addprevious(sdt)
    sdt.append(content)
    content.append(paragraph)
    document.add_paragraph("after")
    assert [b.text for b in read_docx(_docx_bytes(document)).blocks] == ["inside a content control", "after"]


def _set(parent, tag: str, val: str):
    element = OxmlElement(tag)
    element.set(qn("w:val"), val)
    parent.append(element)


def test_grid_before_and_after_become_empty_cells():
    document = Document()
    table = document.add_table(rows=2, cols=3)
    for c, text in enumerate(["x", "y", "z"]):
        table.cell(0, c).text = text
    row = table.rows[1]._tr
    cells = row.findall(qn("w:tc"))
    row.remove(cells[0])
    row.remove(cells[2])
    cells[1].clear_content()
    cells[1].add_p().add_r().text = "middle"
    tr_pr = row.get_or_add_trPr()
    _set(tr_pr, "w:gridBefore", "1")
    _set(tr_pr, "w:gridAfter", "1")
    (grid,) = read_docx(_docx_bytes(document)).blocks
    assert [_texts(r) for r in grid.rows] == [["x", "y", "z"], ["", "middle", ""]]


def test_nested_table_text_is_flattened_into_its_cell():
    document = Document()
    outer = document.add_table(rows=1, cols=2)
    outer.cell(0, 0).text = "规章"
    cell = outer.cell(0, 1)
    cell.text = "见下表"
    inner = cell.add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "22"
    inner.cell(0, 1).text = "（其中修订16件）"
    (grid,) = read_docx(_docx_bytes(document)).blocks
    assert _texts(grid.rows[0]) == ["规章", "见下表\n22\n（其中修订16件）"]


def test_line_breaks_non_breaking_spaces_and_hidden_text():
    document = Document()
    cell = document.add_table(rows=1, cols=1).cell(0, 0)
    paragraph = cell.paragraphs[0]
    paragraph.add_run("\xa0社会\n公益 ")
    paragraph.add_run("秘密").font.hidden = True
    cell.add_paragraph("组织\u3000")
    cell.add_paragraph("")
    (grid,) = read_docx(_docx_bytes(document)).blocks
    assert grid.rows[0][0].text == "社会\n公益\n组织"


def _grid_with_widths(widths: list[int], rows: list[list[tuple[str, int]]]) -> Grid:
    """A table whose tblGrid has the given widths (twips) and whose rows are (text, gridSpan) cells."""
    document = Document()
    table = document.add_table(rows=len(rows), cols=len(widths))
    tbl = table._tbl
    for col, width in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths):
        col.set(qn("w:w"), str(width))
    for tr, cells in zip(tbl.tr_lst, rows):
        for tc in tr.findall(qn("w:tc")):
            tr.remove(tc)
        for text, span in cells:
            tc = OxmlElement("w:tc")
            tc_pr = OxmlElement("w:tcPr")
            if span > 1:
                _set(tc_pr, "w:gridSpan", str(span))
            tc.append(tc_pr)
            paragraph = OxmlElement("w:p")
            tc.append(paragraph)
            if text:
                run = OxmlElement("w:r")
                t = OxmlElement("w:t")
                t.text = text
                run.append(t)
                paragraph.append(run)
            tr.append(tc)
    (grid,) = read_docx(_docx_bytes(document)).blocks
    return grid


def test_sliver_grid_column_is_folded_away():
    # LibreOffice writes such 1-twip columns where rows' cell edges disagree by a rounding error
    grid = _grid_with_widths([2000, 1, 2000], [[("行政复议", 2), ("行政诉讼", 1)], [("4", 1), ("1", 2)]])
    assert [[None if c is None else (c.text, c.colspan) for c in row] for row in grid.rows] == [
        [("行政复议", 1), ("行政诉讼", 1)], [("4", 1), ("1", 1)]]


def test_narrow_column_with_text_is_kept():
    grid = _grid_with_widths([2000, 1, 2000], [[("a", 1), ("b", 1), ("c", 1)], [("wide", 3)]])
    assert [_texts(row) for row in grid.rows] == [["a", "b", "c"], ["wide", None, None]]


def test_title_falls_back_to_first_paragraph_and_published_date_is_read():
    document = Document()
    document.add_paragraph("")
    document.add_paragraph("某某县2023年政府信息公开工作年度报告")
    document.add_paragraph("发布时间：2024-1-15")
    layout = read_docx(_docx_bytes(document))
    assert layout.title == "某某县2023年政府信息公开工作年度报告"
    assert layout.published == "2024-01-15"


def test_core_title_linked_the_libreoffice_way_is_still_found(rendered):
    # LibreOffice links docProps/core.xml with an "officedocument" relationship type python-docx ignores
    fig = ALL_FIGURES[0]
    source = zipfile.ZipFile(io.BytesIO(rendered[fig["slug"], "simple"]))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "_rels/.rels":
                data = data.replace(b"package/2006/relationships/metadata/core-properties",
                                    b"officedocument/2006/relationships/metadata/core-properties")
            target.writestr(item, data)
    assert read_docx(out.getvalue()).title == fig["title"]


@pytest.mark.parametrize("data", [
    b"this is not a word document",
    b"PK\x03\x04" + b"\x00" * 200,
    b"",
], ids=["text", "broken-zip", "empty"])
def test_unreadable_docx_is_a_clear_corrupt_error(data):
    with pytest.raises(ExtractionError) as caught:
        read_docx(data)
    assert caught.value.reason == "corrupt"
    assert "DOCX" in caught.value.message


def test_zip_without_a_document_and_truncated_docx_are_corrupt(rendered):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    whole = rendered[ALL_FIGURES[0]["slug"], "merged"]
    for data in (out.getvalue(), whole[: len(whole) // 2]):
        with pytest.raises(ExtractionError) as caught:
            read_docx(data)
        assert caught.value.reason == "corrupt"


def test_encrypted_office_file_is_reported_as_encrypted():
    data = OLE_MAGIC + b"\x00" * 504 + ENCRYPTED_PACKAGE + b"\x00" * 64
    for read in (read_docx, lambda d: read_ole(d, "doc")):
        with pytest.raises(ExtractionError) as caught:
            read(data)
        assert caught.value.reason == "encrypted"


# ------------------------------------------------------------------ DOC and WPS through LibreOffice

@pytest.fixture(scope="module")
def doc_files() -> dict[str, bytes]:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed; DOC/WPS need it to convert")
    return {template: convert_with_libreoffice(render_docx(fig, "merged"), ".docx", "doc")
            for template, fig in BY_TEMPLATE.items()}


@needs_soffice
@pytest.mark.parametrize("template", sorted(BY_TEMPLATE))
def test_doc_via_libreoffice_comes_back_cell_for_cell(template, doc_files):
    data = doc_files[template]
    assert data.startswith(OLE_MAGIC)
    assert_report_is(extract(data, "report.doc"), BY_TEMPLATE[template], "application/msword")


@needs_soffice
def test_wps_is_read_like_a_doc(doc_files):
    # WPS Office saves .wps as an OLE compound file in the Word 97 format
    fig = BY_TEMPLATE["2021"]
    layout = read_ole(doc_files["2021"], "wps")
    assert layout.media_type == "application/vnd.ms-works"
    assert layout.title == fig["title"]
    assert layout.meta["converted_by"] == "libreoffice"
    assert_report_is(extract(doc_files["2021"], "report.wps"), fig, "application/msword")


@needs_soffice
def test_parallel_conversions_do_not_share_a_profile(doc_files):
    with ThreadPoolExecutor(max_workers=2) as pool:
        layouts = list(pool.map(lambda kind: read_ole(doc_files["2021"], kind), ("doc", "wps")))
    assert [layout.title for layout in layouts] == [BY_TEMPLATE["2021"]["title"]] * 2


@needs_soffice
def test_damaged_doc_names_the_converters_failure(doc_files):
    whole = doc_files["2021"]
    directory = whole.find(WORD_STREAM) // 512 * 512
    damaged = whole[:512] + b"\x00" * (directory - 512) + whole[directory:]  # header and directory survive
    with pytest.raises(ExtractionError) as caught:
        read_ole(damaged, "doc")
    assert caught.value.reason == "corrupt"
    assert "LibreOffice could not convert" in caught.value.message
    assert "could not be loaded" in caught.value.message


def test_ole_file_without_a_word_stream_is_refused_before_converting():
    # LibreOffice would open such bytes as plain text and return mojibake, not an error
    with pytest.raises(ExtractionError) as caught:
        read_ole(OLE_MAGIC + b"\x13" * 4096, "doc")
    assert caught.value.reason == "corrupt"
    with pytest.raises(ExtractionError) as caught:
        read_ole(OLE_MAGIC + b"\x00" * 504 + "Workbook".encode("utf-16-le"), "doc")
    assert caught.value.reason == "unsupported_format"


@needs_soffice
def test_docx_converts_to_pdf(rendered):
    pdf = convert_with_libreoffice(rendered[ALL_FIGURES[0]["slug"], "merged"], "docx", "pdf")
    assert pdf.startswith(b"%PDF-")


def test_missing_libreoffice_asks_for_it(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ExtractionError) as caught:
        read_ole(OLE_MAGIC + b"\x00" * 504 + WORD_STREAM, "doc")
    assert caught.value.reason == "needs_libreoffice"
    assert "libreoffice-writer-nogui" in caught.value.message


def test_not_an_ole_file_is_corrupt():
    with pytest.raises(ExtractionError) as caught:
        read_ole(b"PK\x03\x04 not ole", "wps")
    assert caught.value.reason == "corrupt"
