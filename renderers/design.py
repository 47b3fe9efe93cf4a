"""The printed forms of tables 二, 三 and 四 as grids of spanning cells, which the DOCX and PDF renderers draw."""
from __future__ import annotations

from dataclasses import dataclass, replace

from extractors.template import (T2_CONTENT, T3_APPLICANTS, T3_COLUMNS, T3_CORNER, T3_ORGANISATIONS, T3_RESULTS, T4,
                                 T4_LITIGATION)
from renderers.common import printed_rows, t2_blocks, table_def

# Parameters the formats set differently:
#   weights             relative column widths, as the label columns' weights followed by the one weight every
#                       value column takes; each format's fonts and page decide how wide a label must be.
#   centre_label_heads  the label columns' heads and groups (信息内容, table 三's corner, 三、本年度办理结果,
#                       （三）不予公开 ...) centred, else left-aligned like the row labels under them.
#   split_headers       header words broken over rows or lines, as narrow Word columns print them.


@dataclass
class Placed:
    """One printed cell of a table: its top-left grid position, its span, its text and alignment."""
    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1
    centred: bool = True


@dataclass
class TableDesign:
    n_rows: int
    n_cols: int
    cells: list[Placed]
    weights: tuple[float, ...] = ()  # relative column widths; uniform when empty
    header_rows: int = 0  # the rows that head the table, which a continuation page may repeat


def _spread(weights: tuple[float, ...], n_values: int) -> tuple[float, ...]:
    *labels, value = weights
    return tuple(labels) + (value,) * n_values


def t2_designs(fig: dict, one_table: bool, weights: tuple[float, float],
               centre_label_heads: bool) -> list[TableDesign]:
    """Table 二: per clause a caption row, a header row and its rows; the last value stretches to the width.
    One table holding every block, or one table per block."""
    t2 = table_def(fig, "t2")
    width = 1 + max(len(t2.columns_of(r)) for r in t2.rows)
    designs = []
    for caption, rows in t2_blocks(fig):
        cells = [Placed(0, 0, caption, colspan=width)]
        header = [c.label for c, _ in rows[0].cells]
        cells += _stretched_row(1, T2_CONTENT, centre_label_heads, header, width)
        for i, printed in enumerate(rows):
            cells += _stretched_row(2 + i, printed.row.label, False, [text for _, text in printed.cells], width)
        designs.append(TableDesign(2 + len(rows), width, cells, _spread(weights, width - 1)))
    if not one_table:
        return designs
    combined, offset = [], 0
    for design in designs:
        combined += [replace(c, row=c.row + offset) for c in design.cells]
        offset += design.n_rows
    return [TableDesign(offset, width, combined, designs[0].weights)]


def _stretched_row(row: int, label: str, label_centred: bool, texts: list[str], width: int) -> list[Placed]:
    cells = [Placed(row, 0, label, centred=label_centred)]
    for i, text in enumerate(texts):
        last = i == len(texts) - 1
        cells.append(Placed(row, 1 + i, text, colspan=width - 1 - i if last else 1))
    return cells


def t3_design(fig: dict, split_headers: bool, weights: tuple[float, float, float, float],
              centre_label_heads: bool) -> TableDesign:
    """Table 三 as on the form: a three-level header and the outcome rows grouped under 三、本年度办理结果."""
    label_cols, n_values = 3, len(T3_COLUMNS)
    organisations = T3_COLUMNS[1:-1]
    top = 4 if split_headers else 3
    cells = [
        Placed(0, 0, "" if split_headers else T3_CORNER, rowspan=top, colspan=label_cols,
               centred=centre_label_heads),
        Placed(0, label_cols, T3_APPLICANTS, colspan=n_values),
        Placed(1, label_cols, T3_COLUMNS[0].label, rowspan=top - 1),
        Placed(1, label_cols + 1, T3_ORGANISATIONS, colspan=len(organisations)),
        Placed(1, label_cols + n_values - 1, T3_COLUMNS[-1].label, rowspan=top - 1),
    ]
    for i, column in enumerate(organisations):
        if split_headers:  # 商业|企业, 社会公益|组织: the last two characters drop to the next row
            head, tail = (column.label[:-2], column.label[-2:]) if len(column.label) > 2 else (column.label, "")
            cells += [Placed(2, label_cols + 1 + i, head), Placed(3, label_cols + 1 + i, tail)]
        else:
            cells.append(Placed(2, label_cols + 1 + i, column.label))

    rows = printed_rows(fig, "t3")
    results = [i for i, p in enumerate(rows) if p.row.role in ("outcome", "total_handled")]
    if split_headers:  # 三、本年度办理结果 gets a row of its own; the rows below leave its column empty
        cells.append(Placed(top + results[0], 0, T3_RESULTS, colspan=label_cols, centred=centre_label_heads))
        cells += [Placed(top + results[0], label_cols + j, "", centred=False) for j in range(n_values)]
        rows_at = [top + i + (1 if i >= results[0] else 0) for i in range(len(rows))]
    else:
        cells.append(Placed(top + results[0], 0, T3_RESULTS, rowspan=len(results), centred=centre_label_heads))
        rows_at = [top + i for i in range(len(rows))]
    for i, printed in enumerate(rows):
        r, row = rows_at[i], printed.row
        if row.role in ("input", "carried_forward"):
            cells.append(Placed(r, 0, row.label, colspan=3, centred=False))
        elif row.group is None:
            cells.append(Placed(r, 1, row.label, colspan=2, centred=False))
        else:
            if i == 0 or rows[i - 1].row.group != row.group:
                size = sum(1 for p in rows if p.row.group == row.group)
                cells.append(Placed(r, 1, row.group, rowspan=size, centred=centre_label_heads))
            cells.append(Placed(r, 2, row.label, centred=False))
        cells += [Placed(r, label_cols + j, text) for j, (_, text) in enumerate(printed.cells)]
    return TableDesign(rows_at[-1] + 1, label_cols + n_values, cells, _spread(weights, n_values), header_rows=top)


def t4_design(fig: dict, split_headers: bool, tall_review: bool) -> TableDesign:
    """Table 四: 行政复议 and 行政诉讼 (two kinds) over their five result columns, the 15 numbers in one row.
    `tall_review`: 行政复议 two rows tall, its result labels level with 行政诉讼's; else its labels are the
    two-row-tall ones."""
    n = len(T4.columns)
    review, direct, after_review = T4.rows
    labels = ["\n".join(c.label) if split_headers else c.label for c in T4.columns]
    cells = [Placed(0, 0, review.label, rowspan=2 if tall_review else 1, colspan=n),
             Placed(0, n, T4_LITIGATION, colspan=2 * n),
             Placed(1, n, direct.label, colspan=n),
             Placed(1, 2 * n, after_review.label, colspan=n)]
    if not tall_review:
        cells += [Placed(1, j, label, rowspan=2) for j, label in enumerate(labels)]
    for block in (0, 1, 2) if tall_review else (1, 2):
        cells += [Placed(2, block * n + j, label) for j, label in enumerate(labels)]
    values = [text for printed in printed_rows(fig, "t4") for _, text in printed.cells]
    cells += [Placed(3, j, text) for j, text in enumerate(values)]
    return TableDesign(4, 3 * n, cells, header_rows=3)
