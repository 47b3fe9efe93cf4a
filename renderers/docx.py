"""Word (DOCX) renderings of a report's figures, with the merged-cell tables real portals publish."""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import datetime

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from extractors.template import (T2_CONTENT, T3_APPLICANTS, T3_COLUMNS, T3_CORNER, T3_ORGANISATIONS, T3_RESULTS, T4,
                                 T4_LITIGATION)
from renderers.common import printed_rows, section_title, t2_blocks, table_def, title_of
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

# Printed words of the form that are headers, not template rows or columns, so template.py has no name for them.

TEXT_WIDTH_CM = 17.0  # A4 with 2 cm margins
SECTION_HEADING = re.compile(r"^[一二三四五六七八九十]、.{2,30}$")


@dataclass
class Placed:
    """One printed cell of a table: its top-left grid position, its span and its text."""
    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1
    centred: bool = False


@dataclass
class TableDesign:
    n_rows: int
    n_cols: int
    cells: list[Placed]
    weights: tuple[float, ...] = ()  # relative column widths; uniform when empty


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
    for design in _t2_designs(fig, one_table=style.one_t2_table):
        _draw(doc, design, style.vertical_merges)
        if not style.one_t2_table:
            doc.add_paragraph("")
    _heading(doc, section_title("t3"), headed)
    _draw(doc, _t3_design(fig, style.split_headers), style.vertical_merges)
    _heading(doc, section_title("t4"), headed)
    _draw(doc, _t4_design(fig, style.split_headers), style.vertical_merges)
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


def _t2_designs(fig: dict, one_table: bool) -> list[TableDesign]:
    """Table 二: per clause a caption row, a header row and its rows; the last column stretches to width."""
    t2 = table_def(fig, "t2")
    width = 1 + max(len(t2.columns_of(r)) for r in t2.rows)
    designs = []
    for caption, rows in t2_blocks(fig):
        cells = [Placed(0, 0, caption, colspan=width, centred=True)]
        header = [c.label for c, _ in rows[0].cells]
        cells += _stretched_row(1, T2_CONTENT, header, width)
        for i, printed in enumerate(rows):
            cells += _stretched_row(2 + i, printed.row.label, [text for _, text in printed.cells], width)
        designs.append(TableDesign(2 + len(rows), width, cells, (4.0,) + (3.0,) * (width - 1)))
    if not one_table:
        return designs
    combined, offset = [], 0
    for design in designs:
        combined += [Placed(c.row + offset, c.col, c.text, c.rowspan, c.colspan, c.centred) for c in design.cells]
        offset += design.n_rows
    return [TableDesign(offset, width, combined, designs[0].weights)]


def _stretched_row(row: int, label: str, texts: list[str], width: int) -> list[Placed]:
    cells = [Placed(row, 0, label)]
    for i, text in enumerate(texts):
        last = i == len(texts) - 1
        cells.append(Placed(row, 1 + i, text, colspan=width - 1 - i if last else 1, centred=True))
    return cells


def _t3_design(fig: dict, split_headers: bool) -> TableDesign:
    """Table 三 as on the form: a three-level header and the outcome rows grouped under 三、本年度办理结果."""
    label_cols, n_values = 3, len(T3_COLUMNS)
    organisations = T3_COLUMNS[1:-1]
    top = 4 if split_headers else 3
    cells = [
        Placed(0, 0, "" if split_headers else T3_CORNER, rowspan=top, colspan=label_cols),
        Placed(0, label_cols, T3_APPLICANTS, colspan=n_values, centred=True),
        Placed(1, label_cols, T3_COLUMNS[0].label, rowspan=top - 1, centred=True),
        Placed(1, label_cols + 1, T3_ORGANISATIONS, colspan=len(organisations), centred=True),
        Placed(1, label_cols + n_values - 1, T3_COLUMNS[-1].label, rowspan=top - 1, centred=True),
    ]
    for i, column in enumerate(organisations):
        if split_headers:  # 商业|企业, 社会公益|组织: the last two characters drop to the next row
            head, tail = (column.label[:-2], column.label[-2:]) if len(column.label) > 2 else (column.label, "")
            cells += [Placed(2, label_cols + 1 + i, head, centred=True),
                      Placed(3, label_cols + 1 + i, tail, centred=True)]
        else:
            cells.append(Placed(2, label_cols + 1 + i, column.label, centred=True))

    rows = printed_rows(fig, "t3")
    results = [i for i, p in enumerate(rows) if p.row.role in ("outcome", "total_handled")]
    if split_headers:  # 三、本年度办理结果 gets a row of its own; the rows below leave its column empty
        cells.append(Placed(top + results[0], 0, T3_RESULTS, colspan=label_cols))
        cells += [Placed(top + results[0], label_cols + j, "") for j in range(n_values)]
        rows_at = [top + i + (1 if i >= results[0] else 0) for i in range(len(rows))]
    else:
        cells.append(Placed(top + results[0], 0, T3_RESULTS, rowspan=len(results)))
        rows_at = [top + i for i in range(len(rows))]
    for i, printed in enumerate(rows):
        r, row = rows_at[i], printed.row
        if row.role in ("input", "carried_forward"):
            cells.append(Placed(r, 0, row.label, colspan=3))
        elif row.group is None:
            cells.append(Placed(r, 1, row.label, colspan=2))
        else:
            if i == 0 or rows[i - 1].row.group != row.group:
                size = sum(1 for p in rows if p.row.group == row.group)
                cells.append(Placed(r, 1, row.group, rowspan=size))
            cells.append(Placed(r, 2, row.label))
        cells += [Placed(r, label_cols + j, text, centred=True) for j, (_, text) in enumerate(printed.cells)]
    n_rows = rows_at[-1] + 1
    return TableDesign(n_rows, label_cols + n_values, cells, (1.4, 1.6, 4.5) + (1.35,) * n_values)


def _t4_design(fig: dict, split_headers: bool) -> TableDesign:
    """Table 四: 行政复议 and 行政诉讼 (two kinds) over their five result columns, the 15 numbers in one row."""
    n = len(T4.columns)
    review, direct, after_review = T4.rows
    labels = ["\n".join(c.label) if split_headers else c.label for c in T4.columns]
    cells = [Placed(0, 0, review.label, colspan=n, centred=True),
             Placed(0, n, T4_LITIGATION, colspan=2 * n, centred=True),
             Placed(1, n, direct.label, colspan=n, centred=True),
             Placed(1, 2 * n, after_review.label, colspan=n, centred=True)]
    cells += [Placed(1, j, label, rowspan=2, centred=True) for j, label in enumerate(labels)]
    for block in (1, 2):
        cells += [Placed(2, block * n + j, label, centred=True) for j, label in enumerate(labels)]
    values = [text for printed in printed_rows(fig, "t4") for _, text in printed.cells]
    cells += [Placed(3, j, text, centred=True) for j, text in enumerate(values)]
    return TableDesign(4, 3 * n, cells)
