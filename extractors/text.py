"""Plain-text reports, including tables flattened one cell per line (the layout of text exports of Word files).

In that layout a table row is a group of cells separated from the next by a blank line; a cell is a
line that starts with a tab, and lines that follow it without a tab continue it (a label broken over
lines: 社会\\n公益\\n组织). A line with no tab after a blank line is an ordinary paragraph.
"""
from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from extractors.model import ExtractionError, Grid, GridCell, Layout, Paragraph


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GB2312/GBK), else what charset-normalizer finds."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace")
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    best = from_bytes(data).best()
    if best is None:
        raise ExtractionError("corrupt", "the text is in no encoding we can detect")
    return str(best)


def read_text(data: bytes) -> Layout:
    text = decode_text(data).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ExtractionError("empty", "the file is empty")
    blocks: list = []
    rows: list[list[GridCell]] = []  # rows of the grid being read
    row: list[GridCell] = []
    in_cell = False  # the previous line was part of a cell (so an untabbed line continues it)

    def end_row():
        nonlocal row
        if row:
            rows.append(row)
        row = []

    def end_grid():
        end_row()
        if rows:
            blocks.append(Grid([list(r) for r in rows], loc={"line": rows[0][0].loc["line"]}))
            rows.clear()

    for number, line in enumerate(text.split("\n"), start=1):
        if line.startswith("\t"):
            row.append(GridCell(line.strip(), {"line": number}))
            in_cell = True
        elif line.strip() == "":
            end_row()
            in_cell = False
        elif in_cell:
            cell = row[-1]
            cell.text = (cell.text + "\n" + line.strip()).strip()
        else:
            end_grid()
            blocks.append(Paragraph(line.strip(), {"line": number}))
    end_grid()
    return Layout(blocks=blocks, media_type="text/plain")
