"""Word (DOCX) renderings of a report's figures, with the merged-cell tables real portals publish."""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import datetime

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from renderers.common import section_title, title_of
from renderers.design import TableDesign, t2_designs, t3_design, t4_design
from renderers.prose import closing_sections, intro_paragraphs


@dataclass(frozen=True)
class Variant:
    """How one Word layout draws the same tables."""
    one_t2_table: bool  # table 二 as one table of captioned blocks, else one table per block
    vertical_merges: bool  # vMerge; else a tall cell's text sits in its first row, empty cells below
    styled_headings: bool  # Word's Title/Heading styles, else bold Normal paragraphs
    split_headers: bool  # header words broken over rows/lines and 三、本年度办理结果 on a row of its own


VARIANTS = {
    # as the form is drawn: one table 二, real gridSpan/vMerge everywhere
    "merged": Variant(one_t2_table=True, vertical_merges=True, styled_headings=True, split_headers=False),
    # as some portals type it: no vertical merges at all
    "simple": Variant(one_t2_table=False, vertical_merges=False, styled_headings=False, split_headers=False),
    # as narrow Word columns print it: 商业/企业 over two header rows, 结/果/维/持 one character a line
    "split_headers": Variant(one_t2_table=False, vertical_merges=True, styled_headings=False, split_headers=True),
}

TEXT_WIDTH_CM = 17.0  # A4 with 2 cm margins
# Column weights (label columns, then each value column) for 10.5 pt text across 17 cm.
T2_WEIGHTS = (4.0, 3.0)
T3_WEIGHTS = (1.4, 1.6, 4.5, 1.35)
SECTION_HEADING = re.compile(r"^[一二三四五六七八九十]、.{2,30}$")


def render_docx(fig: dict, variant: str) -> bytes:
    """A whole annual report as a .docx: title, narrative sections and tables 二, 三, 四."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown DOCX variant {variant!r}; expected one of {list(VARIANTS)}")
    style = VARIANTS[variant]
    doc = Document()
    doc.styles["Normal"].font.size = Pt(10.5)
    page = doc.sections[0]
    page.page_width, page.page_height = Cm(21.0), Cm(29.7)
    page.left_margin = page.right_margin = Cm(2.0)
    props = doc.core_properties
    props.title = title_of(fig)
    props.author = fig["publisher"]
    props.last_modified_by = fig["publisher"]
    props.subject = "政府信息公开工作年度报告"
    props.comments = ""
    props.keywords = ""
    # 条例 asks for the report by 1月31日 of the next year; a date near it beats the blank template's 2013.
    props.created = props.modified = datetime(fig["year"] + 1, 1, 20, 9, 0)

    headed = style.styled_headings
    _title(doc, title_of(fig), headed)
    for text in intro_paragraphs(fig):
        _prose(doc, text, headed)
    _heading(doc, section_title("t2"), headed)
    for design in t2_designs(fig, one_table=style.one_t2_table, weights=T2_WEIGHTS, centre_label_heads=False):
        _draw(doc, design, style.vertical_merges)
        if not style.one_t2_table:
            doc.add_paragraph("")
    _heading(doc, section_title("t3"), headed)
    t3 = t3_design(fig, split_headers=style.split_headers, weights=T3_WEIGHTS, centre_label_heads=False)
    _draw(doc, t3, style.vertical_merges)
    _heading(doc, section_title("t4"), headed)
    _draw(doc, t4_design(fig, split_headers=style.split_headers, tall_review=False), style.vertical_merges)
    for text in closing_sections(fig):
        _prose(doc, text, headed)
    signature = doc.add_paragraph(fig["publisher"])
    signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _prose(doc, text: str, styled: bool) -> None:
    if SECTION_HEADING.match(text):
        _heading(doc, text, styled)
    else:
        doc.add_paragraph(text)


def _title(doc, text: str, styled: bool) -> None:
    if styled:
        doc.add_heading(text, level=0)
        return
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(text)
    run.bold = True
    run.font.size = Pt(16)


def _heading(doc, text: str, styled: bool) -> None:
    if styled:
        doc.add_heading(text, level=1)
    else:
        doc.add_paragraph().add_run(text).bold = True


def _draw(doc, design: TableDesign, vertical_merges: bool):
    """Draw a table; a cell spanning rows is either merged (vMerge) or left as text in its first row only."""
    table = doc.add_table(rows=design.n_rows, cols=design.n_cols)
    table.style = "Table Grid"
    # python-docx's table.cell() re-walks the whole table on every call; take the cells once, before
    # any merge (merges below never touch a cell outside their own rectangle).
    cells = [row.cells for row in table.rows]
    if design.weights:
        total = sum(design.weights)
        for c, (column, weight) in enumerate(zip(table.columns, design.weights)):
            column.width = Cm(TEXT_WIDTH_CM * weight / total)
            for row in cells:  # Word reads the cells' widths, LibreOffice the grid's
                row[c].width = column.width
    for placed in design.cells:
        rowspan = placed.rowspan if vertical_merges else 1
        cell = cells[placed.row][placed.col]
        if rowspan > 1 or placed.colspan > 1:
            cell = cell.merge(cells[placed.row + rowspan - 1][placed.col + placed.colspan - 1])
        cell.text = placed.text
        if placed.centred:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        if not vertical_merges and placed.colspan > 1:
            # the rows a vertical span would have covered keep its width as empty merged cells
            for below in range(placed.row + 1, placed.row + placed.rowspan):
                cells[below][placed.col].merge(cells[below][placed.col + placed.colspan - 1])
    return table
